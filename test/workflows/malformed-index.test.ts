import { BACKENDS, NOW, keys, useBackend, writeTask, writeWorkflow, type Backend } from './support';

/** `a:tasks` in the index (the contract forbids it): its "record" is the task index set of `a`. */
async function indexTheTaskSetOfA(backend: Backend): Promise<void> {
  await writeWorkflow(backend.redis, 'a', { createdAt: NOW - 3000 });
  await writeTask(backend.redis, { id: 't1', threadId: 'a' });
  await backend.redis.zadd(keys.workflowIndex, NOW - 2000, 'a:tasks');
  await writeWorkflow(backend.redis, 'b', { createdAt: NOW - 1000 });
}

describe.each(BACKENDS)('a malformed entry in the workflows index on %s', (backendName) => {
  const backend = useBackend(backendName, () => NOW, { logger: { warn: jest.fn() } });

  it('is skipped: the page lists the workflows around it', async () => {
    await indexTheTaskSetOfA(backend);
    const page = await backend.workflows.listWorkflows({ first: 10 });
    expect(page.nodes.map((edge) => edge.workflow.threadId)).toEqual(['a', 'b']);
    expect(page.hasNextPage).toBe(false);
  });

  it('is skipped by a phase-filtered page too', async () => {
    await indexTheTaskSetOfA(backend);
    const page = await backend.workflows.listWorkflows({ first: 10, phase: 'running' });
    expect(page.nodes.map((edge) => edge.workflow.threadId)).toEqual(['a', 'b']);
  });
});

// ioredis-mock reads a set as an empty hash (no record: left out silently); Redis answers WRONGTYPE.
describe('a member whose record Redis refuses to read as a hash', () => {
  const warn = jest.fn();
  const backend = useBackend('redis-server', () => NOW, { logger: { warn } });

  it('is logged once per member, as a warning naming it, however often it is listed', async () => {
    await indexTheTaskSetOfA(backend);
    await backend.workflows.listWorkflows({ first: 10 });
    await backend.workflows.listWorkflows({ first: 10 });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatchObject({ threadId: 'a:tasks' });
  });
});
