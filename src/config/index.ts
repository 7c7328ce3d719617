import { isIP } from 'node:net';
import { z } from 'zod';
import { authConfigOf, authEnv, namesTokenKey, type AuthConfig } from './auth';
import { flag, duration } from './env-values';
import {
  gatewayProblems,
  httpConfigOf,
  httpEnv,
  queryLimitsOf,
  subscriptionLimitsOf,
  type HttpConfig,
  type QueryLimits,
  type SubscriptionLimits,
} from './http';
import {
  keyPrefixOf,
  namesRedisTarget,
  redisConfigOf,
  redisEnv,
  redisTargetOf,
  redisTargetProblems,
  type RedisConfig,
  type RedisTarget,
} from './redis';
import { trustedDocumentsEnv, trustedDocumentsOf, type TrustedDocumentsConfig } from './trusted-documents';
import { resetConfigOf, stuckThresholdsOf, workflowsEnv, type ResetConfig, type StuckThresholds } from './workflows';

export type { AuthConfig } from './auth';
export type { RateLimitPolicy } from './env-values';
export type { HttpConfig, QueryLimits, SubscriptionLimits, TrustedGateway } from './http';
export type { RedisConfig, RedisCredentials, RedisNode, RedisTarget } from './redis';
export type { ResetConfig, StuckThresholds } from './workflows';
export type { TrustedDocumentsConfig, TrustedDocumentsMode } from './trusted-documents';

/** A host name to listen on (localhost, api.internal): letters, digits, dots and hyphens. */
const HOST_NAME_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/;
/** Outside production the server is reachable from this machine only, unless HOST says otherwise. */
const DEVELOPMENT_HOST = '127.0.0.1';

/** The process itself: where it listens, what it logs, how it stops, whether it writes the demo. */
const serverEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z
    .string()
    .refine(
      (host) => isIP(host) !== 0 || HOST_NAME_PATTERN.test(host),
      'must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name, without scheme, port or brackets',
    )
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  SHUTDOWN_TIMEOUT: duration('10s'),
  SEED_DEMO: flag,
});

const envSchema = z.object({
  ...serverEnv.shape,
  ...redisEnv.shape,
  ...workflowsEnv.shape,
  ...authEnv.shape,
  ...httpEnv.shape,
  ...trustedDocumentsEnv.shape,
});

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  /** The address to listen on; absent (production's default): every interface, IPv6 and IPv4. */
  host?: string;
  /** Absent (never in production): run on the embedded in-memory Redis. */
  redisTarget?: RedisTarget;
  keyPrefix: string;
  /** pino level; `silent` in tests by default. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** On SIGTERM/SIGINT, in-flight requests get this long to finish. */
  shutdownTimeoutMs: number;
  redis: RedisConfig;
  maxGate: number;
  /** Write the demo workflows at start (default: only on the embedded Redis; never in production). */
  seedDemo: boolean;
  reset: ResetConfig;
  stuck: StuckThresholds;
  auth: AuthConfig;
  queryLimits: QueryLimits;
  /** How many subscriptions a connection, and a caller over all its connections, may hold. */
  subscriptions: SubscriptionLimits;
  http: HttpConfig;
  /** Which documents run: TRUSTED_DOCUMENTS and its manifest. */
  trustedDocuments: TrustedDocumentsConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Rules that hold only in production. Checked on the raw environment, beside the schema, so that
 * they are reported together with every malformed value rather than on a second run.
 */
function productionProblems(env: NodeJS.ProcessEnv): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (!namesTokenKey(env)) problems.push('JWT_SECRET: is required when NODE_ENV=production (or JWT_PUBLIC_KEY or JWT_JWKS_URL)');
  if (env.SEED_DEMO === 'true') problems.push('SEED_DEMO: must not be true when NODE_ENV=production');
  // The embedded Redis is a demo: production state lives where the orchestrator writes it.
  if (!namesRedisTarget(env)) {
    problems.push('REDIS_URL: is required when NODE_ENV=production (or REDIS_SENTINELS or REDIS_CLUSTER_NODES)');
  }
  return problems;
}

/** Reads and validates every setting at once, so an operator sees all problems in one go. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  // Read on its own so that a bad manifest is reported together with every malformed value.
  const trustedEnv = trustedDocumentsEnv.safeParse(env);
  const trustedDocuments = trustedEnv.success ? trustedDocumentsOf(trustedEnv.data, env.NODE_ENV === 'production') : undefined;
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)),
    ...redisTargetProblems(env),
    ...gatewayProblems(env),
    ...productionProblems(env),
    ...(trustedDocuments?.problems ?? []),
  ];
  if (!parsed.success || !trustedDocuments || problems.length > 0) throw new ConfigError(problems);
  const value = parsed.data;
  const isProduction = value.NODE_ENV === 'production';
  const redisTarget = redisTargetOf(value);
  return {
    nodeEnv: value.NODE_ENV,
    port: value.PORT,
    host: value.HOST ?? (isProduction ? undefined : DEVELOPMENT_HOST),
    redisTarget,
    keyPrefix: keyPrefixOf(value, redisTarget),
    logLevel: value.LOG_LEVEL ?? (value.NODE_ENV === 'test' ? 'silent' : 'info'),
    shutdownTimeoutMs: value.SHUTDOWN_TIMEOUT,
    redis: redisConfigOf(value),
    maxGate: value.MAX_GATE,
    seedDemo: value.SEED_DEMO ? value.SEED_DEMO === 'true' : !redisTarget && !isProduction,
    reset: resetConfigOf(value, isProduction),
    stuck: stuckThresholdsOf(value),
    auth: authConfigOf(value),
    queryLimits: queryLimitsOf(value),
    subscriptions: subscriptionLimitsOf(value),
    http: httpConfigOf(value, isProduction),
    trustedDocuments: trustedDocuments.config,
  };
}
