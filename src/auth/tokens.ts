import jwt, { type JwtPayload, TokenExpiredError } from 'jsonwebtoken';
import type { Authentication, Identity } from './identity';
import { isRole } from './roles';

/** The only algorithm accepted: pinning it rules out `alg: none` and key-confusion tokens. */
const ALGORITHM = 'HS256';
/** Same floor as JWT_SECRET in config.ts: a short HMAC secret can be brute-forced offline. */
const MIN_SECRET_LENGTH = 32;
const BEARER = /^Bearer +([^\s]+)$/i;

/** Reasons a client may see: generic on purpose, they never echo the token or say which check failed. */
export const REJECTION = {
  invalid: 'invalid token',
  expired: 'token expired',
} as const;

/** Either the verified identity or a safe rejection reason. */
type ClaimsOutcome = { ok: true; identity: Identity } | { ok: false; reason: string };

/** A token this server accepts for `identity`, expiring after `expiresIn` (seconds, or `ms` syntax: `12h`). */
export function issueToken(secret: string, { sub, roles }: Identity, expiresIn: jwt.SignOptions['expiresIn']): string {
  return jwt.sign({ roles }, secret, { algorithm: ALGORITHM, subject: sub, expiresIn });
}

/** Verifies bearer JWTs: HS256 only, `exp` and `sub` required. */
export class TokenVerifier {
  private readonly secret: string;

  constructor({ secret }: { secret: string }) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new Error(`JWT secret must be at least ${MIN_SECRET_LENGTH} characters`);
    }
    this.secret = secret;
  }

  /** Never throws: a bad token becomes `rejected` so each field's @auth decides what to do with it. */
  authenticate(authorizationHeader: string | undefined): Authentication {
    if (authorizationHeader === undefined) return { kind: 'anonymous' };
    const match = BEARER.exec(authorizationHeader.trim());
    if (!match) return { kind: 'rejected', reason: REJECTION.invalid };
    const outcome = this.verify(match[1]);
    return outcome.ok ? { kind: 'authenticated', identity: outcome.identity } : { kind: 'rejected', reason: outcome.reason };
  }

  private verify(token: string): ClaimsOutcome {
    let payload: string | JwtPayload;
    try {
      payload = jwt.verify(token, this.secret, { algorithms: [ALGORITHM] });
    } catch (error) {
      return { ok: false, reason: error instanceof TokenExpiredError ? REJECTION.expired : REJECTION.invalid };
    }
    return claimsToIdentity(payload);
  }
}

/** jsonwebtoken checks `exp` only when present, so its presence is required here. */
function claimsToIdentity(payload: string | JwtPayload): ClaimsOutcome {
  if (typeof payload !== 'object' || payload === null) return { ok: false, reason: REJECTION.invalid };
  if (typeof payload.exp !== 'number') return { ok: false, reason: REJECTION.invalid };
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) return { ok: false, reason: REJECTION.invalid };
  const claimed: unknown = payload.roles;
  const roles = Array.isArray(claimed) ? [...new Set(claimed.filter(isRole))] : [];
  return { ok: true, identity: { sub: payload.sub, roles } };
}
