import { issueToken } from '../../src/auth/tokens';
import { useTestApp } from '../helpers/app';
import { RedisServer } from '../helpers/redis-server';
import { ServerProcess } from '../helpers/server-process';

const SECRET = 'shared-secret-of-two-instances-0123456789';
const RESET = 'mutation { resetWorkflow(input: { threadId: "wf-shared", reason: "limit test" }) { success } }';

describe('two server processes on the same Redis', () => {
  let redis: RedisServer;
  let instances: ServerProcess[];

  beforeAll(async () => {
    redis = await RedisServer.start();
    const env = { REDIS_URL: redis.url, JWT_SECRET: SECRET, RESET_RATE_LIMIT: '5/1m' };
    instances = await Promise.all([ServerProcess.start(env), ServerProcess.start(env)]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await redis.dispose();
  });

  it('share one reset budget per user: 12 parallel resets spread over both give exactly 5 successes', async () => {
    const token = issueToken(SECRET, { sub: 'one-operator', roles: ['operator'] }, '5m');
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, call) =>
        fetch(instances[call % 2].url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: RESET }),
        }).then(async (response) => (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> }),
      ),
    );
    const codes = responses.map((body) => body.errors?.[0]?.extensions?.code ?? 'OK');
    expect(codes.filter((code) => code === 'OK')).toHaveLength(5);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(7);
  });
});

describe('one request with many aliased resets', () => {
  const fixture = useTestApp({ RESET_RATE_LIMIT: '5/1m', MAX_ALIASES: '60' });

  it('counts every alias: 50 aliased resets run exactly 5 and refuse the rest with RATE_LIMITED', async () => {
    await fixture.redis.hset('wave:workflow:wf-aliased', {
      thread_id: 'wf-aliased',
      gate: '1',
      phase: 'running',
      created_at: '1',
      updated_at: '1',
    });
    const aliases = Array.from(
      { length: 50 },
      (_, i) => `r${i}: resetWorkflow(input: { threadId: "wf-aliased", reason: "alias ${i}" }) { success }`,
    );
    const { body } = await fixture.app.request(`mutation { ${aliases.join('\n')} }`, {}, fixture.app.token(['operator'], 'alias-user'));
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    // Each run appends one audit entry: exactly the budget ran, whatever the response could carry.
    expect(await fixture.redis.xlen('wave:audit')).toBe(5);
  });
});
