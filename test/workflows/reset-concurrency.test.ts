import Redis from 'ioredis';
import { DOMAINS } from '../../src/workflows/workflow.types';
import { keys, resetRequest, useBackend } from './support';

const TASKS_PER_WORKFLOW = 300;
const AGENTS = 4;
const RESET = ['reset-1', 'reset-2', 'reset-3'];
const KEPT = ['kept-1', 'kept-2', 'reset-1-0', 'xreset-1'];

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

  it('leaves no task of a reset workflow queued and pops every other task at most once', async () => {
    const owners = await writeQueuedTasks();
    const agents = Array.from({ length: AGENTS }, () => new Redis(backend.server!.url));
    const popped: string[] = [];
    let resetsDone = false;
    let signalBusy!: () => void;
    const agentsBusy = new Promise<void>((resolve) => (signalBusy = resolve));

    const agentLoops = agents.map(async (agent, a) => {
      for (let turn = a; !resetsDone; turn++) {
        const taskId = await agent.rpop(keys.queue(DOMAINS[turn % DOMAINS.length]));
        if (taskId) popped.push(taskId);
        if (popped.length >= 50) signalBusy();
      }
    });
    await agentsBusy;
    const summaries = await Promise.all(RESET.map((threadId) => backend.resets.resetWorkflow(resetRequest(threadId))));
    resetsDone = true;
    await Promise.all(agentLoops);
    agents.forEach((agent) => agent.disconnect());

    // An un-indexed task an agent popped before the reset is out of the reset's sight, by contract.
    const unindexedPopped = (threadId: string) =>
      popped.filter((taskId) => owners.get(taskId) === threadId && Number(taskId.split('-').pop()) % 3 === 0).length;
    expect(summaries.map((summary) => summary.cleared.tasks)).toEqual(
      RESET.map((threadId) => TASKS_PER_WORKFLOW - unindexedPopped(threadId)),
    );
    const queued = (await Promise.all(keys.queues.map((queue) => backend.redis.lrange(queue, 0, -1)))).flat();
    expect(queued.filter((taskId) => RESET.includes(owners.get(taskId)!))).toEqual([]);
    const seen = new Map<string, number>();
    for (const taskId of [...queued, ...popped]) seen.set(taskId, (seen.get(taskId) ?? 0) + 1);
    const keptTasks = [...owners].filter(([, owner]) => KEPT.includes(owner)).map(([taskId]) => taskId);
    expect(keptTasks.filter((taskId) => seen.get(taskId) !== 1)).toEqual([]);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    expect(popped.length).toBeGreaterThanOrEqual(50);
    for (const taskId of keptTasks) expect(await backend.redis.hget(keys.task(taskId), 'status')).toBe('pending');
  });
});
