import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/** The header a trusted federation gateway sends GATEWAY_SECRET in, to this subgraph only. */
export const GATEWAY_SECRET_HEADER = 'x-gateway-secret';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Sends a request carrying the gateway's secret to `gateway`, every other to `clients`. Digests are
 * compared in constant time, so neither the secret nor its length leaks through timing. A wrong secret
 * is served as any client's request and logged: it is a gateway's misconfiguration, or a guess.
 */
export function routeTrustedGateway(
  secret: string,
  handlers: { gateway: RequestHandler; clients: RequestHandler },
  logger: Logger,
): RequestHandler {
  const expected = digest(secret);
  return (req, res, next) => {
    const sent = req.headers[GATEWAY_SECRET_HEADER];
    if (typeof sent !== 'string') return handlers.clients(req, res, next);
    if (timingSafeEqual(digest(sent), expected)) return handlers.gateway(req, res, next);
    logger.warn({ header: GATEWAY_SECRET_HEADER }, 'gateway secret does not match GATEWAY_SECRET; served as a client');
    return handlers.clients(req, res, next);
  };
}
