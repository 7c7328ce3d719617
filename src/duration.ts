/** Durations as operators write them: `500ms`, `30s`, `10m`, `24h`, `7d`. */
const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds in `value`, or null when it is not a positive duration. */
export function parseDurationMs(value: string): number | null {
  const match = DURATION_PATTERN.exec(value);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]] : 0;
  return ms > 0 ? ms : null;
}
