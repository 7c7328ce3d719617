import { z } from 'zod';

/** A rate limit written as `<max>/<window>`, e.g. `5/1m`; the window uses `ms` syntax (`30s`, `1m`, `1h`). */
const RATE_LIMIT_PATTERN = /^(\d+)\/(\d+(?:ms|s|m|h|d))$/;

export interface RateLimitPolicy {
  max: number;
  window: string;
}

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 characters of letters, digits, "_", "." or "-"')
      .default('wave'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    MAX_GATE: z.coerce.number().int().min(0).max(1000).default(7),
    SEED_DEMO: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
    RESET_RATE_LIMIT: z
      .string()
      .regex(RATE_LIMIT_PATTERN, 'must look like 5/1m (max calls / window)')
      .default('5/1m'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (!env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when NODE_ENV=production' });
    }
    if (env.SEED_DEMO === 'true') {
      ctx.addIssue({ code: 'custom', path: ['SEED_DEMO'], message: 'must not be true when NODE_ENV=production' });
    }
    // The embedded Redis is a demo: production state lives where the orchestrator writes it.
    if (!env.REDIS_URL) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'is required when NODE_ENV=production' });
    }
  });

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  /** Absent (never in production): run on the embedded in-memory Redis, seeded with demo workflows. */
  redisUrl?: string;
  keyPrefix: string;
  /** Absent only outside production: a random development secret is generated at start. */
  jwtSecret?: string;
  maxGate: number;
  /** Write the demo workflows at start (default: only on the embedded Redis; never in production). */
  seedDemo: boolean;
  resetRateLimit: RateLimitPolicy;
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

/** Reads and validates every setting at once, so an operator sees all problems in one go. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const value = parsed.data;
  return {
    nodeEnv: value.NODE_ENV,
    port: value.PORT,
    redisUrl: value.REDIS_URL,
    keyPrefix: value.KEY_PREFIX,
    jwtSecret: value.JWT_SECRET,
    maxGate: value.MAX_GATE,
    seedDemo: value.SEED_DEMO ? value.SEED_DEMO === 'true' : !value.REDIS_URL && value.NODE_ENV !== 'production',
    resetRateLimit: parseRateLimit(value.RESET_RATE_LIMIT),
  };
}
