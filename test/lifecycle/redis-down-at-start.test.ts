import { once } from 'node:events';
import { TestApp } from '../helpers/app';
import { RedisServer } from '../helpers/redis-server';

const QUEUES = '{ queues { length } }';
/** What "fail fast" means here: well under a gateway's timeout, with room for a slow machine. */
const FAST_MS = 2000;

describe('a server started while Redis is down', () => {
  let redisServer: RedisServer;
  let app: TestApp;

  beforeAll(async () => {
    redisServer = await RedisServer.reserve();
    app = await TestApp.start(redisServer.url);
  });

  afterAll(async () => {
    await app.stop();
    await redisServer.dispose();
  });

  it('listens and answers SERVICE_UNAVAILABLE quickly, without Redis detail', async () => {
    const viewer = app.token(['viewer']);
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = Date.now();
      const { status, body } = await app.request(QUEUES, {}, viewer);
      expect(Date.now() - started).toBeLessThan(FAST_MS);
      expect(status).toBe(200);
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|ioredis|stack/i);
    }
  });

  it('refuses a reset with SERVICE_UNAVAILABLE too (the rate limit needs Redis as well)', async () => {
    const started = Date.now();
    const { body } = await app.request(
      'mutation { resetWorkflow(input: { threadId: "wf-1", reason: "outage" }) { success } }',
      {},
      app.token(['operator']),
    );
    expect(Date.now() - started).toBeLessThan(FAST_MS);
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
  });

  it('serves requests once Redis comes up, by itself', async () => {
    await redisServer.launch();
    if (app.redis.status !== 'ready') await once(app.redis, 'ready');
    const { body } = await app.request(QUEUES, {}, app.token(['viewer']));
    expect(body.errors).toBeUndefined();
    expect(body.data?.queues).toEqual(expect.any(Array));
  });
});
