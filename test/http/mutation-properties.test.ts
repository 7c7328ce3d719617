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
      batch.hset(`wave:task:${taskId}`, {
        thread_id: threadId,
        data: JSON.stringify({ thread_id: threadId }),
        status,
        queue: domain,
        enqueued_at: created,
      });
      batch.sadd(`wave:workflow:${threadId}:tasks`, taskId);
      batch.lpush(`wave:tasks:${domain}`, taskId);
      batch.set(`wave:result:${taskId}`, JSON.stringify({ ok: true }));
    });
    // One task the orchestrator queued without indexing, owned through its data only.
    batch.hset(`wave:task:${threadId}-unindexed`, {
      data: JSON.stringify({ thread_id: threadId }),
      status: 'pending',
      queue: 'qa',
      enqueued_at: created,
    });
    batch.lpush('wave:tasks:qa', `${threadId}-unindexed`);
  });
  await batch.exec();
}

const RESET_BOOKKEEPING = /^wave:reset-(plan|request):/;

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
 * What a mutation aimed at `targets` may change: those workflows' own keys, their tasks and results,
 * their own entries in the queues and the index, new audit entries and new reset bookkeeping keys.
 * Everything else must be equal.
 */
function changesOutsideTargets(targets: readonly string[], before: Dump, after: Dump): string[] {
  const owned = new Set(targets.flatMap((threadId) => [...tasksOf(threadId, before, after)]));
  const targetKeys = new Set([
    ...targets.flatMap((threadId) => [`wave:workflow:${threadId}`, `wave:workflow:${threadId}:tasks`, `wave:audit:${threadId}`]),
    ...[...owned].flatMap((id) => [`wave:task:${id}`, `wave:result:${id}`]),
  ]);
  const changed: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (targetKeys.has(key)) continue;
    const was = before.get(key)?.value;
    const is = after.get(key)?.value;
    // A preview stores its plan and a reset its requestId's answer: new keys of their own, never others'.
    if (RESET_BOOKKEEPING.test(key) && was === undefined) continue;
    if (key === 'wave:audit') {
      const kept = (is as unknown[] | undefined)?.slice(0, (was as unknown[] | undefined)?.length ?? 0) ?? [];
      if (JSON.stringify(kept) !== JSON.stringify(was ?? [])) changed.push(key);
    } else if (key === 'wave:workflows') {
      const others = (scores: unknown) =>
        JSON.stringify(
          ((scores as string[] | undefined) ?? []).flatMap((m, i, all) => (i % 2 === 0 && !targets.includes(m) ? [m, all[i + 1]] : [])),
        );
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
  runWorkflow: {
    query: 'mutation M($threadId: ID!) { runWorkflow(threadId: $threadId) { phase } }',
    variables: fc.record({ threadId: threadIdArb }),
  },
  stopWorkflow: {
    query: 'mutation M($threadId: ID!) { stopWorkflow(threadId: $threadId) { phase } }',
    variables: fc.record({ threadId: threadIdArb }),
  },
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
        reason: mostly(
          fc.string({ minLength: 1, maxLength: 40 }).filter((r) => r.trim() !== ''),
          hostileString,
        ),
        dryRun: fc.oneof(fc.boolean(), fc.constant(null)),
        requestId: mostly(fc.string({ minLength: 1, maxLength: 20 }), hostileString),
        planToken: fc.oneof(fc.constant(null), hostileString, fc.stringMatching(/^[0-9a-f]{64}$/)),
        expectedGate: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 7 }), hostileInt),
        expectedPhase: fc.oneof(fc.constant(null), fc.constantFrom('PENDING', 'RUNNING', 'BLOCKED'), hostileString),
      }),
    }),
  },
  resetStuckWorkflows: {
    query: 'mutation M($input: ResetStuckWorkflowsInput!) { resetStuckWorkflows(input: $input) { outcomes { threadId } } }',
    variables: fc.record({
      input: fc.record({
        kind: fc.oneof(
          fc.constant(null),
          fc.constantFrom('QUEUED_TOO_LONG', 'AGENT_GONE', 'RESULT_NOT_ADVANCED', 'SAFETY_BLOCKED'),
          hostileString,
        ),
        olderThan: fc.oneof(fc.constant(null), fc.constantFrom('1s', '10m', '1000d'), hostileString),
        dryRun: fc.oneof(fc.boolean(), fc.constant(null)),
        reason: mostly(
          fc.string({ minLength: 1, maxLength: 40 }).filter((r) => r.trim() !== ''),
          hostileString,
        ),
        limit: mostly(fc.integer({ min: 1, max: 3 }), hostileInt),
        requestId: fc.oneof(fc.constant(null), fc.string({ minLength: 1, maxLength: 20 }), hostileString),
        plans: fc.oneof(fc.constant(null), fc.array(fc.record({ threadId: threadIdArb, planToken: hostileString }), { maxLength: 3 })),
      }),
    }),
  },
};

/** The workflows a call names: the one in its input, the one startWorkflow created, or those a batch answered for. */
function targetsOf(variables: Record<string, any>, data: Record<string, any> | null | undefined): string[] {
  const batch: Array<{ threadId: string }> | undefined = data?.resetStuckWorkflows?.outcomes;
  if (batch) return batch.map((outcome) => outcome.threadId);
  const threadId = variables.input?.threadId ?? variables.threadId ?? data?.startWorkflow?.threadId;
  return typeof threadId === 'string' ? [threadId] : [];
}

/**
 * `serialized` without the strings the caller sent (a message may quote its value, and a value such as
 * "at x.js" is no stack frame of ours), each as JSON.stringify would have escaped it.
 */
function withoutCallerStrings(serialized: string, input: unknown): string {
  const strings: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(input);
  return strings
    .filter((value) => value.length > 0)
    .sort((a, b) => b.length - a.length)
    .reduce((text, value) => text.split(JSON.stringify(value).slice(1, -1)).join(''), serialized);
}

describe('every mutation under hostile input, over HTTP on a real Redis holding other workflows', () => {
  const fixture = useTestApp();
  let run = 0;
  // A caller per run: every run reaches the resolvers instead of spending one budget of @rateLimit.
  const admin = () => fixture.app.token(['admin'], `property-tester-${(run += 1)}`);

  beforeEach(async () => {
    await writeNeighbours(fixture.redis);
  });

  it.each(Object.entries(MUTATIONS))('%s changes nothing outside the workflow it names', async (_name, { query, variables }) => {
    await fc.assert(
      fc.asyncProperty(variables, async (vars) => {
        const before = (await dumpWorkflowState(fixture.redis)) as Dump;
        const { status, body } = await fixture.app.request(query, vars, admin());
        const after = (await dumpWorkflowState(fixture.redis)) as Dump;
        expect(changesOutsideTargets(targetsOf(vars, body.data), before, after)).toEqual([]);
        // Whatever happened, the answer is a GraphQL answer with a public code and no internals.
        expect(status).toBeLessThan(500);
        for (const error of body.errors ?? []) {
          expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
          expect(withoutCallerStrings(JSON.stringify(error), vars)).not.toMatch(/stack|ioredis|ERR |at .*\.js/);
        }
      }),
      { numRuns: 100 },
    );
  });
});
