import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { ResetObserver } from '../workflows/reset-observer';

/**
 * What code below an HTTP request (the operation plugin, the reset services) needs of it. Passed
 * explicitly (in the GraphQL context), not through AsyncLocalStorage, whose hooks cost every
 * promise of every request.
 */
export interface RequestScope {
  /** The request's id (`x-request-id`), for what is not a log line (a trace's span). */
  requestId: string;
  /** The request's logger: every line it writes carries the request id. */
  log: Logger;
  /** Operations logged for this request; when there are some, the HTTP access line would only repeat them. */
  operationsLogged: number;
  /** Logs resets and batches made for this request under its id (and counts them). */
  resets: ResetObserver;
}

const scopesByRequest = new WeakMap<IncomingMessage, RequestScope>();

export function setRequestScope(req: IncomingMessage, scope: RequestScope): void {
  scopesByRequest.set(req, scope);
}

/** The scope httpLogging gave this request, if it passed there. */
export function requestScopeOf(req: IncomingMessage): RequestScope | undefined {
  return scopesByRequest.get(req);
}
