import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import RedisMock from 'ioredis-mock';
import type { RedisConfig, RedisCredentials, RedisTarget } from '../config';
import { defineScripts } from './scripts';

/**
 * One Redis server (by URL or found through Sentinel) or a Redis Cluster: the commands, scripts,
 * pipelines and MULTI WAVE uses work on both, because every WAVE key of a script shares one hash tag.
 */
export type RedisClient = Redis | Cluster;

/** The longest wait between two connection attempts: a lost Redis is tried again at least this often. */
export const MAX_RECONNECT_DELAY_MS = 2000;

/** Bounded back-off: retry fast at first, never wait more than MAX_RECONNECT_DELAY_MS between attempts. */
function retryStrategy(attempt: number): number {
  return Math.min(50 * 2 ** attempt, MAX_RECONNECT_DELAY_MS);
}

/**
 * A master demoted by a failover keeps its connections and answers writes with READONLY: drop the
 * connection so the next one goes to the current master. The refused command is not re-sent (it
 * fails, SERVICE_UNAVAILABLE), like every command of a lost connection.
 */
function leaveDemotedMaster(error: Error): boolean {
  return error.message.startsWith('READONLY');
}

/**
 * Commands wait in the offline queue only for a first connection (a readiness probe covers that
 * moment). Once a connection is lost or refused, they fail at once until Redis is ready again, so a
 * request answers SERVICE_UNAVAILABLE instead of waiting for a reconnection that may not come.
 */
function failFastWhileDisconnected(redis: RedisClient): void {
  redis.on('close', () => {
    redis.options.enableOfflineQueue = false;
  });
  // No Sentinel answering (or no cluster node) is an error while still connecting, never a 'close'.
  redis.on('error', () => {
    if (redis.status !== 'ready') redis.options.enableOfflineQueue = false;
  });
  redis.on('ready', () => {
    redis.options.enableOfflineQueue = true;
  });
}

/** How every connection to a Redis server behaves, whichever way it was found. */
function connectionOptions(settings: RedisConfig): RedisOptions {
  return {
    retryStrategy,
    reconnectOnError: leaveDemotedMaster,
    // A command without a reply (a hung or paused Redis) fails instead of hanging its request.
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: settings.connectTimeoutMs,
    // A lost connection fails the commands it carried, and those queued, at once: never re-sent after
    // a reconnection, so a script whose reply was lost is not run a second time behind its caller's back.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    enableOfflineQueue: true,
    // No auto-pipelining: it holds a command issued while an earlier batch awaits its replies until
    // that batch is answered, and ioredis times a command only from when it is written, so behind a
    // paused Redis a request waited up to twice commandTimeout. Written at once, each command is
    // bounded by its own; sibling resolvers' commands still travel concurrently, and the reads that
    // must share a round trip are explicit pipelines (and DataLoader batches).
    enableAutoPipelining: false,
  };
}

/** `AUTH` on every connection to a data node; none when no password is set. */
function authOptions(credentials: RedisCredentials | undefined): Pick<RedisOptions, 'username' | 'password'> {
  return credentials ? { username: credentials.username, password: credentials.password } : {};
}

function clusterOptions(settings: RedisConfig, credentials: RedisCredentials | undefined): ClusterOptions {
  return {
    // Per node connection; ioredis replaces the retry strategy there: a lost node is found again
    // through the slot map, not by reconnecting to it.
    redisOptions: { ...connectionOptions(settings), ...authOptions(credentials) },
    clusterRetryStrategy: retryStrategy,
    enableOfflineQueue: true,
    enableAutoPipelining: false,
    // Reads go to masters: a replica may lag, and a preview must see what its confirmation will.
    scaleReads: 'master',
    // MOVED, ASK, TRYAGAIN and CLUSTERDOWN mean the command did not run, so ioredis sends it again; a
    // command whose connection was lost may have run, so it fails instead (0 turns that re-send off).
    retryDelayOnFailover: 0,
    slotsRefreshTimeout: settings.connectTimeoutMs,
  };
}

/** Clients whose end their owner asked for (closeRedis): that end is final. */
const closing = new WeakSet<RedisClient>();

/**
 * ioredis ends a Sentinel client for good when its failover detector closes the connection while a
 * reconnection is still asking Sentinel for the master (SentinelConnector: "Connection is closed."),
 * which a killed master makes likely: every later command failed at once. A failover must not leave
 * the process without Redis, so an end nobody asked for starts a new connection after the back-off.
 */
function reconnectAfterUnaskedEnd(redis: Redis): void {
  let attempt = 0;
  redis.on('end', () => {
    if (closing.has(redis)) return;
    const reconnect = () => {
      if (!closing.has(redis) && redis.status === 'end') redis.connect().catch(() => undefined);
    };
    setTimeout(reconnect, retryStrategy((attempt += 1))).unref();
  });
  redis.on('ready', () => {
    attempt = 0;
  });
}

/** Closes a client for good: QUIT lets Redis answer what was sent; a Redis that is away cannot, so the socket is just dropped. */
export async function closeRedis(redis: RedisClient): Promise<void> {
  closing.add(redis);
  await redis.quit().catch(() => redis.disconnect());
}

function connect(target: RedisTarget, settings: RedisConfig): RedisClient {
  switch (target.kind) {
    case 'url':
      return new Redis(target.url, connectionOptions(settings));
    case 'sentinel': {
      const redis = new Redis({
        ...connectionOptions(settings),
        ...authOptions(target.credentials),
        sentinels: target.sentinels,
        sentinelUsername: target.sentinelCredentials?.username,
        sentinelPassword: target.sentinelCredentials?.password,
        name: target.masterName,
        // A sentinel that does not answer is skipped for the next one within the connect timeout.
        sentinelCommandTimeout: settings.connectTimeoutMs,
        sentinelRetryStrategy: retryStrategy,
        // Sentinel's +switch-master closes the connection at once, rather than at the first READONLY.
        failoverDetector: true,
      });
      reconnectAfterUnaskedEnd(redis);
      return redis;
    }
    case 'cluster':
      return new Cluster(target.nodes, clusterOptions(settings, target.credentials));
  }
}

/**
 * A client for the Redis at `target` (a URL, the master named by Sentinels, or a Redis Cluster), with
 * the WAVE Lua scripts defined and every command bounded in time.
 */
export function connectRedis(url: string, settings: RedisConfig): Redis;
export function connectRedis(target: RedisTarget, settings: RedisConfig): RedisClient;
export function connectRedis(target: string | RedisTarget, settings: RedisConfig): RedisClient {
  const redis = connect(typeof target === 'string' ? { kind: 'url', url: target } : target, settings);
  failFastWhileDisconnected(redis);
  defineScripts(redis);
  return redis;
}

/** The embedded in-memory Redis (ioredis-mock) used when no Redis is configured. */
export function createEmbeddedRedis(): RedisClient {
  const redis = new RedisMock() as unknown as Redis;
  defineScripts(redis);
  return redis;
}
