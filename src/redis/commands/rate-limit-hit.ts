import type { RedisClient } from '../client';
import { runScript } from '../scripts';
import { positionalArguments, replyList } from './script-io';

export interface RateLimitHitRequest {
  /** The sorted set of one caller's calls to one field (RedisKeys.rateLimit). */
  key: string;
  now: number;
  windowMs: number;
  /** How many calls the window allows: older entries are dropped. */
  max: number;
  /** A member unique to this call. */
  callId: string;
}

/** Records one call and replies the times (epoch ms) of the calls before it in the window, oldest first. */
export async function runRateLimitHit(redis: RedisClient, request: RateLimitHitRequest): Promise<number[]> {
  const reply = await runScript(
    redis,
    'rateLimitHit',
    [request.key],
    positionalArguments(['now', 'windowMs', 'max', 'callId'], {
      now: String(request.now),
      windowMs: String(request.windowMs),
      max: String(request.max),
      callId: request.callId,
    }),
  );
  return scoresOf(replyList('rateLimitHit', reply));
}

/** The scores of a ZRANGE WITHSCORES reply (`member, score, member, score...`). */
function scoresOf(reply: readonly unknown[]): number[] {
  return reply.filter((_, index) => index % 2 === 1).map(Number);
}
