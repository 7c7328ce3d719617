/**
 * The HTTP status of a rate-limited operation. @rateLimit refuses a field with `RATE_LIMITED` and
 * `retryAfter`; this plugin answers 429 with `Retry-After` (the longest wait) only when every root
 * field the operation started was refused, i.e. nothing it asked for ran. When anything else ran,
 * the answer is 200 and the refusals stay per-field errors, so a client never mistakes a partly
 * applied operation for one that did nothing.
 *
 * "Started" rather than "selected": a mutation's fields run one after another and stop at the first
 * error on a non-null field, so the fields after a refused one never ran either.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { RATE_LIMITED } from '../directives/rate-limit.directive';

const TOO_MANY_REQUESTS = 429;

/** Seconds to wait by the response key of each refused root field. */
function rootRefusals(errors: readonly GraphQLFormattedError[]): Map<string, number> {
  const refusals = new Map<string, number>();
  for (const error of errors) {
    const retryAfter = Number(error.extensions?.retryAfter);
    if (error.extensions?.code === RATE_LIMITED && error.path?.length === 1 && Number.isFinite(retryAfter)) {
      refusals.set(String(error.path[0]), retryAfter);
    }
  }
  return refusals;
}

export function rateLimitStatusPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const startedRootFields = new Set<string>();
      return {
        async executionDidStart() {
          return {
            willResolveField({ info }) {
              if (info.path.prev === undefined) startedRootFields.add(String(info.path.key));
            },
          };
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || startedRootFields.size === 0) return;
          const refusals = rootRefusals(response.body.singleResult.errors ?? []);
          if (![...startedRootFields].every((key) => refusals.has(key))) return;
          response.http.status = TOO_MANY_REQUESTS;
          response.http.headers.set('retry-after', String(Math.max(...refusals.values())));
        },
      };
    },
  };
}
