import { randomUUID } from 'node:crypto';
import type { Identity, Store } from 'graphql-rate-limit';
import type { RedisClient } from '../../redis/client';
import { runRateLimitHit } from '../../redis/commands/rate-limit-hit';

/** One field's limit, with the window already in milliseconds. */
export interface WindowLimit {
  max: number;
  windowMs: number;
}

/**
 * graphql-rate-limit's store contract, made atomic. The limiter calls `getForIdentity` then
 * `setForIdentity`; its own RedisStore does GET then SET, so parallel calls read the same list and
 * lose counts. Here `getForIdentity` records the call and returns the earlier ones in one Lua script
 * (rate-limit-hit.lua), so parallel calls, from any server instance, serialize inside Redis.
 * One store per field limit: it knows the window and max the script needs.
 */
export class SlidingWindowStore implements Store {
  constructor(
    private readonly redis: RedisClient,
    /** The sorted-set key of one caller's calls to this field (RedisKeys.rateLimit). */
    private readonly keyOf: (contextIdentity: string) => string,
    private readonly limit: WindowLimit,
  ) {}

  async getForIdentity(identity: Identity): Promise<readonly number[]> {
    return runRateLimitHit(this.redis, {
      key: this.keyOf(identity.contextIdentity),
      now: Date.now(),
      windowMs: this.limit.windowMs,
      max: this.limit.max,
      callId: randomUUID(),
    });
  }

  /** Nothing to do: `getForIdentity` already recorded the call. */
  setForIdentity(): void {}

  /** Seconds until the oldest recorded call leaves the window and frees a slot; at least 1. */
  async retryAfterSeconds(contextIdentity: string): Promise<number> {
    const [, oldest] = await this.redis.zrange(this.keyOf(contextIdentity), 0, 0, 'WITHSCORES');
    const freesAt = Number(oldest ?? Date.now()) + this.limit.windowMs;
    return Math.max(1, Math.ceil((freesAt - Date.now()) / 1000));
  }
}
