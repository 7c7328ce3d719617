import Redis from 'ioredis';
import RedisMock from 'ioredis-mock';
import { defineScripts } from './scripts';

export type RedisClient = Redis;

/** Bounded back-off: retry fast at first, never wait more than 2 s between attempts. */
function retryStrategy(attempt: number): number {
  return Math.min(50 * 2 ** attempt, 2000);
}

/** A client for the Redis at `url`, with the WAVE Lua scripts defined. */
export function connectRedis(url: string): RedisClient {
  const redis = new Redis(url, {
    retryStrategy,
    // Fail commands fast while Redis is away instead of queueing them for ever.
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    // Commands issued in one tick (a query's sibling resolvers) leave in one write: one round trip.
    enableAutoPipelining: true,
  });
  defineScripts(redis);
  return redis;
}

/** The embedded in-memory Redis (ioredis-mock) used when no REDIS_URL is configured. */
export function createEmbeddedRedis(): RedisClient {
  const redis = new RedisMock() as unknown as RedisClient;
  defineScripts(redis);
  return redis;
}
