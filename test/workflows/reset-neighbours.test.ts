import type { RedisClient } from '../../src/redis/client';
import { BACKENDS, dumpKeys, keys, resetRequest, useBackend, writeTask, writeWorkflow, queueKeys } from './support';

const UNRELATED_KEYS = 5000;

/** Workflows whose ids share a prefix, a substring or glob characters with the one reset. */
const NEIGHBOURS = ['wf-10', 'wf-1-b', 'x-wf-1', 'wf-', 'WF-1', 'wf-1 ', 'wf-*', 'wf-[1]', 'a?b', 'wf-\\1'];

async function writeNeighbourhood(redis: RedisClient): Promise<void> {
  for (const [i, threadId] of NEIGHBOURS.entries()) {
    await writeWorkflow(redis, threadId);
    await writeTask(redis, { id: `${threadId}-task`, threadId, domain: 'fe', queued: true, result: { i } });
    await writeTask(redis, { id: `${threadId}-loose`, threadId, domain: 'qa', queued: true, indexed: false });
    // The embedded Redis has no cjson: its fallback pattern only reads owners without JSON escapes.
    if (threadId.includes('\\')) continue;
    await writeTask(redis, {
      id: `${threadId}-data`,
      threadId,
      ownerInDataOnly: true,
      indexed: false,
      queued: true,
      domain: 'be',
      data: { thread_id: threadId },
    });
  }
  // Tasks whose data mentions wf-1 without being owned by it.
  await writeTask(redis, { id: 'mentions', threadId: 'wf-100', data: { note: 'follow-up of wf-1', parent: 'wf-1' }, queued: true });
  await writeTask(redis, { id: 'no-owner', data: { step: 'wf-1' }, queued: true, domain: 'pm' });
}

async function writeUnrelatedKeys(redis: RedisClient): Promise<void> {
  const pipeline = redis.pipeline();
  for (let i = 0; i < UNRELATED_KEYS; i++) {
    if (i % 4 === 0) pipeline.set(`other:string:${i}`, `wf-1-${i}`);
    else if (i % 4 === 1) pipeline.hset(`wave:task:unrelated-${i}`, 'thread_id', `wf-1${i}`, 'status', 'pending');
    else if (i % 4 === 2) pipeline.set(`wave:result:wf-1-${i}`, '{"success":true}');
    else pipeline.sadd(`wave:workflow:wf-1${i}:tasks`, `wf-1-${i}`);
  }
  await pipeline.exec();
}

describe.each(BACKENDS)('resetWorkflow neighbour safety on %s', (backendName) => {
  const backend = useBackend(backendName);

  it('leaves every key of workflows sharing a prefix, a substring or glob characters untouched', async () => {
    const { redis, resets } = backend;
    await writeNeighbourhood(redis);
    await writeUnrelatedKeys(redis);
    await writeWorkflow(redis, 'wf-1');
    await writeTask(redis, { id: 'wf-1-own', threadId: 'wf-1', domain: 'fe', queued: true, result: { ok: true } });
    await writeTask(redis, { id: 'wf-1-loose', threadId: 'wf-1', domain: 'qa', queued: true, indexed: false });
    const resetKeys = [
      keys.workflow('wf-1'),
      keys.workflowTasks('wf-1'),
      keys.task('wf-1-own'),
      keys.task('wf-1-loose'),
      keys.result('wf-1-own'),
    ];
    const resetIds = ['wf-1-own', 'wf-1-loose'];
    const before = await dumpKeys(redis);

    const summary = await resets.resetWorkflow(resetRequest('wf-1'));

    expect(summary.cleared).toEqual({ tasks: 2, results: 1, queues: ['fe', 'qa'] });
    const after = await dumpKeys(redis);
    const changed = new Set([...resetKeys, ...queueKeys, keys.audit, keys.workflowAudit('wf-1'), keys.workflowIndex]);
    // ioredis-mock keeps its own bookkeeping of stream entries under `stream:<key>:<id>`.
    const mockBookkeeping = `stream:${keys.audit}:`;
    const untouched = (dump: Map<string, unknown>) => [...dump].filter(([key]) => !changed.has(key) && !key.startsWith(mockBookkeeping));
    expect(untouched(after)).toEqual(untouched(before));
    for (const queue of queueKeys) {
      const expected = ((before.get(queue) as { value: string[] } | undefined)?.value ?? []).filter((id) => !resetIds.includes(id));
      expect(await redis.lrange(queue, 0, -1)).toEqual(expected);
    }
    expect(after.get(keys.workflowIndex)).toEqual(before.get(keys.workflowIndex));
    for (const key of resetKeys.slice(1)) expect(after.has(key)).toBe(false);
  });

  it.each(NEIGHBOURS)('resets the workflow "%s" literally, leaving wf-1 alone', async (threadId) => {
    const { redis, resets } = backend;
    await writeNeighbourhood(redis);
    await writeWorkflow(redis, 'wf-1');
    await writeTask(redis, { id: 'wf-1-own', threadId: 'wf-1', domain: 'fe', queued: true });

    const summary = await resets.resetWorkflow(resetRequest(threadId));

    const withDataOwned = !threadId.includes('\\');
    expect(summary.cleared).toEqual({
      tasks: withDataOwned ? 3 : 2,
      results: 1,
      queues: withDataOwned ? ['fe', 'be', 'qa'] : ['fe', 'qa'],
    });
    expect(await redis.exists(keys.task('wf-1-own'))).toBe(1);
    expect(await redis.lrange(keys.queue('fe'), 0, -1)).toContain('wf-1-own');
    const remaining = NEIGHBOURS.filter((other) => other !== threadId);
    for (const other of remaining) expect(await redis.exists(keys.task(`${other}-loose`))).toBe(1);
  });

  it.each([
    ['nested in another object', { parent: { thread_id: 'wf-1' } }],
    ['as a number', { thread_id: 1 }],
    ['in a string value', { note: '"thread_id": "wf-1"' }],
    ['in data that is not JSON', 'see "thread_id":"wf-1"'],
    ['with a suffix', { thread_id: 'wf-1 ' }],
  ])('leaves a queued task whose data names wf-1 only %s', async (_label, data) => {
    const { redis, resets } = backend;
    await writeWorkflow(redis, 'wf-1');
    await writeTask(redis, { id: 'stranger', data, queued: true, indexed: false });
    const summary = await resets.resetWorkflow(resetRequest('wf-1'));
    expect(summary.cleared).toEqual({ tasks: 0, results: 0, queues: [] });
    expect(await redis.lrange(keys.queue('fe'), 0, -1)).toEqual(['stranger']);
    expect(await redis.hget(keys.task('stranger'), 'status')).toBe('pending');
  });
});
