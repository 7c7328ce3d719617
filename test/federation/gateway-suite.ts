import { Lexer, print, Source, TokenKind } from 'graphql';
import { ConfirmResetDocument, PreviewResetDocument } from '../../generated/operations';
import { eventually } from '../helpers/eventually';
import { writeTask, writeWorkflow } from '../workflows/support';
import {
  type Federation,
  GATEWAY_SECRET,
  type GatewayKind,
  type GatewayResponse,
  KEPT_OF_REFUSALS,
  type KeptOfRefusal,
  post,
  useFederation,
} from './support';

const SPANNING_QUERY = '{ project(id: "p-1") { name workflows { threadId phase gate } } }';

/** The tokens of a document as graphql-js counts them for `maxTokens`. */
function tokenCount(document: string): number {
  const lexer = new Lexer(new Source(document));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  return count;
}

/** One fragment of 77 tokens, spread once per alias: what a dashboard sends. */
const WORKFLOW_CARD = `fragment Card on Workflow {
  threadId gate phase attempt createdAt updatedAt
  health { stuck reasons { kind taskId since durationSeconds suggestedFix } }
  tasks { id domain status data result enqueuedAt startedAt heartbeatAt agent }
  resets(first: 1) {
    nodes { id kind threadId actor reason requestId at cleared { tasks results queues } before { gate phase attempt } after { gate phase attempt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const aliasedWorkflows = (count: number, selection: string) =>
  Array.from({ length: count }, (_, i) => `w${i + 1}: workflow(threadId: "wf-${(i % 2) + 1}") ${selection}`).join('\n  ');
/** 11 aliases of `workflow` sharing one fragment: about 213 tokens from the client, over 1000 once a gateway copies the fragment. */
export const ELEVEN_ALIASES = `query Cards {\n  ${aliasedWorkflows(11, '{ ...Card }')}\n}\n${WORKFLOW_CARD}`;
/** 14 aliases and 2 other root fields: 14 aliases from the client, 16 once a gateway renames every root field. */
const FOURTEEN_ALIASES_AND_TWO_FIELDS = `query Board {
  ${aliasedWorkflows(14, '{ phase gate }')}
  queues { domain length }
  workflows(first: 1) { nodes { threadId } }
}`;
/** Over MAX_TOKENS (1000) as the client sends it. */
const OVER_LONG = `{ workflow(threadId: "wf-1") { ${Array.from({ length: 1000 }, () => 'threadId').join(' ')} } }`;

/**
 * What a refusal of ours looks like to a client behind a gateway that keeps `kept` of it. `retryAfter`:
 * the wait we announce, or, for a rate limit, the longest (the wait left in the window is announced).
 */
function expectRefusal(
  answer: GatewayResponse,
  refusal: { status: 429 | 503; code: string; retryAfter: number },
  kept: KeptOfRefusal,
): void {
  expect(answer.status).toBe(kept.status ? refusal.status : 200);
  const extensions = answer.body.errors?.[0]?.extensions;
  if (kept.codes) {
    expect(extensions?.code).toBe(refusal.code);
    if (refusal.code === 'RATE_LIMITED') {
      expect(extensions?.retryAfter).toBeGreaterThanOrEqual(1);
      expect(extensions?.retryAfter).toBeLessThanOrEqual(refusal.retryAfter);
    }
  } else {
    // Our errors are only in extensions.response.body: a client reading `code` sees neither the refusal nor the wait.
    expect(answer.body.errors?.[0]?.message).toMatch(new RegExp(`^${refusal.status}: `));
    expect(extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', response: { status: refusal.status } });
    expect(extensions?.retryAfter).toBeUndefined();
  }
  const announced = refusal.code === 'RATE_LIMITED' ? extensions?.retryAfter : refusal.retryAfter;
  expect(answer.headers.get('retry-after')).toBe(kept.retryAfterHeader ? String(announced) : null);
}

/**
 * The suite every gateway we document passes: our subgraph and the projects subgraph composed behind
 * `kind`, queried as a client of the gateway would.
 */
export function describeGateway(kind: GatewayKind): Federation {
  const fixture = useFederation(kind);
  const kept = KEPT_OF_REFUSALS[kind];

  describe('queries and entities', () => {
    it('resolves a project from the projects subgraph with its workflows fetched from our Redis (our _entities)', async () => {
      const { body } = await post(fixture.gateway.url, SPANNING_QUERY, { token: fixture.app.token(['viewer']) });
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({
        project: {
          name: 'Checkout revamp',
          workflows: [
            { threadId: 'wf-1', phase: 'RUNNING', gate: 2 },
            { threadId: 'wf-2', phase: 'STOPPED', gate: 0 },
          ],
        },
      });
    });

    it("adds the projects subgraph's Workflow.project to our workflow (its _entities, with our representation)", async () => {
      const { body } = await post(fixture.gateway.url, '{ workflow(threadId: "wf-1") { phase project { name } } }', {
        token: fixture.app.token(['viewer']),
      });
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({ workflow: { phase: 'RUNNING', project: { name: 'Checkout revamp' } } });
      expect(fixture.projects.resolvedWorkflows).toEqual(['wf-1']);
    });

    it("forwards the caller's Authorization and X-Request-Id to our subgraph, and the gateway secret to ours only", async () => {
      const token = fixture.app.token(['viewer']);
      await post(fixture.gateway.url, '{ workflow(threadId: "wf-1") { phase project { name } } }', {
        token,
        requestId: 'req-federation-1',
      });
      expect(fixture.received).toContainEqual(
        expect.objectContaining({
          authorization: `Bearer ${token}`,
          'x-request-id': 'req-federation-1',
          'x-gateway-secret': GATEWAY_SECRET,
        }),
      );
      expect(fixture.projects.received.length).toBeGreaterThan(0);
      for (const headers of fixture.projects.received) expect(headers['x-gateway-secret']).toBeUndefined();
    });
  });

  describe('refusals, with their codes', () => {
    it('answers UNAUTHENTICATED to a caller without a token, with no workflow data', async () => {
      const { body } = await post(fixture.gateway.url, SPANNING_QUERY);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(body.data ?? null)).not.toMatch(/RUNNING|STOPPED|"gate"/);
    });

    it('keeps Workflow.resets FORBIDDEN for a viewer, who keeps the workflows', async () => {
      const { body } = await post(fixture.gateway.url, '{ project(id: "p-1") { workflows { threadId resets { nodes { id } } } } }', {
        token: fixture.app.token(['viewer']),
      });
      expect(body.errors?.length).toBeGreaterThan(0);
      expect(body.errors?.every((error) => error.extensions?.code === 'FORBIDDEN')).toBe(true);
      expect(body.data?.project.workflows).toEqual([
        { threadId: 'wf-1', resets: null },
        { threadId: 'wf-2', resets: null },
      ]);
    });

    it('answers BAD_USER_INPUT naming the argument (extensions.field)', async () => {
      const { body } = await post(fixture.gateway.url, '{ workflow(threadId: "wf-1:tasks") { phase } }', {
        token: fixture.app.token(['viewer']),
      });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'threadId' });
      expect(body.data).toEqual({ workflow: null });
    });
  });

  describe('a reset, previewed then confirmed', () => {
    it('runs exactly the previewed plan by its planToken, and the audit trail names the operator', async () => {
      await writeWorkflow(fixture.redis, 'wf-stuck', { gate: 3, phase: 'running' });
      await writeTask(fixture.redis, { id: 't-stuck', threadId: 'wf-stuck', queued: true });
      const operator = fixture.app.token(['operator'], `operator@${kind}`);
      const variables = { threadId: 'wf-stuck', reason: 'agent crashed' };

      const preview = await post(fixture.gateway.url, print(PreviewResetDocument), { variables, token: operator });
      expect(preview.body.errors).toBeUndefined();
      const plan = preview.body.data?.resetWorkflow.plan;
      expect(plan).toMatchObject({ taskIds: ['t-stuck'], target: { gate: 0, phase: 'PENDING' } });

      const confirm = await post(fixture.gateway.url, print(ConfirmResetDocument), {
        variables: { ...variables, planToken: plan.planToken },
        token: operator,
      });
      expect(confirm.body.errors).toBeUndefined();
      expect(confirm.body.data?.resetWorkflow).toMatchObject({
        success: true,
        cleared: { tasks: 1 },
        newState: { gate: 0, phase: 'PENDING', attempt: 1 },
      });

      const audit = await post(fixture.gateway.url, '{ workflow(threadId: "wf-stuck") { phase resets { nodes { kind actor reason } } } }', {
        token: operator,
      });
      expect(audit.body.data?.workflow).toEqual({
        phase: 'PENDING',
        resets: {
          nodes: [
            { kind: 'RESET', actor: `operator@${kind}`, reason: 'agent crashed' },
            { kind: 'PREVIEW', actor: `operator@${kind}`, reason: 'agent crashed' },
          ],
        },
      });
    });
  });

  describe('what the gateway keeps of a 429 and a 503 (README, "Federation")', () => {
    const PREVIEW = 'mutation { resetWorkflow(input: { threadId: "wf-1", reason: "look", dryRun: true }) { success } }';

    /** A preview past the operator's RESET_PREVIEW_RATE_LIMIT (2 a minute): the answer to the third. */
    async function thirdPreview(url: string, operator: string): Promise<GatewayResponse> {
      for (let i = 0; i < 2; i++) expect((await post(url, PREVIEW, { token: operator })).body.errors).toBeUndefined();
      return post(url, PREVIEW, { token: operator });
    }

    it.each([
      ['with the documented settings', 'documented'],
      ['by default', 'plain'],
    ] as const)('passes on RATE_LIMITED %s with the status, Retry-After and codes KEPT_OF_REFUSALS lists', async (_label, settings) => {
      const gateway = settings === 'documented' ? fixture.gateway : fixture.plainGateway;
      const answer = await thirdPreview(gateway.url, fixture.app.token(['operator'], `limited-${settings}@${kind}`));
      expectRefusal(answer, { status: 429, retryAfter: 60, code: 'RATE_LIMITED' }, kept[settings]);
    });

    it.each([
      ['with the documented settings', 'documented'],
      ['by default', 'plain'],
    ] as const)('passes on SERVICE_UNAVAILABLE while our Redis is down %s, as KEPT_OF_REFUSALS lists', async (_label, settings) => {
      const gateway = settings === 'documented' ? fixture.gateway : fixture.plainGateway;
      const viewer = fixture.app.token(['viewer']);
      await fixture.redisServer.stop();
      try {
        const answer = await post(gateway.url, '{ queues { length } }', { token: viewer });
        expectRefusal(answer, { status: 503, retryAfter: 2, code: 'SERVICE_UNAVAILABLE' }, kept[settings]);
      } finally {
        await fixture.redisServer.launch();
        await eventually('our server reconnected to Redis', async () => fixture.app.redis.status === 'ready');
      }
    });
  });

  describe('query limits, judged on what the client sent (issue 14 point 3)', () => {
    it('lets 11 aliases sharing one fragment through, as it does directly', async () => {
      expect(tokenCount(ELEVEN_ALIASES)).toBe(213);
      const token = fixture.app.token(['operator']);
      const direct = await post(fixture.app.url, ELEVEN_ALIASES, { token });
      expect(direct.body.errors).toBeUndefined();
      const through = await post(fixture.gateway.url, ELEVEN_ALIASES, { token });
      expect(through.body.errors).toBeUndefined();
      expect(through.body.data).toEqual(direct.body.data);
    });

    it('lets 14 aliases and 2 other root fields through, as it does directly', async () => {
      const token = fixture.app.token(['operator']);
      const direct = await post(fixture.app.url, FOURTEEN_ALIASES_AND_TWO_FIELDS, { token });
      expect(direct.body.errors).toBeUndefined();
      const through = await post(fixture.gateway.url, FOURTEEN_ALIASES_AND_TWO_FIELDS, { token });
      expect(through.body.errors).toBeUndefined();
      expect(through.body.data).toEqual(direct.body.data);
    });

    it('refuses a document over the client token limit at the gateway, before anything reaches our subgraph', async () => {
      const token = fixture.app.token(['viewer']);
      const direct = await post(fixture.app.url, OVER_LONG, { token });
      expect(direct.body.errors?.[0]?.extensions?.code).toBe('TOO_MANY_TOKENS');
      fixture.received.length = 0;
      const through = await post(fixture.gateway.url, OVER_LONG, { token });
      // Both gateways refuse it as a document they could not parse, not with our TOO_MANY_TOKENS.
      expect(through.status).toBe(400);
      expect(through.body.data ?? null).toBeNull();
      expect(through.body.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/token/i),
        extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      });
      expect(fixture.received).toEqual([]);
    });
  });

  return fixture;
}
