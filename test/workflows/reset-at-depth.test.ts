import { ResetService } from '../../src/workflows/reset.service';
import { TaskFencing } from '../../src/workflows/task-fencing';
import type { RedisClient } from '../../src/redis/client';
import { BACKENDS, MAX_GATE, NOW, auditEntries, keys, resetRequest, useBackend, writeTask, writeWorkflow } from './support';

const THREAD = 'wf-deep';

/** `count` tasks of other workflows queued in `fe`, each with its record, as the orchestrator writes them. */
async function queueOthers(redis: RedisClient, count: number, from = 0): Promise<void> {
  for (let start = from; start < from + count; start += 5_000) {
    const pipeline = redis.pipeline();
    for (let n = start; n < Math.min(from + count, start + 5_000); n++) {
      pipeline.hset(keys.task(`other-${n}`), 'thread_id', `other-wf-${n % 100}`, 'data', '{}', 'status', 'pending', 'queue', 'fe');
      pipeline.lpush(keys.queue('fe'), `other-${n}`);
    }
    await pipeline.exec();
  }
}

/** The workflow's own tasks: indexed ones and some queued without being indexed, pushed now (at the head). */
async function queueOwn(redis: RedisClient, prefix: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  for (const [i, id] of ids.entries()) await writeTask(redis, { id, threadId: THREAD, domain: 'fe', queued: true, indexed: i % 2 === 0 });
  return ids;
}

async function evalCalls(redis: RedisClient): Promise<number> {
  const stats = String(await redis.info('commandstats'));
  return Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0) + Number(/cmdstat_eval:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

describe('a reset over deep queues on redis-server', () => {
  const backend = useBackend('redis-server');

  it('finds tasks queued without being indexed deep in a long queue, in many bounded steps', async () => {
    await writeWorkflow(backend.redis, THREAD);
    const tail = await queueOwn(backend.redis, 'tail', 6); // at the tail: the far end of the sweep, which reads from the head
    await queueOthers(backend.redis, 30_000);
    const head = await queueOwn(backend.redis, 'head', 6);
    await backend.redis.config('RESETSTAT');
    const summary = await backend.resets.resetWorkflow(resetRequest(THREAD));
    expect(summary.cleared.tasks).toBe(12);
    expect(summary.queuedIdsLeft).toBe(0);
    // One owner read per entry costs a few µs: a step reads at most a few thousand entries.
    expect(await evalCalls(backend.redis)).toBeGreaterThanOrEqual(10);
    const queued = await backend.redis.lrange(keys.queue('fe'), 0, -1);
    expect(queued.filter((id) => [...head, ...tail].includes(id))).toEqual([]);
    expect(queued).toHaveLength(30_000);
  });

  it('finds every entry of the workflow while producers push and agents pop during the sweep', async () => {
    await writeWorkflow(backend.redis, THREAD);
    await queueOthers(backend.redis, 10_000);
    const own = await queueOwn(backend.redis, 'mid', 10);
    await queueOthers(backend.redis, 10_000, 10_000);
    const traffic = backend.server!.client();
    let running = true;
    let pushed = 0;
    const busy = (async () => {
      while (running) {
        await traffic.lpush(keys.queue('fe'), `late-${pushed++}`, `late-${pushed++}`);
        await traffic.rpop(keys.queue('fe'));
      }
    })();
    const small = new ResetService(backend.redis, keys, { maxGate: MAX_GATE, now: () => NOW, sweepStepBudgetMicros: 100 });
    const summary = await small.resetWorkflow(resetRequest(THREAD));
    running = false;
    await busy;
    traffic.disconnect();
    expect(pushed).toBeGreaterThan(0);
    expect(summary.cleared.tasks).toBe(10);
    const queued = new Set(await backend.redis.lrange(keys.queue('fe'), 0, -1));
    expect(own.filter((id) => queued.has(id))).toEqual([]);
  });

  it('is finished by a repeat with the same requestId when the queue cleanup after the atomic step fails', async () => {
    await writeWorkflow(backend.redis, THREAD);
    await queueOthers(backend.redis, 100);
    const own = await queueOwn(backend.redis, 'own', 4);
    const failures: string[] = [];
    const faulty = Object.create(backend.redis) as RedisClient;
    faulty.llen = () => Promise.reject(new Error('Connection is closed.'));
    const crashing = new ResetService(faulty, keys, {
      maxGate: MAX_GATE,
      now: () => NOW,
      observer: { dequeueFailed: (threadId) => failures.push(threadId) },
    });
    const request = resetRequest(THREAD, { requestId: 'after-outage-1' });
    const first = await crashing.resetWorkflow(request);
    expect(first).toMatchObject({ success: true, replayed: false, queuedIdsLeft: 4, newState: { attempt: 1 } });
    expect(failures).toEqual([THREAD]);
    expect((await backend.redis.lrange(keys.queue('fe'), 0, -1)).filter((id) => own.includes(id))).toHaveLength(4);

    const repeat = await backend.resets.resetWorkflow(request);
    expect(repeat).toMatchObject({ success: true, replayed: true, queuedIdsLeft: 0, newState: { attempt: 1 }, cleared: first.cleared });
    expect((await backend.redis.lrange(keys.queue('fe'), 0, -1)).filter((id) => own.includes(id))).toEqual([]);
    expect((await auditEntries(backend.redis)).filter((entry) => entry.kind === 'reset')).toHaveLength(1);
  });
});

describe.each(BACKENDS)('the ids a reset leaves in a queue too deep to clean, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let shallow: ResetService;
  let agent: TaskFencing;

  beforeAll(() => {
    shallow = new ResetService(backend.redis, keys, { maxGate: MAX_GATE, now: () => NOW, maxDequeueLength: 50 });
    agent = new TaskFencing(backend.redis, keys, { now: () => NOW });
  });

  /** Pops until the queue is empty: what the agent claimed, and how many dead ids it dropped. */
  async function drain(maxDropped?: number): Promise<{ claimed: string[]; dropped: number; calls: number }> {
    const claimed: string[] = [];
    let dropped = 0;
    for (let calls = 1; ; calls++) {
      const popped = await agent.popTask({ domain: 'fe', agent: 'agent-7', maxDropped });
      dropped += popped.dropped;
      if (popped.task) claimed.push(popped.task.taskId);
      else if (!popped.more) return { claimed, dropped, calls };
    }
  }

  it.each([true, false])('are counted in queuedIdsLeft and dropped, never claimed, by pop-task (clearTasks: %s)', async (clearTasks) => {
    await writeWorkflow(backend.redis, THREAD);
    await queueOthers(backend.redis, 60);
    const own = await queueOwn(backend.redis, 'own', 5);
    const summary = await shallow.resetWorkflow(resetRequest(THREAD, { clearTasks }));
    expect(summary).toMatchObject({ success: true, queuedIdsLeft: 5, cleared: { queues: ['fe'] } });
    expect(summary.message).toMatch(/5 queued id\(s\) left in fe \(65 entries\)/);
    const { claimed, dropped } = await drain();
    expect(dropped).toBe(5);
    expect(claimed.filter((id) => own.includes(id))).toEqual([]);
    expect(claimed).toHaveLength(60);
    expect(await backend.redis.hget(keys.task('other-0'), 'status')).toBe('in_progress');
  });

  it('drops at most maxDropped dead ids per call, so a queue full of them is drained in short steps', async () => {
    await writeWorkflow(backend.redis, THREAD);
    await queueOthers(backend.redis, 1);
    await queueOwn(backend.redis, 'own', 60);
    await shallow.resetWorkflow(resetRequest(THREAD));
    const { claimed, dropped, calls } = await drain(25);
    expect({ claimed, dropped }).toEqual({ claimed: ['other-0'], dropped: 60 });
    expect(calls).toBeGreaterThanOrEqual(3);
  });

  it('lets an agent claim a task enqueued after the reset, stamped with the new attempt', async () => {
    await writeWorkflow(backend.redis, THREAD);
    await queueOthers(backend.redis, 60);
    await queueOwn(backend.redis, 'old', 2);
    await shallow.resetWorkflow(resetRequest(THREAD));
    const fresh = await backend.lifecycle.enqueueTask({ threadId: THREAD, domain: 'fe', data: { step: 'again' } });
    const { claimed } = await drain();
    expect(claimed).toContain(fresh.id);
    expect(claimed.filter((id) => id.startsWith('old-'))).toEqual([]);
  });
});
