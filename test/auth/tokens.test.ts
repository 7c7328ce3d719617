import jwt from 'jsonwebtoken';
import { issueToken, REJECTION, TokenVerifier } from '../../src/auth/tokens';

const SECRET = 'a-test-secret-that-is-at-least-32-characters';
const verifier = new TokenVerifier({ secret: SECRET });

const bearer = (token: string): string => `Bearer ${token}`;
const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const inOneHour = (): number => Math.floor(Date.now() / 1000) + 3600;

describe('TokenVerifier.authenticate', () => {
  it('accepts a valid HS256 token and reads its subject and roles', () => {
    const token = issueToken(SECRET, { sub: 'alice', roles: ['operator'] }, '5m');
    expect(verifier.authenticate(bearer(token))).toEqual({
      kind: 'authenticated',
      identity: { sub: 'alice', roles: ['operator'] },
    });
  });

  it('treats a request without an Authorization header as anonymous', () => {
    expect(verifier.authenticate(undefined)).toEqual({ kind: 'anonymous' });
  });

  it('accepts the Bearer scheme in any case, as HTTP auth schemes are case-insensitive', () => {
    const token = issueToken(SECRET, { sub: 'alice', roles: [] }, '5m');
    expect(verifier.authenticate(`bearer ${token}`).kind).toBe('authenticated');
  });

  it.each([
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['a bare token without scheme', 'eyJhbGciOiJIUzI1NiJ9.e30.x'],
    ['an empty header', ''],
    ['garbage after Bearer', 'Bearer not-a-jwt'],
    ['three garbage segments', 'Bearer aaa.bbb.ccc'],
  ])('rejects %s as an invalid token', (_case, header) => {
    expect(verifier.authenticate(header)).toEqual({ kind: 'rejected', reason: REJECTION.invalid });
  });

  it('rejects a token signed with another secret', () => {
    const token = issueToken('another-secret-that-is-at-least-32-characters', { sub: 'alice', roles: ['admin'] }, '5m');
    expect(verifier.authenticate(bearer(token))).toEqual({ kind: 'rejected', reason: REJECTION.invalid });
  });

  it('rejects an expired token as expired', () => {
    const token = issueToken(SECRET, { sub: 'alice', roles: ['operator'] }, -10);
    expect(verifier.authenticate(bearer(token))).toEqual({ kind: 'rejected', reason: REJECTION.expired });
  });

  it('rejects a token without exp, which would otherwise never expire', () => {
    const token = jwt.sign({ sub: 'alice', roles: ['admin'] }, SECRET, { algorithm: 'HS256' });
    expect(verifier.authenticate(bearer(token))).toEqual({ kind: 'rejected', reason: REJECTION.invalid });
  });

  it('rejects an unsigned token with alg none', () => {
    const header = base64url({ alg: 'none', typ: 'JWT' });
    const payload = base64url({ sub: 'mallory', roles: ['admin'], exp: inOneHour() });
    expect(verifier.authenticate(bearer(`${header}.${payload}.`))).toEqual({ kind: 'rejected', reason: REJECTION.invalid });
  });

  it('rejects a token signed with the right secret but another algorithm (HS512)', () => {
    const token = jwt.sign({ sub: 'alice', roles: ['admin'] }, SECRET, { algorithm: 'HS512', expiresIn: '5m' });
    expect(verifier.authenticate(bearer(token))).toEqual({ kind: 'rejected', reason: REJECTION.invalid });
  });

  it('rejects a token without a subject', () => {
    const token = jwt.sign({ roles: ['admin'] }, SECRET, { algorithm: 'HS256', expiresIn: '5m' });
    expect(verifier.authenticate(bearer(token))).toEqual({ kind: 'rejected', reason: REJECTION.invalid });
  });

  it('rejects a token whose subject is not a string', () => {
    const token = jwt.sign({ sub: 42, roles: ['admin'] }, SECRET, { algorithm: 'HS256', expiresIn: '5m' });
    expect(verifier.authenticate(bearer(token))).toEqual({ kind: 'rejected', reason: REJECTION.invalid });
  });

  it('grants no role when the roles claim is not an array', () => {
    const token = jwt.sign({ sub: 'alice', roles: 'admin' }, SECRET, { algorithm: 'HS256', expiresIn: '5m' });
    expect(verifier.authenticate(bearer(token))).toEqual({ kind: 'authenticated', identity: { sub: 'alice', roles: [] } });
  });

  it('grants no role when the roles claim is missing', () => {
    const token = jwt.sign({ sub: 'alice' }, SECRET, { algorithm: 'HS256', expiresIn: '5m' });
    expect(verifier.authenticate(bearer(token))).toEqual({ kind: 'authenticated', identity: { sub: 'alice', roles: [] } });
  });

  it('ignores unknown role entries and keeps the known ones', () => {
    const token = jwt.sign({ sub: 'alice', roles: ['viewer', 'superuser', 'ADMIN', 7, null, 'viewer'] }, SECRET, {
      algorithm: 'HS256',
      expiresIn: '5m',
    });
    expect(verifier.authenticate(bearer(token))).toEqual({ kind: 'authenticated', identity: { sub: 'alice', roles: ['viewer'] } });
  });

  it('never echoes the token in a rejection reason', () => {
    const token = issueToken('another-secret-that-is-at-least-32-characters', { sub: 'alice', roles: [] }, '5m');
    const outcome = verifier.authenticate(bearer(token));
    expect(outcome.kind).toBe('rejected');
    expect(JSON.stringify(outcome)).not.toContain(token.split('.')[1]);
  });
});

describe('TokenVerifier construction', () => {
  it('refuses a secret shorter than 32 characters', () => {
    expect(() => new TokenVerifier({ secret: 'short' })).toThrow(/at least 32/);
  });
});
