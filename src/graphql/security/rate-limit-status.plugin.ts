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
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLFieldConfig, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
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

/** The response keys of the root fields each operation started, by its context value. */
const startedRootFields = new WeakMap<object, Set<string>>();

function recordStart(field: GraphQLFieldConfig<unknown, unknown>): GraphQLFieldConfig<unknown, unknown> {
  const { resolve = defaultFieldResolver } = field;
  return {
    ...field,
    resolve: (source, args, context, info) => {
      startedRootFields.get(context as object)?.add(String(info.path.key));
      return resolve(source, args, context, info);
    },
  };
}

/**
 * Wraps the query and mutation fields so the plugin learns which root fields started. Apply it last,
 * over @auth and @rateLimit: a field counts as started even when they refuse it. A per-field Apollo
 * hook (willResolveField) would do the same, but runs for every field of every answer, thousands for
 * a dashboard, where this runs once per root field.
 */
export function recordRootFieldStarts(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, { [MapperKind.QUERY_ROOT_FIELD]: recordStart, [MapperKind.MUTATION_ROOT_FIELD]: recordStart });
}

/** Needs the schema passed through recordRootFieldStarts. */
export function rateLimitStatusPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = new Set<string>();
      startedRootFields.set(contextValue, started);
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || started.size === 0) return;
          const refusals = rootRefusals(response.body.singleResult.errors ?? []);
          if (![...started].every((key) => refusals.has(key))) return;
          response.http.status = TOO_MANY_REQUESTS;
          response.http.headers.set('retry-after', String(Math.max(...refusals.values())));
        },
      };
    },
  };
}
