import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { RedisServer } from '../helpers/redis-server';
import { WORKFLOW_EVENTS, refusal, within } from '../subscriptions/support';
import { ObservedApp } from './support';

/** The value of one sample of the exposition, e.g. `wave_subscriptions_active{operation="Events"}`. */
async function sample(app: ObservedApp, series: string): Promise<number | undefined> {
  const { text } = await app.get('/metrics');
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('subscriptions in the logs and metrics', () => {
  let server: RedisServer;
  let app: ObservedApp;
  const clients: Client[] = [];

  beforeAll(async () => {
    server = await RedisServer.start();
    app = await ObservedApp.start(server);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });
  afterAll(async () => {
    await app.stop();
    await server.dispose();
  });

  function client(token?: string): Client {
    const created = createClient({
      url: app.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
      retryAttempts: 0,
    });
    clients.push(created);
    return created;
  }

  it('logs a subscription starting and ending with its operation, caller and duration, and counts it while active', async () => {
    const viewer = client(app.token(['viewer'], 'dashboard-1'));
    const events = viewer.iterate({ query: WORKFLOW_EVENTS, variables: { threadId: 'wf-private-id' } });
    const pulled = events.next();

    const started = await within(
      app.logs.line((line) => line.msg === 'subscription started'),
      'the start line',
    );
    expect(started).toMatchObject({ operation: 'Events', sub: 'dashboard-1' });
    expect(await sample(app, 'wave_subscriptions_active{operation="Events"}')).toBe(1);

    await events.return?.();
    void pulled.catch(() => {});
    const ended = await within(
      app.logs.line((line) => line.msg === 'subscription ended'),
      'the end line',
    );
    expect(ended).toMatchObject({ operation: 'Events', sub: 'dashboard-1', durationMs: expect.any(Number) });
    expect(await sample(app, 'wave_subscriptions_active{operation="Events"}')).toBe(0);
    expect(await sample(app, 'wave_subscriptions_total{operation="Events",outcome="started"}')).toBe(1);
    expect(app.logs.text).not.toContain('wf-private-id');
  });

  it('logs and counts a refused subscription with its error code', async () => {
    const anonymous = client();
    expect(await refusal(anonymous, 'wf-1')).toMatchObject([{ extensions: { code: 'UNAUTHENTICATED' } }]);

    const refused = await within(
      app.logs.line((line) => line.msg === 'subscription refused'),
      'the refusal line',
    );
    expect(refused).toMatchObject({ operation: 'Events', sub: null, errorCodes: ['UNAUTHENTICATED'] });
    expect(await sample(app, 'wave_subscriptions_total{operation="Events",outcome="UNAUTHENTICATED"}')).toBe(1);
  });
});
