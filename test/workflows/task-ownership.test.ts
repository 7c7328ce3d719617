import { BACKENDS, keys, resetRequest, tasksOf, useBackend, writeTask, writeWorkflow } from './support';

describe.each(BACKENDS)('which workflow a task belongs to, on %s', (backendName) => {
  const backend = useBackend(backendName);

  it("leaves out of a workflow's tasks an index member whose record names another workflow, as the reset does", async () => {
    await writeWorkflow(backend.redis, 'a');
    await writeWorkflow(backend.redis, 'b');
    await writeTask(backend.redis, { id: 'own', threadId: 'a' });
    await writeTask(backend.redis, { id: 'foreign', threadId: 'b' });
    await backend.redis.sadd(keys.workflowTasks('a'), 'foreign');

    expect((await tasksOf(backend.workflows, 'a')).map((task) => task.id)).toEqual(['own']);
    const preview = await backend.resets.resetWorkflow(resetRequest('a', { dryRun: true }));
    expect(preview.plan!.taskIds).toEqual(['own']);
  });

  it('lists an index member owned through the thread_id of its data only', async () => {
    await writeWorkflow(backend.redis, 'a');
    await writeTask(backend.redis, { id: 'by-data', threadId: 'a', ownerInDataOnly: true });
    expect(await tasksOf(backend.workflows, 'a')).toMatchObject([{ id: 'by-data', threadId: 'a' }]);
  });

  it('leaves out an index member whose data names another workflow when its hash names none', async () => {
    await writeWorkflow(backend.redis, 'a');
    await writeTask(backend.redis, { id: 'foreign', threadId: 'b', ownerInDataOnly: true });
    await backend.redis.sadd(keys.workflowTasks('a'), 'foreign');
    expect(await tasksOf(backend.workflows, 'a')).toEqual([]);
  });

  it('leaves out a record without an owner, such as one an agent recreated with a bare HSET heartbeat_at', async () => {
    await writeWorkflow(backend.redis, 'a');
    await writeTask(backend.redis, { id: 'kept', threadId: 'a' });
    await backend.redis.sadd(keys.workflowTasks('a'), 'ghost');
    await backend.redis.hset(keys.task('ghost'), 'heartbeat_at', '1767225600000');
    expect((await tasksOf(backend.workflows, 'a')).map((task) => task.id)).toEqual(['kept']);
  });
});
