import { z } from 'zod';

/** The JWT_* variables: the key sources, the claims a token must carry, the clock skew allowed. */
export const authEnv = z.object({
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_PUBLIC_KEY: z
    .string()
    .transform((pem) => pem.replace(/\\n/g, '\n'))
    .refine((pem) => pem.includes('-----BEGIN PUBLIC KEY-----'), 'must be a PEM public key (BEGIN PUBLIC KEY)')
    .optional(),
  JWT_JWKS_URL: z.string().url('must be a URL').optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  JWT_CLOCK_TOLERANCE: z.coerce.number().int().min(0).max(300).default(5),
  JWT_ROLES_CLAIM: z
    .string()
    .regex(/^[A-Za-z0-9_:/.-]+$/, 'must be a claim name or a dotted path such as realm_access.roles')
    .default('roles'),
});

/** How bearer tokens are verified. At least one key source is set in production. */
export interface AuthConfig {
  /** HS256 shared secret; absent outside production means a random development secret. */
  secret?: string;
  /** PEM public key: RS256 for RSA keys, ES256 for P-256 keys. */
  publicKey?: string;
  /** An identity provider's JWKS: keys picked by `kid`. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Seconds of clock skew accepted on `exp` and `nbf`. */
  clockToleranceSeconds: number;
  /** Where the roles array sits in the token: a claim name or a dotted path. */
  rolesClaim: string;
}

/** Whether the environment names a key to verify tokens with, as production requires. */
export function namesTokenKey(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.JWT_SECRET || env.JWT_PUBLIC_KEY || env.JWT_JWKS_URL);
}

export function authConfigOf(value: z.output<typeof authEnv>): AuthConfig {
  return {
    secret: value.JWT_SECRET,
    publicKey: value.JWT_PUBLIC_KEY,
    jwksUrl: value.JWT_JWKS_URL,
    issuer: value.JWT_ISSUER,
    audience: value.JWT_AUDIENCE,
    clockToleranceSeconds: value.JWT_CLOCK_TOLERANCE,
    rolesClaim: value.JWT_ROLES_CLAIM,
  };
}
