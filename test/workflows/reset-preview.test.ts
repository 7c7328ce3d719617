import { ResetService } from '../../src/workflows/reset.service';
import { WorkflowError } from '../../src/workflows/workflow.types';
import { BACKENDS, MAX_GATE, NOW, dumpKeys, keys, resetRequest, useBackend, writeTask, writeWorkflow } from './support';

const PLAN_TTL_MS = 10 * 60 * 1000;
/** What a preview may write: audit entries (and the mock's bookkeeping of them) and its plan. */
const NOT_WORKFLOW_STATE = /^(wave:audit(:|$)|wave:reset-plan:|stream:)/;

describe.each(BACKENDS)('previewing and confirming a reset on %s', (backendName) => {
  const backend = useBackend(backendName, () => NOW, { planTtlMs: PLAN_TTL_MS });
  const THREAD = 'wf-preview';

  async function arrangeStuckWorkflow(): Promise<void> {
    const { redis } = backend;
    await writeWorkflow(redis, THREAD, { gate: 4, phase: 'running' });
    await writeTask(redis, { id: 't-fe', threadId: THREAD, domain: 'fe', status: 'pending', queued: true });
    await writeTask(redis, { id: 't-qa', threadId: THREAD, domain: 'qa', status: 'pending', queued: true, indexed: false });
    await writeTask(redis, { id: 't-be', threadId: THREAD, domain: 'be', status: 'completed', result: { success: true } });
    await writeTask(redis, { id: 't-pm', threadId: THREAD, domain: 'pm', status: 'in_progress', result: { partial: true } });
    await writeTask(redis, { id: 'other', threadId: 'wf-other', domain: 'fe', queued: true });
  }

  async function preview(overrides: Parameters<typeof resetRequest>[1] = {}) {
    return backend.resets.resetWorkflow(resetRequest(THREAD, { resetToGate: 1, ...overrides, dryRun: true }));
  }

  it('returns the exact plan and changes no workflow state', async () => {
    await arrangeStuckWorkflow();
    const before = await dumpKeys(backend.redis, NOT_WORKFLOW_STATE);
    const summary = await preview();
    expect(summary).toEqual({
      success: true,
      threadId: THREAD,
      cleared: { tasks: 4, results: 2, queues: ['fe', 'qa'] },
      newState: null,
      message: expect.stringMatching(/would cancel 3 task\(s\), delete 4 task record\(s\) and 2 result\(s\), dequeue from fe, qa/),
      dryRun: true,
      plan: {
        taskIds: ['t-be', 't-fe', 't-pm', 't-qa'],
        queueEntries: [
          { domain: 'fe', taskIds: ['t-fe'] },
          { domain: 'qa', taskIds: ['t-qa'] },
        ],
        resultTaskIds: ['t-be', 't-pm'],
        target: { gate: 1, phase: 'pending' },
        current: { gate: 4, phase: 'running', attempt: 0 },
        planToken: expect.stringMatching(/^[0-9a-f]{64}$/),
        expiresAt: new Date(NOW + PLAN_TTL_MS),
      },
      requestId: null,
      replayed: false,
      queuedIdsLeft: null,
    });
    expect(await dumpKeys(backend.redis, NOT_WORKFLOW_STATE)).toEqual(before);
  });

  it('lists each queued id of the workflow once per queue, however often it is queued, and no result when results are kept', async () => {
    await writeWorkflow(backend.redis, THREAD);
    await writeTask(backend.redis, { id: 'twice', threadId: THREAD, domain: 'fe', queued: true, result: { ok: 1 } });
    await backend.redis.lpush(keys.queue('fe'), 'twice');
    const { plan } = await preview({ clearResults: false });
    expect(plan).toMatchObject({ taskIds: ['twice'], queueEntries: [{ domain: 'fe', taskIds: ['twice'] }], resultTaskIds: [] });
  });

  it('keeps the plan under its token for the plan lifetime', async () => {
    await arrangeStuckWorkflow();
    const { plan } = await preview();
    const ttl = await backend.redis.pttl(keys.resetPlan(plan!.planToken));
    expect(ttl).toBeGreaterThan(PLAN_TTL_MS - 5_000);
    expect(ttl).toBeLessThanOrEqual(PLAN_TTL_MS);
  });

  it('issues the same token for the same plan and another for other options', async () => {
    await arrangeStuckWorkflow();
    const first = await preview();
    const again = await preview();
    const keepingResults = await preview({ clearResults: false });
    expect(again.plan!.planToken).toBe(first.plan!.planToken);
    expect(keepingResults.plan!.planToken).not.toBe(first.plan!.planToken);
  });

  it('resets exactly the previewed plan when confirmed with its token, and retires the token', async () => {
    await arrangeStuckWorkflow();
    const { plan, cleared } = await preview();
    const summary = await backend.resets.resetWorkflow(resetRequest(THREAD, { resetToGate: 1, planToken: plan!.planToken }));
    expect(summary).toMatchObject({ success: true, dryRun: false, cleared, newState: { gate: 1, phase: 'pending', attempt: 1 } });
    expect(await backend.redis.exists(keys.resetPlan(plan!.planToken))).toBe(0);
    expect(await backend.redis.lrange(keys.queue('fe'), 0, -1)).toEqual(['other']);
  });

  it.each([
    ['a task is enqueued', () => backend.lifecycle.enqueueTask({ threadId: THREAD, domain: 'be', data: { step: 'late' } })],
    ['an agent pops a task', () => backend.redis.rpop(keys.queue('qa'))],
    ['an agent starts a task', () => backend.redis.hset(keys.task('t-fe'), 'status', 'in_progress')],
    ['an agent writes a result', () => backend.redis.set(keys.result('t-fe'), '{"done":true}')],
    ['the workflow moves to another gate', () => backend.redis.hset(keys.workflow(THREAD), 'gate', '5')],
    ['another reset runs', () => backend.resets.resetWorkflow(resetRequest(THREAD, { resetToGate: 1 }))],
  ])('refuses with STALE_PLAN and touches nothing when %s after the preview', async (_label, change) => {
    await arrangeStuckWorkflow();
    const { plan } = await preview();
    await change();
    const before = await dumpKeys(backend.redis);
    const attempt = backend.resets.resetWorkflow(resetRequest(THREAD, { resetToGate: 1, planToken: plan!.planToken }));
    await expect(attempt).rejects.toBeInstanceOf(WorkflowError);
    await expect(attempt).rejects.toMatchObject({ code: 'STALE_PLAN', field: 'planToken' });
    expect(await dumpKeys(backend.redis)).toEqual(before);
  });

  it('refuses an expired token with STALE_PLAN', async () => {
    await arrangeStuckWorkflow();
    const { plan } = await preview();
    await backend.redis.pexpireat(keys.resetPlan(plan!.planToken), 1);
    const before = await dumpKeys(backend.redis);
    await expect(backend.resets.resetWorkflow(resetRequest(THREAD, { resetToGate: 1, planToken: plan!.planToken }))).rejects.toMatchObject({
      code: 'STALE_PLAN',
      message: expect.stringMatching(/expired/),
    });
    expect(await dumpKeys(backend.redis)).toEqual(before);
  });

  it('refuses the token of a preview of other options with STALE_PLAN', async () => {
    await arrangeStuckWorkflow();
    const { plan } = await preview({ clearResults: false });
    await expect(backend.resets.resetWorkflow(resetRequest(THREAD, { resetToGate: 1, planToken: plan!.planToken }))).rejects.toMatchObject({
      code: 'STALE_PLAN',
    });
    expect(await backend.redis.exists(keys.result('t-be'))).toBe(1);
  });

  it('refuses a token no preview issued with STALE_PLAN', async () => {
    await arrangeStuckWorkflow();
    await expect(backend.resets.resetWorkflow(resetRequest(THREAD, { planToken: 'a'.repeat(64) }))).rejects.toMatchObject({
      code: 'STALE_PLAN',
    });
    expect(await backend.redis.llen(keys.queue('fe'))).toBe(2);
  });

  it('previews an unknown workflow as a failure and writes nothing', async () => {
    const summary = await backend.resets.resetWorkflow(resetRequest('nobody', { dryRun: true }));
    expect(summary).toMatchObject({ success: false, dryRun: true, plan: null });
    expect(await dumpKeys(backend.redis)).toEqual(new Map());
  });

  describe('when confirmation is required', () => {
    const confirming = () => new ResetService(backend.redis, keys, { maxGate: MAX_GATE, now: () => NOW, requireConfirmation: true });

    it('refuses a reset without a planToken with CONFIRMATION_REQUIRED and touches nothing', async () => {
      await arrangeStuckWorkflow();
      const before = await dumpKeys(backend.redis);
      await expect(confirming().resetWorkflow(resetRequest(THREAD))).rejects.toMatchObject({
        code: 'CONFIRMATION_REQUIRED',
        field: 'planToken',
      });
      expect(await dumpKeys(backend.redis)).toEqual(before);
    });

    it('previews, then resets with the token of the preview', async () => {
      await arrangeStuckWorkflow();
      const service = confirming();
      const { plan } = await service.resetWorkflow(resetRequest(THREAD, { dryRun: true }));
      const summary = await service.resetWorkflow(resetRequest(THREAD, { planToken: plan!.planToken }));
      expect(summary).toMatchObject({ success: true, newState: { gate: 0, phase: 'pending', attempt: 1 } });
    });
  });

  describe('expectedGate and expectedPhase', () => {
    it.each([
      ['the gate differs', { expectedGate: 3 }, 'expectedGate'],
      ['the phase differs', { expectedPhase: 'blocked' as const }, 'expectedPhase'],
      ['one of both differs', { expectedGate: 4, expectedPhase: 'failed' as const }, 'expectedGate'],
    ])('refuses with PRECONDITION_FAILED and touches nothing when %s', async (_label, expected, field) => {
      await arrangeStuckWorkflow();
      const before = await dumpKeys(backend.redis);
      const attempt = backend.resets.resetWorkflow(resetRequest(THREAD, expected));
      await expect(attempt).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', field });
      await expect(attempt).rejects.toThrow(/is at gate 4, phase running/);
      expect(await dumpKeys(backend.redis)).toEqual(before);
    });

    it('resets when both hold, read as the service reads the record', async () => {
      await arrangeStuckWorkflow();
      await backend.redis.hset(keys.workflow(THREAD), 'phase', ' RUNNING ');
      const summary = await backend.resets.resetWorkflow(resetRequest(THREAD, { expectedGate: 4, expectedPhase: 'running' }));
      expect(summary.success).toBe(true);
    });

    it.each(['3.0', '3e0', '0x3', ' 3 ', '-3', '9'.repeat(16)])(
      'holds for the gate the service shows when the record stores %p',
      async (stored) => {
        await arrangeStuckWorkflow();
        await backend.redis.hset(keys.workflow(THREAD), 'gate', stored);
        const { gate } = (await backend.workflows.getWorkflow(THREAD))!;
        const summary = await backend.resets.resetWorkflow(resetRequest(THREAD, { expectedGate: gate }));
        expect(summary.success).toBe(true);
      },
    );

    it('checks them on a preview too', async () => {
      await arrangeStuckWorkflow();
      await expect(preview({ expectedPhase: 'stopped' })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    });

    it('refuses a workflow without a record when a gate is expected', async () => {
      await writeTask(backend.redis, { id: 'orphan', threadId: THREAD, queued: true, indexed: false });
      await expect(backend.resets.resetWorkflow(resetRequest(THREAD, { expectedGate: 0 }))).rejects.toThrow(/has no record/);
      expect(await backend.redis.llen(keys.queue('fe'))).toBe(1);
    });
  });

  it.each([
    ['a planToken that is not a token', { planToken: 'abc' }, 'planToken'],
    ['an empty planToken', { planToken: '' }, 'planToken'],
    ['a negative expectedGate', { expectedGate: -1 }, 'expectedGate'],
    ['an unknown expectedPhase', { expectedPhase: 'paused' as never }, 'expectedPhase'],
  ])('refuses %s with BAD_USER_INPUT', async (_label, overrides, field) => {
    await arrangeStuckWorkflow();
    await expect(backend.resets.resetWorkflow(resetRequest(THREAD, overrides))).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      field,
    });
  });
});
