import type Redis from 'ioredis';
import { issueToken } from '../../src/auth/tokens';

export const SECRET = 'lifecycle-secret-0123456789abcdef!!';

export const RESET = `mutation Reset($input: ResetWorkflowInput!) {
  resetWorkflow(input: $input) { success threadId }
}`;
export const QUEUES = '{ queues { length } }';

export function operatorToken(sub = 'operator-on-call'): string {
  return issueToken(SECRET, { sub, roles: ['operator'] }, '5m');
}

export interface Answer {
  status: number;
  body: { data?: Record<string, any> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

/** One GraphQL operation over HTTP; rejects only when no HTTP answer came (connection refused or cut). */
export async function post(url: string, query: string, variables: Record<string, unknown> = {}, token = operatorToken()): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** The `code` of a failed request's cause (ECONNREFUSED...), as undici wraps it. */
export async function connectionFailure(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (error) {
    return ((error as { cause?: { code?: string } }).cause?.code ?? String(error)) as string;
  }
  throw new Error('the request was answered');
}

/** A running workflow with one queued and one in-progress task, written as the orchestrator does. */
export async function writeWorkflowWithTasks(redis: Redis, threadId: string): Promise<void> {
  const at = String(Date.now() - 3_600_000);
  await redis
    .multi()
    .hset(`wave:workflow:${threadId}`, { thread_id: threadId, gate: '2', phase: 'running', created_at: at, updated_at: at })
    .zadd('wave:workflows', at, threadId)
    .hset(`wave:task:${threadId}-a`, { thread_id: threadId, data: '{}', status: 'pending', queue: 'fe', enqueued_at: at })
    .lpush('wave:tasks:fe', `${threadId}-a`)
    .hset(`wave:task:${threadId}-b`, {
      thread_id: threadId,
      data: '{}',
      status: 'in_progress',
      queue: 'qa',
      enqueued_at: at,
      started_at: at,
    })
    .sadd(`wave:workflow:${threadId}:tasks`, `${threadId}-a`, `${threadId}-b`)
    .exec();
}

/**
 * Resolves once a client is blocked in Redis, as a write is while `CLIENT PAUSE ... WRITE` holds:
 * the request that sent it is then in flight, waiting on Redis.
 */
export async function blockedClient(redis: Redis): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!/blocked_clients:[1-9]/.test(await redis.info('clients'))) {
    if (Date.now() > deadline) throw new Error('no client blocked in Redis within 5 s');
  }
}
