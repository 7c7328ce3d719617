import jwt from 'jsonwebtoken';
import { JWKS_REQUESTS_PER_MINUTE } from '../../src/auth/signing-keys';
import { REJECTION, TokenVerifier, issueToken } from '../../src/auth/tokens';
import { JwksServer } from './jwks-server';
import {
  authConfig,
  bearer,
  claims,
  ecKeyPair,
  hmacSignedWithPublicKey,
  publicJwk,
  publicPem,
  rsaKeyPair,
  sign,
  unsignedToken,
} from './token-forge';

const SECRET = 'a-test-secret-that-is-at-least-32-characters';
const rsa = rsaKeyPair();
const ec = ecKeyPair();
const INVALID = { kind: 'rejected', reason: REJECTION.invalid };
const rsaToken = (overrides: Record<string, unknown> = {}): string =>
  sign(claims(overrides), { algorithm: 'RS256', key: rsa.privateKey, kid: 'rsa-1' });

/** Servers started by a test, stopped after it. */
const servers: JwksServer[] = [];
async function serveKeys(keys: object[], failWithStatus?: number): Promise<JwksServer> {
  const server = await JwksServer.start(keys, failWithStatus);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

const STANDARD_KEYS = [publicJwk(rsa.publicKey, 'rsa-1', 'RS256'), publicJwk(ec.publicKey, 'ec-1')];
/** Why the key set could not be fetched, as the verifier reported it (main.ts logs these). */
const unavailable: string[] = [];
afterEach(() => {
  unavailable.length = 0;
});
const jwksVerifier = (jwksUrl: string, secret?: string): TokenVerifier =>
  new TokenVerifier(authConfig({ jwksUrl, secret }), { onKeySetUnavailable: (reason) => unavailable.push(reason) });

describe('JWKS key source', () => {
  it('fetches the key set once for many verifications of the same kid, concurrent or not', async () => {
    const jwks = await serveKeys(STANDARD_KEYS);
    const verifier = jwksVerifier(jwks.url);
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => verifier.authenticate(bearer(rsaToken()))));
    for (let i = 0; i < 20; i += 1) {
      expect((await verifier.authenticate(bearer(rsaToken()))).kind).toBe('authenticated');
    }
    expect(concurrent.every((outcome) => outcome.kind === 'authenticated')).toBe(true);
    expect(jwks.requests).toBe(1);
  });

  it('fetches again only for a kid it has not cached yet', async () => {
    const jwks = await serveKeys(STANDARD_KEYS);
    const verifier = jwksVerifier(jwks.url);
    await verifier.authenticate(bearer(rsaToken()));
    const ecToken = sign(claims(), { algorithm: 'ES256', key: ec.privateKey, kid: 'ec-1' });
    expect((await verifier.authenticate(bearer(ecToken))).kind).toBe('authenticated');
    expect((await verifier.authenticate(bearer(ecToken))).kind).toBe('authenticated');
    expect(jwks.requests).toBe(2);
  });

  it(`fetches at most ${JWKS_REQUESTS_PER_MINUTE} times a minute for a flood of unknown kids, and cached kids keep working`, async () => {
    const jwks = await serveKeys(STANDARD_KEYS);
    const verifier = jwksVerifier(jwks.url);
    expect((await verifier.authenticate(bearer(rsaToken()))).kind).toBe('authenticated');
    const stranger = rsaKeyPair().privateKey;
    const flood = Array.from({ length: 100 }, (_, i) => sign(claims(), { algorithm: 'RS256', key: stranger, kid: `unknown-${i}` }));
    const outcomes = await Promise.all(flood.map((token) => verifier.authenticate(bearer(token))));
    expect(outcomes.every((outcome) => outcome.kind === 'rejected' && outcome.reason === REJECTION.invalid)).toBe(true);
    expect(jwks.requests).toBeLessThanOrEqual(JWKS_REQUESTS_PER_MINUTE);
    expect((await verifier.authenticate(bearer(rsaToken()))).kind).toBe('authenticated');
  });

  it('refuses a token without kid, even when the only key in the set would verify it', async () => {
    const jwks = await serveKeys([publicJwk(rsa.publicKey, 'rsa-1', 'RS256')]);
    const token = sign(claims(), { algorithm: 'RS256', key: rsa.privateKey });
    expect(await jwksVerifier(jwks.url).authenticate(bearer(token))).toEqual(INVALID);
    expect(jwks.requests).toBe(0);
  });

  it('does not fetch the key set for tokens that declare none or HS256', async () => {
    const jwks = await serveKeys(STANDARD_KEYS);
    const verifier = jwksVerifier(jwks.url);
    expect(await verifier.authenticate(bearer(unsignedToken(claims(), 'rsa-1')))).toEqual(INVALID);
    expect(await verifier.authenticate(bearer(hmacSignedWithPublicKey(claims(), publicPem(rsa.publicKey), 'rsa-1')))).toEqual(INVALID);
    expect(jwks.requests).toBe(0);
  });

  it('holds a key to the alg its JWK declares: an RS384 token under an RS256 key is refused', async () => {
    const jwks = await serveKeys(STANDARD_KEYS);
    const token = sign(claims(), { algorithm: 'RS384', key: rsa.privateKey, kid: 'rsa-1' });
    expect(await jwksVerifier(jwks.url).authenticate(bearer(token))).toEqual(INVALID);
  });

  it('honours another algorithm a JWK declares when its key suits it (RS384)', async () => {
    const jwks = await serveKeys([publicJwk(rsa.publicKey, 'rsa-384', 'RS384')]);
    const token = sign(claims(), { algorithm: 'RS384', key: rsa.privateKey, kid: 'rsa-384' });
    expect((await jwksVerifier(jwks.url).authenticate(bearer(token))).kind).toBe('authenticated');
  });

  it('pins an RSA JWK without alg to RS256: a PS256 token under it is refused', async () => {
    const jwks = await serveKeys([publicJwk(rsa.publicKey, 'rsa-plain')]);
    const verifier = jwksVerifier(jwks.url);
    const ps256 = sign(claims(), { algorithm: 'PS256', key: rsa.privateKey, kid: 'rsa-plain' });
    const rs256 = sign(claims(), { algorithm: 'RS256', key: rsa.privateKey, kid: 'rsa-plain' });
    expect(await verifier.authenticate(bearer(ps256))).toEqual(INVALID);
    expect((await verifier.authenticate(bearer(rs256))).kind).toBe('authenticated');
  });

  it('refuses keys too weak to trust even when the identity provider publishes them (1024-bit RSA)', async () => {
    const weak = rsaKeyPair(1024);
    const jwks = await serveKeys([publicJwk(weak.publicKey, 'weak', 'RS256')]);
    const token = jwt.sign(claims(), weak.privateKey, { algorithm: 'RS256', keyid: 'weak', allowInsecureKeySizes: true });
    expect(await jwksVerifier(jwks.url).authenticate(bearer(token))).toEqual(INVALID);
  });

  it('rejects tokens as invalid, saying nothing more, when the JWKS endpoint answers with an error', async () => {
    const jwks = await serveKeys(STANDARD_KEYS, 500);
    expect(await jwksVerifier(jwks.url).authenticate(bearer(rsaToken()))).toEqual(INVALID);
    expect(jwks.requests).toBe(1);
    expect(unavailable).toEqual(['JWKS endpoint answered HTTP 500']);
  });

  it('rejects tokens as invalid when the JWKS endpoint is unreachable', async () => {
    const jwks = await JwksServer.start(STANDARD_KEYS);
    await jwks.stop();
    expect(await jwksVerifier(jwks.url).authenticate(bearer(rsaToken()))).toEqual(INVALID);
    expect(unavailable).toEqual([expect.stringMatching(/^fetch failed: .*ECONNREFUSED/)]);
  });

  it('reports no outage for a kid the reachable key set does not hold', async () => {
    const jwks = await serveKeys(STANDARD_KEYS);
    const token = sign(claims(), { algorithm: 'RS256', key: rsa.privateKey, kid: 'rotated-away' });
    expect(await jwksVerifier(jwks.url).authenticate(bearer(token))).toEqual(INVALID);
    expect(jwks.requests).toBeGreaterThan(0);
    expect(unavailable).toEqual([]);
  });

  it('still verifies HS256 tokens with the secret while the JWKS endpoint is down', async () => {
    const jwks = await serveKeys(STANDARD_KEYS, 503);
    const token = issueToken(SECRET, { sub: 'dev-operator', roles: ['operator'] }, '5m');
    expect(await jwksVerifier(jwks.url, SECRET).authenticate(bearer(token))).toEqual({
      kind: 'authenticated',
      identity: { sub: 'dev-operator', roles: ['operator'], validUntil: expect.any(Date) },
    });
    expect(jwks.requests).toBe(0);
  });
});

describe('TokenVerifier with a secret, a public key and a JWKS at once', () => {
  const other = rsaKeyPair();
  let verifier: TokenVerifier;
  beforeEach(async () => {
    const jwks = await serveKeys([publicJwk(ec.publicKey, 'ec-1')]);
    verifier = new TokenVerifier(authConfig({ secret: SECRET, publicKey: publicPem(other.publicKey), jwksUrl: jwks.url }));
  });

  it('accepts a token from each source', async () => {
    const tokens = [
      issueToken(SECRET, { sub: 'alice', roles: ['viewer'] }, '5m'),
      sign(claims(), { algorithm: 'RS256', key: other.privateKey }),
      sign(claims(), { algorithm: 'ES256', key: ec.privateKey, kid: 'ec-1' }),
    ];
    for (const token of tokens) {
      expect((await verifier.authenticate(bearer(token))).kind).toBe('authenticated');
    }
  });

  it('rejects an HS256 token whose HMAC secret is the configured public key, though HS256 is accepted', async () => {
    const token = hmacSignedWithPublicKey(claims({ roles: ['admin'] }), publicPem(other.publicKey));
    expect(await verifier.authenticate(bearer(token))).toEqual(INVALID);
  });

  it('rejects an RS256 token signed by the JWKS owner under a kid the set does not hold', async () => {
    const token = sign(claims(), { algorithm: 'ES256', key: ec.privateKey, kid: 'ec-2' });
    expect(await verifier.authenticate(bearer(token))).toEqual(INVALID);
  });
});
