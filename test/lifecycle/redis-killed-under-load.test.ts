import type Redis from 'ioredis';
import { RedisServer } from '../helpers/redis-server';
import { ServerProcess } from '../helpers/server-process';
import { outcomeOf, Tally, type Outcome } from '../helpers/traffic';
import { QUEUES, RESET, SECRET, post, type Answer } from './support';

const WORKFLOWS = 400;
const WORKERS = 8;
const WORKFLOWS_PAGE = '{ workflows(first: 5) { nodes { threadId phase } } }';
const tasksOf = (threadId: string) => [`wave:task:${threadId}-a`, `wave:task:${threadId}-b`];

async function writeWorkflows(redis: Redis): Promise<string[]> {
  const at = String(Date.now() - 3_600_000);
  const threadIds = Array.from({ length: WORKFLOWS }, (_, i) => `wf-${String(i).padStart(3, '0')}`);
  const batch = redis.pipeline();
  for (const threadId of threadIds) {
    const [a, b] = tasksOf(threadId);
    batch.hset(`wave:workflow:${threadId}`, { thread_id: threadId, gate: '2', phase: 'running', created_at: at, updated_at: at });
    batch.zadd('wave:workflows', at, threadId);
    batch.hset(a, { thread_id: threadId, data: '{}', status: 'pending', queue: 'fe', enqueued_at: at });
    batch.lpush('wave:tasks:fe', `${threadId}-a`);
    batch.hset(b, { thread_id: threadId, data: '{}', status: 'in_progress', queue: 'qa', enqueued_at: at, started_at: at });
    batch.sadd(`wave:workflow:${threadId}:tasks`, `${threadId}-a`, `${threadId}-b`);
  }
  await batch.exec();
  return threadIds;
}

describe('a server process whose Redis is killed under load and restarted', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let server: ServerProcess;

  beforeAll(async () => {
    // Durable: after the restart Redis holds every write it acknowledged, so half-done resets would show.
    redisServer = await RedisServer.start({ durable: true });
    redis = redisServer.client();
  });

  afterAll(async () => {
    await server?.stop();
    redis.disconnect();
    await redisServer.dispose();
  });

  it('answers every request with data or a clear error, stays up, and each reset happened whole or not at all', async () => {
    const threadIds = await writeWorkflows(redis);
    server = await ServerProcess.start({ REDIS_URL: redisServer.url, JWT_SECRET: SECRET, RESET_RATE_LIMIT: '100000/1m' });
    const unreset = [...threadIds];
    const resetOutcomes = new Map<string, Outcome>();
    const answers: Array<{ query: string; answer?: Answer }> = [];
    const tally = new Tally();
    let running = true;

    const worker = async (index: number): Promise<void> => {
      for (let turn = 0; running; turn++) {
        const threadId = index % 2 === 0 ? unreset.shift() : undefined;
        const [query, variables] = threadId
          ? [RESET, { input: { threadId, reason: 'redis chaos' } }]
          : [turn % 2 === 0 ? QUEUES : WORKFLOWS_PAGE, {}];
        const answer = await post(server.url, query, variables).catch(() => undefined);
        answers.push({ query, answer });
        if (threadId) resetOutcomes.set(threadId, outcomeOf(answer));
        tally.record(outcomeOf(answer));
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, index) => worker(index));

    await tally.reach('data', 20);
    await redisServer.stop();
    await tally.reach('unavailable', 20);
    await redisServer.launch();
    await tally.reach('data', 20);
    running = false;
    await Promise.all(workers);

    const unclear = answers.filter(({ answer }) => !['data', 'unavailable'].includes(outcomeOf(answer)));
    expect(unclear).toEqual([]);
    expect(server.alive).toBe(true);
    expect(server.allOutput).not.toMatch(/unhandled|uncaught/i);
    expect((await post(server.url, QUEUES)).body.errors).toBeUndefined();

    expect([...resetOutcomes.values()]).toEqual(expect.arrayContaining(['data', 'unavailable']));
    for (const threadId of threadIds) {
      const audited = (await redis.xlen(`wave:audit:${threadId}`)) > 0;
      const tasksLeft = await redis.exists(...tasksOf(threadId));
      expect({ threadId, audited, tasksLeft }).toEqual({ threadId, audited, tasksLeft: audited ? 0 : 2 });
      // Acknowledged resets survived the crash; untried workflows were left alone.
      if (resetOutcomes.get(threadId) === 'data') expect({ threadId, audited }).toEqual({ threadId, audited: true });
      if (!resetOutcomes.has(threadId)) expect({ threadId, audited }).toEqual({ threadId, audited: false });
    }
  });
});
