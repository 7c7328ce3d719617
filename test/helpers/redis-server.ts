import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import getPort from 'get-port';
import Redis from 'ioredis';
import type { TestCertificates } from './tls-certificates';

/** What a redis-server prints once it serves clients. */
const READY = /Ready to accept connections/;

/**
 * Starts `redis-server <args>` and resolves once it printed `ready` (a sentinel prints no "Ready" line).
 * Rejects with its output when it exits first.
 */
export async function spawnRedis(args: string[], ready: RegExp = READY): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve();
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  child.stdout!.removeAllListeners('data');
  child.stdout!.resume();
  child.removeAllListeners('exit');
  return child;
}

/** SIGKILL, as a crash: resolves once the process is gone. */
export async function killRedis(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

export interface RedisServerOptions {
  /**
   * Every acknowledged write survives a SIGKILL (append-only file, fsync on every write), so a restarted
   * server holds what clients were told happened. Off by default: a restart then starts empty.
   */
  durable?: boolean;
  /** Serve TLS only (no plain port) with these certificates; clients need not present one. */
  tls?: TestCertificates;
  /** More redis-server arguments, such as `--replicaof 127.0.0.1 <port>`. */
  extraArgs?: string[];
  /** Clients must AUTH with this password (`requirepass`); as a replica, it uses it on its master too (`masterauth`). */
  password?: string;
}

/** redis-server arguments that require `password` from clients and give it to a master. */
export function passwordArgs(password: string | undefined): string[] {
  return password ? ['--requirepass', password, '--masterauth', password] : [];
}

/**
 * A real redis-server on a free loopback port, owned by one test file, so a test can stop and
 * restart it. Never the machine's shared Redis on 6379.
 */
export class RedisServer {
  private process?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'wave-redis-'));

  private constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {}

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = await RedisServer.reserve(options);
    await server.launch();
    return server;
  }

  /** A port for a redis-server that is not running yet: `launch()` starts it, for a server that starts first. */
  static async reserve(options: RedisServerOptions = {}): Promise<RedisServer> {
    return new RedisServer(await getPort({ host: '127.0.0.1' }), options);
  }

  get url(): string {
    return `${this.options.tls ? 'rediss' : 'redis'}://127.0.0.1:${this.port}`;
  }

  async launch(): Promise<void> {
    const { durable, tls, extraArgs = [], password } = this.options;
    this.process = await spawnRedis([
      ...(tls
        ? ['--port', '0', '--tls-port', String(this.port), '--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile]
        : ['--port', String(this.port)]),
      ...(tls ? ['--tls-ca-cert-file', tls.caFile, '--tls-auth-clients', 'no'] : []),
      ...['--bind', '127.0.0.1', '--save', '', '--dir', this.dir],
      ...(durable ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
      ...passwordArgs(password),
      ...extraArgs,
    ]);
  }

  async stop(): Promise<void> {
    await killRedis(this.process);
    this.process = undefined;
  }

  /** A plain client for arranging and inspecting keys, as the orchestrator would. */
  client(): Redis {
    const tls = this.options.tls ? { tls: { ca: readFileSync(this.options.tls.caFile) } } : {};
    return new Redis(this.url, { maxRetriesPerRequest: 1, password: this.options.password, ...tls });
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
