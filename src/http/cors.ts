import cors from 'cors';
import type { RequestHandler } from 'express';
import type { HttpConfig } from '../config';

/** Browsers may cache a preflight this long (seconds); origins change with a deploy, not by the minute. */
const PREFLIGHT_MAX_AGE = 600;

/** Headers a browser frontend sends: JSON bodies, the bearer token, and Apollo's CSRF preflight header. */
const ALLOWED_HEADERS = ['content-type', 'authorization', 'apollo-require-preflight'];

/**
 * CORS for the GraphQL endpoint: an origin in `corsOrigins` gets Access-Control-Allow-Origin (and
 * Allow-Credentials when `corsCredentials`); any other origin gets no Access-Control-* header at all,
 * and its preflight ends here with an empty 204 so the browser refuses the real request.
 */
export function corsPolicy(http: HttpConfig): RequestHandler[] {
  const allowed = new Set(http.corsOrigins);
  const varyByOrigin: RequestHandler = (_req, res, next) => {
    // Whether the grant is there depends on Origin: caches must not share one origin's answer.
    res.vary('Origin');
    next();
  };
  const grantAllowedOrigins = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials: http.corsCredentials,
    methods: ['GET', 'POST'],
    allowedHeaders: ALLOWED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE,
  });
  const endForeignPreflight: RequestHandler = (req, res, next) => {
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
  return [varyByOrigin, grantAllowedOrigins, endForeignPreflight];
}
