import { post, type Answer } from '../lifecycle/support';

export { eventually } from '../helpers/eventually';
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
