import type { GraphQLSchema } from 'graphql';
import { authDirectiveTransformer } from './auth.directive';
import { rateLimitDirective, rateLimitDirectiveTransformer, type RateLimitOptions } from './rate-limit.directive';

export { authDirectiveTransformer, declareAuthDirective } from './auth.directive';

/**
 * For type-graphql: `declareAuthDirective(await buildSchema({ resolvers, directives: [...securityDirectives] }))`;
 * @auth is declared after the build, over the schema's own Role enum (auth.directive.ts).
 */
export const securityDirectives = [rateLimitDirective];

/**
 * Enforces @auth and @rateLimit on a built schema. Each transform wraps the resolvers it finds, so the
 * one applied last runs first: @auth wraps @rateLimit, and a caller refused by @auth spends no budget.
 */
export function applySecurityDirectives(schema: GraphQLSchema, rateLimits: RateLimitOptions): GraphQLSchema {
  return authDirectiveTransformer(rateLimitDirectiveTransformer(schema, rateLimits));
}
