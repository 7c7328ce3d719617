import { DOMAINS } from '../../src/workflows/workflow.types';
import { TaskFencing } from '../../src/workflows/task-fencing';
import { connectRedis } from '../../src/redis/client';
import { loadConfig } from '../../src/config';
import { keys, resetRequest, useBackend, queueKeys } from './support';

const TASKS_PER_WORKFLOW = 300;
const AGENTS = 4;
const RESET = ['reset-1', 'reset-2', 'reset-3'];
const KEPT = ['kept-1', 'kept-2', 'reset-1-0', 'xreset-1'];

interface Claim {
  taskId: string;
  threadId: string;
  /** Whether the pop was sent after the reset of the task's workflow had answered. */
  sentAfterAnswer: boolean;
}

describe('resetWorkflow under concurrent agents on redis-server', () => {
  const backend = useBackend('redis-server');

  /** Writes each workflow's tasks as the orchestrator does, a third of them un-indexed. */
  async function writeQueuedTasks(): Promise<Map<string, string>> {
    const owners = new Map<string, string>();
    const pipeline = backend.redis.pipeline();
    for (const threadId of [...RESET, ...KEPT]) {
      pipeline.hset(keys.workflow(threadId), 'thread_id', threadId, 'gate', '2', 'phase', 'running', 'created_at', '1', 'updated_at', '1');
      pipeline.zadd(keys.workflowIndex, 1, threadId);
      for (let i = 0; i < TASKS_PER_WORKFLOW; i++) {
        const taskId = `${threadId}-${i}`;
        const domain = DOMAINS[i % DOMAINS.length];
        owners.set(taskId, threadId);
        pipeline.hset(keys.task(taskId), 'thread_id', threadId, 'data', '{}', 'status', 'pending', 'queue', domain, 'enqueued_at', '1');
        if (i % 3 !== 0) pipeline.sadd(keys.workflowTasks(threadId), taskId);
        pipeline.lpush(keys.queue(domain), taskId);
      }
    }
    await pipeline.exec();
    return owners;
  }

  it('lets no agent (popping with pop-task.lua) take a task of a reset workflow after the reset answered, and every other task once', async () => {
    const owners = await writeQueuedTasks();
    const connections = Array.from({ length: AGENTS }, () => connectRedis(backend.server!.url, loadConfig({}).redis));
    const claims: Claim[] = [];
    const answered = new Set<string>();
    let resetsDone = false;
    let signalBusy!: () => void;
    const agentsBusy = new Promise<void>((resolve) => (signalBusy = resolve));

    const agentLoops = connections.map(async (connection, a) => {
      const agent = new TaskFencing(connection, keys);
      let emptyRounds = 0;
      // After the resets, agents drain the queues: what a reset left must be dropped, never run.
      for (let turn = a; !resetsDone || emptyRounds < DOMAINS.length; turn++) {
        const answeredBefore = new Set(answered);
        const { task } = await agent.popTask({ domain: DOMAINS[turn % DOMAINS.length], agent: `agent-${a}` });
        emptyRounds = task ? 0 : emptyRounds + 1;
        if (task) claims.push({ taskId: task.taskId, threadId: task.threadId, sentAfterAnswer: answeredBefore.has(task.threadId) });
        if (claims.length >= 50) signalBusy();
      }
    });
    await agentsBusy;
    const summaries = await Promise.all(
      RESET.map(async (threadId) => {
        const summary = await backend.resets.resetWorkflow(resetRequest(threadId));
        answered.add(threadId);
        return summary;
      }),
    );
    resetsDone = true;
    await Promise.all(agentLoops);
    connections.forEach((connection) => connection.disconnect());

    expect(claims.filter((claim) => RESET.includes(claim.threadId) && claim.sentAfterAnswer)).toEqual([]);
    expect(summaries.map((summary) => summary.queuedIdsLeft)).toEqual([0, 0, 0]);
    // Every indexed task is found; an un-indexed one only while it is still queued when the sweep reads it.
    for (const [i, threadId] of RESET.entries()) {
      expect(summaries[i].cleared.tasks).toBeGreaterThanOrEqual((TASKS_PER_WORKFLOW * 2) / 3);
      expect(summaries[i].cleared.tasks).toBeLessThanOrEqual(TASKS_PER_WORKFLOW);
      expect(await backend.redis.hget(keys.workflow(threadId), 'attempt')).toBe('1');
    }
    const keptTasks = [...owners].filter(([, owner]) => KEPT.includes(owner)).map(([taskId]) => taskId);
    const claimedKept = claims.filter((claim) => KEPT.includes(claim.threadId)).map((claim) => claim.taskId);
    expect(claimedKept.sort()).toEqual(keptTasks.sort());
    expect(claims.length).toBeGreaterThanOrEqual(50);
    expect((await Promise.all(queueKeys.map((queue) => backend.redis.llen(queue)))).every((length) => length === 0)).toBe(true);
  });
});
