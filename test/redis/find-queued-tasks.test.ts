import { runFindQueuedTasks, type FindQueuedTasksRequest } from '../../src/redis/commands/find-queued-tasks';
import { BACKENDS, keys, useBackend, writeTask, writeWorkflow } from '../workflows/support';

const QUEUE = keys.queue('fe');

describe.each(BACKENDS)('one step of a queue sweep (find-queued-tasks.lua) on %s', (backendName) => {
  const backend = useBackend(backendName);
  const step = (request: Partial<FindQueuedTasksRequest>) =>
    runFindQueuedTasks(backend.redis, keys, {
      queue: QUEUE,
      start: 0,
      anchor: null,
      count: 4,
      budgetMicros: 1_000_000,
      readOwners: false,
      targets: [{ threadId: 'wf', indexedIds: ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'] }],
      ...request,
    });
  const idsOf = (found: Array<{ taskId: string }>) => found.map((entry) => entry.taskId);

  beforeEach(async () => {
    // Head first: a0 a1 ... a7 (RPUSH keeps the order as written).
    await backend.redis.rpush(QUEUE, 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7');
  });

  it('reads from the head, at most `count` entries, and says where to go on', async () => {
    const first = await step({});
    expect(first).toEqual({ next: 4, length: 8, lastRead: 'a3', found: ['a0', 'a1', 'a2', 'a3'].map((taskId) => ({ target: 0, taskId })) });
    const rest = await step({ start: 4, anchor: 'a3' });
    expect({ next: rest.next, ids: idsOf(rest.found), lastRead: rest.lastRead }).toEqual({
      next: 8,
      ids: ['a4', 'a5', 'a6', 'a7'],
      lastRead: 'a7',
    });
  });

  it('goes on right after the anchor when producers pushed at the head meanwhile', async () => {
    await backend.redis.lpush(QUEUE, 'new-1', 'new-2', 'new-3');
    const rest = await step({ start: 4, anchor: 'a3' });
    expect(idsOf(rest.found)).toEqual(['a4', 'a5', 'a6', 'a7']);
    expect(rest.next).toBe(11);
  });

  it('goes on right after the anchor when an entry before it was removed meanwhile', async () => {
    await backend.redis.lrem(QUEUE, 0, 'a1');
    const rest = await step({ start: 4, anchor: 'a3' });
    expect(idsOf(rest.found)).toEqual(['a4', 'a5', 'a6', 'a7']);
  });

  it('reads again from before, rather than skip, when the anchor is gone', async () => {
    await backend.redis.lrem(QUEUE, 0, 'a3');
    const rest = await step({ start: 4, anchor: 'a3', count: 10 });
    expect(idsOf(rest.found)).toEqual(['a0', 'a1', 'a2', 'a4', 'a5', 'a6', 'a7']);
  });

  it('matches an id queued without being indexed by its owner only when reading owners', async () => {
    await writeWorkflow(backend.redis, 'wf');
    await writeTask(backend.redis, { id: 'loose', threadId: 'wf', queued: true, indexed: false });
    await writeTask(backend.redis, { id: 'theirs', threadId: 'other', queued: true });
    const targets = [
      { threadId: 'other', indexedIds: [] },
      { threadId: 'wf', indexedIds: [] },
    ];
    expect((await step({ count: 20, targets, readOwners: false })).found).toEqual([]);
    expect((await step({ count: 20, targets, readOwners: true })).found).toEqual([
      { target: 0, taskId: 'theirs' },
      { target: 1, taskId: 'loose' },
    ]);
  });

  it('carries ids holding tabs, newlines and percent signs unchanged both ways', async () => {
    const odd = ['tab\there', 'line\nbreak', '100%25'];
    await backend.redis.lpush(QUEUE, ...odd);
    const { found } = await step({ count: 20, targets: [{ threadId: 'wf', indexedIds: odd }] });
    expect(idsOf(found).sort()).toEqual([...odd].sort());
  });

  it('stops at its time budget, checked after every 32 entries read', async () => {
    await backend.redis.rpush(QUEUE, ...Array.from({ length: 200 }, (_, i) => `b${i}`));
    const spent = await step({ count: 1_000, budgetMicros: 0 });
    expect({ next: spent.next, lastRead: spent.lastRead }).toEqual({ next: 32, lastRead: 'b23' });
  });

  it('answers an empty queue as swept', async () => {
    await backend.redis.del(QUEUE);
    expect(await step({})).toEqual({ next: 0, length: 0, lastRead: null, found: [] });
  });
});
