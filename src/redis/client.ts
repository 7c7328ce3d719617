import Redis from 'ioredis';
import RedisMock from 'ioredis-mock';
import type { RedisConfig } from '../config';
import { defineScripts } from './scripts';

export type RedisClient = Redis;

/** Bounded back-off: retry fast at first, never wait more than 2 s between attempts. */
function retryStrategy(attempt: number): number {
  return Math.min(50 * 2 ** attempt, 2000);
}

/**
 * Commands wait in the offline queue only for a first connection (a readiness probe covers that
 * moment). Once a connection is lost or refused, they fail at once until Redis is ready again, so a
 * request answers SERVICE_UNAVAILABLE instead of waiting for a reconnection that may not come.
 */
function failFastWhileDisconnected(redis: Redis): void {
  redis.on('close', () => {
    redis.options.enableOfflineQueue = false;
  });
  redis.on('ready', () => {
    redis.options.enableOfflineQueue = true;
  });
}

/** A client for the Redis at `url`, with the WAVE Lua scripts defined and every command bounded in time. */
export function connectRedis(url: string, settings: RedisConfig): RedisClient {
  const redis = new Redis(url, {
    retryStrategy,
    // A command without a reply (a hung or paused Redis) fails instead of hanging its request.
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: settings.connectTimeoutMs,
    // A lost connection fails the commands it carried, and those queued, at once: never re-sent after
    // a reconnection, so a script whose reply was lost is not run a second time behind its caller's back.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    enableOfflineQueue: true,
    // Commands issued in one tick (a query's sibling resolvers) leave in one write: one round trip.
    enableAutoPipelining: true,
  });
  failFastWhileDisconnected(redis);
  defineScripts(redis);
  return redis;
}

/** The embedded in-memory Redis (ioredis-mock) used when no REDIS_URL is configured. */
export function createEmbeddedRedis(): RedisClient {
  const redis = new RedisMock() as unknown as RedisClient;
  defineScripts(redis);
  return redis;
}
