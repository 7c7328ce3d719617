import jwt from 'jsonwebtoken';
import type { Client } from 'graphql-ws';
import { TEST_SECRET, useTestApp } from '../helpers/app';
import { bearer, expectEndedByTokenExpiry, nextEvent, stoppedListening, subscribeToWorkflow, within, wsClient } from './support';

/** A viewer's token that expires `seconds` from now (JWT `exp` has whole seconds). */
function viewerTokenFor(seconds: number): string {
  return jwt.sign({ sub: 'dashboard', roles: ['viewer'], exp: Math.floor(Date.now() / 1000) + seconds }, TEST_SECRET);
}

describe('a subscription and the token it was authorised with', () => {
  const fixture = useTestApp({ JWT_CLOCK_TOLERANCE: '0' });
  const clients: Client[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });

  it('ends when the token expires: one next with UNAUTHENTICATED (token_expired), then complete, and the server stops listening', async () => {
    const client = wsClient(fixture.app, bearer(viewerTokenFor(2)));
    clients.push(client);
    const events = await subscribeToWorkflow(fixture.app, client, 'wf-expiring');
    const released = stoppedListening(fixture.app, 'wf-expiring');

    await expectEndedByTokenExpiry(events);
    await within(released, 'the server to stop listening to wf-expiring');
  });

  it('keeps delivering with a token valid for longer than a timer can wait (40 days)', async () => {
    const client = wsClient(fixture.app, bearer(viewerTokenFor(40 * 24 * 3600)));
    clients.push(client);
    const events = await subscribeToWorkflow(fixture.app, client, 'wf-long');

    await fixture.redis.publish(
      'wave:events',
      JSON.stringify({ type: 'workflow.reset', threadId: 'wf-long', attempt: 1, gate: 0, at: 1767225600000 }),
    );

    expect(await nextEvent(events)).toMatchObject({ type: 'WORKFLOW_RESET', threadId: 'wf-long' });
  });
});
