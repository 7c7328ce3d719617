import { useTestApp } from '../helpers/app';
import { writeWorkflow } from '../workflows/support';
import { RedisServer } from '../helpers/redis-server';
import { ObservedApp } from '../observability/support';

const GATEWAY_SECRET = 'a-secret-only-the-gateway-and-this-subgraph-know';

/**
 * What Hive Gateway sends for 40 aliased `workflow` fields sharing one fragment: each field renamed
 * `_vN_workflow`, its literal turned into a variable and a copy of the fragment of its own. About 1,700
 * tokens, where the client's document was about 570.
 */
const GATEWAY_REWRITE = (() => {
  const fields = Array.from({ length: 40 }, (_, n) => n);
  const variables = fields.map((n) => `$_v${n}_threadId: ID!`).join(' ');
  const selections = fields.map((n) => `_v${n}_workflow: workflow(threadId: $_v${n}_threadId) { ..._v${n}_W }`).join(' ');
  const fragments = fields.map((n) => `fragment _v${n}_W on Workflow { threadId phase gate attempt tasks { id status } }`).join(' ');
  return {
    query: `query (${variables}) { ${selections} } ${fragments}`,
    variables: Object.fromEntries(fields.map((n) => [`_v${n}_threadId`, `wf-${n}`])),
  };
})();

describe('a trusted federation gateway (GATEWAY_SECRET)', () => {
  let server: RedisServer;
  let trusting: ObservedApp;
  let plain: ObservedApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    [trusting, plain] = await Promise.all([
      ObservedApp.start(server, { GATEWAY_SECRET, INTROSPECTION: 'false', MAX_ALIASES: '40' }),
      ObservedApp.start(server, { INTROSPECTION: 'false', MAX_ALIASES: '40' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([trusting?.stop(), plain?.stop()]);
    await server?.dispose();
  });

  const asGateway = (app: ObservedApp, query: string, variables: Record<string, unknown> = {}, secret = GATEWAY_SECRET) =>
    app.graphql(query, variables, { token: app.token(['viewer']), headers: { 'x-gateway-secret': secret } });
  const codes = (body: { errors?: Array<{ extensions?: { code?: string } }> }) => body.errors?.map((error) => error.extensions?.code);

  it("parses a gateway's rewrite of a client's operation, longer than MAX_TOKENS, and runs it", async () => {
    const { status, body } = await asGateway(trusting, GATEWAY_REWRITE.query, GATEWAY_REWRITE.variables);
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(Object.keys(body.data)).toHaveLength(40);
  });

  it('holds a client sending the same document to MAX_TOKENS, even after the gateway had it parsed', async () => {
    await asGateway(trusting, GATEWAY_REWRITE.query, GATEWAY_REWRITE.variables);
    const { status, body } = await trusting.graphql(GATEWAY_REWRITE.query, GATEWAY_REWRITE.variables, {
      token: trusting.token(['viewer']),
    });
    expect(status).toBe(400);
    expect(codes(body)).toEqual(['TOO_MANY_TOKENS']);
  });

  it('serves a wrong secret as any client, and logs it without the secret', async () => {
    const { status, body } = await asGateway(
      trusting,
      GATEWAY_REWRITE.query,
      GATEWAY_REWRITE.variables,
      'a-guess-that-is-long-enough-to-be-a-secret',
    );
    expect(status).toBe(400);
    expect(codes(body)).toEqual(['TOO_MANY_TOKENS']);
    expect(trusting.logs.withMessage('gateway secret does not match GATEWAY_SECRET; served as a client')).toHaveLength(1);
    expect(JSON.stringify(trusting.logs.lines)).not.toContain('a-guess');
  });

  it('gives the gateway `_service` to compose with introspection off, and nobody else', async () => {
    const gateway = await asGateway(trusting, '{ _service { sdl } }');
    expect(gateway.body.data._service.sdl).toMatch(/type Workflow\s+@key\(fields: "threadId"\)/);
    const client = await trusting.graphql('{ _service { sdl } }', {}, { token: trusting.token(['viewer']) });
    expect(client.status).toBe(400);
    expect(client.body.data).toBeUndefined();
  });

  it('trusts no header when GATEWAY_SECRET is not set', async () => {
    const { status, body } = await asGateway(plain, GATEWAY_REWRITE.query, GATEWAY_REWRITE.variables);
    expect(status).toBe(400);
    expect(codes(body)).toEqual(['TOO_MANY_TOKENS']);
  });
});

describe('refusals answered to a trusted gateway', () => {
  const fixture = useTestApp({ GATEWAY_SECRET, RESET_PREVIEW_RATE_LIMIT: '1/1m' });

  it('answers a refusal to the gateway with status 200, the codes and Retry-After, where a client gets 429', async () => {
    await writeWorkflow(fixture.redis as never, 'wf-limited');
    const preview = 'mutation { resetWorkflow(input: { threadId: "wf-limited", reason: "look", dryRun: true }) { success } }';
    const token = fixture.app.token(['operator'], 'limited-operator');
    const headers = { 'x-gateway-secret': GATEWAY_SECRET };
    expect((await fixture.app.request(preview, {}, token, headers)).body.errors).toBeUndefined();
    const throughGateway = await fixture.app.request(preview, {}, token, headers);
    expect(throughGateway.status).toBe(200);
    expect(throughGateway.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(throughGateway.headers.get('retry-after')).toBe(String(throughGateway.body.errors?.[0]?.extensions?.retryAfter));
    const direct = await fixture.app.request(preview, {}, token);
    expect(direct.status).toBe(429);
    expect(direct.body.errors?.map((error) => error.extensions?.code)).toEqual(['RATE_LIMITED']);
  });
});
