import { POP_TASK_MAX_DROPPED } from '../defaults';
import type { RedisClient } from '../redis/client';
import { runRecordTaskHeartbeat } from '../redis/commands/record-task-heartbeat';
import { runRecordTaskResult } from '../redis/commands/record-task-result';
import { PopTaskOutcome, runPopTask } from '../redis/commands/pop-task';
import { UnexpectedScriptReply } from '../redis/commands/script-io';
import { TaskWriteOutcome } from '../redis/commands/task-fence';
import type { RedisKeys } from '../redis/keys';
import { parseCount, taskOwner } from './workflow.records';
import { serializeTaskResult, validateTaskAttempt } from './workflow.validation';
import type { Domain, RecordTaskResultRequest, TaskAttempt, TaskOwner, TaskResultOutcome, TaskResultRefusal } from './workflow.types';

/** A claimed task (null when there was none), with the dead ids dropped before it. */
export interface PoppedTask {
  task: (TaskOwner & { taskId: string }) | null;
  dropped: number;
  /** The call dropped its most dead ids and claimed none: call again. */
  more: boolean;
}

export interface TaskFencingOptions {
  /** Clock in epoch milliseconds; tests pin it. */
  now?: () => number;
}

/** The refusals of record-task-result.lua and record-task-heartbeat.lua, by outcome. */
const TASK_WRITE_REFUSALS: Record<Exclude<TaskWriteOutcome, TaskWriteOutcome.Written>, TaskResultRefusal> = {
  [TaskWriteOutcome.TaskGone]: 'task_gone',
  [TaskWriteOutcome.Cancelled]: 'cancelled',
  [TaskWriteOutcome.AttemptMismatch]: 'attempt_mismatch',
  [TaskWriteOutcome.StaleAttempt]: 'stale_attempt',
  [TaskWriteOutcome.AlreadyFinished]: 'already_finished',
};
const TASK_RESULT_MESSAGES: Record<TaskResultRefusal, string> = {
  task_gone: 'the task no longer exists (a reset removed it) or no workflow owns it',
  cancelled: 'the task was cancelled by a reset',
  attempt_mismatch: 'the task was enqueued for another attempt than the one given',
  stale_attempt: 'the workflow was reset after this attempt began',
  already_finished: 'the task already has its final status; the first result stands',
};

/**
 * The contract kit for agents: a task's result and heartbeat are written only while the agent's
 * attempt is still the workflow's, so an agent that outlived a reset cannot write over it.
 */
export class TaskFencing {
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    options: TaskFencingOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Records a task's result and final status only if the agent's attempt is still the workflow's
   * (docs/redis-contract.md, "Fencing stale agents"). A refusal is an expected outcome, not an error.
   */
  async recordTaskResult(request: RecordTaskResultRequest): Promise<TaskResultOutcome> {
    const result = serializeTaskResult(request);
    const { taskId, attempt, status } = request;
    return this.fencedTaskWrite(request, 'Result', (threadId) =>
      runRecordTaskResult(this.redis, this.keys, { taskId, threadId, attempt, result, status, now: this.now() }),
    );
  }

  /**
   * Sets a task's `heartbeat_at` only while the task exists, is owned, and holds the agent's attempt
   * (record-task-heartbeat.lua): a heartbeat never recreates a task a reset deleted.
   */
  async recordTaskHeartbeat(request: TaskAttempt): Promise<TaskResultOutcome> {
    validateTaskAttempt(request);
    const { taskId, attempt } = request;
    return this.fencedTaskWrite(request, 'Heartbeat', (threadId) =>
      runRecordTaskHeartbeat(this.redis, this.keys, { taskId, threadId, attempt, now: this.now() }),
    );
  }

  /** Finds the task's owner, runs a fenced script for it and reads its reply code. */
  private async fencedTaskWrite(
    { taskId, attempt }: TaskAttempt,
    write: 'Result' | 'Heartbeat',
    run: (threadId: string) => Promise<TaskWriteOutcome>,
  ): Promise<TaskResultOutcome> {
    const owner = await this.findTaskOwner(taskId);
    if (!owner) return refusal(taskId, 'task_gone', write);
    const { threadId } = owner;
    const outcome = await run(threadId);
    if (outcome === TaskWriteOutcome.Written) return { recorded: true, taskId, threadId, attempt };
    return refusal(taskId, TASK_WRITE_REFUSALS[outcome], write);
  }

  /**
   * Claims the next live task of a domain queue for `agent`, dropping on the way the dead ids a reset
   * left there (pop-task.lua, docs/redis-contract.md "Queues"): at most `maxDropped` per call, so a
   * queue full of them never holds Redis for long. Null `task` when the queue is empty, or when the
   * call dropped its most and should be repeated (`more`).
   */
  async popTask(request: { domain: Domain; agent: string; maxDropped?: number }): Promise<PoppedTask> {
    const reply = await runPopTask(this.redis, this.keys, {
      queue: this.keys.queue(request.domain),
      domain: request.domain,
      agent: request.agent,
      now: this.now(),
      maxDropped: request.maxDropped ?? POP_TASK_MAX_DROPPED,
      taskId: null,
    });
    switch (reply.outcome) {
      case PopTaskOutcome.Claimed:
        return { task: { taskId: reply.taskId, threadId: reply.threadId, attempt: reply.attempt }, dropped: reply.dropped, more: false };
      case PopTaskOutcome.DropLimit:
      case PopTaskOutcome.Empty:
        return { task: null, dropped: reply.dropped, more: reply.outcome === PopTaskOutcome.DropLimit };
      case PopTaskOutcome.GivenDead:
        // Only a call that gives an id gets this answer.
        throw new UnexpectedScriptReply('popTask', reply);
    }
  }

  /**
   * The workflow a task belongs to (taskOwner: the contract's one ownership rule, as the scripts read
   * it) and the attempt it was enqueued for; null when no record names an owner.
   */
  async findTaskOwner(taskId: string): Promise<TaskOwner | null> {
    const [owner, data, attempt] = await this.redis.hmget(this.keys.task(taskId), 'thread_id', 'data', 'attempt');
    const threadId = taskOwner({ thread_id: owner, data });
    return threadId ? { threadId, attempt: parseCount(attempt ?? undefined) } : null;
  }
}

function refusal(taskId: string, reason: TaskResultRefusal, write: 'Result' | 'Heartbeat'): TaskResultOutcome {
  return { recorded: false, taskId, reason, message: `${write} of task "${taskId}" refused: ${TASK_RESULT_MESSAGES[reason]}` };
}
