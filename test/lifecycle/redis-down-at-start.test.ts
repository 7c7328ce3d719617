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

  it('listens and answers SERVICE_UNAVAILABLE quickly, as HTTP 503 with Retry-After, without Redis detail', async () => {
    const viewer = app.token(['viewer']);
    for (let attempt = 0; attempt < 3; attempt++) {
      const started = Date.now();
      const { status, headers, body } = await app.request(QUEUES, {}, viewer);
      expect(Date.now() - started).toBeLessThan(FAST_MS);
      expect(status).toBe(503);
      expect(headers.get('retry-after')).toBe('2');
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|ioredis|stack/i);
    }
  });

  it.each([
    ['two root fields', '{ workflows(first: 5) { nodes { threadId } } queues { length } }'],
    ['one field twice under aliases', '{ a: queues { length } b: queues { length } }'],
  ])('answers 503 when none of %s ran, however many errors the answer carries', async (_name, query) => {
    const { status, headers, body } = await app.request(query, {}, app.token(['viewer']));
    expect(body.data).toBeNull();
    expect(body.errors?.map((error) => error.extensions?.code)).toContain('SERVICE_UNAVAILABLE');
    expect(status).toBe(503);
    expect(headers.get('retry-after')).toBe('2');
  });

  it('answers 200 when part of the operation did not need Redis, with the outage as a field error', async () => {
    const query = '{ _service { sdl } workflow(threadId: "wf-1") { threadId } }';
    const { status, body } = await app.request(query, {}, app.token(['viewer']));
    expect(status).toBe(200);
    expect(body.data).toEqual({ _service: { sdl: expect.stringContaining('type Workflow') }, workflow: null });
    expect(body.errors).toEqual([expect.objectContaining({ path: ['workflow'], extensions: { code: 'SERVICE_UNAVAILABLE' } })]);
  });

  it('refuses a reset with SERVICE_UNAVAILABLE too (the rate limit needs Redis as well)', async () => {
    const started = Date.now();
    const { status, body } = await app.request(
      'mutation { resetWorkflow(input: { threadId: "wf-1", reason: "outage" }) { success } }',
      {},
      app.token(['operator']),
    );
    expect(Date.now() - started).toBeLessThan(FAST_MS);
    expect(status).toBe(503);
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
  });

  it('serves requests once Redis comes up, by itself', async () => {
    await redisServer.launch();
    if (app.redis.status !== 'ready') await once(app.redis, 'ready');
    const { status, body } = await app.request(QUEUES, {}, app.token(['viewer']));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.queues).toEqual(expect.any(Array));
  });
});
