/**
 * The HTTP status of an operation of which nothing ran, so that gateways, load balancers and client
 * retry logic can tell "try again later" from an answer:
 *   429 + Retry-After (the longest wait) when @rateLimit refused every root field it started;
 *   503 + Retry-After when Redis was unreachable for every one of them (or some were rate limited
 *       and the rest hit the outage).
 * When any root field produced data, the answer is 200 and the failures stay per-field errors, so a
 * client never mistakes a partly applied operation for one that did nothing.
 *
 * "Started" rather than "selected": a mutation's fields run one after another and stop at the first
 * error on a non-null field, so the fields after a refused one never ran either.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLFieldConfig, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { MAX_RECONNECT_DELAY_MS } from '../redis/client';
import { RATE_LIMITED } from './directives/rate-limit.directive';

const TOO_MANY_REQUESTS = 429;
const SERVICE_UNAVAILABLE = 503;
/** The Redis client tries its connection again at least this often. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = Math.ceil(MAX_RECONNECT_DELAY_MS / 1000);

type Refusal = { kind: 'rate-limited'; retryAfter: number } | { kind: 'unavailable' };

/** Why each root field (by response key) failed, when it failed for a reason worth retrying. */
function rootRefusals(errors: readonly GraphQLFormattedError[], data: Record<string, unknown> | null | undefined): Map<string, Refusal> {
  const refusals = new Map<string, Refusal>();
  for (const error of errors) {
    const key = error.path?.[0];
    if (key === undefined) continue;
    const retryAfter = Number(error.extensions?.retryAfter);
    if (error.extensions?.code === RATE_LIMITED && error.path?.length === 1 && Number.isFinite(retryAfter)) {
      refusals.set(String(key), { kind: 'rate-limited', retryAfter });
    } else if (error.extensions?.code === 'SERVICE_UNAVAILABLE' && data?.[key] == null) {
      // Anywhere below the root field, as long as the failure left the field without data.
      refusals.set(String(key), { kind: 'unavailable' });
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
export function refusalStatusPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = new Set<string>();
      startedRootFields.set(contextValue, started);
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || started.size === 0) return;
          const { errors, data } = response.body.singleResult;
          const refusals = rootRefusals(errors ?? [], data);
          if (![...started].every((key) => refusals.has(key))) return;
          const waits = [...refusals.values()].map((refusal) =>
            refusal.kind === 'rate-limited' ? refusal.retryAfter : UNAVAILABLE_RETRY_AFTER_SECONDS,
          );
          const unavailable = [...refusals.values()].some((refusal) => refusal.kind === 'unavailable');
          response.http.status = unavailable ? SERVICE_UNAVAILABLE : TOO_MANY_REQUESTS;
          response.http.headers.set('retry-after', String(Math.max(...waits)));
        },
      };
    },
  };
}
