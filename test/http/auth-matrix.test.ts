import jwt from 'jsonwebtoken';
import type { Role } from '../../src/auth/roles';
import { TEST_SECRET, useTestApp } from '../helpers/app';
import { dumpWorkflowState, writeIndexedWorkflows } from '../helpers/keyspace';

/** One operation per root field, each valid, so only @auth decides the outcome. */
const ROOT_FIELDS: Array<{ field: string; required: Role; query: string }> = [
  { field: 'workflow', required: 'viewer', query: '{ workflow(threadId: "wf-1") { threadId } }' },
  { field: 'workflows', required: 'viewer', query: '{ workflows(first: 5) { nodes { threadId } } }' },
  { field: 'queues', required: 'viewer', query: '{ queues { domain length } }' },
  { field: 'stuckWorkflows', required: 'viewer', query: '{ stuckWorkflows(first: 5) { nodes { threadId } } }' },
  { field: 'caller', required: 'viewer', query: '{ caller { subject } }' },
  { field: 'workflowCounts', required: 'viewer', query: '{ workflowCounts(newest: 5) { total } }' },
  { field: 'resetAudit', required: 'operator', query: '{ resetAudit(first: 5) { nodes { id } } }' },
  {
    // The federation entry point: guarded by the type-level @auth of each entity type (Workflow).
    field: '_entities',
    required: 'viewer',
    query: '{ _entities(representations: [{ __typename: "Workflow", threadId: "wf-1" }]) { ... on Workflow { threadId } } }',
  },
  { field: 'startWorkflow', required: 'operator', query: 'mutation { startWorkflow(input: { threadId: "wf-new" }) { threadId } }' },
  { field: 'runWorkflow', required: 'operator', query: 'mutation { runWorkflow(threadId: "wf-2") { phase } }' },
  { field: 'stopWorkflow', required: 'operator', query: 'mutation { stopWorkflow(threadId: "wf-1") { phase } }' },
  {
    field: 'enqueueTask',
    required: 'operator',
    query: 'mutation { enqueueTask(input: { threadId: "wf-1", domain: FE, data: { step: 1 } }) { id } }',
  },
  {
    field: 'resetWorkflow',
    required: 'operator',
    query: 'mutation { resetWorkflow(input: { threadId: "wf-1", reason: "auth matrix" }) { success } }',
  },
  {
    field: 'resetStuckWorkflows',
    required: 'admin',
    query: 'mutation { resetStuckWorkflows(input: { reason: "auth matrix" }) { succeeded } }',
  },
];

const ROLE_ORDER: Role[] = ['viewer', 'operator', 'admin'];

describe('@auth on every root field over HTTP', () => {
  const fixture = useTestApp();

  beforeEach(async () => {
    await writeIndexedWorkflows(fixture.redis);
  });

  const badTokens: Array<[string, () => string | undefined]> = [
    ['no token', () => undefined],
    ['a garbage token', () => 'not-a-jwt'],
    [
      'a token signed with another secret',
      () => jwt.sign({ sub: 'x', roles: ['admin'] }, 'another-secret-another-secret-000', { expiresIn: '5m' }),
    ],
    ['an expired token', () => jwt.sign({ sub: 'x', roles: ['admin'], exp: Math.floor(Date.now() / 1000) - 60 }, TEST_SECRET)],
  ];

  describe.each(ROOT_FIELDS)('$field', ({ field, required, query }) => {
    it.each(badTokens)('answers UNAUTHENTICATED to %s and changes nothing', async (_label, token) => {
      const before = await dumpWorkflowState(fixture.redis);
      const { body } = await fixture.app.request(query, {}, token());
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(body.data?.[field] ?? null).toBeNull();
      expect(await dumpWorkflowState(fixture.redis)).toEqual(before);
    });

    it.each(ROLE_ORDER)(`gives role %s what ${required} may do`, async (role) => {
      const before = await dumpWorkflowState(fixture.redis);
      const { body } = await fixture.app.request(query, {}, fixture.app.token([role]));
      if (ROLE_ORDER.indexOf(role) >= ROLE_ORDER.indexOf(required)) {
        expect(body.errors).toBeUndefined();
        expect(body.data?.[field]).toBeDefined();
      } else {
        expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(await dumpWorkflowState(fixture.redis)).toEqual(before);
      }
    });

    it('answers FORBIDDEN to a valid token without roles', async () => {
      const { body } = await fixture.app.request(query, {}, fixture.app.token([]));
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  it("keeps a workflow's audit trail (Workflow.resets) from viewers while they read the rest", async () => {
    const query = '{ workflow(threadId: "wf-1") { threadId resets { nodes { id } } } }';
    const viewer = await fixture.app.request(query, {}, fixture.app.token(['viewer']));
    // Workflow.resets is nullable: the viewer keeps the workflow, without its audit trail.
    expect(viewer.body.data?.workflow).toEqual({ threadId: 'wf-1', resets: null });
    expect(viewer.body.errors?.[0]).toMatchObject({ path: ['workflow', 'resets'], extensions: { code: 'FORBIDDEN' } });
    const operator = await fixture.app.request(query, {}, fixture.app.token(['operator']));
    expect(operator.body.data?.workflow).toEqual({ threadId: 'wf-1', resets: { nodes: [] } });
  });

  it('covers every root field of the schema', async () => {
    const { body } = await fixture.app.request('{ __schema { queryType { fields { name } } mutationType { fields { name } } } }');
    const names = [...body.data!.__schema.queryType.fields, ...body.data!.__schema.mutationType.fields].map(
      (f: { name: string }) => f.name,
    );
    // `_service` serves the subgraph SDL to gateways composing us: public by the federation spec.
    expect(names.filter((name: string) => name !== '_service').sort()).toEqual(ROOT_FIELDS.map((f) => f.field).sort());
  });
});
