import type Redis from 'ioredis';
import { issueToken } from '../../src/auth/tokens';
import { RedisServer } from '../helpers/redis-server';
import { ServerProcess } from '../helpers/server-process';

const SECRET = 'reset-steps-secret-0123456789abcdef';
const THREAD = 'wf-after-outage';
const RESET = `mutation { resetWorkflow(input: { threadId: "${THREAD}", resetToGate: 0, clearTasks: true, clearResults: true,
  reason: "outage", requestId: "outage-reset-1" }) { success replayed queuedIdsLeft cleared { tasks queues } } }`;

/** `others` tasks of other workflows queued in fe, then the workflow's `own` tasks (indexed) pushed after them. */
async function writeDeepQueue(redis: Redis, others: number, own: number): Promise<string[]> {
  for (let start = 0; start < others; start += 10_000) {
    const pipeline = redis.pipeline();
    for (let n = start; n < Math.min(others, start + 10_000); n++) {
      pipeline.hset(`wave:task:other-${n}`, 'thread_id', `other-wf-${n % 100}`, 'data', '{}', 'status', 'pending', 'queue', 'fe');
      pipeline.lpush('wave:tasks:fe', `other-${n}`);
    }
    await pipeline.exec();
  }
  const ids = Array.from({ length: own }, (_, i) => `${THREAD}-${i}`);
  const pipeline = redis.pipeline();
  pipeline.hset(`wave:workflow:${THREAD}`, { thread_id: THREAD, gate: '3', phase: 'running', created_at: '1', updated_at: '1' });
  pipeline.zadd('wave:workflows', 1, THREAD);
  for (const id of ids) {
    pipeline.hset(`wave:task:${id}`, { thread_id: THREAD, data: '{}', status: 'pending', queue: 'fe' });
    pipeline.sadd(`wave:workflow:${THREAD}:tasks`, id);
    pipeline.lpush('wave:tasks:fe', id);
  }
  await pipeline.exec();
  return ids;
}

async function resetEntries(redis: Redis): Promise<number> {
  return (await redis.xrange('wave:audit', '-', '+')).filter(([, fields]) => fields[1] === 'reset').length;
}

async function stillQueued(redis: Redis, ids: readonly string[]): Promise<number> {
  const queued = new Set(await redis.lrange('wave:tasks:fe', 0, -1));
  return ids.filter((id) => queued.has(id)).length;
}

describe('a reset whose server process is killed between its steps', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let watcher: Redis;
  const env = () => ({ REDIS_URL: redisServer.url, JWT_SECRET: SECRET, LOG_LEVEL: 'info' });
  const token = issueToken(SECRET, { sub: 'admin-on-call', roles: ['admin'] }, '5m');
  const post = (server: ServerProcess, requestId?: string) =>
    fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        ...(requestId ? { 'x-request-id': requestId } : {}),
      },
      body: JSON.stringify({ query: RESET }),
    });

  beforeAll(async () => {
    redisServer = await RedisServer.start();
    redis = redisServer.client();
    watcher = redisServer.client();
  });

  beforeEach(async () => {
    await redis.flushall();
  });

  afterAll(async () => {
    redis.disconnect();
    watcher.disconnect();
    await redisServer.dispose();
  });

  /** Repeats the reset on a new server with the same requestId. */
  async function repeat(): Promise<{ success: boolean; replayed: boolean; queuedIdsLeft: number }> {
    const survivor = await ServerProcess.start(env());
    try {
      const body = (await (await post(survivor)).json()) as {
        data: { resetWorkflow: { success: boolean; replayed: boolean; queuedIdsLeft: number } };
      };
      return body.data.resetWorkflow;
    } finally {
      await survivor.stop();
    }
  }

  it('killed during the sweep (logging its progress under the request id), has written nothing, and a repeat does the whole reset once', async () => {
    const own = await writeDeepQueue(redis, 300_000, 20);
    const doomed = await ServerProcess.start(env());
    const interrupted = post(doomed, 'sweep-1').catch(() => 'connection lost');
    // The sweep of 300k entries, reading owners, reports its progress after a second.
    await doomed.printedMatch(/"requestId":"sweep-1"[^\n]*"msg":"reset sweeping a queue"/);
    await doomed.kill();
    expect(await interrupted).toBe('connection lost');
    expect(await resetEntries(redis)).toBe(0);
    expect(await redis.hget(`wave:workflow:${THREAD}`, 'attempt')).toBeNull();

    // A queue of 300k is too deep to remove ids from: they stay, dead (their tasks deleted).
    expect(await repeat()).toMatchObject({ success: true, replayed: false, queuedIdsLeft: 20 });
    expect(await resetEntries(redis)).toBe(1);
    expect(await stillQueued(redis, own)).toBe(20);
    expect(await redis.exists(...own.map((id) => `wave:task:${id}`))).toBe(0);
  }, 60_000);

  it('killed after the atomic step, has reset the workflow, and a repeat with the same requestId replays and finishes the dequeue', async () => {
    // Enough ids that removing them one LREM at a time from a long queue outlasts the kill below.
    const own = await writeDeepQueue(redis, 60_000, 2_000);
    const doomed = await ServerProcess.start(env());
    const atomicStepDone = watcher.xread('BLOCK', 0, 'STREAMS', 'wave:audit', '$');
    const interrupted = post(doomed).catch(() => 'connection lost');
    await atomicStepDone;
    // The dequeue's next LREM never lands: killed mid-dequeue.
    await doomed.killWhileWritesPaused(redis);
    expect(await interrupted).toBe('connection lost');
    expect(await resetEntries(redis)).toBe(1);
    expect(await redis.hget(`wave:workflow:${THREAD}`, 'attempt')).toBe('1');
    expect(await stillQueued(redis, own)).toBeGreaterThan(0);

    expect(await repeat()).toMatchObject({ success: true, replayed: true, queuedIdsLeft: 0 });
    expect(await resetEntries(redis)).toBe(1);
    expect(await stillQueued(redis, own)).toBe(0);
    expect(await redis.llen('wave:tasks:fe')).toBe(60_000);
  }, 60_000);
});
