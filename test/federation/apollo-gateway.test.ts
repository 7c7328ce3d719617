import type { Client } from 'graphql-ws';
import { bearer, nextEvent, subscribeToWorkflow, WORKFLOW_EVENTS, wsClient } from '../subscriptions/support';
import { writeWorkflow } from '../workflows/support';
import { describeGateway } from './gateway-suite';
import { post, resetThroughGateway } from './support';

describe('the WAVE subgraph behind @apollo/gateway', () => {
  const fixture = describeGateway('apollo-gateway');

  describe('subscriptions, which do not go through @apollo/gateway', () => {
    const clients: Client[] = [];

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.dispose()));
    });

    it('refuses a subscription sent to the gateway, and nothing reaches our subgraph', async () => {
      const answer = await post(fixture.gateway.url, WORKFLOW_EVENTS, {
        variables: { threadId: 'wf-1' },
        token: fixture.app.token(['viewer']),
      });
      expect(answer.status).toBe(500);
      expect(answer.body.errors).toEqual([
        { message: 'Execution of subscriptions not supported by gateway', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      ]);
      expect(fixture.received).toEqual([]);
    });

    it('delivers to a client subscribed to our server directly the event of a reset done through the gateway', async () => {
      await writeWorkflow(fixture.redis, 'wf-live', { gate: 3, phase: 'running' });
      const client = wsClient(fixture.app, bearer(fixture.app.token(['viewer'])));
      clients.push(client);
      const events = await subscribeToWorkflow(fixture.app, client, 'wf-live');
      await resetThroughGateway(fixture, 'wf-live');
      expect(await nextEvent(events)).toMatchObject({ type: 'WORKFLOW_RESET', threadId: 'wf-live', attempt: 1, gate: 0 });
    });
  });
});
