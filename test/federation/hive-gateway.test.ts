import { createClient, type Client } from 'graphql-ws';
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import { TEST_SECRET } from '../helpers/app';
import { expectEndedByTokenExpiry, listening, refusal, stoppedListening, within, WORKFLOW_EVENTS } from '../subscriptions/support';
import { writeTask, writeWorkflow } from '../workflows/support';
import { describeGateway, ELEVEN_ALIASES } from './gateway-suite';
import { startGateway, WAVE_SUBGRAPH } from './gateways';
import { post, resetThroughGateway } from './support';

/** A viewer's token that expires `seconds` from now (JWT `exp` has whole seconds). */
function viewerTokenFor(seconds: number): string {
  return jwt.sign({ sub: 'dashboard', roles: ['viewer'], exp: Math.floor(Date.now() / 1000) + seconds }, TEST_SECRET);
}

describe('the WAVE subgraph behind Hive Gateway', () => {
  const fixture = describeGateway('hive-gateway');

  it('is judged by MAX_TOKENS without the gateway secret: its rewrite of 11 aliases, a fragment copy per field, is refused', async () => {
    const withoutSecret = await startGateway('hive-gateway', [
      { name: WAVE_SUBGRAPH, url: fixture.app.url },
      { name: 'projects', url: fixture.projects.url },
    ]);
    try {
      const { body } = await post(withoutSecret.url, ELEVEN_ALIASES, { token: fixture.app.token(['operator']) });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_TOKENS', serviceName: 'wave' });
      expect(Object.values(body.data ?? {}).every((workflow) => workflow === null)).toBe(true);
    } finally {
      await withoutSecret.stop();
    }
  });

  describe('subscriptions through the gateway (its WebSocket transport to us)', () => {
    const clients: Client[] = [];
    /** A graphql-ws client of the gateway that never reconnects. */
    const gatewayClient = (connectionParams?: Record<string, unknown>): Client => {
      const client = createClient({ url: fixture.gateway.wsUrl!, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0 });
      clients.push(client);
      return client;
    };

    beforeEach(async () => {
      await writeWorkflow(fixture.redis, 'wf-live', { gate: 3, phase: 'running' });
      await writeTask(fixture.redis, { id: 't-live', threadId: 'wf-live', queued: true });
    });

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.dispose()));
    });

    it('delivers over graphql-ws the event of a reset done meanwhile', async () => {
      const client = gatewayClient({ authorization: `Bearer ${fixture.app.token(['viewer'])}` });
      const ready = listening(fixture.app, 'wf-live');
      const events = client.iterate<Record<string, any>>({ query: WORKFLOW_EVENTS, variables: { threadId: 'wf-live' } });
      await within(ready, 'our server to listen to wf-live');

      await resetThroughGateway(fixture, 'wf-live');

      const next = await within(events.next(), 'the reset event');
      expect(next.value).toEqual({
        data: {
          workflowEvents: {
            __typename: 'WorkflowResetEvent',
            type: 'WORKFLOW_RESET',
            threadId: 'wf-live',
            attempt: 1,
            gate: 0,
            at: expect.any(String),
          },
        },
      });
    });

    it('delivers over SSE (text/event-stream) the event of a reset done meanwhile', async () => {
      const ready = listening(fixture.app, 'wf-live');
      const abort = new AbortController();
      const response = await fetch(fixture.gateway.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          authorization: `Bearer ${fixture.app.token(['viewer'])}`,
        },
        body: JSON.stringify({ query: WORKFLOW_EVENTS, variables: { threadId: 'wf-live' } }),
        signal: abort.signal,
      });
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      try {
        await within(ready, 'our server to listen to wf-live');
        await resetThroughGateway(fixture, 'wf-live');
        const event = await within(firstSseResult(response.body!), 'the reset event over SSE');
        expect(event).toMatchObject({ data: { workflowEvents: { type: 'WORKFLOW_RESET', threadId: 'wf-live', attempt: 1, gate: 0 } } });
      } finally {
        abort.abort();
      }
    });

    it.each([
      ['without a token', undefined],
      ['with a bad token', { authorization: 'Bearer not-a-token' }],
    ])('refuses a subscribe %s as a result coded UNAUTHENTICATED, then completes', async (_label, connectionParams) => {
      const errors = await refusal(gatewayClient(connectionParams), 'wf-live');
      expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
    });

    it('ends a subscription whose token expires with UNAUTHENTICATED (reason token_expired), then completes', async () => {
      const client = gatewayClient({ authorization: `Bearer ${viewerTokenFor(2)}` });
      const ready = listening(fixture.app, 'wf-live');
      const events = client.iterate({ query: WORKFLOW_EVENTS, variables: { threadId: 'wf-live' } });
      await within(ready, 'our server to listen to wf-live');
      const released = stoppedListening(fixture.app, 'wf-live');

      await expectEndedByTokenExpiry(events);
      await within(released, 'our server to stop listening to wf-live');
    });
  });
});

/** The first `next` event's payload of a GraphQL over SSE stream ("distinct connections" mode). */
async function firstSseResult(body: ReadableStream<Uint8Array>): Promise<unknown> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    for (const message of buffered.split('\n\n').slice(0, -1)) {
      const data = message.split('\n').find((line) => line.startsWith('data:'));
      if (/^event: ?next$/m.test(message) && data) return JSON.parse(data.slice('data:'.length));
    }
  }
  throw new Error('the event stream ended without a result');
}
