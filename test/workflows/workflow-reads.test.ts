import type { ListWorkflowsOptions, Phase } from '../../src/workflows/workflow.types';
import { BACKENDS, keys, NOW, tasksOf, useBackend, writeTask, writeWorkflow } from './support';

describe.each(BACKENDS)('WorkflowReads on %s', (backendName) => {
  const backend = useBackend(backendName);

  async function listAll(
    first: number,
    phase?: Phase,
    filters: Omit<ListWorkflowsOptions, 'first'> = {},
  ): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await backend.workflows.listWorkflows({ ...filters, first, after, phase });
      pages += 1;
      ids.push(...page.nodes.map(({ workflow }) => workflow.threadId));
      if (!page.hasNextPage) return { ids, pages };
      after = page.endCursor;
    }
  }

  describe('listWorkflows', () => {
    it('pages through workflows in creation order', async () => {
      for (const [threadId, createdAt] of [
        ['c', 3],
        ['a', 1],
        ['b', 2],
        ['d', 4],
        ['e', 5],
      ] as const) {
        await writeWorkflow(backend.redis, threadId, { createdAt });
      }
      const first = await backend.workflows.listWorkflows({ first: 2 });
      expect(first.nodes.map(({ workflow }) => workflow.threadId)).toEqual(['a', 'b']);
      expect(first.hasNextPage).toBe(true);
      const second = await backend.workflows.listWorkflows({ first: 2, after: first.endCursor });
      expect(second.nodes.map(({ workflow }) => workflow.threadId)).toEqual(['c', 'd']);
      const third = await backend.workflows.listWorkflows({ first: 2, after: second.endCursor });
      expect(third.nodes.map(({ workflow }) => workflow.threadId)).toEqual(['e']);
      expect(third.hasNextPage).toBe(false);
    });

    it("continues right after any workflow of a page from that workflow's own cursor", async () => {
      for (const [threadId, createdAt] of [
        ['a', 1],
        ['b', 2],
        ['c', 3],
        ['d', 4],
      ] as const) {
        await writeWorkflow(backend.redis, threadId, { createdAt });
      }
      const page = await backend.workflows.listWorkflows({ first: 3 });
      const next = await backend.workflows.listWorkflows({ first: 2, after: page.nodes[0].cursor });
      expect(next.nodes.map(({ workflow }) => workflow.threadId)).toEqual(['b', 'c']);
    });

    it('breaks ties of creation time by thread id without skipping or repeating any', async () => {
      const ids = ['t-05', 't-01', 't-04', 't-02', 't-03', 't-06', 't-07'];
      for (const threadId of ids) await writeWorkflow(backend.redis, threadId, { createdAt: 1000 });
      await writeWorkflow(backend.redis, 'later', { createdAt: 2000 });
      expect(await listAll(2)).toEqual({ ids: [...ids].sort().concat('later'), pages: 4 });
    });

    it('continues from a cursor whose workflow was deleted meanwhile', async () => {
      for (const [threadId, createdAt] of [
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ] as const) {
        await writeWorkflow(backend.redis, threadId, { createdAt });
      }
      const page = await backend.workflows.listWorkflows({ first: 2 });
      await backend.redis.zrem(keys.workflowIndex, 'b');
      const next = await backend.workflows.listWorkflows({ first: 2, after: page.endCursor });
      expect(next.nodes.map(({ workflow }) => workflow.threadId)).toEqual(['c']);
    });

    it('filters by phase and stops after a bounded number of examined entries', async () => {
      const pipeline = backend.redis.pipeline();
      for (let i = 0; i < 1200; i++) {
        const threadId = `wf-${String(i).padStart(4, '0')}`;
        const phase = i === 3 || i === 1100 ? 'blocked' : 'running';
        pipeline.hset(keys.workflow(threadId), 'thread_id', threadId, 'gate', '1', 'phase', phase, 'created_at', String(i));
        pipeline.zadd(keys.workflowIndex, i, threadId);
      }
      await pipeline.exec();
      const page = await backend.workflows.listWorkflows({ first: 5, phase: 'blocked' });
      expect(page.nodes.map(({ workflow }) => workflow.threadId)).toEqual(['wf-0003']);
      expect(page.hasNextPage).toBe(true);
      const rest = await listAll(5, 'blocked');
      expect(rest).toEqual({ ids: ['wf-0003', 'wf-1100'], pages: 3 });
    });

    it('pages newest first, ties of creation time in reverse thread id order, without skipping or repeating any', async () => {
      for (const threadId of ['t-2', 't-1', 't-3']) await writeWorkflow(backend.redis, threadId, { createdAt: 1000 });
      await writeWorkflow(backend.redis, 'earlier', { createdAt: 500 });
      await writeWorkflow(backend.redis, 'later', { createdAt: 2000 });
      expect(await listAll(2, undefined, { order: 'newest_first' })).toEqual({ ids: ['later', 't-3', 't-2', 't-1', 'earlier'], pages: 3 });
    });

    /** `count` workflows `wf-0000`…, created in that order; those at `others` are named `other-…` instead. */
    async function writeMany(count: number, others: readonly number[], phaseAt: (i: number) => string = () => 'running') {
      const pipeline = backend.redis.pipeline();
      for (let i = 0; i < count; i++) {
        const threadId = `${others.includes(i) ? 'other' : 'wf'}-${String(i).padStart(4, '0')}`;
        pipeline.hset(keys.workflow(threadId), 'thread_id', threadId, 'gate', '1', 'phase', phaseAt(i), 'created_at', String(i));
        pipeline.zadd(keys.workflowIndex, i, threadId);
      }
      await pipeline.exec();
    }

    it('finds workflows by thread id prefix, examining at most 5000 index entries a page', async () => {
      await writeMany(6000, [10, 5500]);
      const page = await backend.workflows.listWorkflows({ first: 5, threadIdPrefix: 'other-' });
      expect(page.nodes.map(({ workflow }) => workflow.threadId)).toEqual(['other-0010']);
      expect(page.hasNextPage).toBe(true);
      expect(await listAll(5, undefined, { threadIdPrefix: 'other-' })).toEqual({ ids: ['other-0010', 'other-5500'], pages: 2 });
      expect(await listAll(5, undefined, { threadIdPrefix: 'other-', order: 'newest_first' })).toEqual({
        ids: ['other-5500', 'other-0010'],
        pages: 2,
      });
    });

    it("combines a thread id prefix with a phase, within the phase filter's budget", async () => {
      await writeMany(30, [3, 7, 20], (i) => (i === 7 || i === 20 ? 'blocked' : 'running'));
      expect(await listAll(10, 'blocked', { threadIdPrefix: 'other-' })).toEqual({ ids: ['other-0007', 'other-0020'], pages: 1 });
    });

    it.each([
      ['threadIdPrefix', { threadIdPrefix: 'x'.repeat(1000) }],
      ['order', { order: 'sideways' as ListWorkflowsOptions['order'] }],
    ])('refuses a malformed %s with BAD_USER_INPUT naming it', async (field, filters) => {
      await expect(backend.workflows.listWorkflows({ first: 1, ...filters })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field });
    });

    it('returns an empty last page for an empty index', async () => {
      expect(await backend.workflows.listWorkflows({ first: 10 })).toEqual({ nodes: [], endCursor: null, hasNextPage: false });
    });

    it('skips index entries without a record and reads garbage fields with fallbacks', async () => {
      await backend.redis.zadd(keys.workflowIndex, 1, 'ghost', 2, 'garbled');
      await backend.redis.hset(keys.workflow('garbled'), 'gate', 'seven', 'phase', 'EXPLODED', 'updated_at', 'yesterday');
      await writeWorkflow(backend.redis, 'iso', { createdAt: 3 });
      await backend.redis.hset(keys.workflow('iso'), 'created_at', '2026-01-01T00:00:00.000Z', 'phase', 'RUNNING');
      const page = await backend.workflows.listWorkflows({ first: 10 });
      expect(page.nodes.map((edge) => edge.workflow)).toEqual([
        { threadId: 'garbled', gate: 0, phase: 'pending', attempt: 0, createdAt: new Date(2), updatedAt: new Date(2) },
        { threadId: 'iso', gate: 3, phase: 'running', attempt: 0, createdAt: new Date('2026-01-01T00:00:00.000Z'), updatedAt: new Date(3) },
      ]);
    });

    it.each([0, 101, 2.5, Number.NaN])('refuses first = %p with BAD_USER_INPUT on field first', async (first) => {
      await expect(backend.workflows.listWorkflows({ first })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    });

    it('refuses an unknown phase filter with BAD_USER_INPUT on field phase', async () => {
      const options = { first: 1, phase: 'RUNNING' as Phase };
      await expect(backend.workflows.listWorkflows(options)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'phase' });
    });

    it.each(['garbage', 'WzEsMl0', Buffer.from('[1]').toString('base64url'), Buffer.from('["x","a"]').toString('base64url')])(
      'refuses the malformed cursor %p with BAD_USER_INPUT on field after',
      async (after) => {
        await expect(backend.workflows.listWorkflows({ first: 1, after })).rejects.toMatchObject({
          code: 'BAD_USER_INPUT',
          field: 'after',
        });
      },
    );
  });

  describe('one workflow, tasks and queues', () => {
    it('returns null for an unknown workflow', async () => {
      expect(await backend.workflows.getWorkflow('nope')).toBeNull();
    });
    it('reads tasks with their results, oldest first, tolerating garbage fields', async () => {
      await writeWorkflow(backend.redis, 'wf-1');
      await writeTask(backend.redis, { id: 'b', threadId: 'wf-1', status: 'completed', result: { ok: true } });
      await backend.redis.hset(
        keys.task('a'),
        'thread_id',
        'wf-1',
        'status',
        'weird',
        'data',
        'not json',
        'queue',
        'wave:tasks:qa',
        'enqueued_at',
        '5',
      );
      await backend.redis.sadd(keys.workflowTasks('wf-1'), 'a', 'missing');
      await backend.redis.set(keys.result('a'), 'plain text');
      const tasks = await tasksOf(backend.workflows, 'wf-1');
      expect(tasks.map((task) => [task.id, task.status, task.domain, task.data, task.result])).toEqual([
        ['a', 'pending', 'qa', 'not json', 'plain text'],
        ['b', 'completed', 'fe', { thread_id: 'wf-1', step: 'work' }, { ok: true }],
      ]);
    });

    it('reads the tasks of many workflows at once', async () => {
      for (const threadId of ['w1', 'w2', 'w3']) await writeWorkflow(backend.redis, threadId);
      await writeTask(backend.redis, { id: 'w1-a', threadId: 'w1' });
      await writeTask(backend.redis, { id: 'w2-a', threadId: 'w2' });
      await writeTask(backend.redis, { id: 'w2-b', threadId: 'w2' });
      const byWorkflow = await backend.workflows.getTasksOfWorkflows(['w1', 'w2', 'w3', 'w1']);
      expect([...byWorkflow].map(([threadId, tasks]) => [threadId, tasks.map((task) => task.id)])).toEqual([
        ['w1', ['w1-a']],
        ['w2', ['w2-a', 'w2-b']],
        ['w3', []],
      ]);
    });

    describe('oldestQueuedAt', () => {
      const enqueue = async (id: string, threadId: string, enqueuedAt: number, fields: Record<string, string> = {}) => {
        await writeTask(backend.redis, { id, threadId, domain: 'fe', queued: true });
        await backend.redis.hset(keys.task(id), { enqueued_at: String(enqueuedAt), ...fields });
      };

      it('is null for an empty queue', async () => {
        expect(await backend.workflows.oldestQueuedAt('fe')).toBeNull();
      });

      it("is the enqueue time of the queue's oldest task: the one agents pop next, at the tail", async () => {
        await writeWorkflow(backend.redis, 'wf-1');
        await enqueue('t-old', 'wf-1', NOW - 90_000);
        await enqueue('t-new', 'wf-1', NOW - 10_000);
        expect(await backend.workflows.oldestQueuedAt('fe')).toEqual(new Date(NOW - 90_000));
      });

      it('skips the dead ids a reset left at the tail: no record, settled, or of an older attempt', async () => {
        await writeWorkflow(backend.redis, 'wf-1');
        await backend.redis.hset(keys.workflow('wf-1'), 'attempt', '2');
        await enqueue('t-live', 'wf-1', NOW - 50_000, { attempt: '2' });
        await writeTask(backend.redis, { id: 't-done', threadId: 'wf-1', status: 'completed' });
        await writeTask(backend.redis, { id: 't-stale', threadId: 'wf-1' });
        await backend.redis.hset(keys.task('t-stale'), { attempt: '1', enqueued_at: String(NOW - 80_000) });
        // Older than t-live, so nearer the tail, where agents pop.
        await backend.redis.rpush(keys.queue('fe'), 'gone', 't-done', 't-stale');
        expect(await backend.workflows.oldestQueuedAt('fe')).toEqual(new Date(NOW - 50_000));
      });

      it('is null when the last 100 ids of the tail are all dead (a queue nobody pops)', async () => {
        await writeWorkflow(backend.redis, 'wf-1');
        await enqueue('t-live', 'wf-1', NOW - 50_000);
        await backend.redis.rpush(keys.queue('fe'), ...Array.from({ length: 100 }, (_, i) => `dead-${i}`));
        expect(await backend.workflows.oldestQueuedAt('fe')).toBeNull();
        await backend.redis.rpop(keys.queue('fe'));
        expect(await backend.workflows.oldestQueuedAt('fe')).toEqual(new Date(NOW - 50_000));
      });
    });

    it('reports the length of every domain queue', async () => {
      await backend.redis.lpush(keys.queue('fe'), 'x', 'y');
      await backend.redis.lpush(keys.queue('safety'), 'z');
      expect(await backend.workflows.queueLengths()).toEqual([
        { domain: 'pm', length: 0 },
        { domain: 'fe', length: 2 },
        { domain: 'be', length: 0 },
        { domain: 'qa', length: 0 },
        { domain: 'safety', length: 1 },
      ]);
    });
  });
});

describe('a page of workflows on redis-server', () => {
  const backend = useBackend('redis-server');

  /** How many times Redis ran `command` since its stats were reset. */
  async function calls(command: string): Promise<number> {
    const stats = await backend.redis.info('commandstats');
    return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
  }

  it("reads the hashes of the page's workflows only, not of the entry beyond it that tells a next page exists", async () => {
    for (const threadId of ['a', 'b', 'c', 'd']) await writeWorkflow(backend.redis, threadId, { createdAt: threadId.charCodeAt(0) });
    await backend.redis.config('RESETSTAT');
    const first = await backend.workflows.listWorkflows({ first: 2 });
    expect(first.hasNextPage).toBe(true);
    const second = await backend.workflows.listWorkflows({ first: 2, after: first.endCursor });
    expect(second.nodes.map(({ workflow }) => workflow.threadId)).toEqual(['c', 'd']);
    expect(second.hasNextPage).toBe(false);
    expect(await calls('hgetall')).toBe(4);
  });
});
