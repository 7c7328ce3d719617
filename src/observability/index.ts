import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import type { RequestContext } from '../graphql/context';
import type { SubscriptionObserver } from '../http/graphql-ws';
import type { RedisClient } from '../redis/client';
import type { RedisKeys } from '../redis/keys';
import type { ResetObserver } from '../workflows/reset-observer';
import { healthRoutes } from './health.routes';
import { httpLogging } from './http-logging';
import { Metrics } from './metrics';
import { withSubscriptionSpans } from './operation-tracing';
import { operationsPlugin } from './operations.plugin';
import { instrumentRedis } from './redis.instrumentation';
import { LoggedResetObserver } from './reset.observer';
import { subscriptionsObserver } from './subscriptions.observer';

export interface Observability {
  metrics: Metrics;
  /** First middleware: request id, request logger, access line. */
  httpLogging: RequestHandler;
  /** GET /healthz, /readyz and /metrics. */
  routes: Router;
  /** The per-operation log line and metrics. */
  apolloPlugin: ApolloServerPlugin<RequestContext>;
  /** The same for subscriptions over graphql-ws. */
  subscriptions: SubscriptionObserver;
  /** Logs and metrics of resets and batch resets, for the reset services to be built with (a request brings its own). */
  resets: ResetObserver;
}

/**
 * Logs, metrics and probes for one app: instruments its Redis client; observes resets through `resets`.
 * `traced`: traces are exported (src/observability/tracing.ts), so subscriptions get spans too.
 */
export function createObservability(parts: { redis: RedisClient; keys: RedisKeys; logger: Logger; traced: boolean }): Observability {
  const { redis, keys, logger, traced } = parts;
  const metrics = new Metrics();
  const subscriptions = subscriptionsObserver(logger, metrics);
  instrumentRedis(redis, metrics);
  return {
    metrics,
    httpLogging: httpLogging(logger, (log) => new LoggedResetObserver(log, metrics)),
    routes: healthRoutes(redis, keys.workflowIndex, metrics, logger),
    apolloPlugin: operationsPlugin(logger, metrics),
    subscriptions: traced ? withSubscriptionSpans(subscriptions) : subscriptions,
    resets: new LoggedResetObserver(logger, metrics),
  };
}
