import { listeningAddresses } from './helpers/listening-sockets';
import { ServerProcess } from './helpers/server-process';

describe('npm start without REDIS_URL', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await ServerProcess.start({});
  }, 30_000);

  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  async function graphql(query: string, token: string): Promise<any> {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    return response.json();
  }

  it('prints a development token that lists the demo workflows and resets a stuck one', async () => {
    const token = /Development operator token[^\n]*\n\n\s+(\S+)/.exec(server.output)![1];
    const listed = await graphql('{ workflows(first: 50) { nodes { threadId phase tasks { id status } } } }', token);
    expect(listed.errors).toBeUndefined();
    const workflows: Array<{ threadId: string; tasks: unknown[] }> = listed.data.workflows.nodes;
    expect(workflows.length).toBeGreaterThanOrEqual(4);

    const stuck = workflows.find((workflow) => workflow.tasks.length > 0)!;
    const reset = await graphql(
      `mutation {
        resetWorkflow(input: { threadId: "${stuck.threadId}", reason: "smoke test" }) { success cleared { tasks } newState { phase } }
      }`,
      token,
    );
    expect(reset.data.resetWorkflow).toMatchObject({ success: true, newState: { phase: 'PENDING' } });
    expect(reset.data.resetWorkflow.cleared.tasks).toBeGreaterThanOrEqual(stuck.tasks.length);
  });
});

describe('npm start with a configured JWT_SECRET, in development', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await ServerProcess.start({ JWT_SECRET: 'a-configured-secret-that-is-long-enough!' });
  }, 30_000);

  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it('mints no token with the configured secret: it prints none and the IDE pre-fills none, even on loopback', async () => {
    expect(server.output).not.toMatch(/Development operator token/);
    expect(server.output).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    const page = await fetch(server.url.replace(/\/graphql$/, '/ide'));
    expect(await page.text()).toContain('<script id="wave-ide-config" type="application/json">{}</script>');
  });

  it('listens on 127.0.0.1 only, as HOST is unset', () => {
    const { hostname, port } = new URL(server.url);
    expect(listeningAddresses(Number(port))).toEqual(['127.0.0.1']);
    expect(hostname).toBe('127.0.0.1');
  });
});
