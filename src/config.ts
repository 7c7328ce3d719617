import { isIP } from 'node:net';
import { z } from 'zod';
import {
  DEFAULT_MAX_GATE,
  DEFAULT_RESET_IDEMPOTENCY_TTL,
  DEFAULT_RESET_PLAN_TTL,
  DEFAULT_RESET_PREVIEW_RATE_LIMIT,
  DEFAULT_RESET_RATE_LIMIT,
  DEFAULT_STUCK_QUEUED_AFTER,
  DEFAULT_STUCK_RESULT_AFTER,
  DEFAULT_STUCK_RUNNING_AFTER,
} from './defaults';
import { parseDurationMs } from './duration';

/** A rate limit written as `<max>/<window>`, e.g. `5/1m`; the window uses `ms` syntax (`30s`, `1m`, `1h`). */
const RATE_LIMIT_PATTERN = /^(\d+)\/(\d+(?:ms|s|m|h|d))$/;

export interface RateLimitPolicy {
  max: number;
  window: string;
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDurationMs(value);
      if (ms === null) ctx.addIssue({ code: 'custom', message: 'must be a duration like 30s, 10m or 24h' });
      return ms ?? 0;
    });
/** `host:port`, the host a name, an IPv4 address or a bracketed IPv6 address. */
const REDIS_NODE_PATTERN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** A comma-separated list of `host:port` Redis nodes (sentinels, cluster seeds). */
const redisNodes = z
  .string()
  .transform((list) =>
    list
      .split(',')
      .map((node) => node.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z.string().refine((node) => {
          const port = Number(REDIS_NODE_PATTERN.exec(node)?.[2]);
          return port >= 1 && port <= 65535;
        }, 'must be host:port addresses (ports 1-65535), comma-separated'),
      )
      .min(1, 'must name at least one host:port'),
  );

/** A host name to listen on (localhost, api.internal): letters, digits, dots and hyphens. */
const HOST_NAME_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/;
/** Outside production the server is reachable from this machine only, unless HOST says otherwise. */
const DEVELOPMENT_HOST = '127.0.0.1';

/** A key prefix: a name, optionally holding one Redis Cluster hash tag (`{wave}`, `prod{wave}`). */
const KEY_PREFIX_PATTERN = /^[A-Za-z0-9_.-]*(\{[A-Za-z0-9_.-]+\})?[A-Za-z0-9_.-]*$/;
const HASH_TAG = /\{[^{}]+\}/;

/** The prefix WAVE's keys take by default; in a Redis Cluster, a hash tag (docs/redis-contract.md, "Redis Cluster"). */
const DEFAULT_KEY_PREFIX = 'wave';
const DEFAULT_CLUSTER_KEY_PREFIX = '{wave}';

const rateLimit = (fallback: RateLimitPolicy) =>
  z.string().regex(RATE_LIMIT_PATTERN, 'must look like 5/1m (max calls / window)').default(`${fallback.max}/${fallback.window}`);

const flag = z.enum(['true', 'false'], { message: 'must be true or false' }).optional();
const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z
    .string()
    .refine(
      (host) => isIP(host) !== 0 || HOST_NAME_PATTERN.test(host),
      'must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name, without scheme, port or brackets',
    )
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_SENTINELS: redisNodes.optional(),
  REDIS_CLUSTER_NODES: redisNodes.optional(),
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be the name Sentinel monitors the master under (letters, digits, "_", "." or "-")')
    .optional(),
  REDIS_USERNAME: z.string().min(1, 'must not be empty').optional(),
  REDIS_PASSWORD: z.string().min(1, 'must not be empty').optional(),
  REDIS_SENTINEL_USERNAME: z.string().min(1, 'must not be empty').optional(),
  REDIS_SENTINEL_PASSWORD: z.string().min(1, 'must not be empty').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  SHUTDOWN_TIMEOUT: duration('10s'),
  REDIS_COMMAND_TIMEOUT: duration('2s'),
  REDIS_CONNECT_TIMEOUT: duration('2s'),
  KEY_PREFIX: z
    .string()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .regex(KEY_PREFIX_PATTERN, 'must be letters, digits, "_", "." or "-", with at most one {hash tag} such as {wave}')
    .optional(),
  MAX_GATE: z.coerce.number().int().min(0).max(1000).default(DEFAULT_MAX_GATE),
  SEED_DEMO: flag,
  RESET_RATE_LIMIT: rateLimit(DEFAULT_RESET_RATE_LIMIT),
  RESET_PREVIEW_RATE_LIMIT: rateLimit(DEFAULT_RESET_PREVIEW_RATE_LIMIT),
  REQUIRE_RESET_CONFIRMATION: flag,
  RESET_IDEMPOTENCY_TTL: duration(DEFAULT_RESET_IDEMPOTENCY_TTL),
  RESET_PLAN_TTL: duration(DEFAULT_RESET_PLAN_TTL),
  RESET_SWEEP_QUEUES: flag,
  STUCK_QUEUED_AFTER: duration(DEFAULT_STUCK_QUEUED_AFTER),
  STUCK_RUNNING_AFTER: duration(DEFAULT_STUCK_RUNNING_AFTER),
  STUCK_RESULT_AFTER: duration(DEFAULT_STUCK_RESULT_AFTER),

  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_PUBLIC_KEY: z
    .string()
    .transform((pem) => pem.replace(/\\n/g, '\n'))
    .refine((pem) => pem.includes('-----BEGIN PUBLIC KEY-----'), 'must be a PEM public key (BEGIN PUBLIC KEY)')
    .optional(),
  JWT_JWKS_URL: z.string().url('must be a URL').optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  JWT_CLOCK_TOLERANCE: z.coerce.number().int().min(0).max(300).default(5),
  JWT_ROLES_CLAIM: z
    .string()
    .regex(/^[A-Za-z0-9_:/.-]+$/, 'must be a claim name or a dotted path such as realm_access.roles')
    .default('roles'),

  MAX_DEPTH: positiveInt(8),
  MAX_ALIASES: positiveInt(15),
  MAX_TOKENS: positiveInt(1000),
  MAX_DIRECTIVES: positiveInt(50),
  MAX_COST: positiveInt(5000),
  MAX_SUBSCRIPTIONS_PER_SOCKET: positiveInt(20),
  MAX_SUBSCRIPTIONS_PER_CALLER: positiveInt(100),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must look like 100kb')
    .default('100kb'),
  INTROSPECTION: flag,
  IDE: flag,
  FIELD_SUGGESTIONS: flag,
  ALLOW_BATCHED_REQUESTS: flag,
  CORS_ORIGINS: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be origins like https://dash.example.com, comma-separated')))
    .default([]),
  CORS_CREDENTIALS: flag,
  TRUST_PROXY: z
    .string()
    .regex(/^(false|true|loopback|\d+)$/, 'must be false, true, loopback or the number of proxies in front')
    .default('false'),
});

/**
 * Rules that hold only in production. Checked on the raw environment, beside the schema, so that
 * they are reported together with every malformed value rather than on a second run.
 */
function productionProblems(env: NodeJS.ProcessEnv): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (!env.JWT_SECRET && !env.JWT_PUBLIC_KEY && !env.JWT_JWKS_URL) {
    problems.push('JWT_SECRET: is required when NODE_ENV=production (or JWT_PUBLIC_KEY or JWT_JWKS_URL)');
  }
  if (env.SEED_DEMO === 'true') problems.push('SEED_DEMO: must not be true when NODE_ENV=production');
  // The embedded Redis is a demo: production state lives where the orchestrator writes it.
  if (!REDIS_TARGET_VARIABLES.some((variable) => env[variable])) {
    problems.push('REDIS_URL: is required when NODE_ENV=production (or REDIS_SENTINELS or REDIS_CLUSTER_NODES)');
  }
  return problems;
}

/** The ways to name the Redis to use; at most one of them is set. */
const REDIS_TARGET_VARIABLES = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const;

/**
 * How the Redis variables combine: one way to reach Redis, a Sentinel setup names its master, and in a
 * Redis Cluster every WAVE key shares the prefix's hash tag, so each script runs in one slot.
 */
function redisTargetProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const [first, ...others] = REDIS_TARGET_VARIABLES.filter((variable) => env[variable]);
  for (const other of others)
    problems.push(`${other}: cannot be combined with ${first}; set only one of ${REDIS_TARGET_VARIABLES.join(', ')}`);
  if (env.REDIS_SENTINELS && !env.REDIS_SENTINEL_NAME) problems.push('REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS');
  if (env.REDIS_SENTINEL_NAME && !env.REDIS_SENTINELS) problems.push('REDIS_SENTINEL_NAME: only applies with REDIS_SENTINELS');
  problems.push(...redisCredentialProblems(env));
  if (env.REDIS_CLUSTER_NODES && env.KEY_PREFIX !== undefined && !HASH_TAG.test(env.KEY_PREFIX)) {
    problems.push(
      `KEY_PREFIX: must hold a hash tag such as ${DEFAULT_CLUSTER_KEY_PREFIX} with REDIS_CLUSTER_NODES, so every WAVE key is in one slot`,
    );
  }
  return problems;
}

/**
 * Credentials for Sentinel and Cluster connections: a URL carries its own, and a user needs its
 * password (Redis ACL `AUTH <user> <password>`). Problems name the variables, never their values.
 */
function redisCredentialProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  for (const variable of ['REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_SENTINEL_USERNAME', 'REDIS_SENTINEL_PASSWORD'] as const) {
    if (env[variable] === undefined) continue;
    if (env.REDIS_URL) {
      problems.push(
        `${variable}: cannot be combined with REDIS_URL; put the user and password in the URL (redis://user:password@host:6379)`,
      );
    } else if (variable.startsWith('REDIS_SENTINEL_') && !env.REDIS_SENTINELS) {
      problems.push(`${variable}: only applies with REDIS_SENTINELS`);
    } else if (!env.REDIS_SENTINELS && !env.REDIS_CLUSTER_NODES) {
      problems.push(`${variable}: only applies with REDIS_SENTINELS or REDIS_CLUSTER_NODES`);
    }
  }
  if (env.REDIS_USERNAME && !env.REDIS_PASSWORD) problems.push('REDIS_USERNAME: needs REDIS_PASSWORD');
  if (env.REDIS_SENTINEL_USERNAME && !env.REDIS_SENTINEL_PASSWORD) problems.push('REDIS_SENTINEL_USERNAME: needs REDIS_SENTINEL_PASSWORD');
  return problems;
}

/** How bearer tokens are verified. At least one key source is set in production. */
export interface AuthConfig {
  /** HS256 shared secret; absent outside production means a random development secret. */
  secret?: string;
  /** PEM public key: RS256 for RSA keys, ES256 for P-256 keys. */
  publicKey?: string;
  /** An identity provider's JWKS: keys picked by `kid`. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Seconds of clock skew accepted on `exp` and `nbf`. */
  clockToleranceSeconds: number;
  /** Where the roles array sits in the token: a claim name or a dotted path. */
  rolesClaim: string;
}

/** Limits on what one operation may ask for (GraphQL Armor). */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
}

/** How many subscriptions may stream at once (MAX_SUBSCRIPTIONS_PER_SOCKET, MAX_SUBSCRIPTIONS_PER_CALLER). */
export interface SubscriptionLimits {
  perSocket: number;
  /** Per token subject, across every connection to this process. */
  perCaller: number;
}

export interface HttpConfig {
  bodyLimit: string;
  introspection: boolean;
  /** The offline GraphQL IDE at GET /ide (and GET /graphql from a browser). */
  ide: boolean;
  fieldSuggestions: boolean;
  allowBatchedRequests: boolean;
  corsOrigins: string[];
  corsCredentials: boolean;
  /** Express's `trust proxy`: only then is X-Forwarded-For believed for client addresses. */
  trustProxy: boolean | number | 'loopback';
}

/** How resets are confirmed and repeated (docs/redis-contract.md, "Reset"). */
export interface ResetConfig {
  /** What real resets (and refused ones) spend; replays of a stored requestId spend nothing. */
  rateLimit: RateLimitPolicy;
  /** What previews (dryRun) spend, apart from real resets. */
  previewRateLimit: RateLimitPolicy;
  /** A real reset must carry the planToken of a preview. */
  requireConfirmation: boolean;
  /** How long a requestId's summary is kept and replayed. */
  idempotencyTtlMs: number;
  /** How long a preview's planToken can confirm a reset. */
  planTtlMs: number;
  /** Look through every queued id for tasks queued without being indexed (costs a read per queued id). */
  sweepQueues: boolean;
}

/** When a workflow counts as stuck (Workflow.health). */
export interface StuckThresholds {
  /** A pending task waited in its queue this long without an agent taking it. */
  queuedAfterMs: number;
  /** An in-progress task's agent gave no heartbeat for this long. */
  runningAfterMs: number;
  /** A result was stored this long ago and the workflow did not move since. */
  resultAfterMs: number;
}

export interface RedisNode {
  host: string;
  port: number;
}

/** A Redis ACL user and its password; no user means Redis's `default` user (`requirepass`). */
export interface RedisCredentials {
  username?: string;
  password: string;
}

/**
 * Which Redis holds WAVE's state: one server by URL (credentials in the URL), the master a set of
 * Sentinels names, or a Redis Cluster. `credentials` are those of the data nodes (master, replicas,
 * every cluster node); `sentinelCredentials` those of the Sentinels themselves.
 */
export type RedisTarget =
  | { kind: 'url'; url: string }
  | { kind: 'sentinel'; sentinels: RedisNode[]; masterName: string; credentials?: RedisCredentials; sentinelCredentials?: RedisCredentials }
  | { kind: 'cluster'; nodes: RedisNode[]; credentials?: RedisCredentials };

/** How the server talks to Redis when Redis is slow or away. */
export interface RedisConfig {
  /** Every command fails after this long instead of hanging a request. */
  commandTimeoutMs: number;
  connectTimeoutMs: number;
}

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
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parseRateLimit(value: string): RateLimitPolicy {
  const [, max, window] = RATE_LIMIT_PATTERN.exec(value)!;
  return { max: Number(max), window };
}

function parseRedisNode(node: string): RedisNode {
  const [, host, port] = REDIS_NODE_PATTERN.exec(node)!;
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port: Number(port) };
}

function credentialsOf(username: string | undefined, password: string | undefined): RedisCredentials | undefined {
  return password === undefined ? undefined : { username, password };
}

function redisTargetOf(value: {
  REDIS_URL?: string;
  REDIS_SENTINELS?: string[];
  REDIS_SENTINEL_NAME?: string;
  REDIS_CLUSTER_NODES?: string[];
  REDIS_USERNAME?: string;
  REDIS_PASSWORD?: string;
  REDIS_SENTINEL_USERNAME?: string;
  REDIS_SENTINEL_PASSWORD?: string;
}): RedisTarget | undefined {
  if (value.REDIS_URL) return { kind: 'url', url: value.REDIS_URL };
  const credentials = credentialsOf(value.REDIS_USERNAME, value.REDIS_PASSWORD);
  if (value.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: value.REDIS_CLUSTER_NODES.map(parseRedisNode), credentials };
  if (value.REDIS_SENTINELS && value.REDIS_SENTINEL_NAME) {
    return {
      kind: 'sentinel',
      sentinels: value.REDIS_SENTINELS.map(parseRedisNode),
      masterName: value.REDIS_SENTINEL_NAME,
      credentials,
      sentinelCredentials: credentialsOf(value.REDIS_SENTINEL_USERNAME, value.REDIS_SENTINEL_PASSWORD),
    };
  }
  return undefined;
}

function parseTrustProxy(value: string): HttpConfig['trustProxy'] {
  if (value === 'true' || value === 'false') return value === 'true';
  return value === 'loopback' ? value : Number(value);
}

/** Reads and validates every setting at once, so an operator sees all problems in one go. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)),
    ...redisTargetProblems(env),
    ...productionProblems(env),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const value = parsed.data;
  const isProduction = value.NODE_ENV === 'production';
  const redisTarget = redisTargetOf(value);
  // Exploration aids are on while developing and off in production unless asked for.
  const developmentDefault = (setting: 'true' | 'false' | undefined): boolean => (setting ? setting === 'true' : !isProduction);
  return {
    nodeEnv: value.NODE_ENV,
    port: value.PORT,
    host: value.HOST ?? (isProduction ? undefined : DEVELOPMENT_HOST),
    redisTarget,
    keyPrefix: value.KEY_PREFIX ?? (redisTarget?.kind === 'cluster' ? DEFAULT_CLUSTER_KEY_PREFIX : DEFAULT_KEY_PREFIX),
    logLevel: value.LOG_LEVEL ?? (value.NODE_ENV === 'test' ? 'silent' : 'info'),
    shutdownTimeoutMs: value.SHUTDOWN_TIMEOUT,
    redis: { commandTimeoutMs: value.REDIS_COMMAND_TIMEOUT, connectTimeoutMs: value.REDIS_CONNECT_TIMEOUT },
    maxGate: value.MAX_GATE,
    seedDemo: value.SEED_DEMO ? value.SEED_DEMO === 'true' : !redisTarget && !isProduction,
    reset: {
      rateLimit: parseRateLimit(value.RESET_RATE_LIMIT),
      previewRateLimit: parseRateLimit(value.RESET_PREVIEW_RATE_LIMIT),
      requireConfirmation: value.REQUIRE_RESET_CONFIRMATION ? value.REQUIRE_RESET_CONFIRMATION === 'true' : isProduction,
      idempotencyTtlMs: value.RESET_IDEMPOTENCY_TTL,
      planTtlMs: value.RESET_PLAN_TTL,
      sweepQueues: value.RESET_SWEEP_QUEUES !== 'false',
    },
    stuck: {
      queuedAfterMs: value.STUCK_QUEUED_AFTER,
      runningAfterMs: value.STUCK_RUNNING_AFTER,
      resultAfterMs: value.STUCK_RESULT_AFTER,
    },
    auth: {
      secret: value.JWT_SECRET,
      publicKey: value.JWT_PUBLIC_KEY,
      jwksUrl: value.JWT_JWKS_URL,
      issuer: value.JWT_ISSUER,
      audience: value.JWT_AUDIENCE,
      clockToleranceSeconds: value.JWT_CLOCK_TOLERANCE,
      rolesClaim: value.JWT_ROLES_CLAIM,
    },
    queryLimits: {
      maxDepth: value.MAX_DEPTH,
      maxAliases: value.MAX_ALIASES,
      maxTokens: value.MAX_TOKENS,
      maxDirectives: value.MAX_DIRECTIVES,
      maxCost: value.MAX_COST,
    },
    subscriptions: {
      perSocket: value.MAX_SUBSCRIPTIONS_PER_SOCKET,
      perCaller: value.MAX_SUBSCRIPTIONS_PER_CALLER,
    },
    http: {
      bodyLimit: value.BODY_LIMIT,
      introspection: developmentDefault(value.INTROSPECTION),
      ide: developmentDefault(value.IDE),
      fieldSuggestions: developmentDefault(value.FIELD_SUGGESTIONS),
      allowBatchedRequests: value.ALLOW_BATCHED_REQUESTS === 'true',
      corsOrigins: value.CORS_ORIGINS,
      corsCredentials: value.CORS_CREDENTIALS === 'true',
      trustProxy: parseTrustProxy(value.TRUST_PROXY),
    },
  };
}
