/**
 * The HTTP status of an operation of which nothing ran, so that gateways, load balancers and client
 * retry logic can tell "try again later" from an answer:
 *   429 + Retry-After (the longest wait) when @rateLimit refused every root field it started;
 *   503 + Retry-After when Redis was unreachable for every one of them (or some were rate limited
 *       and the rest hit the outage).
 * When any root field produced data, the answer is 200 and the failures stay per-field errors, so a
 * client never mistakes a partly applied operation for one that did nothing.
 *
 * The status follows what each root field's resolver did, not the errors of the answer: a failed
 * non-null root field nulls the whole answer and graphql-js then reports only the first failure, so
 * `{ a: queues { length } b: queues { length } }` with Redis down carries one error for two refusals.
 *
 * "Started" rather than "selected": a field that never started (a query's sibling nulled the whole
 * answer first, or an outside schema's non-null mutation field stopped the fields after it) did
 * nothing either, and a query's field still running when the answer was sent gave the client nothing.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, GraphQLError, type GraphQLFieldConfig, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { ErrorCode } from '../error-codes';
import { MAX_RECONNECT_DELAY_MS } from '../redis/client';
import { isRedisUnavailable } from '../redis/errors';

const TOO_MANY_REQUESTS = 429;
const SERVICE_UNAVAILABLE = 503;
/** The Redis client tries its connection again at least this often. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = Math.ceil(MAX_RECONNECT_DELAY_MS / 1000);

type Refusal = { kind: 'rate-limited'; retryAfter: number } | { kind: 'unavailable' };
/** What a root field's resolver did; `failed` is any other error (FORBIDDEN, NOT_FOUND, ...): an answer. */
type RootFieldOutcome = Refusal | { kind: 'running' } | { kind: 'answered' } | { kind: 'failed' };

function outcomeOfFailure(error: unknown): RootFieldOutcome {
  if (isRedisUnavailable(error)) return { kind: 'unavailable' };
  const retryAfter = Number(error instanceof GraphQLError ? error.extensions.retryAfter : undefined);
  if (error instanceof GraphQLError && error.extensions.code === ErrorCode.RATE_LIMITED && Number.isFinite(retryAfter)) {
    return { kind: 'rate-limited', retryAfter };
  }
  return { kind: 'failed' };
}

/** An answered root field whose data an outage below it took away (a nested field's Redis read failed). */
function lostToOutageBelow(
  key: string,
  errors: readonly GraphQLFormattedError[],
  data: Record<string, unknown> | null | undefined,
): boolean {
  return data?.[key] == null && errors.some((error) => error.path?.[0] === key && error.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE);
}

/** The outcome of each root field the operation started, by response key, by its context value. */
const rootFieldOutcomes = new WeakMap<object, Map<string, RootFieldOutcome>>();

function recordOutcome(field: GraphQLFieldConfig<unknown, unknown>): GraphQLFieldConfig<unknown, unknown> {
  const { resolve = defaultFieldResolver } = field;
  return {
    ...field,
    resolve: (source, args, context, info) => {
      const outcomes = rootFieldOutcomes.get(context as object);
      const key = String(info.path.key);
      const settle = (outcome: RootFieldOutcome) => outcomes?.set(key, outcome);
      settle({ kind: 'running' });
      let result: unknown;
      try {
        result = resolve(source, args, context, info);
      } catch (error) {
        settle(outcomeOfFailure(error));
        throw error;
      }
      if (!(result instanceof Promise)) {
        settle({ kind: 'answered' });
        return result;
      }
      return result.then(
        (value: unknown) => {
          settle({ kind: 'answered' });
          return value;
        },
        (error: unknown) => {
          settle(outcomeOfFailure(error));
          throw error;
        },
      );
    },
  };
}

/**
 * Wraps the query and mutation fields so the plugin learns what each root field did. Apply it last,
 * over @auth and @rateLimit: a field counts as started even when they refuse it. A per-field Apollo
 * hook (willResolveField) would do the same, but runs for every field of every answer, thousands for
 * a dashboard, where this runs once per root field.
 */
export function recordRootFieldOutcomes(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, { [MapperKind.QUERY_ROOT_FIELD]: recordOutcome, [MapperKind.MUTATION_ROOT_FIELD]: recordOutcome });
}

/**
 * Needs the schema passed through recordRootFieldOutcomes. `status: false` (a trusted gateway's
 * requests) sets only Retry-After and leaves the status 200: a gateway turns a subgraph's 429/503 into
 * a 200 for its client anyway, and @apollo/gateway turns it into one INTERNAL_SERVER_ERROR that buries
 * our codes; with a 200 the codes and `retryAfter` reach the client, and the header stays for a gateway
 * setting that copies it.
 */
export function refusalStatusPlugin<TContext extends object>({ status = true }: { status?: boolean } = {}): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      const outcomes = new Map<string, RootFieldOutcome>();
      rootFieldOutcomes.set(contextValue, outcomes);
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { errors = [], data } = response.body.singleResult;
          const refusals: Refusal[] = [];
          for (const [key, outcome] of outcomes) {
            if (outcome.kind === 'rate-limited' || outcome.kind === 'unavailable') refusals.push(outcome);
            else if (outcome.kind === 'answered' && lostToOutageBelow(key, errors, data)) refusals.push({ kind: 'unavailable' });
            else if (outcome.kind !== 'running') return;
          }
          if (refusals.length === 0) return;
          const waits = refusals.map((refusal) => (refusal.kind === 'rate-limited' ? refusal.retryAfter : UNAVAILABLE_RETRY_AFTER_SECONDS));
          const unavailable = refusals.some((refusal) => refusal.kind === 'unavailable');
          if (status) response.http.status = unavailable ? SERVICE_UNAVAILABLE : TOO_MANY_REQUESTS;
          response.http.headers.set('retry-after', String(Math.max(...waits)));
        },
      };
    },
  };
}
