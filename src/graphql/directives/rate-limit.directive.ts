/**
 * `@rateLimit(window: String!, max: Int!)` on a field: every call spends one of the field's budget
 * (rate-limit.budget.ts), checked before the resolver runs.
 *
 * Wiring: pass `rateLimitDirective` to type-graphql's `buildSchema({ directives })`, then apply the
 * transforms with `applySecurityDirectives` (./index.ts): @auth must run first, so an unauthenticated
 * caller gets UNAUTHENTICATED and spends nobody's budget.
 */
import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  DirectiveLocation,
  GraphQLDirective,
  GraphQLInt,
  GraphQLNonNull,
  type GraphQLSchema,
  GraphQLString,
} from 'graphql';
import type { RateLimitPolicy } from '../../config';
import type { RedisClient } from '../../redis/client';
import type { RedisKeys } from '../../redis/keys';
import { CallBudget } from './rate-limit.budget';

const RATE_LIMIT = 'rateLimit';

export const rateLimitDirective = new GraphQLDirective({
  name: RATE_LIMIT,
  description: 'At most `max` calls per sliding `window` (e.g. "1m", "30s") per caller: token subject, else client IP.',
  locations: [DirectiveLocation.FIELD_DEFINITION],
  args: {
    window: { type: new GraphQLNonNull(GraphQLString) },
    max: { type: new GraphQLNonNull(GraphQLInt) },
  },
});

/** The `@rateLimit(...)` use that puts `policy` on a field (type-graphql's `@Directive`). */
export function rateLimitUse({ window, max }: RateLimitPolicy): string {
  return `@${RATE_LIMIT}(window: "${window}", max: ${max})`;
}

export interface RateLimitOptions {
  /** A client with the WAVE scripts defined (connectRedis / createEmbeddedRedis). */
  redis: RedisClient;
  keys: RedisKeys;
  /** Runtime limits by field coordinate (`Mutation.resetWorkflow`); the schema keeps showing its default. */
  overrides?: Record<string, RateLimitPolicy>;
}

/** Wraps every field carrying @rateLimit with a check that counts the call before the resolver runs. */
export function rateLimitDirectiveTransformer(schema: GraphQLSchema, { redis, keys, overrides = {} }: RateLimitOptions): GraphQLSchema {
  const unused = new Set(Object.keys(overrides));
  const limited = mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const declared = getDirective(schema, field, RATE_LIMIT)?.[0] as RateLimitPolicy | undefined;
      if (!declared) return field;
      const coordinate = `${typeName}.${fieldName}`;
      unused.delete(coordinate);
      const budget = new CallBudget(redis, keys, coordinate, overrides[coordinate] ?? declared);
      const { resolve = defaultFieldResolver } = field;
      return {
        ...field,
        resolve: async (source, args, context, info) => {
          await budget.spend(source, args, context, info);
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
