import type { AuthConfig } from '../../src/config';
import { REJECTION, TokenVerifier } from '../../src/auth/tokens';
import { JwksServer } from './jwks-server';
import {
  AUDIENCE,
  authConfig,
  bearer,
  claims,
  ecKeyPair,
  hmacSignedWithPublicKey,
  ISSUER,
  nowInSeconds,
  publicJwk,
  publicPem,
  rsaKeyPair,
  sign,
  unsignedToken,
  type Signer,
} from './token-forge';

const SECRET = 'a-test-secret-that-is-at-least-32-characters';
const rsa = rsaKeyPair();
const ec = ecKeyPair();
const INVALID = { kind: 'rejected', reason: REJECTION.invalid };

/** A way to configure keys, a token it accepts, and what an attacker could hold against it. */
interface KeySourceCase {
  source: string;
  config: () => Partial<AuthConfig>;
  signer: Signer;
  /** Same algorithm, a key the verifier does not know, under a kid nobody published. */
  stranger: Signer;
  /** A public key an attacker could use as HMAC secret. */
  publicKeyPem: string;
}

let jwks: JwksServer;
beforeAll(async () => {
  jwks = await JwksServer.start([publicJwk(rsa.publicKey, 'rsa-1', 'RS256'), publicJwk(ec.publicKey, 'ec-1')]);
});
afterAll(async () => {
  await jwks.stop();
});

const CASES: KeySourceCase[] = [
  {
    source: 'an HS256 secret',
    config: () => ({ secret: SECRET }),
    signer: { algorithm: 'HS256', key: SECRET },
    stranger: { algorithm: 'HS256', key: 'another-secret-that-is-at-least-32-characters', kid: 'unknown-kid' },
    publicKeyPem: publicPem(rsa.publicKey),
  },
  {
    source: 'an RSA public key PEM (RS256)',
    config: () => ({ publicKey: publicPem(rsa.publicKey) }),
    signer: { algorithm: 'RS256', key: rsa.privateKey },
    stranger: { algorithm: 'RS256', key: rsaKeyPair().privateKey, kid: 'unknown-kid' },
    publicKeyPem: publicPem(rsa.publicKey),
  },
  {
    source: 'an EC P-256 public key PEM (ES256)',
    config: () => ({ publicKey: publicPem(ec.publicKey) }),
    signer: { algorithm: 'ES256', key: ec.privateKey },
    stranger: { algorithm: 'ES256', key: ecKeyPair().privateKey, kid: 'unknown-kid' },
    publicKeyPem: publicPem(ec.publicKey),
  },
  {
    source: 'a JWKS RSA key picked by kid (RS256)',
    config: () => ({ jwksUrl: jwks.url }),
    signer: { algorithm: 'RS256', key: rsa.privateKey, kid: 'rsa-1' },
    stranger: { algorithm: 'RS256', key: rsaKeyPair().privateKey, kid: 'unknown-kid' },
    publicKeyPem: publicPem(rsa.publicKey),
  },
  {
    source: 'a JWKS EC key picked by kid (ES256 from its curve)',
    config: () => ({ jwksUrl: jwks.url }),
    signer: { algorithm: 'ES256', key: ec.privateKey, kid: 'ec-1' },
    stranger: { algorithm: 'ES256', key: ecKeyPair().privateKey, kid: 'unknown-kid' },
    publicKeyPem: publicPem(ec.publicKey),
  },
];

describe.each(CASES)('TokenVerifier with $source', ({ config, signer, stranger, publicKeyPem }) => {
  const verifierWith = (overrides: Partial<AuthConfig> = {}): TokenVerifier =>
    new TokenVerifier(authConfig({ issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 5, ...config(), ...overrides }));
  let verifier: TokenVerifier;
  beforeAll(() => {
    verifier = verifierWith();
  });
  const authenticate = (token: string) => verifier.authenticate(bearer(token));

  it('accepts a valid token and reads its subject and roles', async () => {
    expect(await authenticate(sign(claims({ roles: ['admin'] }), signer))).toEqual({
      kind: 'authenticated',
      identity: { sub: 'alice', roles: ['admin'], validUntil: expect.any(Date) },
    });
  });

  it('treats a request without a token as anonymous', async () => {
    expect(await verifier.authenticate(undefined)).toEqual({ kind: 'anonymous' });
  });

  it.each([['not-a-jwt'], ['aaa.bbb.ccc'], ['eyJhbGciOiJSUzI1NiJ9.e30.']])('rejects the garbage token %s as invalid', async (garbage) => {
    expect(await authenticate(garbage)).toEqual(INVALID);
  });

  it('rejects an unsigned token with alg none', async () => {
    expect(await authenticate(unsignedToken(claims({ roles: ['admin'] }), signer.kid))).toEqual(INVALID);
  });

  it('rejects an HS256 token whose HMAC secret is the public key (algorithm confusion)', async () => {
    expect(await authenticate(hmacSignedWithPublicKey(claims({ roles: ['admin'] }), publicKeyPem, signer.kid))).toEqual(INVALID);
  });

  it('rejects an expired token as expired', async () => {
    expect(await authenticate(sign(claims({ exp: nowInSeconds() - 60 }), signer))).toEqual({
      kind: 'rejected',
      reason: REJECTION.expired,
    });
  });

  it('accepts a token that expired less than the clock tolerance ago', async () => {
    expect((await authenticate(sign(claims({ exp: nowInSeconds() - 2 }), signer))).kind).toBe('authenticated');
  });

  it('rejects a token without exp, which would never expire', async () => {
    expect(await authenticate(sign(claims({ exp: undefined }), signer))).toEqual(INVALID);
  });

  it('rejects a token not valid until later than the clock tolerance', async () => {
    expect(await authenticate(sign(claims({ nbf: nowInSeconds() + 60 }), signer))).toEqual(INVALID);
  });

  it('accepts a token whose nbf is ahead of the clock by less than the tolerance', async () => {
    expect((await authenticate(sign(claims({ nbf: nowInSeconds() + 3 }), signer))).kind).toBe('authenticated');
  });

  it('rejects a token from another issuer', async () => {
    expect(await authenticate(sign(claims({ iss: 'https://evil.example.com' }), signer))).toEqual(INVALID);
  });

  it('rejects a token for another audience', async () => {
    expect(await authenticate(sign(claims({ aud: 'another-service' }), signer))).toEqual(INVALID);
  });

  it('accepts a token whose audiences include this one', async () => {
    expect((await authenticate(sign(claims({ aud: ['another-service', AUDIENCE] }), signer))).kind).toBe('authenticated');
  });

  it('rejects a token signed by a key it does not know, under an unknown kid', async () => {
    expect(await authenticate(sign(claims({ roles: ['admin'] }), stranger))).toEqual(INVALID);
  });

  it('rejects a token without a subject', async () => {
    expect(await authenticate(sign(claims({ sub: undefined }), signer))).toEqual(INVALID);
  });

  it('authenticates a token whose roles claim is a string, granting no role', async () => {
    expect(await authenticate(sign(claims({ roles: 'admin' }), signer))).toEqual({
      kind: 'authenticated',
      identity: { sub: 'alice', roles: [], validUntil: expect.any(Date) },
    });
  });

  it('reads roles from a nested claim path such as realm_access.roles', async () => {
    const nested = verifierWith({ rolesClaim: 'realm_access.roles' });
    const token = sign(claims({ roles: ['admin'], realm_access: { roles: ['viewer', 'offline_access'] } }), signer);
    expect(await nested.authenticate(bearer(token))).toEqual({
      kind: 'authenticated',
      identity: { sub: 'alice', roles: ['viewer'], validUntil: expect.any(Date) },
    });
  });

  it('reads roles from a URL-named claim whose name contains dots', async () => {
    const namespaced = verifierWith({ rolesClaim: 'https://wave.example.com/roles' });
    const token = sign(claims({ roles: ['admin'], 'https://wave.example.com/roles': ['operator'] }), signer);
    expect(await namespaced.authenticate(bearer(token))).toEqual({
      kind: 'authenticated',
      identity: { sub: 'alice', roles: ['operator'], validUntil: expect.any(Date) },
    });
  });
});
