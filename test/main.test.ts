import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import getPort from 'get-port';

const ROOT = join(__dirname, '..');

/** Builds and starts the server as `npm start` does, without a REDIS_URL, and collects what it prints. */
async function startEmbedded(port: number): Promise<{ child: ChildProcess; banner: string }> {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    env: { PATH: process.env.PATH, PORT: String(port), NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let banner = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      banner += chunk.toString();
      if (banner.includes('Try: curl')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, banner };
}

describe('npm start without REDIS_URL', () => {
  let child: ChildProcess;
  let banner: string;
  let url: string;

  beforeAll(async () => {
    const port = await getPort({ host: '127.0.0.1' });
    ({ child, banner } = await startEmbedded(port));
    url = `http://localhost:${port}/graphql`;
  }, 60_000);

  afterAll(async () => {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
  });

  async function graphql(query: string, token: string): Promise<any> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    return response.json();
  }

  it('prints a development token that lists the demo workflows and resets a stuck one', async () => {
    const token = /Development operator token[^\n]*\n\n\s+(\S+)/.exec(banner)![1];
    const listed = await graphql('{ workflows(first: 50) { nodes { threadId phase tasks { id status } } } }', token);
    expect(listed.errors).toBeUndefined();
    const workflows: Array<{ threadId: string; tasks: unknown[] }> = listed.data.workflows.nodes;
    expect(workflows.length).toBeGreaterThanOrEqual(4);

    const stuck = workflows.find((workflow) => workflow.tasks.length > 0)!;
    const reset = await graphql(
      `mutation { resetWorkflow(input: { threadId: "${stuck.threadId}", reason: "smoke test" }) { success cleared { tasks } newState { phase } } }`,
      token,
    );
    expect(reset.data.resetWorkflow).toMatchObject({ success: true, newState: { phase: 'PENDING' } });
    expect(reset.data.resetWorkflow.cleared.tasks).toBeGreaterThanOrEqual(stuck.tasks.length);
  });
});
