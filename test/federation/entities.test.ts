import { useTestApp } from '../helpers/app';
import { writeIndexedWorkflows } from '../helpers/keyspace';

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Workflow { threadId phase gate } }
}`;

const workflowRefs = (...threadIds: unknown[]) => ({
  representations: threadIds.map((threadId) => ({ __typename: 'Workflow', threadId })),
});

describe('federation entry points of our server, queried directly', () => {
  const fixture = useTestApp();

  beforeEach(async () => {
    await writeIndexedWorkflows(fixture.redis, 1);
  });

  describe('_entities', () => {
    it('refuses a caller without a token with UNAUTHENTICATED and returns no data', async () => {
      const { body } = await fixture.app.request(ENTITIES, workflowRefs('wf-1'));
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(body.data ?? null).toBeNull();
    });

    it('refuses a token without roles with FORBIDDEN', async () => {
      const { body } = await fixture.app.request(ENTITIES, workflowRefs('wf-1'), fixture.app.token([]));
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(body.data ?? null).toBeNull();
    });

    it('answers a refused caller alike for an existing and a missing workflow (no existence oracle)', async () => {
      const existing = await fixture.app.request(ENTITIES, workflowRefs('wf-1'));
      const missing = await fixture.app.request(ENTITIES, workflowRefs('wf-missing'));
      expect(missing.body).toEqual(existing.body);
    });

    it('gives a viewer the workflows from Redis, and null for a workflow that does not exist', async () => {
      const { body } = await fixture.app.request(ENTITIES, workflowRefs('wf-1', 'wf-missing'), fixture.app.token(['viewer']));
      expect(body.errors).toBeUndefined();
      expect(body.data?._entities).toEqual([{ threadId: 'wf-1', phase: 'RUNNING', gate: 2 }, null]);
    });

    it('keeps Workflow.resets FORBIDDEN to a viewer who fetches the entity', async () => {
      const { body } = await fixture.app.request(
        'query ($representations: [_Any!]!) { _entities(representations: $representations) ' +
          '{ ... on Workflow { resets { nodes { id } } } } }',
        workflowRefs('wf-1'),
        fixture.app.token(['viewer']),
      );
      expect(body.errors?.[0]).toMatchObject({ path: ['_entities', 0, 'resets'], extensions: { code: 'FORBIDDEN' } });
      expect(body.data?._entities).toEqual([{ resets: null }]);
    });

    it('refuses a representation whose threadId is not a string with BAD_USER_INPUT', async () => {
      const { body } = await fixture.app.request(ENTITIES, workflowRefs(42), fixture.app.token(['viewer']));
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'threadId' });
      expect(body.data?._entities).toEqual([null]);
    });
  });

  describe('_service', () => {
    it('serves the subgraph SDL with the Workflow key, our directive definitions and their per-field usages', async () => {
      const { body } = await fixture.app.request('{ _service { sdl } }');
      const sdl: string = body.data?._service.sdl;
      expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])');
      expect(sdl).toMatch(/type Workflow\s+@key\(fields: "threadId"\)\s+@auth\(requires: VIEWER\)/);
      expect(sdl).toContain('directive @auth(requires: Role = VIEWER) on FIELD_DEFINITION | OBJECT');
      expect(sdl).toContain('directive @rateLimit(window: String!, max: Int!) on FIELD_DEFINITION');
      expect(sdl).toContain('resetWorkflow(input: ResetWorkflowInput!): CleanupSummary @auth(requires: OPERATOR)\n');
      expect(sdl).toContain(
        'startWorkflow(input: StartWorkflowInput): Workflow @auth(requires: OPERATOR) @rateLimit(window: "1m", max: 120)',
      );
    });
  });
});

describe('_service with introspection off', () => {
  const fixture = useTestApp({ INTROSPECTION: 'false' });

  it('is refused like introspection, so the schema is not handed to anyone who asks', async () => {
    const { status, body } = await fixture.app.request('{ _service { sdl } }');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(body)).not.toContain('resetWorkflow');
  });
});
