import { z } from 'zod';
import { commaSeparated, duration } from './env-values';

/** `host:port`, the host a name, an IPv4 address or a bracketed IPv6 address. */
const REDIS_NODE_PATTERN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** A comma-separated list of `host:port` Redis nodes (sentinels, cluster seeds). */
const redisNodes = commaSeparated.pipe(
  z
    .array(
      z.string().refine((node) => {
        const port = Number(REDIS_NODE_PATTERN.exec(node)?.[2]);
        return port >= 1 && port <= 65535;
      }, 'must be host:port addresses (ports 1-65535), comma-separated'),
    )
    .min(1, 'must name at least one host:port'),
);

/** A key prefix: a name, optionally holding one Redis Cluster hash tag (`{wave}`, `prod{wave}`). */
const KEY_PREFIX_PATTERN = /^[A-Za-z0-9_.-]*(\{[A-Za-z0-9_.-]+\})?[A-Za-z0-9_.-]*$/;
const HASH_TAG = /\{[^{}]+\}/;

/** The prefix WAVE's keys take by default; in a Redis Cluster, a hash tag (docs/redis-contract.md, "Redis Cluster"). */
const DEFAULT_KEY_PREFIX = 'wave';
const DEFAULT_CLUSTER_KEY_PREFIX = '{wave}';

/** Where Redis is, how long to wait on it, and the prefix of WAVE's keys (REDIS_*, KEY_PREFIX). */
export const redisEnv = z.object({
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
  REDIS_COMMAND_TIMEOUT: duration('2s'),
  REDIS_CONNECT_TIMEOUT: duration('2s'),
  KEY_PREFIX: z
    .string()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .regex(KEY_PREFIX_PATTERN, 'must be letters, digits, "_", "." or "-", with at most one {hash tag} such as {wave}')
    .optional(),
});

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

/** The ways to name the Redis to use; at most one of them is set. */
const REDIS_TARGET_VARIABLES = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const;

/** Whether the environment names a Redis at all (without one, the server runs on the embedded Redis). */
export function namesRedisTarget(env: NodeJS.ProcessEnv): boolean {
  return REDIS_TARGET_VARIABLES.some((variable) => env[variable]);
}

/**
 * How the Redis variables combine: one way to reach Redis, a Sentinel setup names its master, and in a
 * Redis Cluster every WAVE key shares the prefix's hash tag, so each script runs in one slot.
 */
export function redisTargetProblems(env: NodeJS.ProcessEnv): string[] {
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

function parseRedisNode(node: string): RedisNode {
  const [, host, port] = REDIS_NODE_PATTERN.exec(node)!;
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port: Number(port) };
}

function credentialsOf(username: string | undefined, password: string | undefined): RedisCredentials | undefined {
  return password === undefined ? undefined : { username, password };
}

/** The Redis the variables name, once they passed the schema and `redisTargetProblems`. */
export function redisTargetOf(value: z.output<typeof redisEnv>): RedisTarget | undefined {
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

export function redisConfigOf(value: z.output<typeof redisEnv>): RedisConfig {
  return { commandTimeoutMs: value.REDIS_COMMAND_TIMEOUT, connectTimeoutMs: value.REDIS_CONNECT_TIMEOUT };
}

/** KEY_PREFIX, else `wave`, or `{wave}` in a Redis Cluster so that every key is in one slot. */
export function keyPrefixOf(value: z.output<typeof redisEnv>, redisTarget: RedisTarget | undefined): string {
  return value.KEY_PREFIX ?? (redisTarget?.kind === 'cluster' ? DEFAULT_CLUSTER_KEY_PREFIX : DEFAULT_KEY_PREFIX);
}
