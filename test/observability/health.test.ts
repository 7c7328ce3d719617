import type { RedisClient } from '../../src/redis/client';
import { RedisServer } from '../helpers/redis-server';
import { ObservedApp } from './support';

/** The client's next `event`; unlike events.once, its 'error' events (refused reconnections) do not reject it. */
function next(redis: RedisClient, event: 'ready' | 'close'): Promise<void> {
  return new Promise((resolve) => redis.once(event, () => resolve()));
}

/** How soon /readyz must report a lost Redis: well under an orchestrator's probe timeout. */
const UNREADY_WITHIN_MS = 2000;

describe('health and readiness probes', () => {
  let server: RedisServer;
  let app: ObservedApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    app = await ObservedApp.start(server);
    // Right after start the client may still be connecting, when /readyz rightly says 503.
    if (app.redis.status !== 'ready') await next(app.redis, 'ready');
  });
  afterAll(async () => {
    await app.stop();
    await server.dispose();
  });

  it('GET /healthz answers 200 while the process serves', async () => {
    const response = await app.get('/healthz');

    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when Redis answers', async () => {
    const response = await app.get('/readyz');

    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 503 with a reason soon after Redis dies, and 200 again once the client is back', async () => {
    const closed = next(app.redis, 'close');
    await server.stop();
    const stoppedAt = Date.now();
    const down = await app.get('/readyz');
    const healthz = await app.get('/healthz');

    expect(Date.now() - stoppedAt).toBeLessThan(UNREADY_WITHIN_MS);
    expect(down.status).toBe(503);
    expect(JSON.parse(down.text)).toEqual({ status: 'unavailable', reason: expect.stringMatching(/redis/) });
    expect(healthz.status).toBe(200);
    await closed;
    expect((await app.get('/metrics')).text).toMatch(/^wave_redis_connected 0$/m);
    expect(app.logs.withMessage('not ready')).toHaveLength(1);

    const ready = next(app.redis, 'ready');
    await server.launch();
    await ready;
    const up = await app.get('/readyz');

    expect(up.status).toBe(200);
    expect((await app.get('/metrics')).text).toMatch(/^wave_redis_connected 1$/m);
  });
});
