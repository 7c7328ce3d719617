import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { issueToken, REJECTION, TokenVerifier } from '../../src/auth/tokens';
import { authConfig, bearer, ecKeyPair, nowInSeconds, publicPem, rsaKeyPair, unsignedToken } from './token-forge';

const SECRET = 'a-test-secret-that-is-at-least-32-characters';
const verifier = new TokenVerifier(authConfig({ secret: SECRET }));

describe('TokenVerifier.authenticate', () => {
  it('accepts a valid HS256 token and reads its subject and roles', async () => {
    const token = issueToken(SECRET, { sub: 'alice', roles: ['operator'] }, '5m');
    expect(await verifier.authenticate(bearer(token))).toEqual({
      kind: 'authenticated',
      identity: { sub: 'alice', roles: ['operator'], validUntil: expect.any(Date) },
    });
  });

  it('holds the identity valid until the token expires plus the clock tolerance', async () => {
    const exp = nowInSeconds() + 120;
    const token = jwt.sign({ sub: 'alice', roles: [], exp }, SECRET);
    const tolerant = new TokenVerifier(authConfig({ secret: SECRET, clockToleranceSeconds: 7 }));
    expect(await tolerant.authenticate(bearer(token))).toMatchObject({ identity: { validUntil: new Date((exp + 7) * 1000) } });
  });

  it('treats a request without an Authorization header as anonymous', async () => {
    expect(await verifier.authenticate(undefined)).toEqual({ kind: 'anonymous' });
  });

  it('accepts the Bearer scheme in any case, as HTTP auth schemes are case-insensitive', async () => {
    const token = issueToken(SECRET, { sub: 'alice', roles: [] }, '5m');
    expect((await verifier.authenticate(`bearer ${token}`)).kind).toBe('authenticated');
  });

  it.each([
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['a bare token without scheme', 'eyJhbGciOiJIUzI1NiJ9.e30.x'],
    ['an empty header', ''],
    ['garbage after Bearer', 'Bearer not-a-jwt'],
    ['three garbage segments', 'Bearer aaa.bbb.ccc'],
  ])('rejects %s as an invalid token', async (_case, header) => {
    expect(await verifier.authenticate(header)).toEqual({ kind: 'rejected', reason: REJECTION.invalid });
  });

  it('rejects a token signed with another secret', async () => {
    const token = issueToken('another-secret-that-is-at-least-32-characters', { sub: 'alice', roles: ['admin'] }, '5m');
    expect(await verifier.authenticate(bearer(token))).toEqual({ kind: 'rejected', reason: REJECTION.invalid });
  });

  it('rejects an expired token as expired', async () => {
    const token = issueToken(SECRET, { sub: 'alice', roles: ['operator'] }, -10);
    expect(await verifier.authenticate(bearer(token))).toEqual({ kind: 'rejected', reason: REJECTION.expired });
  });

  it('rejects a token without exp, which would otherwise never expire', async () => {
    const token = jwt.sign({ sub: 'alice', roles: ['admin'] }, SECRET, { algorithm: 'HS256' });
    expect(await verifier.authenticate(bearer(token))).toEqual({ kind: 'rejected', reason: REJECTION.invalid });
  });

  it('rejects an unsigned token with alg none', async () => {
    const token = unsignedToken({ sub: 'mallory', roles: ['admin'], exp: nowInSeconds() + 3600 });
    expect(await verifier.authenticate(bearer(token))).toEqual({ kind: 'rejected', reason: REJECTION.invalid });
  });

  it('rejects a token signed with the right secret but another algorithm (HS512)', async () => {
    const token = jwt.sign({ sub: 'alice', roles: ['admin'] }, SECRET, { algorithm: 'HS512', expiresIn: '5m' });
    expect(await verifier.authenticate(bearer(token))).toEqual({ kind: 'rejected', reason: REJECTION.invalid });
  });

  it('rejects a token without a subject', async () => {
    const token = jwt.sign({ roles: ['admin'] }, SECRET, { algorithm: 'HS256', expiresIn: '5m' });
    expect(await verifier.authenticate(bearer(token))).toEqual({ kind: 'rejected', reason: REJECTION.invalid });
  });

  it('rejects a token whose subject is not a string', async () => {
    const token = jwt.sign({ sub: 42, roles: ['admin'] }, SECRET, { algorithm: 'HS256', expiresIn: '5m' });
    expect(await verifier.authenticate(bearer(token))).toEqual({ kind: 'rejected', reason: REJECTION.invalid });
  });

  it('grants no role when the roles claim is not an array', async () => {
    const token = jwt.sign({ sub: 'alice', roles: 'admin' }, SECRET, { algorithm: 'HS256', expiresIn: '5m' });
    expect(await verifier.authenticate(bearer(token))).toEqual({
      kind: 'authenticated',
      identity: { sub: 'alice', roles: [], validUntil: expect.any(Date) },
    });
  });

  it('grants no role when the roles claim is missing', async () => {
    const token = jwt.sign({ sub: 'alice' }, SECRET, { algorithm: 'HS256', expiresIn: '5m' });
    expect(await verifier.authenticate(bearer(token))).toEqual({
      kind: 'authenticated',
      identity: { sub: 'alice', roles: [], validUntil: expect.any(Date) },
    });
  });

  it('ignores unknown role entries and keeps the known ones', async () => {
    const token = jwt.sign({ sub: 'alice', roles: ['viewer', 'superuser', 'ADMIN', 7, null, 'viewer'] }, SECRET, {
      algorithm: 'HS256',
      expiresIn: '5m',
    });
    expect(await verifier.authenticate(bearer(token))).toEqual({
      kind: 'authenticated',
      identity: { sub: 'alice', roles: ['viewer'], validUntil: expect.any(Date) },
    });
  });

  it('never echoes the token in a rejection reason', async () => {
    const token = issueToken('another-secret-that-is-at-least-32-characters', { sub: 'alice', roles: [] }, '5m');
    const outcome = await verifier.authenticate(bearer(token));
    expect(outcome.kind).toBe('rejected');
    expect(JSON.stringify(outcome)).not.toContain(token.split('.')[1]);
  });
});

describe('TokenVerifier construction', () => {
  it('refuses a secret shorter than 32 characters', () => {
    expect(() => new TokenVerifier(authConfig({ secret: 'short' }))).toThrow(/at least 32/);
  });

  it('refuses a configuration without any key source, under which no token could ever verify', () => {
    expect(() => new TokenVerifier(authConfig({}))).toThrow(/No JWT key source/);
  });

  it('refuses a public key that is not a readable PEM', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n';
    expect(() => new TokenVerifier(authConfig({ publicKey: pem }))).toThrow(/not a readable PEM public key/);
  });

  it.each([
    ['a 1024-bit RSA key, too short to trust', () => rsaKeyPair(1024)],
    ['an EC key on P-384, which JWT_PUBLIC_KEY does not pin', () => ecKeyPair('P-384')],
    ['an Ed25519 key, which jsonwebtoken cannot verify', () => generateKeyPairSync('ed25519')],
  ])('refuses as public key %s, naming the keys it accepts', (_case, keyPair) => {
    const publicKey = publicPem(keyPair().publicKey);
    expect(() => new TokenVerifier(authConfig({ publicKey }))).toThrow(
      'JWT public key must be an RSA key of at least 2048 bits (RS256) or an EC P-256 key (ES256)',
    );
  });
});
