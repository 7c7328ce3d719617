import type Redis from 'ioredis';
import { issueToken } from '../../src/auth/tokens';
import { RedisServer } from '../helpers/redis-server';
import { ServerProcess } from '../helpers/server-process';

const SECRET = 'crash-safety-secret-0123456789abcdef';
const WORKFLOWS = 100;
const BATCH = `mutation {
  resetStuckWorkflows(input: { kind: AGENT_GONE, dryRun: false, limit: ${WORKFLOWS}, reason: "outage", requestId: "outage-7" }) {
    succeeded failed
  }
}`;

/** Workflows whose agent died an hour ago, written as the orchestrator would. */
async function writeDeadAgents(redis: Redis): Promise<string[]> {
  const longAgo = Date.now() - 3_600_000;
  const batch = redis.pipeline();
  const threadIds = Array.from({ length: WORKFLOWS }, (_, i) => `wf-${String(i).padStart(3, '0')}`);
  threadIds.forEach((threadId, i) => {
    batch.hset(`wave:workflow:${threadId}`, {
      thread_id: threadId,
      gate: '2',
      phase: 'running',
      created_at: longAgo + i,
      updated_at: longAgo,
    });
    batch.zadd('wave:workflows', longAgo + i, threadId);
    batch.hset(`wave:task:${threadId}-t`, {
      thread_id: threadId,
      data: '{}',
      status: 'in_progress',
      queue: 'fe',
      enqueued_at: longAgo,
      started_at: longAgo,
      heartbeat_at: longAgo,
    });
    batch.sadd(`wave:workflow:${threadId}:tasks`, `${threadId}-t`);
  });
  await batch.exec();
  return threadIds;
}

async function resetsPerWorkflow(redis: Redis): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const [, fields] of await redis.xrange('wave:audit', '-', '+')) {
    const entry = Object.fromEntries(fields.flatMap((value, i) => (i % 2 === 0 ? [[value, fields[i + 1]]] : [])));
    if (entry.kind !== 'preview') counts.set(entry.thread_id, (counts.get(entry.thread_id) ?? 0) + 1);
  }
  return counts;
}

describe('a batch reset interrupted by killing the server process', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let watcher: Redis;

  beforeAll(async () => {
    redisServer = await RedisServer.start();
    redis = redisServer.client();
    watcher = redisServer.client();
  });

  afterAll(async () => {
    redis.disconnect();
    watcher.disconnect();
    await redisServer.dispose();
  });

  it('is completed by repeating it with the same requestId: every workflow reset exactly once, nothing lost', async () => {
    const threadIds = await writeDeadAgents(redis);
    const env = { REDIS_URL: redisServer.url, JWT_SECRET: SECRET };
    const token = issueToken(SECRET, { sub: 'admin-on-call', roles: ['admin'] }, '5m');
    const post = (server: ServerProcess) =>
      fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: BATCH }),
      });

    const doomed = await ServerProcess.start(env);
    // Wake up on the batch's first audited reset, freeze Redis writes, kill the server mid-batch.
    const firstReset = watcher.xread('BLOCK', 0, 'STREAMS', 'wave:audit', '$');
    const interrupted = post(doomed).catch(() => 'connection lost');
    await firstReset;
    await doomed.killWhileWritesPaused(redis);
    expect(await interrupted).toBe('connection lost');

    const afterCrash = await resetsPerWorkflow(redis);
    expect(afterCrash.size).toBeGreaterThan(0);
    expect(afterCrash.size).toBeLessThan(WORKFLOWS);

    const survivor = await ServerProcess.start(env);
    try {
      const repeat = (await (await post(survivor)).json()) as { data: { resetStuckWorkflows: { succeeded: number; failed: number } } };
      expect(repeat.data.resetStuckWorkflows).toEqual({ succeeded: WORKFLOWS - afterCrash.size, failed: 0 });
    } finally {
      await survivor.stop();
    }
    const resets = await resetsPerWorkflow(redis);
    expect([...resets.keys()].sort()).toEqual(threadIds);
    expect([...resets.values()].every((count) => count === 1)).toBe(true);
    for (const threadId of threadIds) {
      expect(await redis.hget(`wave:workflow:${threadId}`, 'phase')).toBe('pending');
      expect(await redis.exists(`wave:task:${threadId}-t`)).toBe(0);
    }
  });
});
