import { dumpWorkflowState } from '../helpers/keyspace';
import { TestApp } from '../helpers/app';
import { RedisServer } from '../helpers/redis-server';
import { JwksServer } from '../auth/jwks-server';
import {
  AUDIENCE,
  claims,
  hmacSignedWithPublicKey,
  ISSUER,
  nowInSeconds,
  publicJwk,
  publicPem,
  rsaKeyPair,
  sign,
  unsignedToken,
} from '../auth/token-forge';

const RESET = 'mutation { resetWorkflow(input: { threadId: "wf-target", reason: "attack" }) { success } }';
const idp = rsaKeyPair();
const stranger = rsaKeyPair();
const asIdp = (payload: object, kid = 'idp-1') => sign(payload, { algorithm: 'RS256', key: idp.privateKey, kid });

/** Tokens an attacker (or a misconfigured client) would send, and the code each must get. */
const ATTACKS: Array<[string, () => string, 'UNAUTHENTICATED' | 'FORBIDDEN']> = [
  ['garbage', () => 'garbage.garbage.garbage', 'UNAUTHENTICATED'],
  ['alg: none', () => unsignedToken(claims(), 'idp-1'), 'UNAUTHENTICATED'],
  [
    'HS256 signed with the public key as secret',
    () => hmacSignedWithPublicKey(claims(), publicPem(idp.publicKey), 'idp-1'),
    'UNAUTHENTICATED',
  ],
  ['expired', () => asIdp(claims({ iat: nowInSeconds() - 3600, exp: nowInSeconds() - 600 })), 'UNAUTHENTICATED'],
  ['not yet valid', () => asIdp(claims({ nbf: nowInSeconds() + 600 })), 'UNAUTHENTICATED'],
  ['without exp', () => asIdp(claims({ exp: undefined })), 'UNAUTHENTICATED'],
  ['from another issuer', () => asIdp(claims({ iss: 'https://evil.example' })), 'UNAUTHENTICATED'],
  ['for another audience', () => asIdp(claims({ aud: 'someone-else' })), 'UNAUTHENTICATED'],
  ['with an unknown kid', () => asIdp(claims(), 'unknown-kid'), 'UNAUTHENTICATED'],
  [
    "signed by a stranger's key under the provider's kid",
    () => sign(claims(), { algorithm: 'RS256', key: stranger.privateKey, kid: 'idp-1' }),
    'UNAUTHENTICATED',
  ],
  ['with roles as a string', () => asIdp(claims({ roles: 'admin' })), 'FORBIDDEN'],
  ['with only the viewer role', () => asIdp(claims({ roles: ['viewer'] })), 'FORBIDDEN'],
];

describe('forged and broken tokens against resetWorkflow, over HTTP with a JWKS identity provider', () => {
  let redisServer: RedisServer;
  let jwks: JwksServer;
  let app: TestApp;
  const redis = () => app.redis;

  beforeAll(async () => {
    redisServer = await RedisServer.start();
    jwks = await JwksServer.start([publicJwk(idp.publicKey, 'idp-1', 'RS256')]);
    app = await TestApp.start(redisServer.url, { JWT_JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
  });

  afterAll(async () => {
    await app.stop();
    await jwks.stop();
    await redisServer.dispose();
  });

  beforeEach(async () => {
    await redis().flushall();
    await redis().hset('wave:workflow:wf-target', {
      thread_id: 'wf-target',
      gate: '3',
      phase: 'running',
      created_at: '1',
      updated_at: '1',
    });
    await redis().hset('wave:task:t-1', { thread_id: 'wf-target', data: '{}', status: 'in_progress', queue: 'fe', enqueued_at: '1' });
    await redis().sadd('wave:workflow:wf-target:tasks', 't-1');
    await redis().lpush('wave:tasks:fe', 't-1');
  });

  it.each(ATTACKS)('refuses a token %s, reveals nothing and touches nothing', async (_label, forge, code) => {
    const token = forge();
    const before = await dumpWorkflowState(redis());
    const { body } = await app.request(RESET, {}, token);
    expect(body.data).toEqual({ resetWorkflow: null });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0].extensions).toEqual({ code });
    const text = JSON.stringify(body);
    for (const secretish of [token, ...token.split('.').filter((part) => part.length > 8), 'jwks', 'kid', ISSUER]) {
      expect(text).not.toContain(secretish);
    }
    expect(await dumpWorkflowState(redis())).toEqual(before);
  });

  it("accepts the provider's own token, so the refusals above are about the tokens", async () => {
    const { body } = await app.request(RESET, {}, asIdp(claims()));
    expect(body.errors).toBeUndefined();
    expect(body.data!.resetWorkflow.success).toBe(true);
  });
});
