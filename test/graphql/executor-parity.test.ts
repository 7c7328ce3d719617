/**
 * Differential test of the two query engines (GRAPHQL_EXECUTOR): one server on graphql-jit, one on
 * graphql-js, both on one real redis-server with the demo workflows, must give every request the same
 * status, data and errors (message, path, locations, extensions). The corpus: every operation of
 * documents/ and documents/console/, the README's examples, and generated queries over what jit
 * compiles differently (fragments, aliases, variables and their coercion, directives, errors, nulls,
 * abstract types, federation).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, print, visit, type DefinitionNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import type Redis from 'ioredis';
import type { Role } from '../../src/auth/roles';
import { RedisKeys } from '../../src/redis/keys';
import { seedDemoWorkflows } from '../../src/workflows/demo-seed';
import { type GraphQLResponse, type TestApp, useTestApps } from '../helpers/app';

const ROOT = join(__dirname, '..', '..');
const STUCK = 'WAVE1-PM-001-safety-block';
const HEALTHY = 'WAVE1-FE-001-healthy';
/** The server's clock (Date only: timers and I/O run for real), so durations read the same on both. */
const NOW = Date.parse('2026-06-01T12:00:00.000Z');

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  /** No role: the request carries no token. */
  role?: Role;
  /** Writes more than the demo, before the request. */
  seed?: (redis: Redis) => Promise<unknown>;
}

/** Values for the variables the documents declare, by name. */
const DOCUMENT_VARIABLES: Record<string, unknown> = {
  first: 5,
  threadId: STUCK,
  reason: 'parity check',
  resetToGate: 0,
  order: 'NEWEST_FIRST',
  limit: 3,
  stuckFirst: 10,
  newest: 100,
  requestId: 'parity-request',
};

function fragmentsUsedBy(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !used.has(fragment.name.value)) {
          used.set(fragment.name.value, fragment);
          collect(fragment);
        }
      },
    });
  collect(operation);
  return [...used.values()];
}

/** Each query and mutation of documents/ as each role its `# For:` line names, with only the fragments it uses. */
function documentCases(): Case[] {
  const files = ['documents', 'documents/console'].flatMap((folder) =>
    readdirSync(join(ROOT, folder))
      .filter((file) => file.endsWith('.graphql'))
      .map((file) => readFileSync(join(ROOT, folder, file), 'utf8')),
  );
  const definitions: DefinitionNode[] = files.flatMap((text) => parse(text).definitions);
  const fragments = new Map(
    definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return files.flatMap((text) => {
    const roles = ((/^# For: (.*)$/m.exec(text)?.[1] ?? '').match(/\b(VIEWER|OPERATOR|ADMIN)\b/g) ?? []).map(
      (role) => role.toLowerCase() as Role,
    );
    return parse(text)
      .definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && d.operation !== 'subscription')
      .flatMap((operation) => {
        const query = [operation, ...fragmentsUsedBy(operation, fragments)].map((node) => print(node)).join('\n');
        const variables = Object.fromEntries(
          (operation.variableDefinitions ?? [])
            .map((definition) => definition.variable.name.value)
            .filter((name) => name in DOCUMENT_VARIABLES)
            .map((name) => [name, DOCUMENT_VARIABLES[name]]),
        );
        return roles.map((role) => ({ name: `${operation.name?.value} as ${role}`, query, variables, role }));
      });
  });
}

/** The README's curl examples, as the admin the printed development token is. */
function readmeCases(): Case[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/-d '(\{"query".*\})'/g)].map((match, index) => {
    const body = JSON.parse(match[1]) as { query: string; variables?: Record<string, unknown> };
    return { name: `README example ${index + 1}`, query: body.query, variables: body.variables, role: 'admin' as Role };
  });
}

/** One selection of a workflow placed every way a query can place it: jit compiles each differently. */
function placementCases(): Case[] {
  const selections = {
    record: 'threadId gate phase attempt createdAt updatedAt __typename',
    tasks: 'tasks { id domain status data result enqueuedAt startedAt heartbeatAt agent __typename }',
    health: 'health { stuck reasons { kind taskId since durationSeconds suggestedFix } }',
    resets: 'resets(first: 2) { nodes { kind reason } }',
  };
  const placements: Record<string, (selection: string) => string> = {
    plain: (s) => `query ($id: ID!) { workflow(threadId: $id) { ${s} } }`,
    fragment: (s) => `query ($id: ID!) { workflow(threadId: $id) { ...F } } fragment F on Workflow { ${s} }`,
    'nested fragments': (s) =>
      `query ($id: ID!) { workflow(threadId: $id) { ...A } } fragment A on Workflow { ...B } fragment B on Workflow { ${s} }`,
    'inline fragment': (s) => `query ($id: ID!) { workflow(threadId: $id) { ... on Workflow { ${s} } } }`,
    aliased: (s) => `query ($id: ID!) { one: workflow(threadId: $id) { ${s} } other: workflow(threadId: "${HEALTHY}") { ${s} } }`,
    'included by variable': (s) =>
      `query ($id: ID!, $yes: Boolean!) { workflow(threadId: $id) { threadId ... @include(if: $yes) { ${s} } } }`,
    'skipped by variable': (s) =>
      `query ($id: ID!, $yes: Boolean!) { workflow(threadId: $id) { threadId ...F @skip(if: $yes) } } fragment F on Workflow { ${s} }`,
    entities: (s) => `query ($reps: [_Any!]!) { _entities(representations: $reps) { __typename ... on Workflow { ${s} } } }`,
  };
  const variables = {
    id: STUCK,
    yes: true,
    reps: [
      { __typename: 'Workflow', threadId: STUCK },
      { __typename: 'Workflow', threadId: 'no-such-workflow' },
      { __typename: 'Workflow', threadId: HEALTHY },
    ],
  };
  return Object.entries(placements).flatMap(([placement, wrap]) =>
    Object.entries(selections).flatMap(([selectionName, selection]) =>
      (['viewer', 'operator'] as const).map((role) => ({
        name: `${selectionName} placed ${placement}, as ${role}`,
        query: wrap(selection),
        variables,
        role,
      })),
    ),
  );
}

const keys = new RedisKeys('wave');
const BROKEN = 'parity-broken-tasks';
/** A workflow whose task set is not a set: reading its tasks fails (WRONGTYPE), in a non-null position. */
const seedBrokenTasks = (redis: Redis) =>
  redis
    .multi()
    .hset(keys.workflow(BROKEN), 'thread_id', BROKEN, 'gate', '1', 'phase', 'running', 'attempt', '0', 'created_at', String(NOW))
    .zadd(keys.workflowIndex, NOW, BROKEN)
    .set(keys.workflowTasks(BROKEN), 'not a set')
    .exec();

const EDGE_CASES: Case[] = [
  {
    name: 'a failed non-null list nulls its nullable parents (one batched read serves both)',
    query: `{ broken: workflow(threadId: "${BROKEN}") { threadId tasks { id } } fine: workflow(threadId: "${STUCK}") { threadId tasks { id } } }`,
    role: 'viewer',
    seed: seedBrokenTasks,
  },
  {
    name: 'a failed non-null field in a list of non-null items nulls the whole answer',
    query: '{ workflows(first: 20) { nodes { threadId tasks { id status } } } queues { domain length } }',
    role: 'viewer',
    seed: seedBrokenTasks,
  },
  {
    name: 'a failed non-null object in a list of non-null items nulls the whole answer',
    query: '{ workflows(first: 20) { nodes { threadId health { stuck } } } }',
    role: 'viewer',
    seed: seedBrokenTasks,
  },
  { name: 'no token: a non-null root field refused nulls the answer', query: '{ stuckWorkflows { nodes { threadId } } }' },
  {
    name: 'no token: nullable root fields refused one by one',
    query: '{ caller { subject } workflow(threadId: "x") { threadId } __typename }',
  },
  { name: 'a missing workflow is null', query: '{ workflow(threadId: "no-such-workflow") { threadId tasks { id } } }', role: 'viewer' },
  {
    name: 'a refused nullable field inside a list',
    query: `{ workflows(first: 3) { nodes { threadId resets { nodes { reason } } } } }`,
    role: 'viewer',
  },
  { name: 'an out-of-range page size', query: '{ workflows(first: 1000) { nodes { threadId } } }', role: 'viewer' },
  {
    name: 'an out-of-range page size on a non-null root field',
    query: '{ stuckWorkflows(first: 0) { nodes { threadId } } queues { domain } }',
    role: 'viewer',
  },
  { name: 'a malformed cursor', query: '{ workflows(after: "garbage") { nodes { threadId } } }', role: 'viewer' },
  {
    name: 'a thread id prefix and order',
    query: '{ workflows(threadIdPrefix: "WAVE1-FE", order: NEWEST_FIRST) { nodes { threadId } pageInfo { hasNextPage endCursor } } }',
    role: 'viewer',
  },
  {
    name: 'variables left to their defaults',
    query:
      'query ($first: Int = 2, $order: WorkflowOrder = NEWEST_FIRST, $newest: Int! = 50) { workflows(first: $first, order: $order) { nodes { threadId } } workflowCounts(newest: $newest) { total } }',
    role: 'viewer',
  },
  {
    name: 'variables given, enum and null among them',
    query:
      'query ($first: Int, $phase: WorkflowPhase, $after: String) { workflows(first: $first, phase: $phase, after: $after) { nodes { threadId phase } } }',
    variables: { first: 3, phase: 'RUNNING', after: null },
    role: 'viewer',
  },
  {
    name: 'a missing variable of an argument with a default',
    query: 'query ($first: Int) { workflows(first: $first) { nodes { threadId } } }',
    role: 'viewer',
  },
  { name: 'a missing non-null variable', query: 'query ($id: ID!) { workflow(threadId: $id) { threadId } }', role: 'viewer' },
  {
    name: 'a null non-null variable',
    query: 'query ($id: ID!) { workflow(threadId: $id) { threadId } }',
    variables: { id: null },
    role: 'viewer',
  },
  {
    name: 'an invalid Int variable',
    query: 'query ($first: Int) { workflows(first: $first) { nodes { threadId } } }',
    variables: { first: 'many' },
    role: 'viewer',
  },
  {
    name: 'an unknown enum value',
    query: 'query ($phase: WorkflowPhase) { workflows(phase: $phase) { nodes { threadId } } }',
    variables: { phase: 'running' },
    role: 'viewer',
  },
  {
    name: 'several invalid variables',
    query: 'query ($a: Int!, $b: StuckKind, $c: [String!]!) { stuckWorkflows(first: $a, kind: $b) { nodes { threadId } } }',
    variables: { a: 1.5, b: 7, c: [null] },
    role: 'viewer',
  },
  {
    name: 'an ID variable given as a number',
    query: 'query ($id: ID!) { workflow(threadId: $id) { threadId } }',
    variables: { id: 12 },
    role: 'viewer',
  },
  {
    name: 'literal directives on fields, spreads and inline fragments',
    query: `{ workflow(threadId: "${STUCK}") { threadId @skip(if: true) gate @include(if: true) phase @include(if: false) ...F @include(if: false) ... @skip(if: false) { attempt } } } fragment F on Workflow { tasks { id } }`,
    role: 'viewer',
  },
  {
    name: 'a field both skipped and selected again',
    query: `query ($no: Boolean = false) { workflow(threadId: "${STUCK}") { gate @include(if: $no) gate tasks @skip(if: $no) { id } tasks { status } } }`,
    role: 'viewer',
  },
  {
    name: '__typename at the root and below',
    query: '{ __typename queues { __typename domain } caller { __typename roles } }',
    role: 'viewer',
  },
  {
    name: 'several operations, one chosen',
    query: 'query A { queues { domain } } query B { caller { subject roles } }',
    operationName: 'B',
    role: 'operator',
  },
  {
    name: 'the stuck workflows by kind',
    query: '{ stuckWorkflows(kind: AGENT_GONE) { nodes { threadId health { reasons { kind since } } } } }',
    role: 'viewer',
  },
  {
    name: 'the overview counts',
    query: '{ workflowCounts(newest: 10) { total counted byPhase { phase count } stuck { kind count } } }',
    role: 'viewer',
  },
  {
    name: 'the audit trail, refused to a viewer',
    query: '{ resetAudit { nodes { reason } } queues { length oldestQueuedAt } }',
    role: 'viewer',
  },
  { name: 'the subgraph SDL', query: '{ _service { sdl } }', role: 'viewer' },
  {
    name: 'entities: a representation without its key and one of an unknown type',
    query: 'query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Workflow { threadId } } }',
    variables: { reps: [{ __typename: 'Workflow' }, { __typename: 'Nope', threadId: STUCK }] },
    role: 'viewer',
  },
  {
    name: 'entities as no one',
    query: `{ _entities(representations: [{ __typename: "Workflow", threadId: "${STUCK}" }]) { ... on Workflow { threadId gate } } }`,
  },
  { name: 'introspection of the schema', query: '{ __schema { queryType { name } mutationType { fields { name } } } }', role: 'viewer' },
  {
    name: 'introspection of a type',
    query: '{ __type(name: "Workflow") { name fields { name type { kind name ofType { name } } } } }',
    role: 'viewer',
  },
  {
    name: 'a mutation input with non-null fields left to their defaults',
    query: `mutation ($input: ResetWorkflowInput!) { resetWorkflow(input: $input) { success message plan { taskIds target { gate phase } } } }`,
    variables: { input: { threadId: STUCK, reason: 'parity', dryRun: true } },
    role: 'operator',
  },
  {
    name: 'a mutation whose first root field is refused',
    query: `mutation { a: runWorkflow(threadId: "${HEALTHY}") { phase } b: stopWorkflow(threadId: "${HEALTHY}") { phase } }`,
    role: 'viewer',
  },
];

/**
 * Values a mutation makes new on each run (tokens, ids, and times Redis's clock gives, which the
 * faked Date does not reach); everything else must be equal.
 */
const FRESH_VALUE_FIELDS = new Set(['planToken', 'expiresAt', 'id', 'at', 'requestId']);
const TIMESTAMP = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g;

function withoutFreshValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutFreshValues);
  if (typeof value === 'string') return value.replace(TIMESTAMP, '<time>');
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      FRESH_VALUE_FIELDS.has(key) && typeof field === 'string' ? '<fresh>' : withoutFreshValues(field),
    ]),
  );
}

const CASES = [...documentCases(), ...readmeCases(), ...placementCases(), ...EDGE_CASES];
const isMutation = (testCase: Case) => /^\s*mutation\b/.test(testCase.query) || /\bmutation \w+/.test(testCase.query);

describe('query executors: graphql-jit answers exactly as graphql-js', () => {
  // Before the apps are built: their services keep a reference to Date.now from their construction.
  beforeAll(() => {
    jest.useFakeTimers({
      now: NOW,
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
  });
  afterAll(() => {
    jest.useRealTimers();
  });
  const fixture = useTestApps({ jit: { GRAPHQL_EXECUTOR: 'jit' }, graphqlJs: { GRAPHQL_EXECUTOR: 'graphql-js' } });
  beforeEach(async () => {
    await seedDemoWorkflows(fixture.redis as never, keys, NOW);
  });

  const send = async (app: TestApp, { query, variables, operationName, role }: Case): Promise<GraphQLResponse> => {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(role ? { authorization: `Bearer ${app.token([role])}` } : {}) },
      body: JSON.stringify({ query, variables, operationName }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse['body'] };
  };

  it('covers every document operation and README example', () => {
    expect(CASES.filter((testCase) => testCase.name.startsWith('README')).length).toBeGreaterThanOrEqual(2);
    expect(CASES.map((testCase) => testCase.name)).toEqual(
      expect.arrayContaining(['Dashboard as viewer', 'ConsoleOverview as viewer', 'ConfirmReset as operator']),
    );
  });

  it.each(CASES.filter((testCase) => !isMutation(testCase)).map((testCase) => [testCase.name, testCase] as const))(
    'query: %s',
    async (_name, testCase) => {
      await testCase.seed?.(fixture.redis);
      const [jit, graphqlJs] = await Promise.all([send(fixture.apps.jit, testCase), send(fixture.apps.graphqlJs, testCase)]);
      expect({ status: jit.status, body: jit.body }).toEqual({ status: graphqlJs.status, body: graphqlJs.body });
    },
  );

  // A mutation changes the data, so each engine runs it on its own fresh copy of the demo.
  it.each(CASES.filter(isMutation).map((testCase) => [testCase.name, testCase] as const))('mutation: %s', async (_name, testCase) => {
    const answers: GraphQLResponse[] = [];
    for (const app of [fixture.apps.jit, fixture.apps.graphqlJs]) {
      await fixture.redis.flushall();
      await seedDemoWorkflows(fixture.redis as never, keys, NOW);
      const planned = await planTokenFor(app, testCase);
      answers.push(await send(app, { ...testCase, variables: { ...testCase.variables, ...planned } }));
    }
    const [jit, graphqlJs] = answers.map(({ status, body }) => ({ status, body: withoutFreshValues(body) }));
    expect(jit).toEqual(graphqlJs);
  });
});

/** A confirming mutation needs the token of a preview of the same plan, taken on the same server. */
async function planTokenFor(app: TestApp, testCase: Case): Promise<Record<string, unknown>> {
  if (!/\$planToken\b/.test(testCase.query)) return {};
  const { body } = await app.request(
    'mutation ($threadId: ID!, $reason: String!) { resetWorkflow(input: { threadId: $threadId, reason: $reason, dryRun: true }) { plan { planToken } } }',
    { threadId: STUCK, reason: 'parity check' },
    app.token(['operator']),
  );
  return { planToken: body.data?.resetWorkflow?.plan?.planToken };
}
