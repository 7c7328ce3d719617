/**
 * `@rateLimit(window: String!, max: Int!)` on a field: at most `max` calls per sliding `window`
 * (`500ms`, `30s`, `1m`, `1h`, `1d`) per caller, counted in Redis so every server instance shares it.
 * Built on graphql-rate-limit's `getGraphQLRateLimiter` core with an atomic store (rate-limit.store.ts).
 *
 * Wiring: pass `rateLimitDirective` to type-graphql's `buildSchema({ directives })`, then apply the
 * transforms with `applySecurityDirectives` (./index.ts): @auth must run first, so an unauthenticated
 * caller gets UNAUTHENTICATED and spends nobody's budget.
 *
 * Context: `context.auth` (the caller is `sub:<token sub>` when authenticated) and `context.clientIp`
 * (`ip:<clientIp>` otherwise).
 */
import { astFromDirective, getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  DirectiveLocation,
  GraphQLDirective,
  GraphQLError,
  GraphQLInt,
  GraphQLNonNull,
  type GraphQLSchema,
  GraphQLString,
  print,
} from 'graphql';
import { getGraphQLRateLimiter } from 'graphql-rate-limit';
import type { Authentication } from '../../auth/identity';
import { parseDurationMs } from '../../duration';
import type { RateLimitPolicy } from '../../config';
import type { RedisClient } from '../../redis/client';
import type { RedisKeys } from '../../redis/keys';
import { SlidingWindowStore, type WindowLimit } from './rate-limit.store';

const RATE_LIMIT = 'rateLimit';
export const RATE_LIMITED = 'RATE_LIMITED';


export const rateLimitDirective = new GraphQLDirective({
  name: RATE_LIMIT,
  description: 'At most `max` calls per sliding `window` (e.g. "1m", "30s") per caller: token subject, else client IP.',
  locations: [DirectiveLocation.FIELD_DEFINITION],
  args: {
    window: { type: new GraphQLNonNull(GraphQLString) },
    max: { type: new GraphQLNonNull(GraphQLInt) },
  },
});

/** The same definition as SDL, for schemas built from type definitions (makeExecutableSchema). */
export const rateLimitDirectiveTypeDefs = print(astFromDirective(rateLimitDirective));

export interface RateLimitOptions {
  /** A client with the WAVE scripts defined (connectRedis / createEmbeddedRedis). */
  redis: RedisClient;
  keys: RedisKeys;
  /** Runtime limits by field coordinate (`Mutation.resetWorkflow`); the schema keeps showing its default. */
  overrides?: Record<string, RateLimitPolicy>;
}

/** Milliseconds in a window written as `<n><ms|s|m|h|d>`; throws on anything else, at schema build. */
export function parseWindow(window: string, coordinate: string): number {
  const windowMs = parseDurationMs(window);
  if (windowMs === null) throw new Error(`@rateLimit on ${coordinate}: window "${window}" must look like 30s, 1m or 1h`);
  return windowMs;
}

function windowLimit(policy: RateLimitPolicy, coordinate: string): WindowLimit {
  // graphql-rate-limit reads max 0 as "use its default of 5": refuse it rather than surprise.
  if (!Number.isInteger(policy.max) || policy.max < 1) {
    throw new Error(`@rateLimit on ${coordinate}: max must be a positive integer, got ${policy.max}`);
  }
  return { max: policy.max, windowMs: parseWindow(policy.window, coordinate) };
}

/** Whose budget a call spends. Prefixed so a token subject can never collide with an address. */
export function rateLimitIdentity(context: unknown): string {
  const { auth, clientIp } = (context ?? {}) as { auth?: Authentication; clientIp?: string };
  return auth?.kind === 'authenticated' ? `sub:${auth.identity.sub}` : `ip:${clientIp ?? 'unknown'}`;
}

function rateLimited(coordinate: string, policy: RateLimitPolicy, retryAfter: number): GraphQLError {
  return new GraphQLError(
    `Rate limit reached for ${coordinate}: at most ${policy.max} calls per ${policy.window}. Retry in ${retryAfter} s.`,
    // No `http` extension: one refused field must not turn a partly successful response into a 429.
    // The server's rate-limit status plugin answers 429 when the whole operation was refused.
    { extensions: { code: RATE_LIMITED, retryAfter } },
  );
}

/** Wraps every field carrying @rateLimit with a check that counts the call before the resolver runs. */
export function rateLimitDirectiveTransformer(
  schema: GraphQLSchema,
  { redis, keys, overrides = {} }: RateLimitOptions,
): GraphQLSchema {
  const unused = new Set(Object.keys(overrides));
  const limited = mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const declared = getDirective(schema, field, RATE_LIMIT)?.[0] as RateLimitPolicy | undefined;
      if (!declared) return field;
      const coordinate = `${typeName}.${fieldName}`;
      unused.delete(coordinate);
      const policy = overrides[coordinate] ?? declared;
      const limit = windowLimit(policy, coordinate);
      const store = new SlidingWindowStore(redis, (caller) => keys.rateLimit(caller, coordinate), limit);
      const limiter = getGraphQLRateLimiter({ store, identifyContext: rateLimitIdentity });
      // The core parses the window with `ms`; handing it milliseconds keeps one parse, ours.
      const limiterArgs = { max: limit.max, window: `${limit.windowMs}ms` };
      const { resolve = defaultFieldResolver } = field;
      return {
        ...field,
        resolve: async (source, args, context, info) => {
          const refused = await limiter({ parent: source, args, context, info }, limiterArgs);
          if (refused !== undefined) {
            throw rateLimited(coordinate, policy, await store.retryAfterSeconds(rateLimitIdentity(context)));
          }
          return resolve(source, args, context, info);
        },
      };
    },
  });
  if (unused.size > 0) {
    throw new Error(`Rate-limit overrides name fields without @rateLimit: ${[...unused].join(', ')}`);
  }
  return limited;
}
