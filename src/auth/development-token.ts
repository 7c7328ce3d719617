import { randomBytes } from 'node:crypto';
import type { AuthConfig } from '../config';
import { issueToken } from './tokens';

/** How long the printed development token stays valid. */
export const DEVELOPMENT_TOKEN_LIFETIME = '12h';

export interface DevelopmentSigning {
  /** The HS256 secret tokens are verified with: the configured one, or this process's random one. */
  secret?: string;
  /** An operator token signed with the random secret; absent whenever a key source is configured. */
  developmentToken?: string;
}

/**
 * With no key source at all (development only: config refuses it in production), a random secret
 * per process signs a printed operator token, worthless once the process stops. A configured key is
 * never used to mint one: a token signed with JWT_SECRET would be good on every instance sharing it.
 */
export function developmentSigning({ secret, publicKey, jwksUrl }: AuthConfig): DevelopmentSigning {
  if (secret || publicKey || jwksUrl) return { secret };
  const randomSecret = randomBytes(32).toString('hex');
  return {
    secret: randomSecret,
    developmentToken: issueToken(randomSecret, { sub: 'dev-operator', roles: ['operator'] }, DEVELOPMENT_TOKEN_LIFETIME),
  };
}
