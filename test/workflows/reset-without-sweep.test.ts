import { ResetService } from '../../src/workflows/reset.service';
import { BACKENDS, MAX_GATE, NOW, dumpKeys, keys, resetRequest, useBackend, writeTask, writeWorkflow } from './support';

/**
 * RESET_SWEEP_QUEUES=false: the reset trusts the index and its sweep looks only for the indexed ids,
 * reading no other task's record. For an indexed workflow it must do exactly what the sweeping reset does.
 */
/** Audit entries differ only in their stream ids (one reset each): compare the keyspace without those. */
function withoutStreamIds(keyspace: Map<string, unknown>): Map<string, unknown> {
  return new Map(
    [...keyspace].map(([key, entry]) => {
      const { type, value } = entry as { type: string; value: unknown };
      return [key, type === 'stream' ? (value as Array<[string, string[]]>).map(([, fields]) => fields) : value];
    }),
  );
}

describe.each(BACKENDS)('resetWorkflow without the queue sweep on %s', (backendName) => {
  const backend = useBackend(backendName);
  const THREAD = 'thread-123';
  let indexOnly: ResetService;

  beforeAll(() => {
    indexOnly = new ResetService(backend.redis, keys, { maxGate: MAX_GATE, now: () => NOW, sweepQueues: false });
  });

  /** Every way an indexed task can sit in the queues, among another workflow's tasks. */
  async function arrangeIndexedWorkflow(): Promise<void> {
    const { redis } = backend;
    await writeWorkflow(redis, THREAD, { gate: 4 });
    await writeWorkflow(redis, 'neighbour');
    await writeTask(redis, { id: 'n-1', threadId: 'neighbour', domain: 'fe', queued: true });
    await writeTask(redis, { id: 'fe-1', threadId: THREAD, domain: 'fe', queued: true });
    await writeTask(redis, { id: 'n-2', threadId: 'neighbour', domain: 'fe', queued: true });
    await writeTask(redis, { id: 'fe-2', threadId: THREAD, domain: 'fe', queued: true });
    await redis.lpush(keys.queue('fe'), 'fe-2'); // queued twice
    await writeTask(redis, { id: 'qa-1', threadId: THREAD, domain: 'qa', queued: true, result: { ok: true } });
    // A record naming its queue by key, or in capitals.
    await writeTask(redis, { id: 'be-key', threadId: THREAD, domain: 'be', queued: true });
    await redis.hset(keys.task('be-key'), 'queue', 'wave:tasks:be');
    await writeTask(redis, { id: 'pm-caps', threadId: THREAD, domain: 'pm', queued: true });
    await redis.hset(keys.task('pm-caps'), 'queue', 'PM');
    // A record naming no queue, queued in two; an indexed id whose record is gone.
    await writeTask(redis, { id: 'no-queue', threadId: THREAD, domain: 'safety', queued: true });
    await redis.hdel(keys.task('no-queue'), 'queue');
    await redis.lpush(keys.queue('qa'), 'no-queue');
    await redis.sadd(keys.workflowTasks(THREAD), 'gone');
    await redis.lpush(keys.queue('be'), 'gone');
    await writeTask(redis, { id: 'n-3', threadId: 'neighbour', domain: 'be', queued: true });
  }

  it('previews the same plan and counts as the sweeping reset, so either confirms the other', async () => {
    await arrangeIndexedWorkflow();
    const swept = await backend.resets.resetWorkflow(resetRequest(THREAD, { dryRun: true }));
    const indexed = await indexOnly.resetWorkflow(resetRequest(THREAD, { dryRun: true }));
    expect(indexed.plan?.planToken).toMatch(/^[0-9a-f]{64}$/);
    expect(indexed.plan).toEqual(swept.plan);
    expect(indexed.cleared).toEqual({ tasks: 6, results: 1, queues: ['pm', 'fe', 'be', 'qa', 'safety'] });
    expect(indexed.cleared).toEqual(swept.cleared);
  });

  it('leaves the same keyspace as the sweeping reset', async () => {
    await arrangeIndexedWorkflow();
    const swept = await backend.resets.resetWorkflow(resetRequest(THREAD));
    const afterSweep = await dumpKeys(backend.redis, /^stream:/);
    await backend.redis.flushall();
    await arrangeIndexedWorkflow();
    const indexed = await indexOnly.resetWorkflow(resetRequest(THREAD));
    expect(indexed).toEqual(swept);
    expect(indexed.cleared.queues).toEqual(['pm', 'fe', 'be', 'qa', 'safety']);
    expect(withoutStreamIds(await dumpKeys(backend.redis, /^stream:/))).toEqual(withoutStreamIds(afterSweep));
    expect(await backend.redis.lrange(keys.queue('fe'), 0, -1)).toEqual(['n-2', 'n-1']);
    expect(await backend.redis.lrange(keys.queue('be'), 0, -1)).toEqual(['n-3']);
  });

  it('resets when confirmed with the planToken of its own preview', async () => {
    await arrangeIndexedWorkflow();
    const preview = await indexOnly.resetWorkflow(resetRequest(THREAD, { dryRun: true }));
    const summary = await indexOnly.resetWorkflow(resetRequest(THREAD, { planToken: preview.plan!.planToken }));
    expect(summary).toMatchObject({ success: true, cleared: preview.cleared });
    expect(await backend.redis.lrange(keys.queue('fe'), 0, -1)).toEqual(['n-2', 'n-1']);
  });

  it('fails on a queue key of another type before writing anything', async () => {
    await arrangeIndexedWorkflow();
    await backend.redis.del(keys.queue('safety'));
    await backend.redis.set(keys.queue('safety'), 'not a list');
    const before = await dumpKeys(backend.redis);
    await expect(indexOnly.resetWorkflow(resetRequest(THREAD))).rejects.toThrow();
    expect(await dumpKeys(backend.redis)).toEqual(before);
  });

  it('finds an indexed task in whichever queue holds it, whatever queue its record names', async () => {
    await writeWorkflow(backend.redis, THREAD);
    await writeTask(backend.redis, { id: 'moved', threadId: THREAD, domain: 'fe' });
    await backend.redis.lpush(keys.queue('safety'), 'moved');
    const summary = await indexOnly.resetWorkflow(resetRequest(THREAD));
    expect(summary.cleared.queues).toEqual(['safety']);
    expect(await backend.redis.llen(keys.queue('safety'))).toBe(0);
  });

  it('leaves a task queued without being indexed in its queue, fenced by the new attempt', async () => {
    await writeWorkflow(backend.redis, THREAD);
    await writeTask(backend.redis, { id: 'loose', threadId: THREAD, domain: 'be', queued: true, indexed: false });
    const summary = await indexOnly.resetWorkflow(resetRequest(THREAD));
    expect(summary.cleared).toEqual({ tasks: 0, results: 0, queues: [] });
    expect(await backend.redis.lrange(keys.queue('be'), 0, -1)).toEqual(['loose']);
    // The agent that pops it took it at attempt 0; the workflow is at attempt 1 now.
    const outcome = await backend.fencing.recordTaskResult({ taskId: 'loose', attempt: 0, result: { late: true }, status: 'completed' });
    expect(outcome).toMatchObject({ recorded: false, reason: 'stale_attempt' });
    expect(await backend.redis.exists(keys.result('loose'))).toBe(0);
  });
});
