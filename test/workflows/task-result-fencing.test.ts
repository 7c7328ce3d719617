import Redis from 'ioredis';
import { BACKENDS, NOW, keys, resetRequest, useBackend, writeTask, writeWorkflow } from './support';

describe.each(BACKENDS)('attempt fencing on %s', (backendName) => {
  const backend = useBackend(backendName);
  const THREAD = 'wf-fence';

  /** An agent takes the next task of a queue, as agents do: RPOP, then read its attempt and start it. */
  async function takeTask(domain: 'fe' | 'be' = 'fe'): Promise<{ taskId: string; attempt: number }> {
    const taskId = (await backend.redis.rpop(keys.queue(domain)))!;
    const attempt = Number((await backend.redis.hget(keys.task(taskId), 'attempt')) ?? 0);
    await backend.redis.hset(keys.task(taskId), 'status', 'in_progress', 'started_at', String(NOW));
    return { taskId, attempt };
  }

  it('bumps the attempt with every reset and shows it on the workflow', async () => {
    await backend.lifecycle.startWorkflow({ threadId: THREAD });
    expect((await backend.workflows.getWorkflow(THREAD))!.attempt).toBe(0);
    const first = await backend.resets.resetWorkflow(resetRequest(THREAD));
    const second = await backend.resets.resetWorkflow(resetRequest(THREAD));
    expect([first.newState!.attempt, second.newState!.attempt]).toEqual([1, 2]);
    expect((await backend.workflows.getWorkflow(THREAD))!.attempt).toBe(2);
  });

  it('reads a garbage attempt as 0 and resets it to 1 instead of failing', async () => {
    await writeWorkflow(backend.redis, THREAD);
    await backend.redis.hset(keys.workflow(THREAD), 'attempt', 'many');
    expect((await backend.resets.resetWorkflow(resetRequest(THREAD))).newState!.attempt).toBe(1);
  });

  it('stamps an enqueued task with the attempt of its workflow', async () => {
    await backend.lifecycle.startWorkflow({ threadId: THREAD });
    await backend.resets.resetWorkflow(resetRequest(THREAD));
    const task = await backend.lifecycle.enqueueTask({ threadId: THREAD, domain: 'fe', data: {} });
    expect(await backend.redis.hget(keys.task(task.id), 'attempt')).toBe('1');
  });

  it.each([
    ['deleted', true, 'task_gone'],
    ['kept and cancelled', false, 'cancelled'],
  ] as const)(
    'refuses the result of an agent that took its task before a reset that %s it, and stores nothing',
    async (_label, clearTasks, reason) => {
      await backend.lifecycle.startWorkflow({ threadId: THREAD });
      await backend.lifecycle.enqueueTask({ threadId: THREAD, domain: 'fe', data: {} });
      const held = await takeTask();
      await backend.resets.resetWorkflow(resetRequest(THREAD, { clearTasks }));
      const outcome = await backend.fencing.recordTaskResult({ ...held, result: { late: true }, status: 'completed' });
      expect(outcome).toMatchObject({ recorded: false, reason, taskId: held.taskId });
      expect(await backend.redis.exists(keys.result(held.taskId))).toBe(0);
    },
  );

  it("refuses a late result of a task the reset could not see, because the workflow's attempt moved on", async () => {
    await backend.lifecycle.startWorkflow({ threadId: THREAD });
    const task = await backend.lifecycle.enqueueTask({ threadId: THREAD, domain: 'be', data: {} });
    await backend.redis.srem(keys.workflowTasks(THREAD), task.id); // popped and never indexed: out of the reset's sight
    const held = await takeTask('be');
    await backend.resets.resetWorkflow(resetRequest(THREAD));
    const outcome = await backend.fencing.recordTaskResult({ ...held, result: { late: true }, status: 'completed' });
    expect(outcome).toMatchObject({ recorded: false, reason: 'stale_attempt' });
    expect(await backend.redis.exists(keys.result(held.taskId))).toBe(0);
    expect(await backend.redis.hget(keys.task(held.taskId), 'status')).toBe('in_progress');
  });

  it('accepts the result of a task of the new attempt: stores it and sets the final status', async () => {
    await backend.lifecycle.startWorkflow({ threadId: THREAD });
    await backend.resets.resetWorkflow(resetRequest(THREAD));
    await backend.lifecycle.enqueueTask({ threadId: THREAD, domain: 'fe', data: {} });
    const held = await takeTask();
    const outcome = await backend.fencing.recordTaskResult({ ...held, result: { ok: true }, status: 'failed' });
    expect(outcome).toEqual({ recorded: true, taskId: held.taskId, threadId: THREAD, attempt: 1 });
    expect(await backend.redis.get(keys.result(held.taskId))).toBe('{"ok":true}');
    expect(await backend.redis.hmget(keys.task(held.taskId), 'status', 'finished_at')).toEqual(['failed', String(NOW)]);
  });

  it('refuses a result that claims another attempt than its task', async () => {
    await backend.lifecycle.startWorkflow({ threadId: THREAD });
    await backend.lifecycle.enqueueTask({ threadId: THREAD, domain: 'fe', data: {} });
    const held = await takeTask();
    const outcome = await backend.fencing.recordTaskResult({ taskId: held.taskId, attempt: 3, result: {}, status: 'completed' });
    expect(outcome).toMatchObject({ recorded: false, reason: 'attempt_mismatch' });
  });

  it('keeps the first result of a task and refuses a second', async () => {
    await backend.lifecycle.startWorkflow({ threadId: THREAD });
    await backend.lifecycle.enqueueTask({ threadId: THREAD, domain: 'fe', data: {} });
    const held = await takeTask();
    await backend.fencing.recordTaskResult({ ...held, result: { n: 1 }, status: 'completed' });
    const second = await backend.fencing.recordTaskResult({ ...held, result: { n: 2 }, status: 'completed' });
    expect(second).toMatchObject({ recorded: false, reason: 'already_finished' });
    expect(await backend.redis.get(keys.result(held.taskId))).toBe('{"n":1}');
  });

  it('accepts a task the orchestrator wrote without an attempt, owned through its data, as attempt 0', async () => {
    await writeWorkflow(backend.redis, THREAD);
    await writeTask(backend.redis, { id: 'raw', threadId: THREAD, ownerInDataOnly: true, data: { thread_id: THREAD } });
    const outcome = await backend.fencing.recordTaskResult({ taskId: 'raw', attempt: 0, result: 'done', status: 'completed' });
    expect(outcome).toMatchObject({ recorded: true, threadId: THREAD });
  });

  it('refuses a task no workflow owns as gone', async () => {
    await writeTask(backend.redis, { id: 'stray', data: { step: 1 } });
    const outcome = await backend.fencing.recordTaskResult({ taskId: 'stray', attempt: 0, result: {}, status: 'completed' });
    expect(outcome).toMatchObject({ recorded: false, reason: 'task_gone' });
  });

  it.each([
    ['an empty task id', { taskId: '' }, 'taskId'],
    ['a negative attempt', { attempt: -1 }, 'attempt'],
    ['a status that is not final', { status: 'in_progress' as never }, 'status'],
    ['a result that is not JSON', { result: undefined }, 'result'],
  ])('refuses %s with BAD_USER_INPUT', async (_label, overrides, field) => {
    const request = { taskId: 't-1', attempt: 0, result: {}, status: 'completed' as const, ...overrides };
    await expect(backend.fencing.recordTaskResult(request)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('result notifications on redis-server', () => {
  const backend = useBackend('redis-server');

  it('publishes an accepted result, with the time it was written, on the results channel', async () => {
    await backend.lifecycle.startWorkflow({ threadId: 'wf-pub' });
    const task = await backend.lifecycle.enqueueTask({ threadId: 'wf-pub', domain: 'fe', data: {} });
    const subscriber = new Redis(backend.server!.url);
    await subscriber.subscribe(keys.resultsChannel);
    const message = new Promise<string>((resolve) => subscriber.on('message', (_channel, text: string) => resolve(text)));
    await backend.fencing.recordTaskResult({ taskId: task.id, attempt: 0, result: {}, status: 'completed' });
    expect(JSON.parse(await message)).toEqual({
      type: 'task.result',
      taskId: task.id,
      threadId: 'wf-pub',
      attempt: 0,
      status: 'completed',
      at: NOW,
    });
    subscriber.disconnect();
  });
});
