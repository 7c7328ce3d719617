import { BACKENDS, NOW, keys, resetRequest, useBackend, writeWorkflow } from './support';
import { MINUTE, healthOf, stuckService } from './stuck-support';

describe.each(BACKENDS)('fenced heartbeats (record-task-heartbeat.lua) on %s', (backendName) => {
  const backend = useBackend(backendName);
  const THREAD = 'wf-beat';

  /** An agent takes the next fe task, as agents do: RPOP, read its attempt, mark it started. */
  async function takeTask(): Promise<{ taskId: string; attempt: number }> {
    const taskId = (await backend.redis.rpop(keys.queue('fe')))!;
    const attempt = Number((await backend.redis.hget(keys.task(taskId), 'attempt')) ?? 0);
    await backend.redis.hset(keys.task(taskId), 'status', 'in_progress', 'started_at', String(NOW - MINUTE));
    return { taskId, attempt };
  }

  async function startWithOneTask(): Promise<{ taskId: string; attempt: number }> {
    await backend.lifecycle.startWorkflow({ threadId: THREAD });
    await backend.lifecycle.enqueueTask({ threadId: THREAD, domain: 'fe', data: {} });
    return takeTask();
  }

  it("writes heartbeat_at on the agent's live task and nothing else", async () => {
    const held = await startWithOneTask();
    const before = await backend.redis.hgetall(keys.task(held.taskId));
    expect(await backend.fencing.recordTaskHeartbeat(held)).toEqual({ recorded: true, taskId: held.taskId, threadId: THREAD, attempt: 0 });
    expect(await backend.redis.hgetall(keys.task(held.taskId))).toEqual({ ...before, heartbeat_at: String(NOW) });
  });

  it('does not recreate a task that a reset deleted while the agent held it', async () => {
    const held = await startWithOneTask();
    await backend.resets.resetWorkflow(resetRequest(THREAD));
    expect(await backend.fencing.recordTaskHeartbeat(held)).toMatchObject({ recorded: false, reason: 'task_gone' });
    expect(await backend.redis.exists(keys.task(held.taskId))).toBe(0);
  });

  it.each([
    [
      'a reset cancelled',
      async (taskId: string) => backend.resets.resetWorkflow(resetRequest(THREAD, { clearTasks: false })).then(() => taskId),
      'cancelled',
    ],
    [
      'the task already finished',
      async (taskId: string) => backend.redis.hset(keys.task(taskId), 'status', 'completed'),
      'already_finished',
    ],
  ] as const)('refuses the heartbeat of a task %s, and writes nothing', async (_label, change, reason) => {
    const held = await startWithOneTask();
    await change(held.taskId);
    const before = await backend.redis.hgetall(keys.task(held.taskId));
    expect(await backend.fencing.recordTaskHeartbeat(held)).toMatchObject({ recorded: false, reason });
    expect(await backend.redis.hgetall(keys.task(held.taskId))).toEqual(before);
  });

  it('refuses a heartbeat claiming another attempt than the task, and one of an attempt the workflow left', async () => {
    const held = await startWithOneTask();
    expect(await backend.fencing.recordTaskHeartbeat({ ...held, attempt: 5 })).toMatchObject({ reason: 'attempt_mismatch' });
    await backend.redis.hset(keys.workflow(THREAD), 'attempt', '1');
    expect(await backend.fencing.recordTaskHeartbeat(held)).toMatchObject({ reason: 'stale_attempt' });
    expect(await backend.redis.hget(keys.task(held.taskId), 'heartbeat_at')).toBeNull();
  });

  it('is not diagnosed: a record an unfenced agent recreated (no owner) makes no workflow look stuck', async () => {
    await writeWorkflow(backend.redis, THREAD, { phase: 'running' });
    await backend.redis.sadd(keys.workflowTasks(THREAD), 'ghost');
    // A raw HSET after the reset deleted the task: a hash with no thread_id and no data.
    await backend.redis.hset(keys.task('ghost'), 'status', 'in_progress', 'heartbeat_at', String(NOW - 60 * MINUTE));
    const workflow = (await backend.workflows.getWorkflow(THREAD))!;
    expect(await healthOf(stuckService(backend), workflow)).toEqual({ stuck: false, reasons: [] });
  });
});
