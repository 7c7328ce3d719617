import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { PROBE_PATHS, pathOf } from './probe-paths';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id';
import type { ResetObserver } from '../workflows/reset-observer';
import { requestScopeOf, setRequestScope } from './request-scope';
import { GATEWAY_SECRET_HEADER } from '../http/trusted-gateway';

/**
 * pino-http for every request: a request id (the caller's `x-request-id` when well-formed, else a UUID,
 * echoed in the response), `req.log` carrying it, and the request's scope (requestScopeOf) for the code below it,
 * its resets observed by `observeResets(req.log)`.
 * The access line is written only for requests that ran no GraphQL operation (the IDE, refused bodies,
 * CORS refusals): an operation writes its own, richer line. It holds the method, the path without its
 * query string (a GET /graphql carries the query and variables there) and the status: never a header.
 */
export function httpLogging(logger: Logger, observeResets: (log: Logger) => ResetObserver): RequestHandler {
  const middleware = pinoHttp<IncomingMessage, ServerResponse>({
    logger,
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    genReqId: (req, res) => {
      const id = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: pathOf(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // The serializers keep headers out already; this stays in case one is ever added.
    redact: ['req.headers.authorization', 'req.headers.cookie', `req.headers["${GATEWAY_SECRET_HEADER}"]`],
    autoLogging: { ignore: (req) => PROBE_PATHS.has(pathOf(req.url)) },
    customLogLevel: (req, res, error) => {
      if ((requestScopeOf(req)?.operationsLogged ?? 0) > 0) return 'silent';
      return error || res.statusCode >= 500 ? 'error' : 'info';
    },
  });
  return (req, res, next) => {
    middleware(req, res);
    setRequestScope(req, { requestId: String(req.id), log: req.log, operationsLogged: 0, resets: observeResets(req.log) });
    next();
  };
}
