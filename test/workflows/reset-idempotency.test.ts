import { loadConfig } from '../../src/config';
import { connectRedis } from '../../src/redis/client';
import { ResetService } from '../../src/workflows/reset.service';
import { BACKENDS, MAX_GATE, NOW, dumpKeys, keys, resetRequest, useBackend, writeTask, writeWorkflow } from './support';

const IDEMPOTENCY_TTL_MS = 60 * 60 * 1000;

describe.each(BACKENDS)('resetWorkflow with a requestId on %s', (backendName) => {
  const backend = useBackend(backendName, () => NOW, { idempotencyTtlMs: IDEMPOTENCY_TTL_MS });
  const THREAD = 'wf-idem';

  async function arrangeStuckWorkflow(): Promise<void> {
    await writeWorkflow(backend.redis, THREAD, { gate: 4, phase: 'running' });
    await writeTask(backend.redis, { id: 't-fe', threadId: THREAD, domain: 'fe', queued: true, result: { ok: 1 } });
    await writeTask(backend.redis, { id: 't-be', threadId: THREAD, domain: 'be', status: 'in_progress' });
  }

  it('returns the stored summary, marked replayed, to a repeat and changes nothing', async () => {
    await arrangeStuckWorkflow();
    const first = await backend.resets.resetWorkflow(resetRequest(THREAD, { requestId: 'req-1' }));
    await writeTask(backend.redis, { id: 't-new', threadId: THREAD, domain: 'qa', queued: true });
    const before = await dumpKeys(backend.redis);
    const repeat = await backend.resets.resetWorkflow(resetRequest(THREAD, { requestId: 'req-1' }));
    expect(first).toMatchObject({ replayed: false, requestId: 'req-1', newState: { attempt: 1 } });
    expect(repeat).toEqual({ ...first, replayed: true });
    expect(await dumpKeys(backend.redis)).toEqual(before);
  });

  it('keeps the summary for the idempotency lifetime', async () => {
    await arrangeStuckWorkflow();
    await backend.resets.resetWorkflow(resetRequest(THREAD, { requestId: 'req-ttl' }));
    const [stored] = await backend.redis.keys(keys.resetRequest('*'));
    const ttl = await backend.redis.pttl(stored);
    expect(ttl).toBeGreaterThan(IDEMPOTENCY_TTL_MS - 5_000);
    expect(ttl).toBeLessThanOrEqual(IDEMPOTENCY_TTL_MS);
  });

  it('keeps the requestIds of different actors apart', async () => {
    await arrangeStuckWorkflow();
    const alice = await backend.resets.resetWorkflow(resetRequest(THREAD, { requestId: 'same', actor: 'alice' }));
    const bob = await backend.resets.resetWorkflow(resetRequest(THREAD, { requestId: 'same', actor: 'bob' }));
    expect([alice.replayed, bob.replayed]).toEqual([false, false]);
    expect(bob.newState!.attempt).toBe(2);
    expect(await backend.redis.xlen(keys.audit)).toBe(2);
  });

  it.each([
    ['another workflow', { threadId: 'wf-other' }],
    ['another gate', { resetToGate: 2 }],
    ['other clear options', { clearResults: false }],
  ])('refuses a requestId reused for %s with IDEMPOTENCY_CONFLICT and touches nothing', async (_label, overrides) => {
    await arrangeStuckWorkflow();
    await writeWorkflow(backend.redis, 'wf-other');
    await backend.resets.resetWorkflow(resetRequest(THREAD, { requestId: 'req-1' }));
    const before = await dumpKeys(backend.redis);
    const request = { ...resetRequest(THREAD, { requestId: 'req-1' }), ...overrides };
    await expect(backend.resets.resetWorkflow(request)).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', field: 'requestId' });
    expect(await dumpKeys(backend.redis)).toEqual(before);
  });

  it.each([
    ['an empty requestId', ''],
    ['a requestId longer than 200 characters', 'r'.repeat(201)],
    ['a requestId with a control character', 'req\n1'],
  ])('refuses %s with BAD_USER_INPUT', async (_label, requestId) => {
    await arrangeStuckWorkflow();
    await expect(backend.resets.resetWorkflow(resetRequest(THREAD, { requestId }))).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'requestId',
    });
    expect(await backend.redis.llen(keys.queue('fe'))).toBe(1);
  });

  it('does not store the answer for an unknown workflow: the same id resets it once it exists', async () => {
    const missing = await backend.resets.resetWorkflow(resetRequest(THREAD, { requestId: 'req-early' }));
    await arrangeStuckWorkflow();
    const done = await backend.resets.resetWorkflow(resetRequest(THREAD, { requestId: 'req-early' }));
    expect([missing.success, done.success, done.replayed]).toEqual([false, true, false]);
  });

  it('neither stores nor replays on a preview', async () => {
    await arrangeStuckWorkflow();
    await backend.resets.resetWorkflow(resetRequest(THREAD, { requestId: 'req-p', dryRun: true }));
    const reset = await backend.resets.resetWorkflow(resetRequest(THREAD, { requestId: 'req-p' }));
    const preview = await backend.resets.resetWorkflow(resetRequest(THREAD, { requestId: 'req-p', dryRun: true }));
    expect([reset.replayed, reset.dryRun, preview.dryRun, preview.replayed]).toEqual([false, false, true, false]);
  });

  it('replays a confirmed reset repeated with its now retired planToken', async () => {
    await arrangeStuckWorkflow();
    const { plan } = await backend.resets.resetWorkflow(resetRequest(THREAD, { dryRun: true }));
    const request = resetRequest(THREAD, { requestId: 'req-c', planToken: plan!.planToken });
    const first = await backend.resets.resetWorkflow(request);
    expect(await backend.resets.resetWorkflow(request)).toEqual({ ...first, replayed: true });
  });
});

describe('resetWorkflow with a requestId under concurrency on redis-server', () => {
  const backend = useBackend('redis-server');

  it('resets once for ten concurrent calls with the same requestId; the others replay it', async () => {
    await writeWorkflow(backend.redis, 'wf-race', { gate: 3 });
    await writeTask(backend.redis, { id: 't-race', threadId: 'wf-race', queued: true });
    const summaries = await Promise.all(
      Array.from({ length: 10 }, () => backend.resets.resetWorkflow(resetRequest('wf-race', { requestId: 'req-race' }))),
    );
    expect(summaries.filter((summary) => !summary.replayed)).toHaveLength(1);
    expect(new Set(summaries.map((summary) => JSON.stringify({ ...summary, replayed: null }))).size).toBe(1);
    expect(await backend.redis.xlen(keys.audit)).toBe(1);
    expect(await backend.redis.hget(keys.workflow('wf-race'), 'attempt')).toBe('1');
  });

  it('completes a reset whose connection dropped mid-call by repeating it, counting it once', async () => {
    await writeWorkflow(backend.redis, 'wf-drop', { gate: 3 });
    await writeTask(backend.redis, { id: 't-drop', threadId: 'wf-drop', queued: true });
    const dying = connectRedis(backend.server!.url, loadConfig({}).redis);
    const crashed = new ResetService(dying, keys, { maxGate: MAX_GATE, now: () => NOW });
    const lost = crashed.resetWorkflow(resetRequest('wf-drop', { requestId: 'req-drop' })).catch(() => null);
    dying.disconnect();
    await lost;
    const repeat = await backend.resets.resetWorkflow(resetRequest('wf-drop', { requestId: 'req-drop' }));
    expect(repeat).toMatchObject({ success: true, newState: { attempt: 1 } });
    expect(await backend.redis.xlen(keys.audit)).toBe(1);
    expect(await backend.redis.llen(keys.queue('fe'))).toBe(0);
  });
});
