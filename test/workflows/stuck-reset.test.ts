import { StuckWorkflowService, workflowRequestId } from '../../src/workflows/stuck.service';
import { ResetService } from '../../src/workflows/reset.service';
import type { WorkflowReads } from '../../src/workflows/workflow-reads';
import type { WorkflowServices } from '../../src/workflows/workflow-services';
import { WorkflowError, type CleanupSummary, type ResetRequest } from '../../src/workflows/workflow.types';
import { DEFAULT_THRESHOLDS, MINUTE, createdAt, stuckService, writeCase, writeOneOfEach } from './stuck-support';
import { BACKENDS, MAX_GATE, NOW, auditEntries, dumpKeys, keys, useBackend } from './support';

const BATCH = { reason: 'agents restarted after the outage', actor: 'admin@example.com', limit: 100 };

/** What a StuckWorkflowService stands on: the workflow reads and the reset. */
type StuckBase = Pick<WorkflowServices, 'workflows' | 'resets'>;

/** The services, with a ResetService whose resetWorkflow is `reset`; everything else is the real one. */
function withReset(services: StuckBase, reset: (request: ResetRequest) => Promise<CleanupSummary>): StuckBase {
  const resets = Object.create(services.resets) as ResetService;
  resets.resetWorkflow = reset;
  return { workflows: services.workflows, resets };
}

describe.each(BACKENDS)('resetStuckWorkflows on %s', (backendName) => {
  const backend = useBackend(backendName);
  const created = createdAt;
  /** The workflows a real reset was audited for, one entry each (previews are audited too, as such). */
  const auditedThreads = async (kind: 'reset' | 'preview' = 'reset') =>
    (await auditEntries(backend.redis))
      .filter((entry) => (entry.kind === 'preview' ? 'preview' : 'reset') === kind)
      .map((entry) => entry.thread_id)
      .sort();

  const arrangeOneOfEach = () => writeOneOfEach(backend.redis);

  async function arrangeAgentsGone(count: number): Promise<string[]> {
    const threadIds = Array.from({ length: count }, (_, i) => `wf-${i + 1}`);
    for (const [i, threadId] of threadIds.entries()) await writeCase(backend.redis, threadId, 'agent_gone', { createdAt: created(i) });
    return threadIds;
  }

  async function isReset(threadId: string): Promise<boolean> {
    const workflow = await backend.workflows.getWorkflow(threadId);
    return workflow?.phase === 'pending' && (await backend.redis.exists(keys.task(`${threadId}-t`))) === 0;
  }

  it('resets every diagnosed workflow at the gate it is stuck at, one audited reset each, and leaves healthy ones alone', async () => {
    await arrangeOneOfEach();
    const batch = await stuckService(backend).resetStuckWorkflows({ ...BATCH, dryRun: false });
    expect(batch).toMatchObject({ dryRun: false, succeeded: 4, failed: 0 });
    expect(batch.outcomes.map((outcome) => [outcome.threadId, outcome.kinds, outcome.summary?.success, outcome.error])).toEqual([
      ['wf-queued', ['queued_too_long'], true, null],
      ['wf-gone', ['agent_gone'], true, null],
      ['wf-result', ['result_not_advanced'], true, null],
      ['wf-blocked', ['safety_blocked'], true, null],
    ]);
    for (const threadId of ['wf-queued', 'wf-gone', 'wf-result', 'wf-blocked']) {
      expect(await backend.workflows.getWorkflow(threadId)).toMatchObject({ gate: 2, phase: 'pending' });
      expect(await isReset(threadId)).toBe(true);
    }
    expect(await backend.redis.llen(keys.queue('be'))).toBe(0);
    expect(await backend.redis.exists(keys.result('wf-result-t'))).toBe(0);
    expect(await auditedThreads()).toEqual(['wf-blocked', 'wf-gone', 'wf-queued', 'wf-result']);
    expect(await backend.workflows.getWorkflow('wf-healthy')).toMatchObject({ phase: 'running' });
    expect((await stuckService(backend).listStuckWorkflows({ first: 10 })).nodes).toEqual([]);
  });

  it('resets only the workflows stuck in the kind asked for', async () => {
    await arrangeOneOfEach();
    const batch = await stuckService(backend).resetStuckWorkflows({ ...BATCH, dryRun: false, kind: 'result_not_advanced' });
    expect(batch.outcomes.map((outcome) => outcome.threadId)).toEqual(['wf-result']);
    expect(await auditedThreads()).toEqual(['wf-result']);
  });

  it('resets only workflows whose reason has lasted at least olderThan', async () => {
    await writeCase(backend.redis, 'wf-recent', 'agent_gone', { minutes: 10, createdAt: created(1) });
    await writeCase(backend.redis, 'wf-old', 'agent_gone', { minutes: 60, createdAt: created(2) });
    const service = stuckService(backend);
    const none = await service.resetStuckWorkflows({ ...BATCH, dryRun: false, olderThanMs: 60 * MINUTE + 1 });
    expect(none.outcomes).toEqual([]);
    const batch = await service.resetStuckWorkflows({ ...BATCH, dryRun: false, olderThanMs: 60 * MINUTE });
    expect(batch.outcomes.map((outcome) => outcome.threadId)).toEqual(['wf-old']);
    expect(await isReset('wf-recent')).toBe(false);
  });

  it('resets at most limit workflows, the oldest first', async () => {
    await arrangeAgentsGone(5);
    const batch = await stuckService(backend).resetStuckWorkflows({ ...BATCH, dryRun: false, limit: 2 });
    expect(batch.outcomes.map((outcome) => outcome.threadId)).toEqual(['wf-1', 'wf-2']);
    expect(await auditedThreads()).toEqual(['wf-1', 'wf-2']);
  });

  it('finds stuck workflows however far down the index they are', async () => {
    const pipeline = backend.redis.pipeline();
    for (let i = 0; i < 700; i += 1) {
      pipeline.hset(keys.workflow(`wf-done-${i}`), { gate: '7', phase: 'running', created_at: String(created(i)) });
      pipeline.zadd(keys.workflowIndex, created(i), `wf-done-${i}`);
    }
    await pipeline.exec();
    await writeCase(backend.redis, 'wf-late', 'agent_gone', { createdAt: created(700) });
    const batch = await stuckService(backend).resetStuckWorkflows({ ...BATCH, dryRun: false, limit: 1 });
    expect(batch.outcomes.map((outcome) => outcome.threadId)).toEqual(['wf-late']);
  });

  it('does not stop or undo the others when one reset fails, and says which failed and why', async () => {
    await arrangeOneOfEach();
    const flaky = withReset(backend, async (request) => {
      if (request.threadId === 'wf-gone') throw new WorkflowError('CONFLICT', 'Workflow "wf-gone" changed meanwhile');
      if (request.threadId === 'wf-result') throw new Error('ECONNRESET 127.0.0.1:6379');
      return backend.resets.resetWorkflow(request);
    });
    const batch = await stuckService(flaky).resetStuckWorkflows({ ...BATCH, dryRun: false });
    expect(batch).toMatchObject({ succeeded: 2, failed: 2 });
    expect(batch.outcomes.map((outcome) => [outcome.threadId, outcome.error?.code ?? null])).toEqual([
      ['wf-queued', null],
      ['wf-gone', 'CONFLICT'],
      ['wf-result', 'RESET_FAILED'],
      ['wf-blocked', null],
    ]);
    const unexpected = batch.outcomes[2];
    expect(unexpected.summary).toBeNull();
    expect(unexpected.error!.message).toMatch(/repeat the batch with the same requestId/);
    expect(unexpected.error!.message).not.toMatch(/ECONNRESET|6379/);
    expect(await auditedThreads()).toEqual(['wf-blocked', 'wf-queued']);
    expect(await isReset('wf-gone')).toBe(false);
  });

  it('reports a workflow that vanished between diagnosis and reset as failed, without failing the batch', async () => {
    await arrangeAgentsGone(2);
    const vanishing = withReset(backend, async (request) => {
      if (request.threadId === 'wf-1') await backend.redis.del(keys.workflow('wf-1'), keys.workflowTasks('wf-1'), keys.task('wf-1-t'));
      return backend.resets.resetWorkflow(request);
    });
    const batch = await stuckService(vanishing).resetStuckWorkflows({ ...BATCH, dryRun: false });
    expect(batch).toMatchObject({ succeeded: 1, failed: 1 });
    expect(batch.outcomes[0]).toMatchObject({ threadId: 'wf-1', summary: { success: false }, error: { code: 'NOT_FOUND' } });
  });

  describe('crash safety', () => {
    it.each([
      ['after the fourth reset reached Redis', true],
      ['before the fourth reset reached Redis', false],
    ])(
      'completes a batch interrupted %s when it is repeated with the same requestId: every workflow reset exactly once',
      async (_when, fourthApplied) => {
        const threadIds = await arrangeAgentsGone(6);
        let calls = 0;
        let crashed!: () => void;
        const crash = new Promise<void>((resolve) => (crashed = resolve));
        // The process dies during the fourth reset: that call never answers, the batch never returns.
        const dying = withReset(backend, async (request) => {
          calls += 1;
          if (calls < 4) return backend.resets.resetWorkflow(request);
          if (fourthApplied) await backend.resets.resetWorkflow(request);
          crashed();
          return new Promise<never>(() => {});
        });
        const request = { ...BATCH, dryRun: false, requestId: 'night-shift-42' };
        void stuckService(dying).resetStuckWorkflows(request);
        await crash;

        const repeat = await stuckService(backend).resetStuckWorkflows(request);

        const resumedFrom = fourthApplied ? 4 : 3;
        expect(repeat.outcomes.map((outcome) => outcome.threadId)).toEqual(threadIds.slice(resumedFrom));
        expect(repeat).toMatchObject({ failed: 0, requestId: 'night-shift-42' });
        expect(await auditedThreads()).toEqual([...threadIds].sort());
        for (const threadId of threadIds) expect(await isReset(threadId)).toBe(true);
      },
    );

    it('gives each workflow of a real batch its own request id, derived from the batch id, the same on every repeat', async () => {
      await arrangeAgentsGone(2);
      const requests: ResetRequest[] = [];
      const recording = withReset(backend, async (request) => {
        requests.push(request);
        return backend.resets.resetWorkflow(request);
      });
      await stuckService(recording).resetStuckWorkflows({ ...BATCH, dryRun: false, requestId: 'batch-7' });
      expect(requests.map((request) => request.requestId)).toEqual([
        workflowRequestId('batch-7', 'wf-1'),
        workflowRequestId('batch-7', 'wf-2'),
      ]);
    });
  });

  describe('with the reset service itself', () => {
    const workflowState = /^wave:(workflow|workflows|task|result|tasks):/;

    it('previews every diagnosed workflow with its plan and changes no workflow, task, result or queue', async () => {
      await arrangeOneOfEach();
      const before = await dumpKeys(backend.redis);
      const batch = await stuckService(backend).resetStuckWorkflows(BATCH);
      expect(batch).toMatchObject({ dryRun: true, succeeded: 4, failed: 0 });
      for (const { threadId, summary } of batch.outcomes) {
        expect(summary).toMatchObject({
          success: true,
          dryRun: true,
          plan: { taskIds: [`${threadId}-t`], target: { gate: 2, phase: 'pending' } },
        });
      }
      const after = await dumpKeys(backend.redis);
      const state = (keyspace: Map<string, unknown>) => [...keyspace].filter(([key]) => workflowState.test(key));
      expect(state(after)).toEqual(state(before));
      expect(await auditedThreads('preview')).toEqual(['wf-blocked', 'wf-gone', 'wf-queued', 'wf-result']);
      expect(await auditedThreads('reset')).toEqual([]);
    });

    it('resets each workflow once when the same batch runs twice at once, the later run replaying the earlier', async () => {
      const threadIds = await arrangeAgentsGone(4);
      const service = stuckService(backend);
      const request = { ...BATCH, dryRun: false, requestId: 'double-click' };
      const [first, second] = await Promise.all([service.resetStuckWorkflows(request), service.resetStuckWorkflows(request)]);
      expect(await auditedThreads()).toEqual(threadIds);
      const fresh = [...first.outcomes, ...second.outcomes].filter((outcome) => outcome.summary?.success && !outcome.summary.replayed);
      expect(fresh.map((outcome) => outcome.threadId).sort()).toEqual(threadIds);
      // The run that came second for a workflow was answered with the first's summary, not refused.
      expect(first.failed + second.failed).toBe(0);
      for (const threadId of threadIds) expect(await isReset(threadId)).toBe(true);
    });

    it('resets exactly the previewed workflows with their plan tokens, refusing one that changed since with STALE_PLAN', async () => {
      await arrangeAgentsGone(3);
      const service = stuckService(backend);
      const preview = await service.resetStuckWorkflows(BATCH);
      const plans = preview.outcomes.map(({ threadId, summary }) => ({ threadId, planToken: summary!.plan!.planToken }));
      await backend.lifecycle.enqueueTask({ threadId: 'wf-2', domain: 'fe', data: { step: 'arrived after the preview' } });

      const batch = await service.resetStuckWorkflows({ ...BATCH, dryRun: false, plans });

      expect(batch.outcomes.map(({ threadId, error }) => [threadId, error?.code ?? null])).toEqual([
        ['wf-1', null],
        ['wf-2', 'STALE_PLAN'],
        ['wf-3', null],
      ]);
      expect(await auditedThreads()).toEqual(['wf-1', 'wf-3']);
      expect(await isReset('wf-2')).toBe(false);
    });

    it('refuses as NOT_STUCK, untouched, healthy workflows whose resetWorkflow previews are passed as plans', async () => {
      const threadIds = Array.from({ length: 6 }, (_, i) => `wf-healthy-${i + 1}`);
      for (const [i, threadId] of threadIds.entries()) await writeCase(backend.redis, threadId, 'healthy', { createdAt: created(i) });
      const plans = [];
      for (const threadId of threadIds) {
        const preview = await backend.resets.resetWorkflow({
          threadId,
          clearTasks: true,
          clearResults: true,
          resetToGate: 2,
          reason: BATCH.reason,
          actor: BATCH.actor,
          dryRun: true,
        });
        plans.push({ threadId, planToken: preview.plan!.planToken });
      }
      const before = await dumpKeys(backend.redis);

      const batch = await stuckService(backend).resetStuckWorkflows({ ...BATCH, dryRun: false, plans });

      expect(batch).toMatchObject({ succeeded: 0, failed: 6 });
      expect(batch.outcomes.map(({ threadId, summary, error }) => [threadId, summary, error?.code])).toEqual(
        threadIds.map((threadId) => [threadId, null, 'NOT_STUCK']),
      );
      expect(await dumpKeys(backend.redis)).toEqual(before);
    });

    it('refuses as NOT_STUCK a planned workflow stuck in another kind than asked, or for less than olderThan', async () => {
      await writeCase(backend.redis, 'wf-queued', 'queued_too_long', { minutes: 60, createdAt: created(1) });
      await writeCase(backend.redis, 'wf-recent', 'agent_gone', { minutes: 10, createdAt: created(2) });
      await writeCase(backend.redis, 'wf-old', 'agent_gone', { minutes: 60, createdAt: created(3) });
      const service = stuckService(backend);
      const preview = await service.resetStuckWorkflows(BATCH);
      const plans = preview.outcomes.map(({ threadId, summary }) => ({ threadId, planToken: summary!.plan!.planToken }));
      const before = await dumpKeys(backend.redis);

      const batch = await service.resetStuckWorkflows({ ...BATCH, dryRun: false, plans, kind: 'agent_gone', olderThanMs: 30 * MINUTE });

      expect(batch.outcomes.map(({ threadId, error }) => [threadId, error?.code ?? null])).toEqual([
        ['wf-queued', 'NOT_STUCK'],
        ['wf-recent', 'NOT_STUCK'],
        ['wf-old', null],
      ]);
      expect(await auditedThreads()).toEqual(['wf-old']);
      const keysOfRefused = (state: Map<string, unknown>) => [...state].filter(([key]) => /wf-(queued|recent)/.test(key));
      expect(keysOfRefused(await dumpKeys(backend.redis))).toEqual(keysOfRefused(before));
      expect(await backend.redis.lrange(keys.queue('be'), 0, -1)).toEqual(['wf-queued-t']);
    });

    it('refuses an unconfirmed real batch up front with CONFIRMATION_REQUIRED on plans when confirmation is required', async () => {
      await arrangeAgentsGone(2);
      const confirming = {
        workflows: backend.workflows,
        resets: new ResetService(backend.redis, keys, { maxGate: MAX_GATE, requireConfirmation: true, now: () => NOW }),
      };
      const service = stuckService(confirming);
      const before = await dumpKeys(backend.redis);
      await expect(service.resetStuckWorkflows({ ...BATCH, dryRun: false })).rejects.toMatchObject({
        code: 'CONFIRMATION_REQUIRED',
        field: 'plans',
      });
      expect(await dumpKeys(backend.redis)).toEqual(before);

      const preview = await service.resetStuckWorkflows(BATCH);
      const plans = preview.outcomes.map(({ threadId, summary }) => ({ threadId, planToken: summary!.plan!.planToken }));
      const confirmed = await service.resetStuckWorkflows({ ...BATCH, dryRun: false, plans });
      expect(confirmed).toMatchObject({ succeeded: 2, failed: 0 });
    });

    it('reports a planned workflow that is gone since the preview as NOT_FOUND and resets the others', async () => {
      await arrangeAgentsGone(2);
      const service = stuckService(backend);
      const preview = await service.resetStuckWorkflows(BATCH);
      const plans = preview.outcomes.map(({ threadId, summary }) => ({ threadId, planToken: summary!.plan!.planToken }));
      await backend.redis.del(keys.workflow('wf-1'));
      const batch = await service.resetStuckWorkflows({ ...BATCH, dryRun: false, plans });
      expect(batch.outcomes.map(({ threadId, error }) => [threadId, error?.code ?? null])).toEqual([
        ['wf-1', 'NOT_FOUND'],
        ['wf-2', null],
      ]);
    });
  });

  describe('previews', () => {
    function recordingPreviews(requests: ResetRequest[]): StuckBase {
      // Answers like a preview without changing anything, whatever the service under it does.
      return withReset(backend, async (request) => {
        requests.push(request);
        return {
          success: true,
          threadId: request.threadId,
          cleared: { tasks: 1, results: 0, queues: [] },
          newState: null,
          message: 'preview',
          dryRun: request.dryRun ?? false,
          plan: null,
          requestId: request.requestId ?? null,
          replayed: false,
          queuedIdsLeft: null,
        };
      });
    }

    it('previews by default: every diagnosed workflow is asked for a dry run', async () => {
      await arrangeOneOfEach();
      const requests: ResetRequest[] = [];
      const batch = await stuckService(recordingPreviews(requests)).resetStuckWorkflows({ ...BATCH, requestId: 'look-first' });
      expect(batch).toMatchObject({ dryRun: true, succeeded: 4, failed: 0 });
      expect(requests.map((request) => [request.threadId, request.dryRun])).toEqual([
        ['wf-queued', true],
        ['wf-gone', true],
        ['wf-result', true],
        ['wf-blocked', true],
      ]);
    });

    it('sends no request id with a preview, so a later real run with the same id is not answered by the preview', async () => {
      await arrangeOneOfEach();
      const requests: ResetRequest[] = [];
      await stuckService(recordingPreviews(requests)).resetStuckWorkflows({ ...BATCH, dryRun: true, requestId: 'look-first' });
      expect(requests.every((request) => request.requestId === null)).toBe(true);
    });

    it('asks each reset to hold only if the workflow is still at the gate and phase diagnosed, clearing tasks and results', async () => {
      await arrangeOneOfEach();
      const requests: ResetRequest[] = [];
      await stuckService(recordingPreviews(requests)).resetStuckWorkflows({ ...BATCH, kind: 'safety_blocked' });
      expect(requests).toEqual([
        expect.objectContaining({
          threadId: 'wf-blocked',
          resetToGate: 2,
          expectedGate: 2,
          expectedPhase: 'blocked',
          clearTasks: true,
          clearResults: true,
          reason: BATCH.reason,
          actor: BATCH.actor,
        }),
      ]);
    });
  });
});

describe('resetStuckWorkflows input', () => {
  const service = new StuckWorkflowService({} as WorkflowReads, {} as ResetService, { thresholds: DEFAULT_THRESHOLDS, now: () => NOW });

  it.each([
    ['limit', { limit: 0 }],
    ['limit', { limit: 101 }],
    ['limit', { limit: 2.5 }],
    ['reason', { reason: '   ' }],
    ['reason', { reason: 'x'.repeat(501) }],
    ['olderThan', { olderThanMs: -1 }],
    ['kind', { kind: 'slow' }],
    ['requestId', { requestId: '' }],
    ['requestId', { requestId: 'r'.repeat(201) }],
    ['requestId', { requestId: 'night\u0000shift' }],
    ['requestId', { requestId: 'night-\ud800' }],
  ])('refuses a bad %s before touching any workflow: %j', async (field, override) => {
    await expect(service.resetStuckWorkflows({ ...BATCH, ...(override as object) })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      field,
    });
  });
});

describe('workflowRequestId', () => {
  it('starts with the batch id, so the audit shows which batch a reset belonged to', () => {
    expect(workflowRequestId('night-shift-42', 'wf-1')).toMatch(/^night-shift-42:[0-9a-f]{24}$/);
  });

  it('is the same for the same batch and workflow, and differs for another workflow or batch', () => {
    expect(workflowRequestId('b', 'wf-1')).toBe(workflowRequestId('b', 'wf-1'));
    expect(workflowRequestId('b', 'wf-1')).not.toBe(workflowRequestId('b', 'wf-2'));
    expect(workflowRequestId('b', 'wf-1')).not.toBe(workflowRequestId('c', 'wf-1'));
  });

  it('tells apart pairs that would read the same joined with a colon', () => {
    expect(workflowRequestId('a:b', 'c')).not.toBe(workflowRequestId('a', 'b:c'));
  });

  it('stays within 200 characters for the longest batch id and thread id', () => {
    const id = workflowRequestId('r'.repeat(200), 't'.repeat(200));
    expect(id.length).toBeLessThanOrEqual(200);
    expect(id).not.toBe(workflowRequestId('r'.repeat(199), 't'.repeat(200)));
  });
});
