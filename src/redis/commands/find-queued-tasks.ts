import type { RedisClient } from '../client';
import type { RedisKeys } from '../keys';
import { runScript } from '../scripts';
import { fieldLines, fieldText } from './field-lines';
import { countOf, namedArguments, replyList, UnexpectedScriptReply } from './script-io';

/** A workflow a sweep looks for: its thread id and the ids its index holds. */
export interface SweepTarget {
  threadId: string;
  indexedIds: readonly string[];
}

export interface FindQueuedTasksRequest {
  queue: string;
  /** Index to read from, and the id the previous step read last (at start - 1), or null on the first step. */
  start: number;
  anchor: string | null;
  /** Most entries to read, and most of the script's own time to spend, in this step. */
  count: number;
  budgetMicros: number;
  /** Also match ids by their owner (tasks queued without being indexed), not only the indexed ids. */
  readOwners: boolean;
  targets: readonly SweepTarget[];
}

export interface FindQueuedTasksStep {
  /** Where the next step starts; at or past `length`, the queue is swept. */
  next: number;
  /** The queue's length when the step ran. */
  length: number;
  /** The entries found: the target's position in `targets` and the id. */
  found: Array<{ target: number; taskId: string }>;
  /** The id at next - 1, the next step's anchor. */
  lastRead: string | null;
}

/** One bounded step of a reset's queue sweep (find-queued-tasks.lua). */
export async function runFindQueuedTasks(
  redis: RedisClient,
  keys: RedisKeys,
  request: FindQueuedTasksRequest,
): Promise<FindQueuedTasksStep> {
  const reply = await runScript(
    redis,
    'findQueuedTasks',
    [request.queue],
    namedArguments({
      start: String(request.start),
      anchor: request.anchor ?? '',
      count: String(request.count),
      budgetMicros: String(request.budgetMicros),
      taskKeyPrefix: keys.taskKeyPrefix,
      readOwners: request.readOwners ? '1' : '0',
      targets: fieldText(request.targets.map(({ threadId, indexedIds }) => [threadId, ...indexedIds])),
    }),
  );
  const [next, length, found, last] = replyList('findQueuedTasks', reply);
  const entries = fieldLines(String(found ?? '')).map(([target, taskId]) => {
    const index = countOf('findQueuedTasks', target, reply) - 1;
    if (index < 0 || index >= request.targets.length || taskId === undefined) throw new UnexpectedScriptReply('findQueuedTasks', reply);
    return { target: index, taskId };
  });
  return {
    next: countOf('findQueuedTasks', next, reply),
    length: countOf('findQueuedTasks', length, reply),
    found: entries,
    lastRead: last ? String(last) : null,
  };
}
