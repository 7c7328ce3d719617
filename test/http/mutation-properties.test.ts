import fc from 'fast-check';
import type Redis from 'ioredis';
import { useTestApp } from '../helpers/app';
import { dumpWorkflowState } from '../helpers/keyspace';

/** Neighbours chosen to tempt every way an id can leak into another's keys. */
const NEIGHBOURS = ['wf-1', 'wf-10', 'x-wf-1', 'wf-*', 'wf-[1]', 'a?b', 'wf\\1', 'wf:1', 'ünï-cödé-😀'];
const DOMAINS = ['pm', 'fe', 'be', 'qa', 'safety'];

async function writeNeighbours(redis: Redis): Promise<void> {
  const batch = redis.pipeline();
  NEIGHBOURS.forEach((threadId, n) => {
    const created = 1000 + n;
    batch.hset(`wave:workflow:${threadId}`, { thread_id: threadId, gate: '2', phase: 'running', created_at: created, updated_at: created });
    batch.zadd('wave:workflows', created, threadId);
    DOMAINS.forEach((domain, i) => {
      const taskId = `${threadId}-${domain}`;
      const status = i % 2 ? 'in_progress' : 'pending';
      batch.hset(`wave:task:${taskId}`, { thread_id: threadId, data: JSON.stringify({ thread_id: threadId }), status, queue: domain, enqueued_at: created });
      batch.sadd(`wave:workflow:${threadId}:tasks`, taskId);
      batch.lpush(`wave:tasks:${domain}`, taskId);
      batch.set(`wave:result:${taskId}`, JSON.stringify({ ok: true }));
    });
    // One task the orchestrator queued without indexing, owned through its data only.
    batch.hset(`wave:task:${threadId}-unindexed`, { data: JSON.stringify({ thread_id: threadId }), status: 'pending', queue: 'qa', enqueued_at: created });
    batch.lpush('wave:tasks:qa', `${threadId}-unindexed`);
  });
  await batch.exec();
}

type Dump = Map<string, { type: string; value: unknown }>;

function ownerOfTask(dump: Dump, taskId: string): string | undefined {
  const hash = dump.get(`wave:task:${taskId}`)?.value as Record<string, string> | undefined;
  if (!hash) return undefined;
  if (hash.thread_id) return hash.thread_id;
  try {
    return JSON.parse(hash.data)?.thread_id;
  } catch {
    return undefined;
  }
}

/** The task ids that belong to `threadId` in either dump: its index members and tasks naming it. */
function tasksOf(threadId: string, ...dumps: Dump[]): Set<string> {
  const owned = new Set<string>();
  for (const dump of dumps) {
    for (const taskId of (dump.get(`wave:workflow:${threadId}:tasks`)?.value as string[] | undefined) ?? []) owned.add(taskId);
    for (const key of dump.keys()) {
      if (key.startsWith('wave:task:') && ownerOfTask(dump, key.slice('wave:task:'.length)) === threadId) {
        owned.add(key.slice('wave:task:'.length));
      }
    }
  }
  return owned;
}

/**
 * What a mutation aimed at `threadId` may change: that workflow's own keys, its tasks and results,
 * its own entries in the queues and the index, and new audit entries. Everything else must be equal.
 */
function changesOutsideTarget(threadId: string | null, before: Dump, after: Dump): string[] {
  const owned = threadId === null ? new Set<string>() : tasksOf(threadId, before, after);
  const targetKeys = new Set(
    threadId === null
      ? []
      : [`wave:workflow:${threadId}`, `wave:workflow:${threadId}:tasks`, `wave:audit:${threadId}`, ...[...owned].flatMap((id) => [`wave:task:${id}`, `wave:result:${id}`])],
  );
  const changed: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (targetKeys.has(key)) continue;
    const was = before.get(key)?.value;
    const is = after.get(key)?.value;
    if (key === 'wave:audit') {
      const kept = (is as unknown[] | undefined)?.slice(0, (was as unknown[] | undefined)?.length ?? 0) ?? [];
      if (JSON.stringify(kept) !== JSON.stringify(was ?? [])) changed.push(key);
    } else if (key === 'wave:workflows') {
      const others = (scores: unknown) =>
        JSON.stringify(((scores as string[] | undefined) ?? []).flatMap((m, i, all) => (i % 2 === 0 && m !== threadId ? [m, all[i + 1]] : [])));
      if (others(was) !== others(is)) changed.push(key);
    } else if (key.startsWith('wave:tasks:')) {
      const others = (ids: unknown) => JSON.stringify(((ids as string[] | undefined) ?? []).filter((id) => !owned.has(id)));
      if (others(was) !== others(is)) changed.push(key);
    } else if (JSON.stringify(was) !== JSON.stringify(is)) {
      changed.push(key);
    }
  }
  return changed;
}

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(...NEIGHBOURS),
  fc.constantFrom('*', '?', '[a-z]', '\\', 'wf-', 'wf-1*', '*wf-1*', 'wf-1:tasks', ':tasks', ' ', ''),
  fc.string({ unit: fc.constantFrom('*', '?', '[', ']', '\\', ':', 'w', 'f', '-', '1') }),
  fc.string({ minLength: 190, maxLength: 300 }),
  fc.constant('x'.repeat(20_000)),
);
/** Ids that exist, and their prefixes and substrings: what a substring or pattern match would confuse. */
const nearbyId = fc.oneof(
  fc.constantFrom(...NEIGHBOURS),
  fc.constantFrom(...NEIGHBOURS).chain((id) => fc.nat(id.length).chain((end) => fc.nat(end).map((start) => id.slice(start, end)))),
);
/** Mostly well-formed so calls reach Redis, sometimes hostile so validation is attacked too. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 2, arbitrary: hostile }, { weight: 1, arbitrary: fc.constant(null) });
const threadIdArb = mostly(nearbyId, hostileString);
const hostileInt = fc.oneof(fc.integer(), fc.constant(2 ** 40), fc.double());

const MUTATIONS = {
  startWorkflow: {
    query: 'mutation M($threadId: ID) { startWorkflow(input: { threadId: $threadId }) { threadId } }',
    variables: fc.record({ threadId: threadIdArb }),
  },
  runWorkflow: { query: 'mutation M($threadId: ID!) { runWorkflow(threadId: $threadId) { phase } }', variables: fc.record({ threadId: threadIdArb }) },
  stopWorkflow: { query: 'mutation M($threadId: ID!) { stopWorkflow(threadId: $threadId) { phase } }', variables: fc.record({ threadId: threadIdArb }) },
  enqueueTask: {
    query: 'mutation M($input: EnqueueTaskInput!) { enqueueTask(input: $input) { id } }',
    variables: fc.record({
      input: fc.record({
        threadId: threadIdArb,
        domain: fc.oneof(fc.constantFrom('PM', 'FE', 'BE', 'QA', 'SAFETY'), hostileString),
        data: mostly(fc.dictionary(fc.string(), fc.jsonValue()), fc.oneof(fc.jsonValue(), fc.record({ thread_id: hostileString }))),
      }),
    }),
  },
  resetWorkflow: {
    query: 'mutation M($input: ResetWorkflowInput!) { resetWorkflow(input: $input) { success } }',
    variables: fc.record({
      input: fc.record({
        threadId: threadIdArb,
        clearTasks: fc.oneof(fc.boolean(), fc.constant(null)),
        clearResults: fc.oneof(fc.boolean(), fc.constant(null)),
        resetToGate: mostly(fc.integer({ min: 0, max: 7 }), hostileInt),
        reason: mostly(fc.string({ minLength: 1, maxLength: 40 }).filter((r) => r.trim() !== ''), hostileString),
      }),
    }),
  },
};

/** The workflow a call names, or the one startWorkflow created when it was given no id. */
function targetOf(variables: { threadId?: unknown; input?: { threadId?: unknown } }, data: Record<string, any> | null | undefined): string | null {
  const threadId = variables.input?.threadId ?? variables.threadId ?? data?.startWorkflow?.threadId;
  return typeof threadId === 'string' ? threadId : null;
}

describe('every mutation under hostile input, over HTTP on a real Redis holding other workflows', () => {
  const fixture = useTestApp({ RESET_RATE_LIMIT: '100000/1m' });
  let operator: string;

  beforeAll(() => {
    operator = fixture.app.token(['operator'], 'property-tester');
  });

  beforeEach(async () => {
    await writeNeighbours(fixture.redis);
  });

  it.each(Object.entries(MUTATIONS))('%s changes nothing outside the workflow it names', async (_name, { query, variables }) => {
    await fc.assert(
      fc.asyncProperty(variables, async (vars) => {
        const before = (await dumpWorkflowState(fixture.redis)) as Dump;
        const { status, body } = await fixture.app.request(query, vars, operator);
        const after = (await dumpWorkflowState(fixture.redis)) as Dump;
        expect(changesOutsideTarget(targetOf(vars, body.data), before, after)).toEqual([]);
        // Whatever happened, the answer is a GraphQL answer with a public code and no internals.
        expect(status).toBeLessThan(500);
        for (const error of body.errors ?? []) {
          expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
          expect(JSON.stringify(error)).not.toMatch(/stack|ioredis|ERR |at .*\.js/);
        }
      }),
      { numRuns: 100 },
    );
  });
});
