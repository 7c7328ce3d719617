import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { issueToken } from '../../src/auth/tokens';
import { tracingRequested } from '../../src/observability/tracing';
import { eventually } from '../helpers/eventually';
import { OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver';
import { RedisServer } from '../helpers/redis-server';
import { ServerProcess } from '../helpers/server-process';

const SECRET = 'tracing-secret-0123456789abcdef-xyz';
const THREAD = 'wf-traced-reset-7f3a';
const REASON = 'agent-crashed-reason-d41c';
const RESET = `mutation TracedReset($threadId: ID!, $reason: String!) {
  resetWorkflow(input: { threadId: $threadId, resetToGate: 0, clearTasks: true, clearResults: true, reason: $reason }) {
    success cleared { tasks }
  }
}`;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

async function writeWorkflow(redis: Redis): Promise<void> {
  await redis.hset(`wave:workflow:${THREAD}`, { thread_id: THREAD, gate: '3', phase: 'running', created_at: '1', updated_at: '1' });
  await redis.zadd('wave:workflows', 1, THREAD);
  for (const id of ['t1', 't2']) {
    await redis.hset(`wave:task:${THREAD}-${id}`, { thread_id: THREAD, data: '{}', status: 'pending', queue: 'fe' });
    await redis.sadd(`wave:workflow:${THREAD}:tasks`, `${THREAD}-${id}`);
    await redis.lpush('wave:tasks:fe', `${THREAD}-${id}`);
  }
}

/** The chain of parents from `span` up to the root of what was received. */
function ancestorsOf(span: ReceivedSpan, spans: readonly ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(spans.map((candidate) => [candidate.spanId, candidate]));
  const chain: ReceivedSpan[] = [];
  for (let parent = byId.get(span.parentSpanId ?? ''); parent; parent = byId.get(parent.parentSpanId ?? '')) chain.push(parent);
  return chain;
}

describe('traces, with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let receiver: OtlpReceiver;
  let server: ServerProcess;
  const token = issueToken(SECRET, { sub: 'admin-on-call', roles: ['admin'] }, '5m');

  beforeAll(async () => {
    [redisServer, receiver] = await Promise.all([RedisServer.start(), OtlpReceiver.start()]);
    redis = redisServer.client();
    server = await ServerProcess.start({
      REDIS_URL: redisServer.url,
      JWT_SECRET: SECRET,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SERVICE_NAME: 'wave-control-api-under-test',
      // Exported every 100 ms instead of every 5 s: the test waits for spans, never sleeps.
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
  });

  afterAll(async () => {
    await server?.stop();
    redis.disconnect();
    await Promise.all([redisServer.dispose(), receiver.stop()]);
  });

  it("continues the caller's trace: the operation, its script by name, the request id and the caller", async () => {
    await writeWorkflow(redis);
    const traceId = hex(16);
    const callerSpanId = hex(8);
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        traceparent: `00-${traceId}-${callerSpanId}-01`,
        'x-request-id': 'traced-reset-1',
      },
      body: JSON.stringify({ query: RESET, variables: { threadId: THREAD, reason: REASON } }),
    });
    expect(await response.json()).toEqual({ data: { resetWorkflow: { success: true, cleared: { tasks: 2 } } } });

    const spans = await eventually('the reset script span exported', async () => {
      const received = receiver.trace(traceId);
      return received.some((span) => span.name === 'script resetWorkflow') && received.some((span) => span.name === 'mutation TracedReset')
        ? received
        : undefined;
    });
    const httpSpan = spans.find((span) => span.scope === '@opentelemetry/instrumentation-http')!;
    const operation = spans.find((span) => span.name === 'mutation TracedReset')!;
    const script = spans.find((span) => span.name === 'script resetWorkflow')!;
    expect(httpSpan.parentSpanId).toBe(callerSpanId);
    expect(operation.parentSpanId).toBe(httpSpan.spanId);
    expect(ancestorsOf(script, spans)).toContain(operation);
    expect(operation.attributes).toMatchObject({
      'graphql.operation.type': 'mutation',
      'graphql.operation.name': 'TracedReset',
      'wave.request.id': 'traced-reset-1',
      'enduser.id': 'admin-on-call',
    });
    expect(script.attributes).toMatchObject({ 'wave.redis.script': 'resetWorkflow', 'db.system.name': 'redis' });
    expect(operation.resource['service.name']).toBe('wave-control-api-under-test');
  });

  it('exports no token, variable value or Redis argument, not even of a GET query', async () => {
    const traceId = hex(16);
    const query = `query Lookup($threadId: ID!) { workflow(threadId: $threadId) { threadId } }`;
    const url = `${server.url}?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ threadId: THREAD }))}`;
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, traceparent: `00-${traceId}-${hex(8)}-01`, 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    await eventually('the lookup exported', async () => receiver.trace(traceId).some((span) => span.name === 'query Lookup'));

    const everything = receiver.rawBodies.join('\n');
    for (const secret of [token, SECRET, THREAD, REASON, 'wave:workflow:']) expect(everything).not.toContain(secret);
    const httpSpan = receiver.trace(traceId).find((span) => span.scope === '@opentelemetry/instrumentation-http')!;
    expect(String(httpSpan.attributes['url.query'])).not.toContain('workflow(');
  });

  it('gives a subscription a span of its own, from subscribe until it ends', async () => {
    const client = createClient({
      url: server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    const iterator = client.iterate({ query: `subscription Watching { workflowEvents(threadId: "${THREAD}") { __typename } }` });
    await eventually('the subscription started', async () => server.allOutput.includes('"msg":"subscription started"'));
    await iterator.return?.();
    await client.dispose();

    const span = await eventually('the subscription span exported', async () =>
      receiver.spans.find((candidate) => candidate.name === 'subscription Watching'),
    );
    expect(span.attributes).toMatchObject({ 'graphql.operation.type': 'subscription', 'enduser.id': 'admin-on-call' });
  });
});

describe('tracingRequested', () => {
  it('is off without an OTLP endpoint, so nothing is registered or patched', () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_SERVICE_NAME: 'x' })).toBe(false);
  });

  it('is on with either endpoint variable, unless the SDK or the exporter is turned off', () => {
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });
});
