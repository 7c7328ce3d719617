import { WorkflowError } from '../../src/workflows/workflow.types';
import { BACKENDS, NOW, auditEntries, keys, resetRequest, tasksOf, useBackend, writeTask, writeWorkflow } from './support';

describe.each(BACKENDS)('resetWorkflow on %s', (backendName) => {
  const backend = useBackend(backendName);
  const THREAD = 'thread-123';

  async function arrangeStuckWorkflow(): Promise<void> {
    const { redis } = backend;
    await writeWorkflow(redis, THREAD, { gate: 4, phase: 'running' });
    await writeTask(redis, { id: 't-fe', threadId: THREAD, domain: 'fe', status: 'pending', queued: true });
    await writeTask(redis, { id: 't-qa', threadId: THREAD, domain: 'qa', status: 'pending', queued: true });
    await writeTask(redis, { id: 't-be', threadId: THREAD, domain: 'be', status: 'completed', result: { success: true } });
    await writeTask(redis, { id: 't-pm', threadId: THREAD, domain: 'pm', status: 'in_progress', result: { partial: true } });
  }

  describe('a stuck workflow', () => {
    it('clears the redis tasks of the workflow', async () => {
      await arrangeStuckWorkflow();
      await backend.resets.resetWorkflow(resetRequest(THREAD));
      for (const id of ['t-fe', 't-qa', 't-be', 't-pm']) expect(await backend.redis.exists(keys.task(id))).toBe(0);
      expect(await backend.redis.exists(keys.workflowTasks(THREAD))).toBe(0);
    });

    it('clears the redis results of the workflow', async () => {
      await arrangeStuckWorkflow();
      const summary = await backend.resets.resetWorkflow(resetRequest(THREAD, { clearResults: true }));
      expect(await backend.redis.exists(keys.result('t-be'), keys.result('t-pm'))).toBe(0);
      expect(summary.cleared.results).toBe(2);
    });

    it('removes the pending tasks from the domain queues', async () => {
      await arrangeStuckWorkflow();
      await backend.resets.resetWorkflow(resetRequest(THREAD));
      expect(await backend.redis.llen(keys.queue('fe'))).toBe(0);
      expect(await backend.redis.llen(keys.queue('qa'))).toBe(0);
    });

    it('resets the workflow to the requested gate in phase pending', async () => {
      await arrangeStuckWorkflow();
      await backend.resets.resetWorkflow(resetRequest(THREAD, { resetToGate: 2 }));
      const workflow = await backend.workflows.getWorkflow(THREAD);
      expect(workflow).toMatchObject({ gate: 2, phase: 'pending' });
    });

    it('fails for an unknown workflow and touches nothing', async () => {
      await writeTask(backend.redis, { id: 'other', threadId: 'someone-else', queued: true });
      const summary = await backend.resets.resetWorkflow(resetRequest('nonexistent'));
      expect(summary.success).toBe(false);
      expect(summary.message).toMatch(/nonexistent/);
      expect(summary.newState).toBeNull();
      expect(await backend.redis.exists(keys.workflow('nonexistent'), keys.audit)).toBe(0);
      expect(await backend.redis.lrange(keys.queue('fe'), 0, -1)).toEqual(['other']);
    });

    it('returns a summary of what it cleared', async () => {
      await arrangeStuckWorkflow();
      const summary = await backend.resets.resetWorkflow(resetRequest(THREAD, { resetToGate: 1 }));
      expect(summary).toMatchObject({
        success: true,
        threadId: THREAD,
        cleared: { tasks: 4, results: 2, queues: ['fe', 'qa'] },
        newState: { gate: 1, phase: 'pending', attempt: 1 },
      });
    });
  });

  describe('against keys written by the orchestrator', () => {
    it('finds a task that sits only in a queue, without being indexed', async () => {
      await writeWorkflow(backend.redis, THREAD);
      await writeTask(backend.redis, { id: 'loose', threadId: THREAD, domain: 'be', queued: true, indexed: false });
      const summary = await backend.resets.resetWorkflow(resetRequest(THREAD));
      expect(summary.cleared).toEqual({ tasks: 1, results: 0, queues: ['be'] });
      expect(await backend.redis.exists(keys.task('loose'))).toBe(0);
      expect(await backend.redis.llen(keys.queue('be'))).toBe(0);
    });

    it('finds a queued task whose owner is named only inside its data JSON', async () => {
      await writeWorkflow(backend.redis, THREAD);
      await writeTask(backend.redis, {
        id: 'data-owned',
        threadId: THREAD,
        ownerInDataOnly: true,
        indexed: false,
        queued: true,
        domain: 'safety',
        data: { step: 'review', thread_id: THREAD },
      });
      const summary = await backend.resets.resetWorkflow(resetRequest(THREAD));
      expect(summary.cleared).toEqual({ tasks: 1, results: 0, queues: ['safety'] });
      expect(await backend.redis.llen(keys.queue('safety'))).toBe(0);
    });

    it('resets a workflow known only through its queued tasks and gives it a record', async () => {
      await writeTask(backend.redis, { id: 'orphan', threadId: THREAD, queued: true, indexed: false });
      const summary = await backend.resets.resetWorkflow(resetRequest(THREAD, { resetToGate: 3 }));
      expect(summary.success).toBe(true);
      expect(await backend.workflows.getWorkflow(THREAD)).toMatchObject({ gate: 3, phase: 'pending', createdAt: new Date(NOW) });
      expect(await backend.redis.zscore(keys.workflowIndex, THREAD)).toBe(String(NOW));
    });

    it('resets a workflow that has a record and no task', async () => {
      await writeWorkflow(backend.redis, THREAD, { gate: 5, phase: 'failed', createdAt: NOW - 5000 });
      const summary = await backend.resets.resetWorkflow(resetRequest(THREAD));
      expect(summary).toMatchObject({ success: true, cleared: { tasks: 0, results: 0, queues: [] } });
      expect(await backend.workflows.getWorkflow(THREAD)).toMatchObject({
        gate: 0,
        phase: 'pending',
        createdAt: new Date(NOW - 5000),
        updatedAt: new Date(NOW),
      });
    });

    it('removes an id queued twice and counts its record once', async () => {
      await writeWorkflow(backend.redis, THREAD);
      await writeTask(backend.redis, { id: 'twice', threadId: THREAD, domain: 'fe', queued: true });
      await backend.redis.lpush(keys.queue('fe'), 'twice');
      await backend.redis.lpush(keys.queue('qa'), 'twice');
      const summary = await backend.resets.resetWorkflow(resetRequest(THREAD));
      expect(summary.cleared).toEqual({ tasks: 1, results: 0, queues: ['fe', 'qa'] });
      expect(await backend.redis.llen(keys.queue('fe'))).toBe(0);
    });

    it('with clearTasks false keeps the records, cancels the unfinished ones and still dequeues them', async () => {
      await writeWorkflow(backend.redis, THREAD);
      await writeTask(backend.redis, { id: 'queued', threadId: THREAD, status: 'pending', queued: true, indexed: false });
      await writeTask(backend.redis, { id: 'running', threadId: THREAD, status: 'in_progress' });
      await writeTask(backend.redis, { id: 'held', threadId: THREAD, status: 'blocked' });
      await writeTask(backend.redis, { id: 'done', threadId: THREAD, status: 'completed', result: { ok: 1 } });
      const summary = await backend.resets.resetWorkflow(resetRequest(THREAD, { clearTasks: false, clearResults: false }));
      expect(summary.cleared).toEqual({ tasks: 0, results: 0, queues: ['fe'] });
      const statuses = await Promise.all(['queued', 'running', 'held', 'done'].map((id) => backend.redis.hget(keys.task(id), 'status')));
      expect(statuses).toEqual(['cancelled', 'cancelled', 'cancelled', 'completed']);
      expect(await backend.redis.hget(keys.task('running'), 'cancelled_at')).toBe(String(NOW));
      expect(await backend.redis.llen(keys.queue('fe'))).toBe(0);
      expect(await backend.redis.get(keys.result('done'))).toBe('{"ok":1}');
      expect((await tasksOf(backend.workflows, THREAD)).map((task) => task.id).sort()).toEqual(['done', 'held', 'queued', 'running']);
    });

    it('with clearResults false deletes the tasks and keeps their results', async () => {
      await writeWorkflow(backend.redis, THREAD);
      await writeTask(backend.redis, { id: 'done', threadId: THREAD, status: 'completed', result: { ok: 1 } });
      const summary = await backend.resets.resetWorkflow(resetRequest(THREAD, { clearResults: false }));
      expect(summary.cleared).toEqual({ tasks: 1, results: 0, queues: [] });
      expect(await backend.redis.exists(keys.result('done'))).toBe(1);
    });

    it('ignores an indexed id whose record names another workflow', async () => {
      await writeWorkflow(backend.redis, THREAD);
      await writeTask(backend.redis, { id: 'foreign', threadId: 'other-workflow', queued: true });
      await backend.redis.sadd(keys.workflowTasks(THREAD), 'foreign');
      const summary = await backend.resets.resetWorkflow(resetRequest(THREAD));
      expect(summary.cleared).toEqual({ tasks: 0, results: 0, queues: [] });
      expect(await backend.redis.exists(keys.task('foreign'))).toBe(1);
      expect(await backend.redis.lrange(keys.queue('fe'), 0, -1)).toEqual(['foreign']);
    });

    it('appends one audit entry with who, why, when and what was cleared', async () => {
      await arrangeStuckWorkflow();
      await backend.resets.resetWorkflow(resetRequest(THREAD, { resetToGate: 2, reason: 'agent crashed', actor: 'alice' }));
      expect(await auditEntries(backend.redis)).toEqual([
        {
          kind: 'reset',
          thread_id: THREAD,
          actor: 'alice',
          reason: 'agent crashed',
          request_id: '',
          at: String(NOW),
          gate: '2',
          clear_tasks: '1',
          clear_results: '1',
          tasks: '4',
          results: '2',
          cancelled: '3',
          queues: 'fe,qa',
          before_gate: '4',
          before_phase: 'running',
          before_attempt: '0',
          phase: 'pending',
          attempt: '1',
          plan_token: '',
        },
      ]);
    });
  });

  describe('input validation', () => {
    it.each([
      ['an empty thread id', { threadId: '' }, 'threadId'],
      ['a thread id longer than 200 characters', { threadId: 'x'.repeat(201) }, 'threadId'],
      ['a thread id with a control character', { threadId: 'wf\n1' }, 'threadId'],
      ['a thread id naming another workflow index', { threadId: 'wf-1:tasks' }, 'threadId'],
      ['a gate below 0', { resetToGate: -1 }, 'resetToGate'],
      ['a gate above MAX_GATE', { resetToGate: 8 }, 'resetToGate'],
      ['a fractional gate', { resetToGate: 1.5 }, 'resetToGate'],
      ['a blank reason', { reason: '   ' }, 'reason'],
      ['a reason longer than 500 characters', { reason: 'r'.repeat(501) }, 'reason'],
    ])('refuses %s with BAD_USER_INPUT and touches nothing', async (_label, overrides, field) => {
      await arrangeStuckWorkflow();
      const attempt = backend.resets.resetWorkflow(resetRequest(THREAD, overrides));
      await expect(attempt).rejects.toBeInstanceOf(WorkflowError);
      await expect(attempt).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(await backend.redis.llen(keys.queue('fe'))).toBe(1);
      expect(await backend.redis.exists(keys.audit)).toBe(0);
    });
  });
});
