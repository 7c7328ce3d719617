import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';

/** What code deep in a request (the reset observer, the operation plugin) needs of the HTTP request. */
export interface RequestScope {
  /** The request's logger: every line it writes carries the request id. */
  log: Logger;
  /** Operations logged for this request; when there are some, the HTTP access line would only repeat them. */
  operationsLogged: number;
}

const storage = new AsyncLocalStorage<RequestScope>();
const scopesByRequest = new WeakMap<IncomingMessage, RequestScope>();

/** Runs the rest of the request's handling (`next`) inside its scope. */
export function runInRequestScope(req: IncomingMessage, scope: RequestScope, next: () => void): void {
  scopesByRequest.set(req, scope);
  storage.run(scope, next);
}

/** The scope of the HTTP request being handled, if any (a subscription or a test's executeOperation has none). */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

export function requestScopeOf(req: IncomingMessage): RequestScope | undefined {
  return scopesByRequest.get(req);
}

/** The current request's logger, else `fallback`. */
export function requestLogger(fallback: Logger): Logger {
  return storage.getStore()?.log ?? fallback;
}
