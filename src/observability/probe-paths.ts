/** Probes and scrapes: answered every few seconds, they would drown the access log and the traces. */
export const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** A request's path without its query string (a GET /graphql carries the query and variables there). */
export function pathOf(url: string | undefined): string {
  return (url ?? '').split('?')[0];
}
