import { seedDemoWorkflows } from '../../src/workflows/demo-seed';
import { STUCK_KINDS } from '../../src/workflows/stuck.types';
import { MINUTE, stuckService } from './stuck-support';
import { BACKENDS, NOW, keys, queueKeys, resetRequest, tasksOf, useBackend } from './support';

describe.each(BACKENDS)('seedDemoWorkflows on %s', (backendName) => {
  const backend = useBackend(backendName);

  it('writes healthy workflows and one stuck in each of the four stuck kinds', async () => {
    expect(await seedDemoWorkflows(backend.redis, keys, NOW)).toBe(7);
    const page = await backend.workflows.listWorkflows({ first: 10 });
    expect(page.nodes.map(({ workflow }) => [workflow.threadId, workflow.phase])).toEqual([
      ['WAVE1-BE-001-done', 'completed'],
      ['WAVE1-FE-001-healthy', 'running'],
      ['WAVE1-QA-002-paused', 'stopped'],
      ['WAVE1-BE-002-agent-crash', 'running'],
      ['WAVE1-FE-002-dead-agent', 'running'],
      ['WAVE1-QA-001-unadvanced', 'running'],
      ['WAVE1-PM-001-safety-block', 'blocked'],
    ]);
    const [deadAgent] = await tasksOf(backend.workflows, 'WAVE1-FE-002-dead-agent');
    expect(deadAgent).toMatchObject({ status: 'in_progress', agent: 'fe-agent-2', heartbeatAt: new Date(NOW - 55 * MINUTE) });
    const [unadvanced] = await tasksOf(backend.workflows, 'WAVE1-QA-001-unadvanced');
    expect(unadvanced).toMatchObject({ status: 'completed', result: { success: true, passed: 42, failed: 0 } });
    const blocked = await tasksOf(backend.workflows, 'WAVE1-PM-001-safety-block');
    expect(blocked.map((task) => task.status)).toEqual(['completed', 'blocked']);
    expect(await backend.redis.lrange(keys.queue('be'), 0, -1)).toEqual(['demo-be-002-fixtures', 'demo-be-002-schema']);
  });

  it('shows each stuck kind exactly once under the default thresholds, and no reason for the healthy workflows', async () => {
    await seedDemoWorkflows(backend.redis, keys, NOW);
    const page = await backend.workflows.listWorkflows({ first: 10 });
    const healths = await stuckService(backend).healthOf(page.nodes.map(({ workflow }) => workflow));
    const diagnosis = Object.fromEntries(
      [...healths].map(([threadId, health]) => [threadId, health.reasons.map((r) => [r.kind, r.taskId])]),
    );
    expect(diagnosis).toEqual({
      'WAVE1-BE-001-done': [],
      'WAVE1-FE-001-healthy': [],
      'WAVE1-QA-002-paused': [],
      'WAVE1-BE-002-agent-crash': [['queued_too_long', 'demo-be-002-schema']],
      'WAVE1-FE-002-dead-agent': [['agent_gone', 'demo-fe-002-checkout']],
      'WAVE1-QA-001-unadvanced': [['result_not_advanced', 'demo-qa-001-e2e']],
      'WAVE1-PM-001-safety-block': [['safety_blocked', 'demo-pm-001-safety']],
    });
  });

  it('lists exactly one stuck workflow of each kind', async () => {
    await seedDemoWorkflows(backend.redis, keys, NOW);
    const service = stuckService(backend);
    for (const kind of STUCK_KINDS) {
      const { nodes: items } = await service.listStuckWorkflows({ kind, first: 10 });
      expect(items).toHaveLength(1);
    }
  });

  it('queues each domain oldest first, so the tail (where agents pop) holds the oldest waiting task', async () => {
    await seedDemoWorkflows(backend.redis, keys, NOW);
    for (const queue of queueKeys) {
      const ids = await backend.redis.lrange(queue, 0, -1);
      const enqueuedAt = await Promise.all(ids.map(async (id) => Number(await backend.redis.hget(keys.task(id), 'enqueued_at'))));
      expect(enqueuedAt).toEqual([...enqueuedAt].sort((a, b) => b - a));
    }
  });

  it('does nothing when workflows exist already', async () => {
    await seedDemoWorkflows(backend.redis, keys, NOW);
    const before = await backend.redis.dbsize();
    expect(await seedDemoWorkflows(backend.redis, keys, NOW + 1)).toBe(0);
    expect(await backend.redis.dbsize()).toBe(before);
  });

  it('lets a reset clear the crashed-agent workflow, including its queued task that is not indexed', async () => {
    await seedDemoWorkflows(backend.redis, keys, NOW);
    const summary = await backend.resets.resetWorkflow(resetRequest('WAVE1-BE-002-agent-crash'));
    expect(summary.cleared).toEqual({ tasks: 2, results: 0, queues: ['be'] });
    expect(await backend.redis.llen(keys.queue('be'))).toBe(0);
    expect(await backend.redis.llen(keys.queue('qa'))).toBe(2);
  });
});
