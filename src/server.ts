import { createServer, type Server } from 'node:http';
import { isIPv6, type AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { ValidationRule } from 'graphql';
import type { Logger } from 'pino';
import type { TokenVerifier } from './auth/tokens';
import type { Config } from './config';
import { createRequestContext, type RequestContext, type Services } from './graphql/context';
import { createErrorFormatter } from './graphql/errors';
import { executingGateway, graphqlJsExecutor, jitExecutor } from './graphql/execution/jit-gateway';
import { recordRootFieldOutcomes, refusalStatusPlugin } from './graphql/refusal-status.plugin';
import { ResetBudgets } from './graphql/reset.budgets';
import { buildExecutableSchema } from './graphql/schema';
import { createQueryProtection } from './graphql/security/query-limits';
import { subscriptionsOverWebSocketOnly } from './graphql/subscriptions-over-http.plugin';
import { NoServiceSdl } from './graphql/security/service-sdl.rule';
import { requestErrorHandler } from './http/body-errors';
import { corsPolicy } from './http/cors';
import { consoleRouter } from './http/console';
import { serveGraphQLOverWebSocket } from './http/graphql-ws';
import { ideRouter } from './http/ide';
import { admitTrustedDocuments, trustedDocumentsPolicy } from './http/trusted-documents';
import { routeTrustedGateway } from './http/trusted-gateway';
import { createObservability } from './observability';
import { withOperationSpans } from './observability/operation-tracing';
import { requestScopeOf } from './observability/request-scope';
import type { RedisClient } from './redis/client';
import { RedisKeys } from './redis/keys';
import { WorkflowEventStream } from './workflows/workflow-events';
import { createWorkflowServices, type WorkflowServices } from './workflows/workflow-services';

/**
 * A GET carrying one of these is no simple request: a browser preflights it, so a cross-site page
 * cannot send it. Apollo's two defaults, and Authorization, which urql's GET queries carry.
 */
const CSRF_PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight', 'authorization'];

export interface AppDependencies {
  config: Config;
  redis: RedisClient;
  tokens: TokenVerifier;
  logger: Logger;
  /** The token main.ts prints in development; the IDE pre-fills it. Never set in production. */
  developmentToken?: string;
  /** Traces are exported (main.ts started them): operations and subscriptions get spans of their own. */
  traced?: boolean;
}

export interface App {
  httpServer: Server;
  /** The domain's services, as resolvers and agents' writes reach them. */
  services: WorkflowServices;
  /** Task results and resets as they happen, what Subscription.workflowEvents serves. */
  workflowEvents: WorkflowEventStream;
  /** Listens on `port` (0 for any free port) at config.host and resolves with the URL of the GraphQL endpoint. */
  listen(port: number): Promise<string>;
  /**
   * Stops accepting connections at once, lets in-flight requests finish for up to `shutdownTimeoutMs`
   * (then closes their connections), closes WebSocket clients and the event subscriber connection; the
   * Redis client is the caller's to close.
   */
  stop(): Promise<void>;
}

export async function createApp({ config, redis, tokens, logger, developmentToken, traced = false }: AppDependencies): Promise<App> {
  const keys = new RedisKeys(config.keyPrefix);
  const observability = createObservability({ redis, keys, logger, traced });
  const domain = createWorkflowServices(redis, keys, {
    maxGate: config.maxGate,
    requireConfirmation: config.reset.requireConfirmation,
    idempotencyTtlMs: config.reset.idempotencyTtlMs,
    planTtlMs: config.reset.planTtlMs,
    sweepQueues: config.reset.sweepQueues,
    maxDequeueLength: config.reset.maxDequeueLength,
    thresholds: config.stuck,
    logger,
    observer: observability.resets,
  });
  const { fencing, ...resolved } = domain;
  const services: Services = {
    ...resolved,
    resetBudgets: new ResetBudgets(redis, keys, { reset: config.reset.rateLimit, preview: config.reset.previewRateLimit }),
  };
  const schema = await buildExecutableSchema({ redis, keys });

  const app = express();
  app.disable('x-powered-by');
  // Only behind a configured proxy is X-Forwarded-For believed; otherwise req.ip is the socket's peer.
  app.set('trust proxy', config.http.trustProxy);
  // First: every request gets its id (x-request-id) and a logger carrying it.
  app.use(observability.httpLogging);
  const httpServer = createServer(app);
  const isProduction = config.nodeEnv === 'production';
  const queryProtection = createQueryProtection(config.queryLimits);
  const formatError = createErrorFormatter(logger, { suggestions: config.http.fieldSuggestions });
  const withoutServiceSdl = config.http.introspection ? [] : [NoServiceSdl];
  const executedSchema = recordRootFieldOutcomes(schema);
  /**
   * One Apollo server for clients and, with GATEWAY_SECRET, one for the trusted gateway: each parses
   * with its own token limit and keeps its own cache of parsed documents, so a long document a gateway
   * sent is never served from that cache to a client. The gateway may read `_service` (to compose) even
   * with introspection off, and gets its refusals with status 200 (refusalStatusPlugin).
   */
  // One per Apollo server: each keeps its own compiled documents.
  const executorOf = () => (config.http.executor === 'jit' ? jitExecutor(executedSchema) : graphqlJsExecutor(executedSchema));
  const newApolloServer = ({
    maxTokens,
    validationRules,
    forGateway,
  }: {
    maxTokens: number;
    validationRules: ValidationRule[];
    forGateway: boolean;
  }) =>
    new ApolloServer<RequestContext>({
      // The gateway interface is how Apollo lets jit execute (src/graphql/execution/jit-gateway.ts) and
      // how an operation's span wraps its execution.
      gateway: executingGateway(executedSchema, traced ? withOperationSpans(executorOf()) : executorOf()),
      formatError,
      // Not even in development: a stack tells an attacker more than it tells us (the log has it).
      includeStacktraceInErrorResponses: false,
      introspection: config.http.introspection,
      csrfPrevention: { requestHeaders: CSRF_PREFLIGHT_HEADERS },
      allowBatchedHttpRequests: config.http.allowBatchedRequests,
      parseOptions: { maxTokens },
      validationRules: [...queryProtection.validationRules, ...validationRules],
      // main.ts owns the signals: it stops the server, then closes Redis, then exits 0.
      stopOnTerminationSignals: false,
      plugins: [
        // On stop, in-flight requests get SHUTDOWN_TIMEOUT to finish; then their connections are closed
        // (once, by the clients' server: the drain covers every connection of the HTTP server).
        ...(forGateway ? [] : [ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownTimeoutMs })]),
        subscriptionsOverWebSocketOnly(),
        ...queryProtection.plugins,
        refusalStatusPlugin({ status: !forGateway }),
        // After refusalStatusPlugin, so the logged status is the 429 or 503 it may set.
        observability.apolloPlugin,
        // Our bundled IDE is the landing page; Apollo's would load from a CDN.
        ApolloServerPluginLandingPageDisabled(),
        // Per-field timings (ftv1) are for Apollo's usage reporting through a router, which we do not run.
        ApolloServerPluginInlineTraceDisabled(),
        // No field declares a cache hint, so every answer was `no-store` anyway (set below), and the
        // plugin's hook ran for every field of every answer: thousands per dashboard poll.
        ApolloServerPluginCacheControlDisabled(),
      ],
    });
  const apollo = newApolloServer({ maxTokens: config.queryLimits.maxTokens, validationRules: withoutServiceSdl, forGateway: false });
  const gateway = config.http.gateway;
  const gatewayApollo = gateway && newApolloServer({ maxTokens: gateway.maxTokens, validationRules: [], forGateway: true });
  await Promise.all([apollo.start(), gatewayApollo?.start()]);

  const serve = (server: ApolloServer<RequestContext>) =>
    expressMiddleware(server, {
      context: async ({ req }) =>
        createRequestContext(services, await tokens.authenticate(req.headers.authorization), req.ip ?? 'unknown', requestScopeOf(req)),
    });
  // Clients' documents only: the trusted gateway's rewrites are never in a manifest.
  const trustedDocuments =
    config.trustedDocuments.mode === 'off'
      ? undefined
      : trustedDocumentsPolicy(config.trustedDocuments, {
          introspection: config.http.introspection,
          maxTokens: config.queryLimits.maxTokens,
        });
  const serveClients = trustedDocuments ? admitTrustedDocuments(trustedDocuments, serve(apollo)) : serve(apollo);
  app.use(observability.routes);
  // Before /graphql: a browser's GET /graphql gets the IDE; every other request passes to Apollo.
  app.use(ideRouter({ enabled: config.http.ide, developmentToken: isProduction ? undefined : developmentToken }));
  app.use(consoleRouter({ enabled: config.http.console, developmentToken: isProduction ? undefined : developmentToken }));
  app.use(
    '/graphql',
    ...corsPolicy(config.http),
    express.json({ limit: config.http.bodyLimit }),
    noStore,
    gateway && gatewayApollo
      ? routeTrustedGateway(gateway.secret, { gateway: serve(gatewayApollo), clients: serveClients }, logger)
      : serveClients,
  );
  app.use(requestErrorHandler(config.http.bodyLimit, logger));

  // Subscriptions: graphql-ws on the same server and path; one Redis subscriber serves them all.
  const workflowEvents = new WorkflowEventStream(redis, keys, logger, {
    owners: fencing,
    ignored: (channel, reason) => observability.metrics.workflowEventsIgnored.inc({ channel, reason }),
  });
  const subscriptions = serveGraphQLOverWebSocket({
    httpServer,
    path: '/graphql',
    schema,
    parseOptions: queryProtection.parseOptions,
    validationRules: [...queryProtection.validationRules, ...withoutServiceSdl],
    refuseResolved: queryProtection.refuseResolved,
    formatError,
    trustedDocuments,
    observer: observability.subscriptions,
    limits: config.subscriptions,
    createContext: async (authorization, clientIp) => {
      const auth = await tokens.authenticate(authorization);
      return {
        context: { ...createRequestContext(services, auth, clientIp), workflowEvents },
        validUntil: auth.kind === 'authenticated' ? auth.identity.validUntil : undefined,
        caller: auth.kind === 'authenticated' ? auth.identity.sub : undefined,
      };
    },
  });

  return {
    httpServer,
    services: domain,
    workflowEvents,
    listen: async (port) => {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, config.host, resolve);
      });
      const { port: bound } = httpServer.address() as AddressInfo;
      return `http://${urlHost(config.host)}:${bound}/graphql`;
    },
    // Apollo's drain stops listening at once and waits for in-flight requests while the WebSocket
    // clients are closed; closing the sockets ends their subscriptions before the Redis subscriber goes.
    stop: async () => {
      const closeSubscriptions = subscriptions.dispose().then(() => workflowEvents.close());
      // The gateway's server after the drain, which waits for its requests too.
      await Promise.all([apollo.stop().then(() => gatewayApollo?.stop()), closeSubscriptions]);
    },
  };
}

/** How a client on this machine reaches an address listened on: every interface includes loopback. */
function urlHost(host: string | undefined): string {
  if (host === undefined || host === '0.0.0.0' || host === '::') return 'localhost';
  return isIPv6(host) ? `[${host}]` : host;
}

/** Answers are per caller and live: no browser or proxy may keep one, not even of a GET query. */
const noStore: express.RequestHandler = (_req, res, next) => {
  res.setHeader('cache-control', 'no-store');
  next();
};
