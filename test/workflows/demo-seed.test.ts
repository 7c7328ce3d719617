import { seedDemoWorkflows } from '../../src/workflows/demo-seed';
import { BACKENDS, NOW, keys, resetRequest, useBackend } from './support';

const MINUTE = 60_000;

describe.each(BACKENDS)('seedDemoWorkflows on %s', (backendName) => {
  const backend = useBackend(backendName);

  it('writes healthy workflows and one stuck in each way the research note lists', async () => {
    expect(await seedDemoWorkflows(backend.redis, keys, NOW)).toBe(6);
    const page = await backend.service.listWorkflows({ first: 10 });
    expect(page.edges.map(({ workflow }) => [workflow.threadId, workflow.phase])).toEqual([
      ['WAVE1-BE-001-done', 'completed'],
      ['WAVE1-FE-001-healthy', 'running'],
      ['WAVE1-BE-002-agent-crash', 'running'],
      ['WAVE1-FE-002-dead-agent', 'running'],
      ['WAVE1-QA-001-unadvanced', 'running'],
      ['WAVE1-PM-001-safety-block', 'blocked'],
    ]);
    const [deadAgent] = await backend.service.getTasks('WAVE1-FE-002-dead-agent');
    expect(deadAgent).toMatchObject({ status: 'in_progress', agent: 'fe-agent-2', heartbeatAt: new Date(NOW - 55 * MINUTE) });
    const [unadvanced] = await backend.service.getTasks('WAVE1-QA-001-unadvanced');
    expect(unadvanced).toMatchObject({ status: 'completed', result: { success: true, passed: 42, failed: 0 } });
    const blocked = await backend.service.getTasks('WAVE1-PM-001-safety-block');
    expect(blocked.map((task) => task.status)).toEqual(['completed', 'blocked']);
    expect(await backend.redis.lrange(keys.queue('be'), 0, -1)).toEqual(['demo-be-002-schema']);
  });

  it('does nothing when workflows exist already', async () => {
    await seedDemoWorkflows(backend.redis, keys, NOW);
    const before = await backend.redis.dbsize();
    expect(await seedDemoWorkflows(backend.redis, keys, NOW + 1)).toBe(0);
    expect(await backend.redis.dbsize()).toBe(before);
  });

  it('lets a reset clear the crashed-agent workflow, whose queued task is not indexed', async () => {
    await seedDemoWorkflows(backend.redis, keys, NOW);
    const summary = await backend.service.resetWorkflow(resetRequest('WAVE1-BE-002-agent-crash'));
    expect(summary.cleared).toEqual({ tasks: 1, results: 0, queues: ['be'] });
    expect(await backend.redis.llen(keys.queue('be'))).toBe(0);
    expect(await backend.redis.llen(keys.queue('qa'))).toBe(1);
  });
});
