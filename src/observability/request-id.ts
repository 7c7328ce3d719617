import { randomUUID } from 'node:crypto';

/** The header a gateway sets to correlate its logs with ours; we echo it back. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** What we accept from a caller: short and log-safe (no spaces, quotes or control characters). */
const WELL_FORMED = /^[A-Za-z0-9._-]{1,128}$/;

/** The caller's id when it is well-formed, else a fresh UUID: a forged id can never break a log line. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && WELL_FORMED.test(given) ? given : randomUUID();
}
