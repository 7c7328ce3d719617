import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { MAX_PENDING_EVENTS } from '../../src/workflows/workflow-event-listener';
import { RedisServer } from '../helpers/redis-server';
import { ObservedApp } from '../observability/support';
import { WORKFLOW_EVENTS, within } from './support';

const WARN = 40;
/** Long, so that the flood fills the socket buffers between server and client (megabytes on loopback) quickly. */
const THREAD = `wf-flooded-${'x'.repeat(180)}`;
/** A bound on the flood: 100 batches of MAX_PENDING_EVENTS events (about 40 MB to the client). */
const MAX_FLOOD_BATCHES = 100;

describe('a subscriber that falls behind, on the real server and a real Redis', () => {
  let server: RedisServer;
  let app: ObservedApp;
  let client: Client | undefined;

  beforeAll(async () => {
    server = await RedisServer.start();
    app = await ObservedApp.start(server);
  });
  afterAll(async () => {
    await client?.dispose();
    await app.stop();
    await server.dispose();
  });

  it(`ends a subscription over ${MAX_PENDING_EVENTS} events behind with SUBSCRIBER_TOO_SLOW and one warn line, no error line`, async () => {
    let socket: WebSocket | undefined;
    client = createClient({
      url: app.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${app.token(['viewer'], 'slow-dashboard')}` },
      retryAttempts: 0,
      on: { connected: (connected) => (socket = connected as WebSocket) },
    });
    const listening = new Promise<void>((resolve) => app.app.workflowEvents.activity.once('subscribed', () => resolve()));
    const events = client.iterate({ query: WORKFLOW_EVENTS, variables: { threadId: THREAD } });
    const pulls = (async () => {
      const received: Array<{ errors?: unknown }> = [];
      try {
        for await (const event of events) received.push(event);
        return { completed: true, last: received.at(-1) };
      } catch (error) {
        return { completed: false, error };
      }
    })();
    await within(listening, 'the server to listen');
    // The client reads nothing, as a stalled browser tab: the server's queue for it can only grow.
    socket!.pause();
    let dropped = false;
    const removed = new Promise<void>((resolve) =>
      app.app.workflowEvents.activity.once('unsubscribed', () => {
        dropped = true;
        resolve();
      }),
    );
    const reset = JSON.stringify({ type: 'workflow.reset', threadId: THREAD, attempt: 1, gate: 0, at: 1767225600000 });
    // In batches until the server gives up on the client: how many fill the socket buffers depends on the machine.
    for (let batch = 0; batch < MAX_FLOOD_BATCHES && !dropped; batch += 1) {
      const flood = app.redis.pipeline();
      for (let i = 0; i < MAX_PENDING_EVENTS; i += 1) flood.publish('wave:events', reset);
      await flood.exec();
    }
    await within(removed, 'the slow listener to be dropped');
    socket!.resume();

    const outcome = await within(pulls, 'the subscription to end');
    // One last result with the error, then complete: a client behind a gateway reads it too.
    expect(outcome).toMatchObject({
      completed: true,
      last: { errors: [{ message: expect.stringContaining('fell more than'), extensions: { code: 'SUBSCRIBER_TOO_SLOW' } }] },
    });
    const behind = app.logs.withMessage('subscriber fell behind: its subscription was ended');
    expect(behind).toHaveLength(1);
    expect(behind[0]).toMatchObject({ level: WARN, pendingEvents: MAX_PENDING_EVENTS });
    expect(app.logs.lines.filter((line) => line.level > WARN)).toEqual([]);
    expect(app.logs.text).not.toContain(THREAD);
  });
});
