/**
 * A budget of calls: at most `max` per sliding `window` (`500ms`, `30s`, `1m`, `1h`, `1d`) per caller,
 * counted in Redis so every server instance shares it. Built on graphql-rate-limit's
 * `getGraphQLRateLimiter` core with an atomic store (rate-limit.store.ts). `@rateLimit` spends one per
 * call of its field; a resolver whose calls cost differently (resetWorkflow) chooses which to spend.
 *
 * The caller is `sub:<token sub>` when authenticated (`context.auth`), else `ip:<context.clientIp>`.
 */
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { getGraphQLRateLimiter } from 'graphql-rate-limit';
import type { Authentication } from '../../auth/identity';
import type { RateLimitPolicy } from '../../config';
import { parseDurationMs } from '../../duration';
import { ErrorCode } from '../../error-codes';
import type { RedisClient } from '../../redis/client';
import type { RedisKeys } from '../../redis/keys';
import { SlidingWindowStore, type WindowLimit } from './rate-limit.store';

/** Milliseconds in a window written as `<n><ms|s|m|h|d>`; throws on anything else, at schema build. */
function parseWindow(window: string, budget: string): number {
  const windowMs = parseDurationMs(window);
  if (windowMs === null) throw new Error(`@rateLimit on ${budget}: window "${window}" must look like 30s, 1m or 1h`);
  return windowMs;
}

function windowLimit(policy: RateLimitPolicy, budget: string): WindowLimit {
  // graphql-rate-limit reads max 0 as "use its default of 5": refuse it rather than surprise.
  if (!Number.isInteger(policy.max) || policy.max < 1) {
    throw new Error(`@rateLimit on ${budget}: max must be a positive integer, got ${policy.max}`);
  }
  return { max: policy.max, windowMs: parseWindow(policy.window, budget) };
}

/** Whose budget a call spends. Prefixed so a token subject can never collide with an address. */
function rateLimitIdentity(context: unknown): string {
  const { auth, clientIp } = (context ?? {}) as { auth?: Authentication; clientIp?: string };
  return auth?.kind === 'authenticated' ? `sub:${auth.identity.sub}` : `ip:${clientIp ?? 'unknown'}`;
}

export class CallBudget {
  private readonly store: SlidingWindowStore;
  private readonly limiter: ReturnType<typeof getGraphQLRateLimiter>;
  private readonly limiterArgs: { max: number; window: string };

  /** `name` is a field coordinate (`Mutation.resetWorkflow`) or names a budget of one; it is part of the Redis key. */
  constructor(
    redis: RedisClient,
    keys: RedisKeys,
    private readonly name: string,
    private readonly policy: RateLimitPolicy,
  ) {
    const limit = windowLimit(policy, name);
    this.store = new SlidingWindowStore(redis, (caller) => keys.rateLimit(caller, name), limit);
    this.limiter = getGraphQLRateLimiter({ store: this.store, identifyContext: rateLimitIdentity });
    // The core parses the window with `ms`; handing it milliseconds keeps one parse, ours.
    this.limiterArgs = { max: limit.max, window: `${limit.windowMs}ms` };
  }

  /** Counts the call, or refuses it with RATE_LIMITED and the seconds until a slot frees. */
  async spend(parent: unknown, args: Record<string, unknown>, context: unknown, info: GraphQLResolveInfo): Promise<void> {
    const refused = await this.limiter({ parent, args, context, info }, this.limiterArgs);
    if (refused === undefined) return;
    const retryAfter = await this.store.retryAfterSeconds(rateLimitIdentity(context));
    throw new GraphQLError(
      `Rate limit reached for ${this.name}: at most ${this.policy.max} calls per ${this.policy.window}. Retry in ${retryAfter} s.`,
      // No `http` extension: one refused field must not turn a partly successful response into a 429.
      // The server's rate-limit status plugin answers 429 when the whole operation was refused.
      { extensions: { code: ErrorCode.RATE_LIMITED, retryAfter } },
    );
  }
}
