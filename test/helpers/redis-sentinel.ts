import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import getPort from 'get-port';
import Redis from 'ioredis';
import { eventually } from './eventually';
import { killRedis, RedisServer, spawnRedis } from './redis-server';

/** How long a silent master takes to count as down, and how long a failover may take: short, for a test. */
const DOWN_AFTER_MS = 1000;
const FAILOVER_TIMEOUT_MS = 5000;

export interface SentinelSetupOptions {
  /** The master and replica require it (`requirepass`, `masterauth`); the Sentinel uses it on them (`auth-pass`). */
  password?: string;
  /** The Sentinel itself requires it (`requirepass` in its configuration). */
  sentinelPassword?: string;
}

/**
 * One master, one replica and one Sentinel watching them, each a real redis-server on a free loopback
 * port, owned by one test file. The Sentinel alone is a quorum, so it fails over by itself.
 */
export class RedisSentinelSetup {
  private readonly dir = mkdtempSync(join(tmpdir(), 'wave-sentinel-'));
  private sentinelProcess?: ChildProcess;
  /** Control connection to the Sentinel. */
  readonly sentinel: Redis;

  private constructor(
    readonly masterName: string,
    readonly servers: RedisServer[],
    readonly sentinelPort: number,
    private readonly options: SentinelSetupOptions,
  ) {
    this.sentinel = new Redis(sentinelPort, '127.0.0.1', { maxRetriesPerRequest: 1, password: options.sentinelPassword });
  }

  /** Starts the master, a replica in sync with it, and the Sentinel, which knows both before this resolves. */
  static async start(masterName = 'wave-test', options: SentinelSetupOptions = {}): Promise<RedisSentinelSetup> {
    const { password } = options;
    const master = await RedisServer.start({ password });
    const replica = await RedisServer.start({ password, extraArgs: ['--replicaof', '127.0.0.1', String(master.port)] });
    const setup = new RedisSentinelSetup(masterName, [master, replica], await getPort({ host: '127.0.0.1' }), options);
    await setup.launchSentinel(master.port);
    await setup.replicaInSync();
    return setup;
  }

  /** `host:port` of the Sentinel, as REDIS_SENTINELS takes it. */
  get sentinels(): string {
    return `127.0.0.1:${this.sentinelPort}`;
  }

  /** The port of the server the Sentinel currently names as master. */
  async masterPort(): Promise<number> {
    const [, port] = (await this.sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.masterName)) as [string, string];
    return Number(port);
  }

  /** The running server with `port`. */
  server(port: number): RedisServer {
    const server = this.servers.find((candidate) => candidate.port === port);
    if (!server) throw new Error(`no server of this setup listens on ${port}`);
    return server;
  }

  /** Resolves with the new master's port once the Sentinel names another master than `formerPort`, and it is one. */
  async newMaster(formerPort: number): Promise<number> {
    const port = await eventually(
      'the Sentinel names a new master',
      async () => {
        const current = await this.masterPort();
        return current !== formerPort && current;
      },
      20_000,
    );
    const client = this.server(port).client();
    try {
      await eventually('the new master is a master', async () => /role:master/.test(await client.info('replication')));
    } finally {
      client.disconnect();
    }
    return port;
  }

  /** Resolves once a replica's link to the master is up and the Sentinel lists it as a replica it could promote. */
  async replicaInSync(): Promise<void> {
    const masterPort = await this.masterPort();
    await eventually(
      'a replica in sync, known to the Sentinel',
      async () => {
        const replicas = (await this.sentinel.call('SENTINEL', 'REPLICAS', this.masterName)) as string[][];
        const known = replicas.map(
          (fields) => new Map(fields.flatMap((field, i) => (i % 2 === 0 ? [[field, fields[i + 1]] as const] : []))),
        );
        for (const replica of known.filter((fields) => fields.get('flags') === 'slave')) {
          const client = this.server(Number(replica.get('port'))).client();
          try {
            const info = await client.info('replication');
            if (info.includes(`master_port:${masterPort}`) && info.includes('master_link_status:up')) return true;
          } finally {
            client.disconnect();
          }
        }
        return false;
      },
      20_000,
    );
  }

  async dispose(): Promise<void> {
    this.sentinel.disconnect();
    await killRedis(this.sentinelProcess);
    for (const server of this.servers) await server.dispose();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launchSentinel(masterPort: number): Promise<void> {
    const name = this.masterName;
    // Sentinel rewrites its configuration file as it learns the setup: it must be its own, writable.
    const file = join(this.dir, 'sentinel.conf');
    writeFileSync(
      file,
      [
        `port ${this.sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${this.dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${name} ${DOWN_AFTER_MS}`,
        `sentinel failover-timeout ${name} ${FAILOVER_TIMEOUT_MS}`,
        `sentinel parallel-syncs ${name} 1`,
        ...(this.options.password ? [`sentinel auth-pass ${name} ${this.options.password}`] : []),
        ...(this.options.sentinelPassword ? [`requirepass ${this.options.sentinelPassword}`] : []),
        '',
      ].join('\n'),
    );
    this.sentinelProcess = await spawnRedis([file, '--sentinel'], /\+monitor master/);
  }
}
