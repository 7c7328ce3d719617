import type { ScriptName } from '../scripts';
import { outcomeOf, replyList } from './script-io';

/**
 * The replies of the fenced task writes, record-task-result.lua and record-task-heartbeat.lua: the
 * write, or the refusal of includes/taskFence.lua (docs/redis-contract.md, "Fencing stale agents").
 */
export enum TaskWriteOutcome {
  Written = 1,
  /** No record, or its owner is not the thread id given. */
  TaskGone = -1,
  Cancelled = -2,
  /** The task was stamped with another attempt than the one held. */
  AttemptMismatch = -3,
  /** The workflow was reset since the attempt began. */
  StaleAttempt = -4,
  AlreadyFinished = -5,
}

export function decodeTaskWriteReply(
  script: Extract<ScriptName, 'recordTaskResult' | 'recordTaskHeartbeat'>,
  reply: unknown,
): TaskWriteOutcome {
  const [code] = replyList(script, reply);
  return outcomeOf(script, TaskWriteOutcome, code, reply);
}
