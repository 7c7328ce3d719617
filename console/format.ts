// How times, ages and JSON read on the page.

/** "42 s", "5 min", "3 h 10 min", "2 d 4 h": how long ago (or how long) in the largest units that matter. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** The age of an ISO time, relative to `now`; an em dash when there is none. */
export function age(iso: string | null | undefined, now: number): string {
  return iso ? `${duration((now - Date.parse(iso)) / 1000)} ago` : '—';
}

/** A local clock time with seconds, for "last read" and event times. */
export function clock(at: Date | string): string {
  return new Date(at).toLocaleTimeString(undefined, { hour12: false });
}

/** A local date and time, for audit entries and expiries. */
export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { hour12: false });
}

/** JSON as a person reads it: indented; "—" for nothing. */
export function readableJson(value: unknown): string {
  return value === null || value === undefined ? '—' : JSON.stringify(value, null, 2);
}

/** A request id for an idempotent mutation, made when its preview is shown. */
export function newRequestId(): string {
  return `console-${crypto.randomUUID()}`;
}
