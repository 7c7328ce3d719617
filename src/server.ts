import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { Logger } from 'pino';
import type { TokenVerifier } from './auth/tokens';
import type { Config } from './config';
import { createRequestContext, type RequestContext } from './graphql/context';
import { createErrorFormatter } from './graphql/errors';
import { buildExecutableSchema } from './graphql/schema';
import type { RedisClient } from './redis/client';
import { RedisKeys } from './redis/keys';
import { WorkflowService } from './workflows/workflow.service';

export interface AppDependencies {
  config: Config;
  redis: RedisClient;
  tokens: TokenVerifier;
  logger: Logger;
}

export interface App {
  httpServer: Server;
  workflows: WorkflowService;
  /** Listens on `port` (0 for any free port) and resolves with the URL of the GraphQL endpoint. */
  listen(port: number): Promise<string>;
  /** Stops accepting requests and lets in-flight ones finish; Redis is the caller's to close. */
  stop(): Promise<void>;
}

/** Request bodies above this are refused before parsing: no legitimate operation comes near it. */
const MAX_BODY_SIZE = '100kb';

export async function createApp({ config, redis, tokens, logger }: AppDependencies): Promise<App> {
  const keys = new RedisKeys(config.keyPrefix);
  const workflows = new WorkflowService(redis, keys, { maxGate: config.maxGate });
  const schema = await buildExecutableSchema({ redis, keys, resetRateLimit: config.resetRateLimit });

  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const isProduction = config.nodeEnv === 'production';
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    introspection: !isProduction,
    // main.ts owns the signals: it stops the server, then closes Redis, then exits 0.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ...(isProduction ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
    express.json({ limit: MAX_BODY_SIZE }),
    expressMiddleware(apollo, {
      context: async ({ req }) =>
        createRequestContext(workflows, tokens.authenticate(req.headers.authorization), req.ip ?? 'unknown'),
    }),
  );

  return {
    httpServer,
    workflows,
    listen: async (port) => {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, resolve);
      });
      const { port: bound } = httpServer.address() as AddressInfo;
      return `http://localhost:${bound}/graphql`;
    },
    stop: () => apollo.stop(),
  };
}
