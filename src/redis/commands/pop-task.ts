import type { RedisClient } from '../client';
import type { RedisKeys } from '../keys';
import { runScript } from '../scripts';
import { countOf, outcomeOf, positionalArguments, replyList } from './script-io';

/** The replies of pop-task.lua, by their first value. */
export enum PopTaskOutcome {
  /** The id given is dead (gone, settled, or of an older attempt than its workflow's): drop it. */
  GivenDead = -1,
  Empty = 0,
  Claimed = 1,
  /** The most dead ids allowed were dropped and none claimed: pop again. */
  DropLimit = 2,
}

export interface PopTaskScriptRequest {
  queue: string;
  /** The queue's domain: the call records in the agent activity hash that an agent of it is alive. */
  domain: string;
  agent: string;
  now: number;
  /** Most dead ids to drop in one call. */
  maxDropped: number;
  /** An id the agent popped itself (BRPOP), to check and claim; null to pop from the queue's tail. */
  taskId: string | null;
}

export type PopTaskScriptReply =
  | { outcome: PopTaskOutcome.Claimed; taskId: string; threadId: string; attempt: number; dropped: number }
  | { outcome: PopTaskOutcome.Empty | PopTaskOutcome.DropLimit; dropped: number }
  | { outcome: PopTaskOutcome.GivenDead };

/** An agent's next live task, dead ids dropped on the way (pop-task.lua, docs/redis-contract.md "Queues"). */
export async function runPopTask(redis: RedisClient, keys: RedisKeys, request: PopTaskScriptRequest): Promise<PopTaskScriptReply> {
  const reply = await runScript(
    redis,
    'popTask',
    [request.queue, keys.agentActivity],
    positionalArguments(['taskKeyPrefix', 'workflowKeyPrefix', 'agent', 'now', 'maxDropped', 'taskId', 'domain'], {
      taskKeyPrefix: keys.taskKeyPrefix,
      workflowKeyPrefix: keys.workflowKeyPrefix,
      agent: request.agent,
      now: String(request.now),
      maxDropped: String(request.maxDropped),
      taskId: request.taskId ?? '',
      domain: request.domain,
    }),
  );
  const values = replyList('popTask', reply);
  const outcome = outcomeOf<PopTaskOutcome>('popTask', PopTaskOutcome, values[0], reply);
  switch (outcome) {
    case PopTaskOutcome.GivenDead:
      return { outcome };
    case PopTaskOutcome.Empty:
    case PopTaskOutcome.DropLimit:
      return { outcome, dropped: countOf('popTask', values[1], reply) };
    case PopTaskOutcome.Claimed: {
      const [, taskId, threadId, attempt, dropped] = values;
      return {
        outcome,
        taskId: String(taskId),
        threadId: String(threadId),
        attempt: countOf('popTask', attempt, reply),
        dropped: countOf('popTask', dropped, reply),
      };
    }
  }
}
