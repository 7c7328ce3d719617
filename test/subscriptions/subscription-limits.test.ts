import type { Client } from 'graphql-ws';
import { useTestApp } from '../helpers/app';
import { bearer, refusal, subscribeToWorkflow, stoppedListening, within, wsClient, type EventsIterator } from './support';

const PER_SOCKET = 3;
const PER_CALLER = 5;

describe('Subscription bounds over graphql-ws, on the real server and a real Redis', () => {
  const fixture = useTestApp({ MAX_SUBSCRIPTIONS_PER_SOCKET: String(PER_SOCKET), MAX_SUBSCRIPTIONS_PER_CALLER: String(PER_CALLER) });
  const clients: Client[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });

  function client(sub: string): Client {
    const created = wsClient(fixture.app, bearer(fixture.app.token(['viewer'], sub)), { lazy: false });
    clients.push(created);
    return created;
  }

  async function subscribeMany(socket: Client, prefix: string, count: number): Promise<EventsIterator[]> {
    const streams: EventsIterator[] = [];
    for (let i = 0; i < count; i += 1) streams.push(await subscribeToWorkflow(fixture.app, socket, `${prefix}-${i}`));
    return streams;
  }

  it.each([
    ['30 KB long', 'x'.repeat(30_000), 'threadId must be 1 to 200 characters'],
    ['with a control character', 'wf-\u0000', 'control characters'],
    ['with a lone surrogate', 'wf-\ud800', 'well-formed Unicode'],
    ['naming a task index', 'wf-1:tasks', 'must not end with'],
  ])('refuses a thread id %s with BAD_USER_INPUT on threadId, as queries do, and listens to nothing', async (_label, threadId, message) => {
    expect(await refusal(client('viewer-ids'), threadId)).toMatchObject([
      { message: expect.stringContaining(message), extensions: { code: 'BAD_USER_INPUT', field: 'threadId' } },
    ]);
    expect(fixture.app.eventListeners.of(threadId)).toBe(0);
  });

  it(`refuses subscription ${PER_SOCKET + 1} on one socket with TOO_MANY_SUBSCRIPTIONS, takes a new one once another ends`, async () => {
    const socket = client('viewer-socket');
    const streams = await subscribeMany(socket, 'wf-socket', PER_SOCKET);

    expect(await refusal(socket, 'wf-socket-extra')).toMatchObject([
      { message: expect.stringContaining(`${PER_SOCKET} subscriptions`), extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } },
    ]);
    expect(fixture.app.eventListeners.of('wf-socket-extra')).toBe(0);

    const ended = stoppedListening(fixture.app, 'wf-socket-0');
    await streams[0].return!();
    await within(ended, 'the first subscription to end');
    await expect(subscribeToWorkflow(fixture.app, socket, 'wf-socket-extra')).resolves.toBeDefined();
  });

  it(`refuses a caller's subscription ${PER_CALLER + 1} over its sockets with TOO_MANY_SUBSCRIPTIONS, not another caller's`, async () => {
    await subscribeMany(client('viewer-busy'), 'wf-busy-a', PER_SOCKET);
    const second = client('viewer-busy');
    await subscribeMany(second, 'wf-busy-b', PER_CALLER - PER_SOCKET);

    expect(await refusal(second, 'wf-busy-extra')).toMatchObject([
      { message: expect.stringContaining(`${PER_CALLER} subscriptions`), extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } },
    ]);
    expect(await refusal(client('viewer-busy'), 'wf-busy-extra')).toMatchObject([{ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }]);
    await expect(subscribeToWorkflow(fixture.app, client('viewer-other'), 'wf-busy-extra')).resolves.toBeDefined();
  });

  it("frees a caller's subscriptions when its socket closes", async () => {
    const first = client('viewer-closing');
    await subscribeMany(first, 'wf-closing-a', PER_SOCKET);
    const last = stoppedListening(fixture.app, `wf-closing-a-${PER_SOCKET - 1}`);
    await first.dispose();
    await within(last, 'the closed socket to end its subscriptions');

    await expect(subscribeMany(client('viewer-closing'), 'wf-closing-b', PER_SOCKET)).resolves.toHaveLength(PER_SOCKET);
    await expect(subscribeMany(client('viewer-closing'), 'wf-closing-c', PER_CALLER - PER_SOCKET)).resolves.toHaveLength(
      PER_CALLER - PER_SOCKET,
    );
  });
});
