import { eventually } from '../helpers/eventually';
import type { ServerProcess } from '../helpers/server-process';
import { post, type Answer } from '../lifecycle/support';

export { eventually };
export { post, SECRET, RESET, type Answer } from '../lifecycle/support';

export const START = `mutation Start($threadId: ID!) { startWorkflow(input: { threadId: $threadId }) { threadId phase } }`;
export const ENQUEUE = `mutation Enqueue($threadId: ID!, $domain: TaskDomain!) {
  enqueueTask(input: { threadId: $threadId, domain: $domain, data: { step: 1 } }) { id status }
}`;
export const WORKFLOW = `query Workflow($threadId: ID!) { workflow(threadId: $threadId) { threadId phase attempt tasks { id status } } }`;

/** GET /readyz of the server whose GraphQL endpoint is `graphqlUrl`. */
export async function readiness(graphqlUrl: string): Promise<{ status: number; body: { status: string; reason?: string } }> {
  const response = await fetch(graphqlUrl.replace(/\/graphql$/, '/readyz'));
  return { status: response.status, body: (await response.json()) as { status: string; reason?: string } };
}

/** The `extensions.code` of every error of an answer. */
export function errorCodes(answer: Answer): Array<string | undefined> {
  return answer.body.errors?.map((error) => error.extensions?.code) ?? [];
}

/** Starts a workflow and queues one task on it, failing the test on any error. */
export async function startWithTask(url: string, threadId: string): Promise<string> {
  const started = await post(url, START, { threadId });
  expect(started.body.errors).toBeUndefined();
  const queued = await post(url, ENQUEUE, { threadId, domain: 'FE' });
  expect(queued.body.errors).toBeUndefined();
  return queued.body.data!.enqueueTask.id as string;
}

/** How fast a request must be refused while Redis cannot be used: under REDIS_COMMAND_TIMEOUT (2 s), so refused, not timed out. */
const REFUSED_WITHIN_MS = 1500;

/**
 * The process cannot use its Redis: /readyz turns 503 with a reason (within 5 s), a read is refused
 * quickly with SERVICE_UNAVAILABLE and no Redis detail, and the process stays up.
 */
export async function expectUnavailable(server: ServerProcess): Promise<void> {
  const probe = await eventually(
    '/readyz answers 503',
    async () => {
      const answer = await readiness(server.url);
      return answer.status === 503 && answer;
    },
    5000,
  );
  expect(probe.body).toEqual({ status: 'unavailable', reason: expect.any(String) });
  const started = Date.now();
  const answer = await post(server.url, WORKFLOW, { threadId: 'wf-any' });
  expect(Date.now() - started).toBeLessThan(REFUSED_WITHIN_MS);
  expect(errorCodes(answer)).toEqual(['SERVICE_UNAVAILABLE']);
  expect(JSON.stringify(answer.body)).not.toMatch(/certificate|ECONNRESET|CLUSTERDOWN|Connection|127\.0\.0\.1|stack/i);
  expect(server.alive).toBe(true);
  expect(server.allOutput).not.toMatch(/unhandled|uncaught/i);
}

/** A server process on a password-protected Redis works: ready, one write and one read, and never printed `secrets`. */
export async function expectWorksWithPassword(server: ServerProcess, threadId: string, secrets: string[]): Promise<void> {
  await eventually('/readyz answers 200', async () => (await readiness(server.url)).status === 200);
  const taskId = await startWithTask(server.url, threadId);
  const read = await post(server.url, WORKFLOW, { threadId });
  expect(read.body.data!.workflow).toMatchObject({ threadId, tasks: [{ id: taskId, status: 'PENDING' }] });
  expectNeverPrinted(server, secrets);
}

/**
 * A server process whose Redis refuses its credentials: unavailable (expectUnavailable), the refusal
 * logged, and no password printed, neither the one it sent nor the right one.
 */
export async function expectRefusedCredentials(server: ServerProcess, secrets: string[]): Promise<void> {
  await expectUnavailable(server);
  await server.printedMatch(/WRONGPASS|NOAUTH|invalid password/i);
  expectNeverPrinted(server, secrets);
}

function expectNeverPrinted(server: ServerProcess, secrets: string[]): void {
  for (const secret of secrets) expect(server.allOutput).not.toContain(secret);
}
