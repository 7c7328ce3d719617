import { WorkflowError } from '../../src/workflows/workflow.types';
import { BACKENDS, NOW, keys, tasksOf, useBackend, writeTask, writeWorkflow } from './support';

describe.each(BACKENDS)('WorkflowLifecycle on %s', (backendName) => {
  let clock = NOW;
  const backend = useBackend(backendName, () => clock);
  beforeEach(() => {
    clock = NOW;
  });

  describe('life cycle', () => {
    it('starts a workflow at gate 0, phase pending, indexed by its creation time', async () => {
      const workflow = await backend.lifecycle.startWorkflow({ threadId: 'wf-new' });
      expect(workflow).toEqual({
        threadId: 'wf-new',
        gate: 0,
        phase: 'pending',
        attempt: 0,
        createdAt: new Date(NOW),
        updatedAt: new Date(NOW),
      });
      expect(await backend.workflows.getWorkflow('wf-new')).toEqual(workflow);
      expect(await backend.redis.zscore(keys.workflowIndex, 'wf-new')).toBe(String(NOW));
    });

    it('generates a thread id when none is given', async () => {
      const workflow = await backend.lifecycle.startWorkflow({});
      expect(workflow.threadId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('refuses to start a workflow whose id exists, with CONFLICT', async () => {
      await writeWorkflow(backend.redis, 'wf-1', { gate: 4 });
      await expect(backend.lifecycle.startWorkflow({ threadId: 'wf-1' })).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await backend.redis.hget(keys.workflow('wf-1'), 'gate')).toBe('4');
    });

    it.each(['pending', 'stopped', 'blocked', 'failed'])('runs a %s workflow', async (phase) => {
      await writeWorkflow(backend.redis, 'wf-1', { phase });
      clock = NOW + 5;
      expect(await backend.lifecycle.runWorkflow('wf-1')).toMatchObject({ phase: 'running', updatedAt: new Date(NOW + 5) });
    });

    it.each(['running', 'completed'])('refuses to run a %s workflow with CONFLICT', async (phase) => {
      await writeWorkflow(backend.redis, 'wf-1', { phase });
      const attempt = backend.lifecycle.runWorkflow('wf-1');
      await expect(attempt).rejects.toBeInstanceOf(WorkflowError);
      await expect(attempt).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(phase) });
      expect(await backend.redis.hget(keys.workflow('wf-1'), 'phase')).toBe(phase);
    });

    it.each(['pending', 'running', 'blocked'])('stops a %s workflow and keeps its tasks', async (phase) => {
      await writeWorkflow(backend.redis, 'wf-1', { phase });
      await writeTask(backend.redis, { id: 't1', threadId: 'wf-1', queued: true });
      expect(await backend.lifecycle.stopWorkflow('wf-1')).toMatchObject({ phase: 'stopped' });
      expect(await backend.redis.lrange(keys.queue('fe'), 0, -1)).toEqual(['t1']);
      expect(await backend.lifecycle.runWorkflow('wf-1')).toMatchObject({ phase: 'running' });
    });

    it.each(['stopped', 'completed', 'failed'])('refuses to stop a %s workflow with CONFLICT', async (phase) => {
      await writeWorkflow(backend.redis, 'wf-1', { phase });
      await expect(backend.lifecycle.stopWorkflow('wf-1')).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('reads a record without a phase as pending, so it can be run', async () => {
      await backend.redis.hset(keys.workflow('bare'), 'gate', '1');
      expect(await backend.lifecycle.runWorkflow('bare')).toMatchObject({ phase: 'running' });
    });

    it('answers NOT_FOUND when running or stopping an unknown workflow', async () => {
      await expect(backend.lifecycle.runWorkflow('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(backend.lifecycle.stopWorkflow('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await backend.redis.exists(keys.workflow('nope'))).toBe(0);
    });

    it('lets exactly one of two concurrent runs win', async () => {
      await writeWorkflow(backend.redis, 'wf-1', { phase: 'pending' });
      const outcomes = await Promise.allSettled([backend.lifecycle.runWorkflow('wf-1'), backend.lifecycle.runWorkflow('wf-1')]);
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    });
  });

  describe('tasks and queues', () => {
    it('enqueues a task: records it, indexes it, pushes it on the left of its queue and touches the workflow', async () => {
      await writeWorkflow(backend.redis, 'wf-1');
      await backend.redis.lpush(keys.queue('be'), 'older');
      clock = NOW + 7;
      const task = await backend.lifecycle.enqueueTask({ threadId: 'wf-1', domain: 'be', data: { step: 'api' } });
      expect(task).toMatchObject({
        threadId: 'wf-1',
        domain: 'be',
        status: 'pending',
        data: { step: 'api' },
        enqueuedAt: new Date(NOW + 7),
      });
      expect(await backend.redis.hgetall(keys.task(task.id))).toEqual({
        thread_id: 'wf-1',
        data: '{"step":"api"}',
        status: 'pending',
        queue: 'be',
        enqueued_at: String(NOW + 7),
        attempt: '0',
      });
      expect(await backend.redis.smembers(keys.workflowTasks('wf-1'))).toEqual([task.id]);
      expect(await backend.redis.rpop(keys.queue('be'))).toBe('older');
      expect(await backend.redis.hget(keys.workflow('wf-1'), 'updated_at')).toBe(String(NOW + 7));
      expect(await tasksOf(backend.workflows, 'wf-1')).toEqual([task]);
    });

    it('refuses to enqueue for an unknown workflow with NOT_FOUND and writes nothing', async () => {
      await expect(backend.lifecycle.enqueueTask({ threadId: 'nope', domain: 'fe', data: {} })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(await backend.redis.dbsize()).toBe(0);
    });

    it('refuses an unknown domain with BAD_USER_INPUT', async () => {
      await writeWorkflow(backend.redis, 'wf-1');
      const request = { threadId: 'wf-1', domain: 'ops' as never, data: {} };
      await expect(backend.lifecycle.enqueueTask(request)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'domain' });
    });

    it.each([
      ['a payload that is not an object', ['step']],
      ['null', null],
      ['a payload naming another workflow', { thread_id: 'wf-2' }],
      ['a payload over 32 KiB', { blob: 'x'.repeat(33 * 1024) }],
    ])('refuses %s with BAD_USER_INPUT on field data and writes nothing', async (_label, data) => {
      await writeWorkflow(backend.redis, 'wf-1');
      const keysBefore = await backend.redis.dbsize();
      await expect(backend.lifecycle.enqueueTask({ threadId: 'wf-1', domain: 'fe', data })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'data',
      });
      expect(await backend.redis.dbsize()).toBe(keysBefore);
    });
  });
});
