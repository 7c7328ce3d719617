import { Writable } from 'node:stream';
import pino from 'pino';
import { TestApp } from '../helpers/app';
import { RedisServer } from '../helpers/redis-server';
import { WORKFLOW_EVENTS } from '../subscriptions/support';
import { postJson } from './support';

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
    const response = await postJson(app.url, { query: WORKFLOW_EVENTS, variables: { threadId: 'wf-1' } }, { authorization: `Bearer ${app.token(['viewer'])}` });
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } })]);
    expect(response.json.errors[0].message).toMatch(/WebSocket/);
    expect(errorLines).toEqual([]);
  });
});
