import jwt, { type JwtHeader, type JwtPayload, TokenExpiredError } from 'jsonwebtoken';
import type { AuthConfig } from '../config';
import { identityFromClaims } from './claims';
import type { Authentication, Identity } from './identity';
import { JwksKeySource, publicKeySource, secretKeySource, type KeySource, type PinnedKey } from './signing-keys';

const BEARER = /^Bearer +([^\s]+)$/i;

/** Reasons a client may see: generic on purpose, they never echo the token or say which check failed. */
export const REJECTION = {
  invalid: 'invalid token',
  expired: 'token expired',
} as const;

const rejected = (reason: string): Authentication => ({ kind: 'rejected', reason });

/** A token this server accepts for `identity` (HS256), expiring after `expiresIn` (seconds, or `ms` syntax: `12h`). */
export function issueToken(
  secret: string,
  { sub, roles }: Pick<Identity, 'sub' | 'roles'>,
  expiresIn: jwt.SignOptions['expiresIn'],
): string {
  return jwt.sign({ roles }, secret, { algorithm: 'HS256', subject: sub, expiresIn });
}

export interface TokenVerifierEvents {
  /** The JWKS could not be fetched (the reason, never a token): tokens it signs are refused meanwhile. */
  onKeySetUnavailable?(reason: string): void;
}

/**
 * Verifies bearer JWTs against the configured key sources (HS256 secret, PEM public key, JWKS), each
 * pinned to its algorithm: a token's `alg` only selects among keys already bound to that algorithm,
 * so `none` and HS256-signed-with-the-public-key tokens find no key. `exp` and `sub` are required.
 */
export class TokenVerifier {
  private readonly sources: KeySource[] = [];

  constructor(
    private readonly config: AuthConfig,
    events: TokenVerifierEvents = {},
  ) {
    if (config.secret !== undefined) this.sources.push(secretKeySource(config.secret));
    if (config.publicKey !== undefined) this.sources.push(publicKeySource(config.publicKey));
    // Last, so a token a local key verifies never costs a fetch.
    if (config.jwksUrl !== undefined) this.sources.push(new JwksKeySource(config.jwksUrl, events.onKeySetUnavailable));
    if (this.sources.length === 0) {
      throw new Error('No JWT key source: set a secret, a public key or a JWKS URL');
    }
  }

  /** Never throws: a bad token becomes `rejected` so each field's @auth decides what to do with it. */
  async authenticate(authorizationHeader?: string): Promise<Authentication> {
    if (authorizationHeader === undefined) return { kind: 'anonymous' };
    const match = BEARER.exec(authorizationHeader.trim());
    if (!match) return rejected(REJECTION.invalid);
    try {
      return await this.verify(match[1]);
    } catch {
      return rejected(REJECTION.invalid);
    }
  }

  private async verify(token: string): Promise<Authentication> {
    const header = jwt.decode(token, { complete: true })?.header;
    if (!header) return rejected(REJECTION.invalid);
    for (const source of this.sources) {
      const pinned = await this.keyFrom(source, header);
      const outcome = pinned && this.verifyWith(token, pinned);
      if (outcome) return outcome;
    }
    return rejected(REJECTION.invalid);
  }

  /** The outcome of checking `token` against one key, or undefined when this key does not accept it (another may). */
  private verifyWith(token: string, { key, algorithm }: PinnedKey): Authentication | undefined {
    let payload: string | JwtPayload;
    try {
      payload = jwt.verify(token, key, {
        algorithms: [algorithm],
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTolerance: this.config.clockToleranceSeconds,
      });
    } catch (error) {
      // jsonwebtoken checks the signature first, so an expired token was genuinely signed with this key.
      return error instanceof TokenExpiredError ? rejected(REJECTION.expired) : undefined;
    }
    const identity = identityFromClaims(payload, this.config.rolesClaim, this.config.clockToleranceSeconds);
    return identity ? { kind: 'authenticated', identity } : rejected(REJECTION.invalid);
  }

  /** An unreachable JWKS only means that source has no key: others may still verify the token. */
  private async keyFrom(source: KeySource, header: JwtHeader): Promise<PinnedKey | undefined> {
    try {
      return await source.keyFor(header);
    } catch {
      return undefined;
    }
  }
}
