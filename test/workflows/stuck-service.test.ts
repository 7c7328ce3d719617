import { MAX_PAGE_SIZE } from '../../src/defaults';
import { WorkflowError } from '../../src/workflows/workflow.types';
import { MINUTE, createdAt, healthOf, stuckService, writeCase, writeOneOfEach } from './stuck-support';
import { BACKENDS, NOW, keys, useBackend } from './support';

describe.each(BACKENDS)('StuckWorkflowService on %s', (backendName) => {
  const backend = useBackend(backendName);
  const created = createdAt;

  async function arrangeOneOfEach(): Promise<void> {
    await writeOneOfEach(backend.redis);
    await writeCase(backend.redis, 'wf-gone-done', 'agent_gone', { createdAt: created(6) });
    await backend.redis.hset(keys.workflow('wf-gone-done'), 'phase', 'completed');
  }

  describe('health', () => {
    it('diagnoses a workflow from its record and tasks, with the task id and how long', async () => {
      await arrangeOneOfEach();
      const workflow = (await backend.workflows.getWorkflow('wf-gone'))!;
      expect(await healthOf(stuckService(backend), workflow)).toEqual({
        stuck: true,
        reasons: [
          {
            kind: 'agent_gone',
            taskId: 'wf-gone-t',
            since: new Date(NOW - 60 * MINUTE),
            durationMs: 60 * MINUTE,
            suggestedFix: expect.stringContaining('fe-agent-1'),
          },
        ],
      });
    });

    it('diagnoses many workflows with one read of their tasks, and reads none for settled workflows', async () => {
      await arrangeOneOfEach();
      const page = await backend.workflows.listWorkflows({ first: 10 });
      const read = jest.spyOn(backend.workflows, 'getTasksOfWorkflows');
      const healths = await stuckService(backend).healthOf(page.nodes.map((edge) => edge.workflow));
      expect(read).toHaveBeenCalledTimes(1);
      expect(read.mock.calls[0][0]).not.toContain('wf-gone-done');
      read.mockRestore();
      expect(Object.fromEntries([...healths].map(([threadId, health]) => [threadId, health.reasons.map((r) => r.kind)]))).toEqual({
        'wf-healthy': [],
        'wf-queued': ['queued_too_long'],
        'wf-gone': ['agent_gone'],
        'wf-result': ['result_not_advanced'],
        'wf-blocked': ['safety_blocked'],
        'wf-gone-done': [],
      });
    });

    it('answers an empty map for no workflows without touching Redis', async () => {
      expect((await stuckService(backend).healthOf([])).size).toBe(0);
    });

    it('moves with the clock: a task becomes stuck only once its threshold has passed', async () => {
      await writeCase(backend.redis, 'wf', 'agent_gone', { minutes: 0, createdAt: created(1) });
      const workflow = (await backend.workflows.getWorkflow('wf'))!;
      expect(
        (
          await healthOf(
            stuckService(backend, () => NOW + 5 * MINUTE),
            workflow,
          )
        ).stuck,
      ).toBe(false);
      expect(
        (
          await healthOf(
            stuckService(backend, () => NOW + 5 * MINUTE + 1),
            workflow,
          )
        ).stuck,
      ).toBe(true);
    });
  });

  describe('listStuckWorkflows', () => {
    it('lists the stuck workflows in creation order with their health, and leaves healthy and settled ones out', async () => {
      await arrangeOneOfEach();
      const page = await stuckService(backend).listStuckWorkflows({ first: 10 });
      expect(page.nodes.map((item) => [item.workflow.threadId, item.health.reasons.map((r) => r.kind)])).toEqual([
        ['wf-queued', ['queued_too_long']],
        ['wf-gone', ['agent_gone']],
        ['wf-result', ['result_not_advanced']],
        ['wf-blocked', ['safety_blocked']],
      ]);
      expect(page.hasNextPage).toBe(false);
      expect(page.nodes.every((item) => item.health.stuck)).toBe(true);
    });

    it.each(['queued_too_long', 'agent_gone', 'result_not_advanced', 'safety_blocked'] as const)(
      'lists only the workflows stuck as %s when asked for that kind',
      async (kind) => {
        await arrangeOneOfEach();
        const page = await stuckService(backend).listStuckWorkflows({ kind, first: 10 });
        expect(page.nodes.map((item) => item.health.reasons[0].kind)).toEqual([kind]);
      },
    );

    it('pages with first and after, without gaps or repeats', async () => {
      await arrangeOneOfEach();
      const service = stuckService(backend);
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await service.listStuckWorkflows({ first: 1, after });
        seen.push(...page.nodes.map((item) => item.workflow.threadId));
        if (!page.hasNextPage) break;
        after = page.endCursor;
      }
      expect(seen).toEqual(['wf-queued', 'wf-gone', 'wf-result', 'wf-blocked']);
    });

    it('continues right after an item when given its cursor', async () => {
      await arrangeOneOfEach();
      const service = stuckService(backend);
      const { nodes: items } = await service.listStuckWorkflows({ first: 10 });
      const rest = await service.listStuckWorkflows({ first: 10, after: items[1].cursor });
      expect(rest.nodes.map((item) => item.workflow.threadId)).toEqual(['wf-result', 'wf-blocked']);
    });

    it('examines a bounded number of workflows per call and says where to continue', async () => {
      const pipeline = backend.redis.pipeline();
      for (let i = 0; i < 600; i += 1) {
        const threadId = `wf-healthy-${String(i).padStart(3, '0')}`;
        pipeline.hset(keys.workflow(threadId), { thread_id: threadId, gate: '1', phase: 'running', created_at: String(created(i)) });
        pipeline.zadd(keys.workflowIndex, created(i), threadId);
      }
      await pipeline.exec();
      await writeCase(backend.redis, 'wf-stuck-late', 'agent_gone', { createdAt: created(600) });
      const service = stuckService(backend);
      const first = await service.listStuckWorkflows({ first: 1 });
      expect(first).toMatchObject({ nodes: [], hasNextPage: true });
      const second = await service.listStuckWorkflows({ first: 1, after: first.endCursor });
      expect(second.nodes.map((item) => item.workflow.threadId)).toEqual(['wf-stuck-late']);
      expect(second.hasNextPage).toBe(false);
    });

    it('walks only the workflows index: never KEYS or SCAN', async () => {
      await arrangeOneOfEach();
      const scan = jest.spyOn(backend.redis, 'scan');
      const keysCommand = jest.spyOn(backend.redis, 'keys');
      await stuckService(backend).listStuckWorkflows({ first: 10 });
      expect(scan).not.toHaveBeenCalled();
      expect(keysCommand).not.toHaveBeenCalled();
      scan.mockRestore();
      keysCommand.mockRestore();
    });

    it('answers an empty last page for an empty index', async () => {
      expect(await stuckService(backend).listStuckWorkflows({ first: 5 })).toEqual({
        nodes: [],
        endCursor: null,
        hasNextPage: false,
      });
    });

    it.each([0, MAX_PAGE_SIZE + 1, 1.5])('refuses first = %p as BAD_USER_INPUT', async (first) => {
      await expect(stuckService(backend).listStuckWorkflows({ first })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'first',
      });
    });

    it('refuses an unknown kind and a cursor it did not issue', async () => {
      const service = stuckService(backend);
      await expect(service.listStuckWorkflows({ first: 1, kind: 'slow' as never })).rejects.toBeInstanceOf(WorkflowError);
      await expect(service.listStuckWorkflows({ first: 1, after: 'not-a-cursor' })).rejects.toMatchObject({ field: 'after' });
    });
  });
});
