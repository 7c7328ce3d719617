import { z } from 'zod';
import { parseDurationMs } from '../duration';

/** A rate limit written as `<max>/<window>`, e.g. `5/1m`; the window uses `ms` syntax (`30s`, `1m`, `1h`). */
const RATE_LIMIT_PATTERN = /^(\d+)\/(\d+(?:ms|s|m|h|d))$/;

export interface RateLimitPolicy {
  max: number;
  window: string;
}

/** A duration such as `30s`, `10m` or `24h`, read as milliseconds. */
export const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDurationMs(value);
      if (ms === null) ctx.addIssue({ code: 'custom', message: 'must be a duration like 30s, 10m or 24h' });
      return ms ?? 0;
    });

/** `<max>/<window>`, checked here and read by `parseRateLimit` once the whole environment is valid. */
export const rateLimit = (fallback: RateLimitPolicy) =>
  z.string().regex(RATE_LIMIT_PATTERN, 'must look like 5/1m (max calls / window)').default(`${fallback.max}/${fallback.window}`);

export function parseRateLimit(value: string): RateLimitPolicy {
  const [, max, window] = RATE_LIMIT_PATTERN.exec(value)!;
  return { max: Number(max), window };
}

/** `true` or `false`; absent leaves the choice to the setting's own default. */
export const flag = z.enum(['true', 'false'], { message: 'must be true or false' }).optional();

export const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** A comma-separated list, each entry trimmed, empty entries dropped. */
export const commaSeparated = z.string().transform((list) =>
  list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean),
);
