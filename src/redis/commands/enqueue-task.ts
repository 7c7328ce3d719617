import type { RedisClient } from '../client';
import type { RedisKeys } from '../keys';
import { runScript } from '../scripts';
import { countOf, outcomeOf, positionalArguments, replyList } from './script-io';

/** The replies of enqueue-task.lua. */
export enum EnqueueTaskOutcome {
  TaskIdTaken = -1,
  NoWorkflow = 0,
  Queued = 1,
}

export interface EnqueueTaskScriptRequest {
  threadId: string;
  taskId: string;
  /** The task's data, already JSON. */
  data: string;
  /** A domain (workflows/workflow.types.ts), the queue's name. */
  domain: string;
  now: number;
}

export type EnqueueTaskReply =
  | { outcome: EnqueueTaskOutcome.Queued; /** The workflow's attempt the task was stamped with. */ attempt: number }
  | { outcome: EnqueueTaskOutcome.NoWorkflow | EnqueueTaskOutcome.TaskIdTaken };

const ARGS = ['threadId', 'taskId', 'data', 'domain', 'now'] as const;

/** Records a task, indexes it under its workflow and queues it, in one step. */
export async function runEnqueueTask(redis: RedisClient, keys: RedisKeys, request: EnqueueTaskScriptRequest): Promise<EnqueueTaskReply> {
  const { threadId, taskId, domain } = request;
  const reply = await runScript(
    redis,
    'enqueueTask',
    [keys.workflow(threadId), keys.workflowTasks(threadId), keys.queue(domain), keys.task(taskId)],
    positionalArguments(ARGS, { ...request, now: String(request.now) }),
  );
  return decodeEnqueueTaskReply(reply);
}

export function decodeEnqueueTaskReply(reply: unknown): EnqueueTaskReply {
  const [code, attempt] = replyList('enqueueTask', reply);
  const outcome = outcomeOf<EnqueueTaskOutcome>('enqueueTask', EnqueueTaskOutcome, code, reply);
  if (outcome === EnqueueTaskOutcome.Queued) return { outcome, attempt: countOf('enqueueTask', attempt, reply) };
  return { outcome };
}
