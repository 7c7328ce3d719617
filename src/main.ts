// First: see src/instrumentation.ts.
import { tracing } from './instrumentation';
import 'reflect-metadata';
import { constants } from 'node:os';
import { DEVELOPMENT_TOKEN_LIFETIME, developmentSigning } from './auth/development-token';
import { TokenVerifier } from './auth/tokens';
import { ConfigError, loadConfig, type Config, type RedisTarget } from './config';
import { createLogger } from './logger';
import { closeRedis, connectRedis, createEmbeddedRedis } from './redis/client';
import { RedisKeys } from './redis/keys';
import { CONSOLE_PATH } from './http/console';
import { createApp } from './server';
import { seedDemoWorkflows } from './workflows/demo-seed';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config);
  const redis = config.redisTarget ? connectRedis(config.redisTarget, config.redis) : createEmbeddedRedis();
  // Without a listener ioredis prints every failed reconnection to stderr; the server keeps running
  // and answers SERVICE_UNAVAILABLE until Redis is back.
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'));
  const { secret, developmentToken } = developmentSigning(config.auth);
  if (config.seedDemo) {
    await seedDemoWorkflows(redis, new RedisKeys(config.keyPrefix), Date.now());
  }
  const tokens = new TokenVerifier(
    { ...config.auth, secret },
    { onKeySetUnavailable: (reason) => logger.warn({ reason }, 'JWKS unavailable: tokens it signs are refused') },
  );
  const app = await createApp({ config, redis, tokens, logger, developmentToken, traced: tracing !== undefined });
  // Before the server says it listens: a signal that comes right after must find its handler.
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      // An operator who signals twice does not want to wait: exit as a process killed by the signal.
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      process.exit(128 + constants.signals[signal]);
    }
    stopping = true;
    logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
    await app.stop();
    await closeRedis(redis);
    // The spans of the last requests, sent before the process goes.
    await tracing?.shutdown();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
  const url = await app.listen(config.port);
  logger.info({ url, redis: config.redisTarget?.kind ?? 'embedded', tracing: tracing !== undefined }, 'WAVE control API listening');
  if (config.nodeEnv !== 'production') process.stdout.write(developmentBanner(config, url, developmentToken));
}

/** What a developer needs to make a first call: where, with which token, and an example. */
function developmentBanner(config: Config, url: string, developmentToken: string | undefined): string {
  const ide = url.replace(/\/graphql$/, '/ide');
  const operatorConsole = url.replace(/\/graphql$/, CONSOLE_PATH);
  const token = developmentToken
    ? `Development operator token (valid ${DEVELOPMENT_TOKEN_LIFETIME}):\n\n  ${developmentToken}\n\n` +
      (config.http.ide ? `GraphQL IDE (token pre-filled from this machine): ${ide}\n\n` : '') +
      (config.http.console ? `Operator console (token offered to this machine): ${operatorConsole}\n\n` : '')
    : 'No development token: tokens are verified with the configured JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL.\n\n' +
      (config.http.ide ? `GraphQL IDE: ${ide}\n\n` : '') +
      (config.http.console ? `Operator console: ${operatorConsole}\n\n` : '');
  return (
    `\nWAVE control API on ${url} (${describeRedis(config.redisTarget)}` +
    `${config.seedDemo ? ', demo workflows seeded' : ''})\n` +
    token +
    `Try: curl -s ${url} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" ` +
    `-d '{"query":"{ workflows(first: 10) { nodes { threadId phase gate } } }"}'\n\n`
  );
}

const REDIS_DESCRIPTIONS: Record<RedisTarget['kind'], string> = {
  url: 'Redis at REDIS_URL',
  sentinel: 'Redis master named by REDIS_SENTINELS',
  cluster: 'Redis Cluster at REDIS_CLUSTER_NODES',
};

function describeRedis(target: RedisTarget | undefined): string {
  return target ? REDIS_DESCRIPTIONS[target.kind] : 'embedded in-memory Redis';
}

main().catch((error: unknown) => {
  console.error('WAVE control API failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
