import { Writable } from 'node:stream';
import pino from 'pino';
import { MAX_TASK_DATA_DEPTH } from '../../src/workflows/workflow.validation';
import { TestApp } from '../helpers/app';
import { RedisServer } from '../helpers/redis-server';
import { WORKFLOW_EVENTS } from '../subscriptions/support';
import { postJson, send } from './support';

const ENQUEUE = 'mutation ($input: EnqueueTaskInput!) { enqueueTask(input: $input) { id } }';

/**
 * Issue 11 point 11: what a client caused is answered with a code naming the client's mistake, HTTP 4xx,
 * and logs no error (an error line with a stack is what pages someone at night).
 */
describe('client-caused errors', () => {
  let server: RedisServer;
  let app: TestApp;
  /** Every line the server logged at error level or above. */
  const errorLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    server = await RedisServer.start();
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (Number(entry.level) >= 50) errorLines.push(entry);
        }
        done();
      },
    });
    app = await TestApp.start(server.url, {}, pino({ level: 'warn' }, capture));
  });
  beforeEach(async () => {
    errorLines.length = 0;
    const redis = server.client();
    await redis.flushall();
    await redis.hset('wave:workflow:wf-1', { thread_id: 'wf-1', gate: '0', phase: 'running', created_at: '1000', updated_at: '1000' });
    await redis.zadd('wave:workflows', 1000, 'wf-1');
    redis.disconnect();
  });
  afterAll(async () => {
    await app?.stop();
    await server?.dispose();
  });

  it('answers a subscription sent over HTTP POST with BAD_REQUEST and HTTP 400', async () => {
    const response = await postJson(
      app.url,
      { query: WORKFLOW_EVENTS, variables: { threadId: 'wf-1' } },
      { authorization: `Bearer ${app.token(['viewer'])}` },
    );
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } })]);
    expect(response.json.errors[0].message).toMatch(/WebSocket/);
    expect(errorLines).toEqual([]);
  });

  it.each([
    ['a type the schema lacks', 'Nope'],
    ['a type that is no entity', 'Task'],
  ])('answers an _entities representation of %s with BAD_USER_INPUT', async (_label, typename) => {
    const { status, body } = await app.request(
      'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Workflow { threadId } } }',
      {
        representations: [
          { __typename: 'Workflow', threadId: 'wf-1' },
          { __typename: typename, threadId: 'wf-1' },
        ],
      },
      app.token(['viewer']),
    );
    expect(status).toBeLessThan(500);
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: `representations[1] is of type "${typename}", which is no entity here.`,
        extensions: { code: 'BAD_USER_INPUT', field: 'representations' },
      }),
    ]);
    expect(errorLines).toEqual([]);
  });

  /**
   * enqueueTask with `{ "d": { "d": … { "leaf": true } } }`, `depth` objects deep, as JSON text: the
   * client's own JSON.stringify would run out of stack first.
   */
  const enqueueNested = (depth: number) => enqueueData(`${'{"d":'.repeat(depth - 1)}{"leaf":true}${'}'.repeat(depth - 1)}`);
  const enqueueData = (json: string) =>
    send(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.token(['operator'])}` },
      body: `{"query": ${JSON.stringify(ENQUEUE)}, "variables": {"input": {"threadId": "wf-1", "domain": "FE", "data": ${json}}}}`,
    });

  // 4100 levels as reported; 10000 is where JSON.stringify runs out of stack in this Node.
  it.each([MAX_TASK_DATA_DEPTH + 1, 4100, 10000])(
    'answers enqueueTask data nested %i levels deep with BAD_USER_INPUT naming data',
    async (depth) => {
      const { status, json } = await enqueueNested(depth);
      expect(json.errors).toEqual([
        expect.objectContaining({
          message: `data must be nested at most ${MAX_TASK_DATA_DEPTH} levels deep`,
          extensions: { code: 'BAD_USER_INPUT', field: 'data' },
        }),
      ]);
      expect(status).toBeLessThan(500);
      expect(errorLines).toEqual([]);
    },
  );

  it.each([
    [
      'null for a non-null argument with a default',
      'query ($first: Int) { workflows(first: $first) { nodes { threadId } } }',
      { first: null },
    ],
    [
      'null for a non-null input field with a default',
      'mutation ($gate: Int) { resetWorkflow(input: { threadId: "wf-1", reason: "r", dryRun: true, resetToGate: $gate }) { success } }',
      { gate: null },
    ],
  ])('answers %s, which graphql-js only finds while executing, with BAD_USER_INPUT', async (_label, query, variables) => {
    const { status, body } = await app.request(query, variables, app.token(['operator']));
    expect(status).toBe(200);
    expect(body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })]);
    expect(errorLines).toEqual([]);
  });

  it('counts arrays as levels too', async () => {
    const arrays = MAX_TASK_DATA_DEPTH;
    const { json } = await enqueueData(`{"a": ${'['.repeat(arrays)}1${']'.repeat(arrays)}}`);
    expect(json.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'data' });
  });

  it('enqueues data nested exactly MAX_TASK_DATA_DEPTH levels deep', async () => {
    const { json } = await enqueueNested(MAX_TASK_DATA_DEPTH);
    expect(json.errors).toBeUndefined();
  });
});
