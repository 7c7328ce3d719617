import type Redis from 'ioredis';
import { RedisServer } from '../helpers/redis-server';
import { DASHBOARD, ENQUEUE, INFO, ObservedApp, RESET, START } from './support';

describe('structured logs', () => {
  let server: RedisServer;
  let redis: Redis;
  let app: ObservedApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    redis = server.client();
    app = await ObservedApp.start(server);
  });
  afterAll(async () => {
    await app.stop();
    redis.disconnect();
    await server.dispose();
  });

  function operationLines(requestId: string) {
    return app.logs.lines.filter((line) => line.requestId === requestId && line.msg === 'graphql operation');
  }

  it('echoes a well-formed x-request-id and logs the operation under it', async () => {
    const response = await app.graphql(DASHBOARD, {}, { token: app.token(['viewer']), headers: { 'x-request-id': 'gw-123.abc_XYZ' } });

    expect(response.headers.get('x-request-id')).toBe('gw-123.abc_XYZ');
    expect(operationLines('gw-123.abc_XYZ')).toHaveLength(1);
  });

  it('generates a fresh request id when none is given, and one for each request', async () => {
    const first = await app.graphql(DASHBOARD, {}, { token: app.token(['viewer']) });
    const second = await app.graphql(DASHBOARD, {}, { token: app.token(['viewer']) });

    const ids = [first.headers.get('x-request-id'), second.headers.get('x-request-id')];
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
    expect(operationLines(ids[0]!)).toHaveLength(1);
  });

  it.each([
    ['longer than 128 characters', 'a'.repeat(129)],
    ['with a space', 'abc def'],
    ['with a quote', 'abc"def'],
  ])('replaces an x-request-id %s with a generated one', async (_case, given) => {
    const response = await app.graphql(DASHBOARD, {}, { headers: { 'x-request-id': given } });

    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(app.logs.text).not.toContain(given);
  });

  it("writes one info line per operation with its name, type, the caller's sub, duration, outcome and codes", async () => {
    const response = await app.graphql(DASHBOARD, {}, { token: app.token(['viewer'], 'alice'), headers: { 'x-request-id': 'op-fields' } });
    expect(response.body.errors).toBeUndefined();

    const [line] = operationLines('op-fields');
    expect(line).toMatchObject({
      level: INFO,
      operation: 'Dashboard',
      operationType: 'query',
      sub: 'alice',
      outcome: 'ok',
      errorCodes: [],
      status: 200,
    });
    expect(typeof line.durationMs).toBe('number');
  });

  it('logs a refused operation with its error codes', async () => {
    await app.graphql(
      RESET,
      { input: { threadId: 'wf-x', reason: 'stuck' } },
      { token: app.token(['viewer'], 'bob'), headers: { 'x-request-id': 'op-refused' } },
    );

    expect(operationLines('op-refused')).toEqual([
      expect.objectContaining({ operation: 'Reset', operationType: 'mutation', sub: 'bob', outcome: 'error', errorCodes: ['FORBIDDEN'] }),
    ]);
  });

  it('never writes the bearer token, the variables or the task data', async () => {
    const token = app.token(['operator'], 'carol');
    const secret = 'sk_live_0123456789abcdefSECRET';
    await app.graphql(START, { threadId: 'wf-secret' }, { token });
    await app.graphql(ENQUEUE, { input: { threadId: 'wf-secret', domain: 'FE', data: { apiKey: secret } } }, { token });
    await app.graphql(`query { workflow(threadId: "${secret}") { threadId } }`, {}, { token });

    expect(app.logs.text).toContain('carol');
    expect(app.logs.text).not.toContain(token);
    expect(app.logs.text).not.toContain(token.split('.')[2]);
    expect(app.logs.text).not.toContain(secret);
    expect(app.logs.text).not.toMatch(/authorization/i);
  });

  it('logs every reset and preview at info with its summary counts, under the request id', async () => {
    const token = app.token(['operator'], 'dave');
    await app.graphql(START, { threadId: 'wf-reset' }, { token });
    await app.graphql(ENQUEUE, { input: { threadId: 'wf-reset', domain: 'BE', data: { n: 1 } } }, { token });
    const input = { threadId: 'wf-reset', reason: 'stuck on BE', resetToGate: 0 };

    await app.graphql(RESET, { input: { ...input, dryRun: true } }, { token, headers: { 'x-request-id': 'preview-1' } });
    await app.graphql(RESET, { input: { ...input, requestId: 'idem-1' } }, { token, headers: { 'x-request-id': 'reset-1' } });
    await app.graphql(RESET, { input: { ...input, requestId: 'idem-1' } }, { token, headers: { 'x-request-id': 'reset-2' } });

    const resets = app.logs.lines.filter((line) => line.threadId === 'wf-reset');
    expect(resets).toEqual([
      expect.objectContaining({
        level: INFO,
        msg: 'workflow reset previewed',
        requestId: 'preview-1',
        dryRun: true,
        replayed: false,
        cleared: { tasks: 1, results: 0, queues: ['be'] },
      }),
      expect.objectContaining({
        level: INFO,
        msg: 'workflow reset',
        requestId: 'reset-1',
        dryRun: false,
        replayed: false,
        attempt: 1,
        idempotencyKey: 'idem-1',
        cleared: { tasks: 1, results: 0, queues: ['be'] },
      }),
      expect.objectContaining({ level: INFO, msg: 'workflow reset', requestId: 'reset-2', replayed: true }),
    ]);
  });

  it('logs a batch reset with its counts, and each workflow it reset', async () => {
    const longAgo = Date.now() - 24 * 3600_000;
    await redis.hset('wave:workflow:wf-stuck', {
      thread_id: 'wf-stuck',
      gate: '2',
      phase: 'running',
      created_at: String(longAgo),
      updated_at: String(longAgo),
    });
    await redis.zadd('wave:workflows', longAgo, 'wf-stuck');
    await redis.hset('wave:task:wf-stuck-t1', {
      thread_id: 'wf-stuck',
      data: '{}',
      status: 'pending',
      queue: 'qa',
      enqueued_at: String(longAgo),
    });
    await redis.sadd('wave:workflow:wf-stuck:tasks', 'wf-stuck-t1');
    await redis.lpush('wave:tasks:qa', 'wf-stuck-t1');

    const response = await app.graphql(
      `mutation Batch { resetStuckWorkflows(input: { reason: "nightly", dryRun: false }) { succeeded failed } }`,
      {},
      { token: app.token(['admin'], 'erin'), headers: { 'x-request-id': 'batch-1' } },
    );
    expect(response.body.data.resetStuckWorkflows).toEqual({ succeeded: 1, failed: 0 });

    const lines = app.logs.lines.filter((line) => line.requestId === 'batch-1');
    expect(lines.map((line) => line.msg)).toEqual(['workflow reset', 'stuck workflows reset', 'graphql operation']);
    expect(lines[0]).toMatchObject({ threadId: 'wf-stuck', cleared: { tasks: 1 } });
    expect(lines[1]).toMatchObject({ level: INFO, dryRun: false, workflows: 1, succeeded: 1, failed: 0 });
  });

  it('writes an access line, without the query string, for a request that ran no operation', async () => {
    const response = await fetch(`${app.url}?token=abc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'not-json' },
      body: '{ nope',
    });
    expect(response.status).toBe(400);

    const line = await app.logs.line((candidate) => candidate.requestId === 'not-json');
    expect(line).toMatchObject({
      level: INFO,
      msg: 'request completed',
      req: { method: 'POST', path: '/graphql' },
      res: { statusCode: 400 },
    });
    expect(app.logs.text).not.toContain('token=abc');
  });
});
