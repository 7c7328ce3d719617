import { once } from 'node:events';
import type Redis from 'ioredis';
import { TestApp, useTestApp } from '../helpers/app';
import { dumpWorkflowState } from '../helpers/keyspace';
import { RedisServer } from '../helpers/redis-server';

const RESET = `mutation Reset($input: ResetWorkflowInput!) {
  resetWorkflow(input: $input) {
    success threadId message
    cleared { tasks results queues }
    newState { gate phase }
  }
}`;

/** Writes a workflow exactly as the orchestrator and its agents do: raw hashes, lists and strings. */
async function writeStuckWorkflow(redis: Redis, threadId: string, createdAt: number): Promise<void> {
  await redis.hset(`wave:workflow:${threadId}`, {
    thread_id: threadId,
    gate: '3',
    phase: 'running',
    created_at: String(createdAt),
    updated_at: String(createdAt),
  });
  await redis.zadd('wave:workflows', createdAt, threadId);
  const tasks = [
    { id: `${threadId}-t1`, queue: 'fe', status: 'pending', queued: true },
    { id: `${threadId}-t2`, queue: 'qa', status: 'in_progress', queued: false },
    { id: `${threadId}-t3`, queue: 'be', status: 'completed', queued: false },
  ];
  for (const task of tasks) {
    await redis.hset(`wave:task:${task.id}`, {
      thread_id: threadId,
      data: JSON.stringify({ thread_id: threadId, step: task.id }),
      status: task.status,
      queue: task.queue,
      enqueued_at: String(createdAt),
    });
    await redis.sadd(`wave:workflow:${threadId}:tasks`, task.id);
    if (task.queued) await redis.lpush(`wave:tasks:${task.queue}`, task.id);
  }
  await redis.set(`wave:result:${threadId}-t3`, JSON.stringify({ success: true }));
  // Un-indexed: the orchestrator queued it without adding it to the index.
  await redis.hset(`wave:task:${threadId}-orphan`, { thread_id: threadId, data: '{}', status: 'pending', queue: 'qa', enqueued_at: '1' });
  await redis.lpush('wave:tasks:qa', `${threadId}-orphan`);
}

describe('resetWorkflow over HTTP on a real Redis', () => {
  const fixture = useTestApp({ RESET_RATE_LIMIT: '3/1m', MAX_GATE: '5' });
  let operator: string;

  beforeEach(() => {
    // A fresh user per test, so each test has its own rate-limit budget.
    operator = fixture.app.token(['operator'], `operator-${expect.getState().currentTestName}`);
  });

  it("removes the stuck workflow's tasks, queue entries and results and leaves its neighbour as it was", async () => {
    await writeStuckWorkflow(fixture.redis, 'WAVE1-FE-002', 1000);
    await writeStuckWorkflow(fixture.redis, 'WAVE1-FE-0020', 2000);
    const neighbourKeys = (await fixture.redis.keys('*WAVE1-FE-0020*')).sort();
    const neighbourBefore = await dumpWorkflowState(fixture.redis).then((dump) => neighbourKeys.map((key) => dump.get(key)));

    const { body } = await fixture.app.request(RESET, { input: { threadId: 'WAVE1-FE-002', reason: 'agent crashed' } }, operator);

    expect(body.errors).toBeUndefined();
    expect(body.data!.resetWorkflow).toEqual({
      success: true,
      threadId: 'WAVE1-FE-002',
      message: expect.any(String),
      cleared: { tasks: 4, results: 1, queues: expect.arrayContaining(['fe', 'qa']) },
      newState: { gate: 0, phase: 'PENDING' },
    });
    expect(body.data!.resetWorkflow.cleared.queues).toHaveLength(2);
    expect(await fixture.redis.exists('wave:task:WAVE1-FE-002-t1', 'wave:task:WAVE1-FE-002-orphan', 'wave:result:WAVE1-FE-002-t3')).toBe(0);
    expect(await fixture.redis.lrange('wave:tasks:fe', 0, -1)).toEqual(['WAVE1-FE-0020-t1']);
    expect(await fixture.redis.lrange('wave:tasks:qa', 0, -1)).toEqual(['WAVE1-FE-0020-orphan']);
    expect(await fixture.redis.hmget('wave:workflow:WAVE1-FE-002', 'gate', 'phase')).toEqual(['0', 'pending']);
    const dumpAfter = await dumpWorkflowState(fixture.redis);
    expect(neighbourKeys.map((key) => dumpAfter.get(key))).toEqual(neighbourBefore);
  });

  it('records who reset what and why in the audit stream', async () => {
    await writeStuckWorkflow(fixture.redis, 'wf-audit', 1000);
    await fixture.app.request(RESET, { input: { threadId: 'wf-audit', reason: 'safety block', resetToGate: 2 } }, operator);
    const entries = await fixture.redis.xrange('wave:audit', '-', '+');
    expect(entries).toHaveLength(1);
    const fields = entries[0][1];
    expect(fields).toEqual(expect.arrayContaining(['wf-audit', 'safety block']));
    expect(fields.join(' ')).toContain(`operator-`);
  });

  it('answers success false for an unknown workflow and touches nothing', async () => {
    await writeStuckWorkflow(fixture.redis, 'wf-known', 1000);
    const before = await dumpWorkflowState(fixture.redis);
    const { body } = await fixture.app.request(RESET, { input: { threadId: 'wf-unknown', reason: 'typo' } }, operator);
    expect(body.data!.resetWorkflow).toMatchObject({ success: false, cleared: { tasks: 0, results: 0, queues: [] } });
    expect(await dumpWorkflowState(fixture.redis)).toEqual(before);
  });

  it('keeps results when clearResults is false', async () => {
    await writeStuckWorkflow(fixture.redis, 'wf-keep', 1000);
    const { body } = await fixture.app.request(RESET, { input: { threadId: 'wf-keep', reason: 'retry', clearResults: false } }, operator);
    expect(body.data!.resetWorkflow.cleared.results).toBe(0);
    expect(await fixture.redis.get('wave:result:wf-keep-t3')).not.toBeNull();
  });

  it.each([
    ['a gate above MAX_GATE', { threadId: 'wf-1', reason: 'r', resetToGate: 6 }, 'resetToGate'],
    ['a negative gate', { threadId: 'wf-1', reason: 'r', resetToGate: -1 }, 'resetToGate'],
    ['an empty reason', { threadId: 'wf-1', reason: '' }, 'reason'],
    ['a thread id with control characters', { threadId: 'wf\n1', reason: 'r' }, 'threadId'],
    ['a thread id with a lone surrogate, which Redis would store as U+FFFD', { threadId: 'wf-\ud800', reason: 'r' }, 'threadId'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_label, input, field) => {
    await writeStuckWorkflow(fixture.redis, 'wf-1', 1000);
    const before = await dumpWorkflowState(fixture.redis);
    const { body } = await fixture.app.request(RESET, { input }, operator);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await dumpWorkflowState(fixture.redis)).toEqual(before);
  });

  it('treats glob characters in a thread id literally', async () => {
    await writeStuckWorkflow(fixture.redis, 'wf-1', 1000);
    await writeStuckWorkflow(fixture.redis, 'wf-2', 2000);
    const before = await dumpWorkflowState(fixture.redis);
    const { body } = await fixture.app.request(RESET, { input: { threadId: 'wf-*', reason: 'glob' } }, operator);
    if (body.errors) expect(body.errors[0].extensions?.code).toBe('BAD_USER_INPUT');
    else expect(body.data!.resetWorkflow.success).toBe(false);
    expect(await dumpWorkflowState(fixture.redis)).toEqual(before);
  });

  it('rate-limits resets per user with RATE_LIMITED and the seconds to wait', async () => {
    await writeStuckWorkflow(fixture.redis, 'wf-burst', 1000);
    const outcomes = [];
    for (let call = 0; call < 5; call += 1) {
      outcomes.push((await fixture.app.request(RESET, { input: { threadId: 'wf-burst', reason: 'burst' } }, operator)).body);
    }
    expect(outcomes.slice(0, 3).every((body) => body.errors === undefined)).toBe(true);
    for (const body of outcomes.slice(3)) {
      expect(body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(body.errors?.[0]?.extensions?.retryAfter).toBeGreaterThanOrEqual(1);
      expect(body.errors?.[0]?.extensions?.retryAfter).toBeLessThanOrEqual(60);
    }
    // Another user still has a budget.
    const other = await fixture.app.request(
      RESET,
      { input: { threadId: 'wf-burst', reason: 'other' } },
      fixture.app.token(['operator'], 'someone-else'),
    );
    expect(other.body.errors).toBeUndefined();
  });
});

describe('when Redis goes away', () => {
  it('answers SERVICE_UNAVAILABLE without Redis detail, then recovers when Redis is back', async () => {
    const server = await RedisServer.start();
    const app = await TestApp.start(server.url);
    const viewer = app.token(['viewer']);
    try {
      expect((await app.request('{ queues { length } }', {}, viewer)).body.errors).toBeUndefined();
      await server.stop();
      const { body } = await app.request('{ queues { length } }', {}, viewer);
      expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack|ioredis/i);
      await server.launch();
      if (app.redis.status !== 'ready') await once(app.redis, 'ready');
      expect((await app.request('{ queues { length } }', {}, viewer)).body.errors).toBeUndefined();
    } finally {
      await app.stop();
      await server.dispose();
    }
  });
});
