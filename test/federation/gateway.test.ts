import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { useTestApp } from '../helpers/app';
import { writeIndexedWorkflows } from '../helpers/keyspace';
import { queryGateway, type RunningServer, startGateway, startProjectsSubgraph } from './support';

const SPANNING_QUERY = '{ project(id: "p-1") { name workflows { threadId phase gate } } }';

describe('the WAVE subgraph composed with another subgraph behind a real @apollo/gateway', () => {
  const fixture = useTestApp();
  let projects: RunningServer;
  let gateway: RunningServer;
  /** Headers of every request our server receives, recorded beside its own request handler. */
  const received: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    projects = await startProjectsSubgraph([{ id: 'p-1', name: 'Checkout revamp', workflowIds: ['wf-1', 'wf-2'] }]);
    gateway = await startGateway([
      { name: 'wave', url: fixture.app.url },
      { name: 'projects', url: projects.url },
    ]);
    fixture.app.app.httpServer.on('request', (req: IncomingMessage) => received.push(req.headers));
  });

  afterAll(async () => {
    await gateway?.stop();
    await projects?.stop();
  });

  beforeEach(async () => {
    received.length = 0;
    await writeIndexedWorkflows(fixture.redis);
  });

  it('resolves a query spanning both subgraphs with the workflows from our Redis', async () => {
    const body = await queryGateway(gateway.url, SPANNING_QUERY, fixture.app.token(['viewer']));
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      project: {
        name: 'Checkout revamp',
        workflows: [
          { threadId: 'wf-1', phase: 'RUNNING', gate: 2 },
          { threadId: 'wf-2', phase: 'STOPPED', gate: 0 },
        ],
      },
    });
  });

  it("forwards the caller's Authorization and X-Request-Id to our subgraph", async () => {
    const token = fixture.app.token(['viewer']);
    await queryGateway(gateway.url, SPANNING_QUERY, token, 'req-federation-1');
    expect(received).toContainEqual(expect.objectContaining({ authorization: `Bearer ${token}`, 'x-request-id': 'req-federation-1' }));
  });

  it('keeps Workflow.resets FORBIDDEN for a viewer through the gateway, with the code preserved', async () => {
    const body = await queryGateway(
      gateway.url,
      '{ project(id: "p-1") { name workflows { threadId resets { nodes { id } } } } }',
      fixture.app.token(['viewer']),
    );
    expect(body.errors?.map((error) => error.extensions?.code)).toContain('FORBIDDEN');
    expect(body.errors?.every((error) => error.extensions?.code === 'FORBIDDEN')).toBe(true);
    // Workflow.resets is nullable: the viewer keeps the workflows, each without its audit trail.
    expect(body.data?.project.workflows).toEqual([
      { threadId: 'wf-1', resets: null },
      { threadId: 'wf-2', resets: null },
    ]);
  });

  it('gives an operator the same audit trail through the gateway', async () => {
    const body = await queryGateway(
      gateway.url,
      '{ project(id: "p-1") { workflows { threadId resets { nodes { id } } } } }',
      fixture.app.token(['operator']),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.project.workflows).toEqual([
      { threadId: 'wf-1', resets: { nodes: [] } },
      { threadId: 'wf-2', resets: { nodes: [] } },
    ]);
  });

  it('answers UNAUTHENTICATED through the gateway to a caller without a token, with no workflow data', async () => {
    const body = await queryGateway(gateway.url, SPANNING_QUERY);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(body.data ?? null)).not.toMatch(/RUNNING|STOPPED|"gate"/);
  });
});
