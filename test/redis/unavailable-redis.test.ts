import type Redis from 'ioredis';
import { loadConfig } from '../../src/config';
import { connectRedis } from '../../src/redis/client';
import { runRateLimitHit } from '../../src/redis/commands/rate-limit-hit';
import { TestApp } from '../helpers/app';
import { eventually } from '../helpers/eventually';
import { RedisServer } from '../helpers/redis-server';
import { blockedClient } from '../lifecycle/support';

const COMMAND_TIMEOUT_MS = 1000;
const WORKFLOWS = '{ workflows(first: 1) { nodes { threadId } } }';
// Rate-limited mutations: each first runs a script, which a `CLIENT PAUSE ... WRITE` holds back.
const RUN = 'mutation { runWorkflow(threadId: "wf-paused") { phase } }';
const START = 'mutation { startWorkflow(input: { threadId: "wf-new" }) { phase } }';

/** The server's answer and how long it took. */
async function timed(request: Promise<Awaited<ReturnType<TestApp['request']>>>) {
  const started = Date.now();
  const answer = await request;
  return { ...answer, elapsedMs: Date.now() - started };
}

describe('a Redis that does not answer, over real HTTP', () => {
  let server: RedisServer;
  let app: TestApp;
  let admin: Redis;

  beforeAll(async () => {
    // A script running longer than 100 ms makes Redis answer BUSY to every other client.
    server = await RedisServer.start({ extraArgs: ['--busy-reply-threshold', '100'] });
    admin = server.client();
    app = await TestApp.start(server.url, { REDIS_COMMAND_TIMEOUT: `${COMMAND_TIMEOUT_MS}ms` });
  });

  afterAll(async () => {
    await app?.stop();
    admin?.disconnect();
    await server?.dispose();
  });

  it('answers SERVICE_UNAVAILABLE with 503, not an internal error, while a long script keeps Redis BUSY', async () => {
    // Connected first: a connection opened while Redis is busy fails its own handshake.
    const probe = server.client();
    await probe.ping();
    const busyLoop = admin.eval('while true do end', 0).catch((error: Error) => error);
    await eventually('Redis answers BUSY', () =>
      probe.ping().then(
        () => false,
        (error: Error) => /^BUSY/.test(error.message),
      ),
    );
    try {
      const answer = await app.request(WORKFLOWS, {}, app.token(['viewer']));
      expect({ status: answer.status, code: answer.body.errors?.[0]?.extensions?.code }).toEqual({
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
      });
      expect(JSON.stringify(answer.body)).not.toMatch(/BUSY|script/i);
    } finally {
      await probe.call('SCRIPT', 'KILL');
      probe.disconnect();
      await busyLoop;
    }
  });

  it('fails a request within REDIS_COMMAND_TIMEOUT of its start even while an earlier request waits on a paused Redis', async () => {
    const token = app.token(['operator']);
    await admin.call('CLIENT', 'PAUSE', String(4 * COMMAND_TIMEOUT_MS), 'WRITE');
    try {
      const first = timed(app.request(RUN, {}, token));
      await blockedClient(admin);
      const second = await timed(app.request(START, {}, token));
      expect(second.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(second.elapsedMs).toBeLessThan(1.5 * COMMAND_TIMEOUT_MS);
      expect((await first).elapsedMs).toBeLessThan(1.5 * COMMAND_TIMEOUT_MS);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
    }
  });
});

describe("the API's Redis client while Redis is paused", () => {
  const TIMEOUT_MS = 400;
  let server: RedisServer;
  let admin: Redis;

  beforeAll(async () => {
    server = await RedisServer.start();
    admin = server.client();
  });

  afterAll(async () => {
    admin?.disconnect();
    await server?.dispose();
  });

  it('fails every command within its own timeout of being issued, whatever was issued before it', async () => {
    const redis = connectRedis(server.url, { ...loadConfig({}).redis, commandTimeoutMs: TIMEOUT_MS });
    await redis.ping();
    await admin.call('CLIENT', 'PAUSE', String(10 * TIMEOUT_MS), 'WRITE');
    try {
      // A stream of requests, one every quarter timeout, while the first write waits on Redis.
      const waits: Array<Promise<number>> = [];
      for (let i = 0; i < 8; i++) {
        const issued = Date.now();
        const command =
          i % 2 === 0
            ? runRateLimitHit(redis, { key: 'wave:ratelimit:probe', now: issued, windowMs: 1000, max: 5, callId: String(i) })
            : redis.zcard('wave:workflows');
        waits.push(
          command.then(
            () => Number.NaN,
            () => Date.now() - issued,
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS / 4));
      }
      const elapsed = await Promise.all(waits);
      expect(elapsed.filter((ms) => !(ms < 1.25 * TIMEOUT_MS))).toEqual([]);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
      redis.disconnect();
    }
  });
});
