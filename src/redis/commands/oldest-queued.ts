import type { RedisClient } from '../client';
import type { RedisKeys } from '../keys';
import { runScript } from '../scripts';
import { countOf, outcomeOf, positionalArguments, replyList, UnexpectedScriptReply } from './script-io';

/** The replies of oldest-queued.lua, by their first value. */
export enum OldestQueuedOutcome {
  Empty = 0,
  Found = 1,
  /** Every id looked at was dead. */
  AllDead = 2,
}

export type OldestQueuedReply =
  | { outcome: OldestQueuedOutcome.Empty }
  | { outcome: OldestQueuedOutcome.Found; enqueuedAt: string; skipped: number }
  | { outcome: OldestQueuedOutcome.AllDead; looked: number };

/** The oldest live task of a queue, at most `mostLooked` ids from its tail (oldest-queued.lua). */
export async function runOldestQueued(redis: RedisClient, keys: RedisKeys, queue: string, mostLooked: number): Promise<OldestQueuedReply> {
  const reply = await runScript(
    redis,
    'oldestQueued',
    [queue],
    positionalArguments(['taskKeyPrefix', 'workflowKeyPrefix', 'mostLooked'], {
      taskKeyPrefix: keys.taskKeyPrefix,
      workflowKeyPrefix: keys.workflowKeyPrefix,
      mostLooked: String(mostLooked),
    }),
  );
  const values = replyList('oldestQueued', reply);
  const outcome = outcomeOf<OldestQueuedOutcome>('oldestQueued', OldestQueuedOutcome, values[0], reply);
  switch (outcome) {
    case OldestQueuedOutcome.Empty:
      return { outcome };
    case OldestQueuedOutcome.AllDead:
      return { outcome, looked: countOf('oldestQueued', values[1], reply) };
    case OldestQueuedOutcome.Found:
      if (typeof values[1] !== 'string') throw new UnexpectedScriptReply('oldestQueued', reply);
      return { outcome, enqueuedAt: values[1], skipped: countOf('oldestQueued', values[2], reply) };
  }
}
