import { createHash, randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import { DEFAULT_RESET_IDEMPOTENCY_TTL, DEFAULT_RESET_PLAN_TTL, defaultDurationMs, examinedBudget } from '../defaults';
import { ErrorCode } from '../error-codes';
import type { RedisClient } from '../redis/client';
import { CreateWorkflowOutcome, runCreateWorkflow } from '../redis/commands/create-workflow';
import { EnqueueTaskOutcome, runEnqueueTask } from '../redis/commands/enqueue-task';
import { runRecordTaskHeartbeat } from '../redis/commands/record-task-heartbeat';
import { runRecordTaskResult } from '../redis/commands/record-task-result';
import { ResetScriptOutcome, runResetWorkflow, type ResetPreconditionState } from '../redis/commands/reset-workflow';
import { TaskWriteOutcome } from '../redis/commands/task-fence';
import { TransitionWorkflowOutcome, runTransitionWorkflow } from '../redis/commands/transition-workflow';
import { isWrongType } from '../redis/errors';
import { DOMAINS, type Domain, type RedisKeys } from '../redis/keys';
import {
  AUDIT_MAX_LENGTH,
  WORKFLOW_AUDIT_MAX_LENGTH,
  auditEntryId,
  olderThan,
  parseDomains,
  previewAuditFields,
  streamIdOf,
  toAuditEntry,
} from './reset-audit';
import type { ResetObserver } from './reset-observer';
import { parseCanonicalPlan, planTokenOf } from './reset-plan';
import { decodeCursor, encodeCursor, isAfter, type IndexPosition } from './workflow.cursor';
import { byEnqueueTime, parseCount, parsePhase, taskOwner, toTask, toWorkflow } from './workflow.records';
import {
  serializeTaskData,
  serializeTaskResult,
  validateFirst,
  validateResetRequest,
  validateTaskAttempt,
  validateThreadId,
} from './workflow.validation';
import {
  PHASES,
  WorkflowError,
  type CleanupSummary,
  type EnqueueTaskRequest,
  type ListResetAuditOptions,
  type ListWorkflowsOptions,
  type Phase,
  type QueueLength,
  type RecordTaskResultRequest,
  type ResetAuditPage,
  type ResetRequest,
  type StartWorkflowRequest,
  type Task,
  type TaskAttempt,
  type TaskOwner,
  type TaskResultOutcome,
  type TaskResultRefusal,
  type Workflow,
  type WorkflowEdge,
  type WorkflowPage,
} from './workflow.types';

export interface WorkflowServiceOptions {
  /** Highest gate a reset may go back to (MAX_GATE). */
  maxGate: number;
  /** Clock in epoch milliseconds; tests pin it. */
  now?: () => number;
  /** A real reset must carry the planToken of a preview (REQUIRE_RESET_CONFIRMATION). Default false. */
  requireConfirmation?: boolean;
  /** How long a requestId's summary is replayed (RESET_IDEMPOTENCY_TTL). Default DEFAULT_RESET_IDEMPOTENCY_TTL. */
  idempotencyTtlMs?: number;
  /** How long a preview's planToken confirms a reset (RESET_PLAN_TTL). Default DEFAULT_RESET_PLAN_TTL. */
  planTtlMs?: number;
  /**
   * A reset also reads every queued id's owner to find tasks queued without being indexed
   * (RESET_SWEEP_QUEUES). Default true; false when every producer indexes its tasks.
   */
  sweepQueues?: boolean;
  /** Where a malformed index entry is reported (once per member). */
  logger?: Pick<Logger, 'warn'>;
  /** Told of every reset and preview answered (observability's logs and metrics). */
  observer?: Pick<ResetObserver, 'resetAnswered'>;
}

/** How many index entries one filtered round trip reads. */
const FILTER_BATCH = 100;

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

/** Which phases each life-cycle move starts from (docs/redis-contract.md, "Life cycle"). */
const TRANSITIONS = {
  run: { to: 'running', from: ['pending', 'stopped', 'blocked', 'failed'] },
  stop: { to: 'stopped', from: ['pending', 'running', 'blocked'] },
} as const satisfies Record<string, { to: Phase; from: readonly Phase[] }>;

interface IndexEntry extends IndexPosition {
  hash?: Record<string, string>;
}

/** Reads and changes workflows in Redis; the only place that speaks the workflow contract. */
export class WorkflowService {
  private readonly now: () => number;
  private readonly idempotencyTtlMs: number;
  private readonly planTtlMs: number;
  /** Index members already reported as malformed: each is logged once per process, not on every page. */
  private readonly reportedMalformed = new Set<string>();
  /** Batches, never caches: every call still reads Redis, but calls in one tick read it once. */
  private readonly taskReads = new DataLoader<string, Task[]>(
    async (threadIds) => {
      const tasks = await this.readTasksOfWorkflows(threadIds);
      return threadIds.map((threadId) => tasks.get(threadId) ?? []);
    },
    { cache: false },
  );

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly options: WorkflowServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.idempotencyTtlMs = options.idempotencyTtlMs ?? defaultDurationMs(DEFAULT_RESET_IDEMPOTENCY_TTL);
    this.planTtlMs = options.planTtlMs ?? defaultDurationMs(DEFAULT_RESET_PLAN_TTL);
  }

  async getWorkflow(threadId: string): Promise<Workflow | null> {
    validateThreadId(threadId);
    // A failed read must fail the call: read as "no record" it would tell an operator the workflow is gone.
    const [hash, score] = await execValues<Record<string, string> | string | null>(
      this.redis.pipeline().hgetall(this.keys.workflow(threadId)).zscore(this.keys.workflowIndex, threadId),
    );
    return toWorkflow(threadId, hash as Record<string, string>, score as string | null);
  }

  /**
   * A page of workflows in creation order. With a phase filter at most max(10×first, 500) entries
   * are examined; the page may then hold fewer than `first` and `endCursor` continues from the
   * last entry examined.
   */
  async listWorkflows(options: ListWorkflowsOptions): Promise<WorkflowPage> {
    const { first, phase } = options;
    validateFirst(first);
    if (phase && !PHASES.includes(phase)) {
      throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `phase must be one of ${PHASES.join(', ')}`, 'phase');
    }
    let position: IndexPosition | null = options.after ? decodeCursor(options.after) : null;
    const budget = phase ? examinedBudget(first) : Number.POSITIVE_INFINITY;
    const edges: WorkflowEdge[] = [];
    let examined = 0;
    let hasMore = true;
    while (edges.length < first && examined < budget && hasMore) {
      const wanted = phase ? Math.min(FILTER_BATCH, budget - examined) : first - edges.length;
      // One entry beyond those wanted tells whether anything follows, without another round trip.
      const entries = await this.readIndexAfter(position, wanted + 1);
      let consumed = 0;
      for (const entry of entries.slice(0, wanted)) {
        consumed += 1;
        examined += 1;
        position = entry;
        const workflow = toWorkflow(entry.threadId, entry.hash, String(entry.score));
        if (workflow && (!phase || workflow.phase === phase)) edges.push({ workflow, cursor: encodeCursor(entry) });
        if (edges.length === first) break;
      }
      hasMore = consumed < entries.length;
    }
    return { edges, endCursor: examined > 0 && position ? encodeCursor(position) : null, hasNextPage: hasMore && position !== null };
  }

  /**
   * The tasks of many workflows in two round trips, whatever their number (for a DataLoader). Calls
   * made in the same tick share one read (a request's tasks and health ask for the same workflows).
   */
  async getTasksOfWorkflows(threadIds: string[]): Promise<Map<string, Task[]>> {
    const unique = [...new Set(threadIds)];
    const lists = await this.taskReads.loadMany(unique);
    const failed = lists.find((list): list is Error => list instanceof Error);
    if (failed) throw failed;
    return new Map(unique.map((threadId, i) => [threadId, lists[i] as Task[]]));
  }

  private async readTasksOfWorkflows(threadIds: readonly string[]): Promise<Map<string, Task[]>> {
    const unique = [...new Set(threadIds)];
    const tasksByWorkflow = new Map<string, Task[]>(unique.map((threadId) => [threadId, []]));
    if (unique.length === 0) return tasksByWorkflow;
    const indexes = this.redis.pipeline();
    for (const threadId of unique) indexes.smembers(this.keys.workflowTasks(threadId));
    const memberLists = await execValues<string[]>(indexes);
    const owned = unique.flatMap((threadId, i) => (memberLists[i] ?? []).map((taskId) => ({ threadId, taskId })));
    if (owned.length === 0) return tasksByWorkflow;
    const records = this.redis.pipeline();
    for (const { taskId } of owned) records.hgetall(this.keys.task(taskId)).get(this.keys.result(taskId));
    const values = await execValues<unknown>(records);
    owned.forEach(({ threadId, taskId }, i) => {
      const task = toTask(taskId, values[2 * i] as Record<string, string>, values[2 * i + 1] as string | null);
      // An index member owned by another workflow (or by none) is not this one's, as the reset reads it.
      if (task?.threadId === threadId) tasksByWorkflow.get(threadId)!.push(task);
    });
    for (const tasks of tasksByWorkflow.values()) tasks.sort(byEnqueueTime);
    return tasksByWorkflow;
  }

  async queueLengths(): Promise<QueueLength[]> {
    const pipeline = this.redis.pipeline();
    for (const domain of DOMAINS) pipeline.llen(this.keys.queue(domain));
    const lengths = await execValues<number>(pipeline);
    return DOMAINS.map((domain, i) => ({ domain, length: Number(lengths[i] ?? 0) }));
  }

  /** A new workflow at gate 0, phase pending; an id that exists is a CONFLICT. */
  async startWorkflow(request: StartWorkflowRequest): Promise<Workflow> {
    const threadId = request.threadId == null ? randomUUID() : validateThreadId(request.threadId);
    const now = this.now();
    const created = await runCreateWorkflow(this.redis, this.keys, { threadId, now });
    if (created !== CreateWorkflowOutcome.Created) {
      throw new WorkflowError(ErrorCode.CONFLICT, `A workflow with thread id "${threadId}" already exists`, 'threadId');
    }
    return { threadId, gate: 0, phase: 'pending', attempt: 0, createdAt: new Date(now), updatedAt: new Date(now) };
  }

  /** pending, stopped, blocked or failed → running. */
  async runWorkflow(threadId: string): Promise<Workflow> {
    return this.transition(threadId, 'run');
  }

  /** pending, running or blocked → stopped; tasks stay, so a later run resumes where it stopped. */
  async stopWorkflow(threadId: string): Promise<Workflow> {
    return this.transition(threadId, 'stop');
  }

  /** Records, indexes and queues a task of an existing workflow in one script. */
  async enqueueTask(request: EnqueueTaskRequest): Promise<Task> {
    const { threadId, domain } = request;
    validateThreadId(threadId);
    if (!DOMAINS.includes(domain)) {
      throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `domain must be one of ${DOMAINS.join(', ')}`, 'domain');
    }
    const data = serializeTaskData(request.data, threadId);
    const taskId = randomUUID();
    const now = this.now();
    const { outcome } = await runEnqueueTask(this.redis, this.keys, { threadId, taskId, data, domain, now });
    if (outcome === EnqueueTaskOutcome.NoWorkflow) throw notFound(threadId);
    if (outcome !== EnqueueTaskOutcome.Queued) throw new WorkflowError(ErrorCode.CONFLICT, 'The generated task id is taken; try again');
    return {
      id: taskId,
      threadId,
      domain,
      status: 'pending',
      data: JSON.parse(data),
      enqueuedAt: new Date(now),
      startedAt: null,
      heartbeatAt: null,
      agent: null,
      result: null,
    };
  }

  /** A real reset must carry the planToken of a preview (REQUIRE_RESET_CONFIRMATION). */
  get requiresConfirmation(): boolean {
    return this.options.requireConfirmation === true;
  }

  /**
   * True when `actor` already made a reset with this requestId whose answer is still stored: repeating
   * it replays that answer (or is an IDEMPOTENCY_CONFLICT) and changes nothing.
   */
  async hasStoredAnswer(actor: string, requestId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.resetRequest(requestHash(actor, requestId)))) === 1;
  }

  /**
   * Previews (`dryRun`) or performs a reset: cancels and removes a workflow's tasks and puts it back
   * at a gate, in one script (docs/redis-contract.md, "Reset"). Refusals throw WorkflowError
   * (CONFIRMATION_REQUIRED, STALE_PLAN, PRECONDITION_FAILED, IDEMPOTENCY_CONFLICT) and write nothing.
   */
  async resetWorkflow(request: ResetRequest): Promise<CleanupSummary> {
    const summary = await this.answerReset(request);
    this.options.observer?.resetAnswered(summary);
    return summary;
  }

  private async answerReset(request: ResetRequest): Promise<CleanupSummary> {
    validateResetRequest(request, this.options.maxGate);
    const { threadId, resetToGate, actor } = request;
    const dryRun = request.dryRun === true;
    const planToken = request.planToken ?? '';
    const requestId = request.requestId ?? '';
    if (!dryRun && this.requiresConfirmation && !planToken) {
      throw new WorkflowError(
        ErrorCode.CONFIRMATION_REQUIRED,
        `Resets must be confirmed: preview the reset of "${threadId}" with dryRun and pass its planToken`,
        'planToken',
      );
    }
    const now = this.now();
    const reply = await runResetWorkflow(this.redis, this.keys, {
      threadId,
      resetToGate,
      clearTasks: request.clearTasks,
      clearResults: request.clearResults,
      actor,
      reason: request.reason,
      now,
      preview: dryRun,
      request: requestId && !dryRun ? { id: requestId, hash: requestHash(actor, requestId) } : null,
      requestTtlMs: this.idempotencyTtlMs,
      expectedGate: request.expectedGate ?? null,
      expectedPhase: request.expectedPhase ?? null,
      planToken: planToken && !dryRun ? planToken : null,
      knownPhases: PHASES,
      sweepQueues: this.options.sweepQueues !== false,
      auditMaxLength: AUDIT_MAX_LENGTH,
      workflowAuditMaxLength: WORKFLOW_AUDIT_MAX_LENGTH,
    });
    switch (reply.outcome) {
      case ResetScriptOutcome.UnknownWorkflow:
        return {
          success: false,
          threadId,
          cleared: { tasks: 0, results: 0, queues: [] },
          newState: null,
          message: `No workflow "${threadId}": it has no record and no task; nothing was changed`,
          dryRun,
          plan: null,
          requestId: requestId || null,
          replayed: false,
        };
      case ResetScriptOutcome.RequestIdConflict:
        throw new WorkflowError(
          ErrorCode.IDEMPOTENCY_CONFLICT,
          `requestId "${requestId}" was already used for a different reset (another workflow, gate or clear option); use a new requestId`,
          'requestId',
        );
      case ResetScriptOutcome.PreconditionFailed:
        throw preconditionFailed(request, reply.current);
      case ResetScriptOutcome.StalePlan:
        throw new WorkflowError(
          ErrorCode.STALE_PLAN,
          reply.reason === 'missing'
            ? `The planToken expired or was not issued by a preview of this reset; preview "${threadId}" again`
            : `Workflow "${threadId}" changed since the preview; nothing was reset. Preview it again and confirm the new plan`,
          'planToken',
        );
    }
    const counts: ClearingCounts = { ...reply.counts, queues: parseDomains(reply.counts.queues) };
    if (reply.outcome === ResetScriptOutcome.Previewed) return this.recordPreview(request, reply.plan, counts, now);
    return {
      success: true,
      threadId,
      cleared: { tasks: counts.tasks, results: counts.results, queues: counts.queues },
      newState: { gate: resetToGate, phase: 'pending', attempt: reply.attempt },
      message: `Workflow "${threadId}" reset to gate ${resetToGate}: ${describeClearing(counts, 'done')}`,
      dryRun: false,
      plan: null,
      requestId: requestId || null,
      // The stored summary of an earlier call with this requestId; nothing was written now.
      replayed: reply.outcome === ResetScriptOutcome.Replayed,
    };
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
   * The workflow a task belongs to (taskOwner: the contract's one ownership rule, as the scripts read
   * it) and the attempt it was enqueued for; null when no record names an owner.
   */
  async findTaskOwner(taskId: string): Promise<TaskOwner | null> {
    const [owner, data, attempt] = await this.redis.hmget(this.keys.task(taskId), 'thread_id', 'data', 'attempt');
    const threadId = taskOwner({ thread_id: owner, data });
    return threadId ? { threadId, attempt: parseCount(attempt ?? undefined) } : null;
  }

  /** Resets and previews, newest first: one workflow's, or all workflows' when threadId is absent. */
  async listResetAudit(options: ListResetAuditOptions): Promise<ResetAuditPage> {
    const { first } = options;
    validateFirst(first);
    const threadId = options.threadId == null ? null : validateThreadId(options.threadId);
    const stream = threadId === null ? this.keys.audit : this.keys.workflowAudit(threadId);
    const end = options.after == null ? '+' : olderThan(streamIdOf(options.after, threadId));
    if (end === null) return { entries: [], endCursor: null, hasNextPage: false };
    const raw = await this.redis.xrevrange(stream, end, '-', 'COUNT', first + 1);
    const entries = raw.slice(0, first).map(([streamId, fields]) => toAuditEntry(auditEntryId(threadId, streamId), fields));
    return { entries, endCursor: entries.at(-1)?.id ?? null, hasNextPage: raw.length > first };
  }

  /** Stores a preview's plan under its token and audits the preview, in one MULTI. */
  private async recordPreview(request: ResetRequest, canonical: string, counts: ClearingCounts, now: number): Promise<CleanupSummary> {
    const { threadId, resetToGate } = request;
    const planned = parseCanonicalPlan(canonical);
    const planToken = planTokenOf(canonical);
    const fields = previewAuditFields({
      threadId,
      actor: request.actor,
      reason: request.reason,
      requestId: request.requestId ?? null,
      at: now,
      targetGate: resetToGate,
      clearTasks: request.clearTasks,
      clearResults: request.clearResults,
      cleared: counts,
      before: planned.current,
      planToken,
    });
    await execValues(
      this.redis
        .multi()
        .set(this.keys.resetPlan(planToken), canonical, 'PX', this.planTtlMs)
        .xadd(this.keys.audit, 'MAXLEN', '~', AUDIT_MAX_LENGTH, '*', ...fields)
        .xadd(this.keys.workflowAudit(threadId), 'MAXLEN', '~', WORKFLOW_AUDIT_MAX_LENGTH, '*', ...fields),
    );
    return {
      success: true,
      threadId,
      cleared: { tasks: counts.tasks, results: counts.results, queues: counts.queues },
      newState: null,
      message:
        `Preview of the reset of "${threadId}" to gate ${resetToGate}: it would ${describeClearing(counts, 'planned')}. ` +
        `Nothing was changed; confirm with the planToken before ${new Date(now + this.planTtlMs).toISOString()}`,
      dryRun: true,
      plan: { ...planned, planToken, expiresAt: new Date(now + this.planTtlMs) },
      requestId: request.requestId ?? null,
      replayed: false,
    };
  }

  private async transition(threadId: string, move: keyof typeof TRANSITIONS): Promise<Workflow> {
    validateThreadId(threadId);
    const { to, from } = TRANSITIONS[move];
    const { outcome, phase: current } = await runTransitionWorkflow(this.redis, this.keys, {
      threadId,
      to,
      from,
      knownPhases: PHASES,
      now: this.now(),
    });
    if (outcome === TransitionWorkflowOutcome.NoWorkflow) throw notFound(threadId);
    if (outcome !== TransitionWorkflowOutcome.Moved) {
      const phase = parsePhase(current);
      throw new WorkflowError(
        ErrorCode.CONFLICT,
        phase === to
          ? `Workflow "${threadId}" is already ${phase}`
          : `Workflow "${threadId}" is ${phase}; only a ${from.join(', ')} workflow can be ${move === 'run' ? 'run' : 'stopped'}`,
      );
    }
    const workflow = await this.getWorkflow(threadId);
    if (!workflow) throw notFound(threadId);
    return workflow;
  }

  /**
   * Up to `count` index entries after `position` (from the start when null), with their hashes.
   * Entries sharing the position's score are skipped by member order.
   */
  private async readIndexAfter(position: IndexPosition | null, count: number): Promise<IndexEntry[]> {
    const entries: IndexEntry[] = [];
    const min = position ? String(position.score) : '-inf';
    // The range starts at the position's score, so it holds the position's own entry (when still
    // indexed): reading one more keeps a page after a cursor to one round trip, like the first page.
    const batch = position ? count + 1 : count;
    for (let offset = 0; entries.length < count; offset += batch) {
      const raw = await this.redis.zrangebyscore(this.keys.workflowIndex, min, '+inf', 'WITHSCORES', 'LIMIT', offset, batch);
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const entry = { threadId: raw[i], score: Number(raw[i + 1]) };
        if (!position || isAfter(entry, position)) entries.push(entry);
      }
      if (raw.length < 2 * batch) break;
    }
    entries.length = Math.min(entries.length, count);
    if (entries.length > 0) {
      const pipeline = this.redis.pipeline();
      for (const entry of entries) pipeline.hgetall(this.keys.workflow(entry.threadId));
      const replies = (await pipeline.exec()) ?? [];
      entries.forEach((entry, i) => {
        const [error, hash] = replies[i] ?? [];
        if (error && !isWrongType(error)) throw error;
        // A member whose key is no hash (`a:tasks`, which the contract forbids) is left out like a missing record.
        if (error) this.reportMalformed(entry.threadId);
        else entry.hash = hash as Record<string, string>;
      });
    }
    return entries;
  }

  private reportMalformed(threadId: string): void {
    if (this.reportedMalformed.has(threadId)) return;
    this.reportedMalformed.add(threadId);
    this.options.logger?.warn(
      { threadId, key: this.keys.workflow(threadId) },
      'workflows index entry skipped: its workflow key is not a hash',
    );
  }
}

interface ClearingCounts {
  tasks: number;
  results: number;
  cancelled: number;
  queues: Domain[];
}

/** The idempotency key of a request id: per actor, so two users never share one. */
function requestHash(actor: string, requestId: string): string {
  // Request ids have no control characters, so the NUL separates actor and id unambiguously.
  return createHash('sha256').update(`${actor}\0${requestId}`, 'utf8').digest('hex');
}

function describeClearing(counts: ClearingCounts, mode: 'done' | 'planned'): string {
  const { cancelled, tasks, results, queues } = counts;
  if (mode === 'planned') {
    const dequeue = queues.length > 0 ? `, dequeue from ${queues.join(', ')}` : '';
    return `cancel ${cancelled} task(s), delete ${tasks} task record(s) and ${results} result(s)${dequeue}`;
  }
  const dequeued = queues.length > 0 ? `, dequeued from ${queues.join(', ')}` : '';
  return `${cancelled} task(s) cancelled, ${tasks} task record(s) and ${results} result(s) deleted${dequeued}`;
}

function preconditionFailed(request: ResetRequest, current: ResetPreconditionState): WorkflowError {
  const { hasRecord, gate, phase } = current;
  const expected = [
    request.expectedGate == null ? null : `gate ${request.expectedGate}`,
    request.expectedPhase == null ? null : `phase ${request.expectedPhase}`,
  ].filter(Boolean);
  const actual = hasRecord ? `is at gate ${gate}, phase ${phase}` : 'has no record';
  return new WorkflowError(
    ErrorCode.PRECONDITION_FAILED,
    `Workflow "${request.threadId}" ${actual}, not ${expected.join(', ')} as expected; nothing was reset`,
    request.expectedGate == null ? 'expectedPhase' : 'expectedGate',
  );
}

function refusal(taskId: string, reason: TaskResultRefusal, write: 'Result' | 'Heartbeat'): TaskResultOutcome {
  return { recorded: false, taskId, reason, message: `${write} of task "${taskId}" refused: ${TASK_RESULT_MESSAGES[reason]}` };
}

function notFound(threadId: string): WorkflowError {
  return new WorkflowError(ErrorCode.NOT_FOUND, `No workflow with thread id "${threadId}"`, 'threadId');
}

/** The replies of a pipeline; a failed command is an unexpected error, not a domain one. */
async function execValues<T>(pipeline: ReturnType<RedisClient['pipeline']>): Promise<T[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, value]) => {
    if (error) throw error;
    return value as T;
  });
}
