import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import getPort from 'get-port';
import Redis, { Cluster } from 'ioredis';
import { eventually } from './eventually';
import { killRedis, passwordArgs, spawnRedis } from './redis-server';

const MASTERS = 3;

/**
 * A real three-master Redis Cluster (no replicas) on free loopback ports, made by `redis-cli --cluster
 * create`, owned by one test file. Never the machine's shared Redis on 6379.
 */
export class RedisClusterSetup {
  private readonly processes = new Map<number, ChildProcess>();

  private constructor(
    readonly ports: number[],
    private readonly dir: string,
    /** Every node requires it from clients and from each other (`requirepass`, `masterauth`). */
    private readonly password?: string,
  ) {}

  static async start(options: { password?: string } = {}): Promise<RedisClusterSetup> {
    const { password } = options;
    const ports: number[] = [];
    // Cluster bus ports are the data ports + 10000: keep both free and distinct.
    while (ports.length < MASTERS) {
      const port = await getPort({ host: '127.0.0.1', port: getPort.makeRange(20000, 50000) });
      if (!ports.includes(port)) ports.push(port);
    }
    const setup = new RedisClusterSetup(ports, mkdtempSync(join(tmpdir(), 'wave-cluster-')), password);
    for (const port of ports) {
      const child = await spawnRedis([
        ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', setup.dir],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', join(setup.dir, `nodes-${port}.conf`)],
        ...passwordArgs(password),
      ]);
      setup.processes.set(port, child);
    }
    await promisify(execFile)('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
      ...(password ? ['-a', password, '--no-auth-warning'] : []),
    ]);
    await eventually(
      'every node reports cluster_state:ok',
      async () => {
        for (const port of ports) {
          const node = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1, password });
          try {
            if (!/cluster_state:ok/.test((await node.call('CLUSTER', 'INFO')) as string)) return false;
          } finally {
            node.disconnect();
          }
        }
        return true;
      },
      30_000,
    );
    return setup;
  }

  /** `host:port` of every master, as REDIS_CLUSTER_NODES takes them. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  /** A plain cluster client for arranging and inspecting keys, as the orchestrator would. */
  client(): Cluster {
    return new Cluster(
      this.ports.map((port) => ({ host: '127.0.0.1', port })),
      { redisOptions: { maxRetriesPerRequest: 1, password: this.password } },
    );
  }

  /** Kills the master on `port` (SIGKILL, as a crash); with no replica, its slots stay without a master. */
  async kill(port: number): Promise<void> {
    await killRedis(this.processes.get(port));
  }

  async dispose(): Promise<void> {
    for (const child of this.processes.values()) await killRedis(child);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
