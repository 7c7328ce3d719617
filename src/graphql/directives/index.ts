import type { GraphQLSchema } from 'graphql';
import { authDirective, authDirectiveTransformer } from './auth.directive';
import { rateLimitDirective, rateLimitDirectiveTransformer, type RateLimitOptions } from './rate-limit.directive';

export { authDirectiveTransformer } from './auth.directive';

/** For type-graphql: `buildSchema({ resolvers, directives: [...securityDirectives] })`. */
export const securityDirectives = [authDirective, rateLimitDirective];

/**
 * Enforces @auth and @rateLimit on a built schema. Each transform wraps the resolvers it finds, so the
 * one applied last runs first: @auth wraps @rateLimit, and a caller refused by @auth spends no budget.
 */
export function applySecurityDirectives(schema: GraphQLSchema, rateLimits: RateLimitOptions): GraphQLSchema {
  return authDirectiveTransformer(rateLimitDirectiveTransformer(schema, rateLimits));
}
