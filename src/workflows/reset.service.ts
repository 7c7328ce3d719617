import { createHash } from 'node:crypto';
import { DEFAULT_RESET_IDEMPOTENCY_TTL, DEFAULT_RESET_PLAN_TTL, defaultDurationMs } from '../defaults';
import { ErrorCode } from '../error-codes';
import type { RedisClient } from '../redis/client';
import { runRecordResetPreview } from '../redis/commands/record-reset-preview';
import { ResetScriptOutcome, runResetWorkflow, type QueuedIds, type ResetScriptRequest } from '../redis/commands/reset-workflow';
import { UnexpectedScriptReply } from '../redis/commands/script-io';
import type { RedisKeys } from '../redis/keys';
import { AUDIT_MAX_LENGTH, WORKFLOW_AUDIT_MAX_LENGTH, parseDomains } from './reset-audit';
import {
  preconditionFailed,
  previewSummary,
  requestIdConflict,
  resetSummary,
  stalePlan,
  unknownWorkflowSummary,
  type ClearingCounts,
} from './reset-answers';
import type { ResetCall, ResetObserver } from './reset-observer';
import { parseCanonicalPlan, planTokenOf } from './reset-plan';
import { ResetQueues, type DequeueOutcome, type QueuedEntries } from './reset-queues';
import { validateResetRequest } from './workflow.validation';
import { DOMAINS, PHASES, WorkflowError, type CleanupSummary, type Domain, type ResetRequest } from './workflow.types';

export interface ResetServiceOptions {
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
  /** The longest queue a reset removes its ids from; deeper ones keep them for agents to drop. Default DEFAULT_RESET_DEQUEUE_MAX_QUEUE_LENGTH (RESET_DEQUEUE_MAX_QUEUE_LENGTH). */
  maxDequeueLength?: number;
  /** Most of Redis's time one step of a queue sweep may take. Default RESET_SWEEP_STEP_BUDGET_MICROS. */
  sweepStepBudgetMicros?: number;
  /** Told of every reset and preview answered, of long sweeps and of failed dequeues (observability's logs and metrics). */
  observer?: Partial<Pick<ResetObserver, 'resetAnswered' | 'sweepProgress' | 'dequeueFailed'>>;
}

/**
 * Previews and performs resets (docs/redis-contract.md, "Reset"): the script does the reset, this
 * service checks the request, stores a preview's plan and audits it, and words the answer.
 */
export class ResetService {
  private readonly now: () => number;
  private readonly idempotencyTtlMs: number;
  private readonly planTtlMs: number;
  private readonly queues: ResetQueues;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly options: ResetServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.idempotencyTtlMs = options.idempotencyTtlMs ?? defaultDurationMs(DEFAULT_RESET_IDEMPOTENCY_TTL);
    this.planTtlMs = options.planTtlMs ?? defaultDurationMs(DEFAULT_RESET_PLAN_TTL);
    this.queues = new ResetQueues(redis, keys, {
      readOwners: options.sweepQueues !== false,
      stepBudgetMicros: options.sweepStepBudgetMicros,
      maxDequeueLength: options.maxDequeueLength,
    });
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
   * at a gate (docs/redis-contract.md, "Reset"): the queues are swept in bounded steps (unless `swept`
   * gives what a batch's sweep found), then one script does the reset, then the queues are cleaned.
   * Refusals throw WorkflowError (CONFIRMATION_REQUIRED, STALE_PLAN, PRECONDITION_FAILED,
   * IDEMPOTENCY_CONFLICT) and write nothing.
   */
  async resetWorkflow(request: ResetRequest, call: ResetCall & { swept?: QueuedEntries } = {}): Promise<CleanupSummary> {
    const observer = this.observerOf(call);
    const summary = await this.answerReset(request, call.swept, observer);
    observer?.resetAnswered?.(summary);
    return summary;
  }

  /**
   * Every queue's ids of these workflows, found in bounded steps (ResetQueues.find): a batch sweeps
   * the queues once for all its workflows and passes the result to each resetWorkflow.
   */
  findQueued(threadIds: readonly string[], call: ResetCall = {}): Promise<QueuedEntries> {
    return this.queues.find(threadIds, this.observerOf(call));
  }

  private observerOf(call: ResetCall): ResetServiceOptions['observer'] {
    return call.observer ?? this.options.observer;
  }

  private async answerReset(
    request: ResetRequest,
    swept: QueuedEntries | undefined,
    observer: ResetServiceOptions['observer'],
  ): Promise<CleanupSummary> {
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
    const script = (mode: ResetScriptRequest['mode'], queued: ReadonlyMap<string, ReadonlySet<string>>) =>
      runResetWorkflow(this.redis, this.keys, {
        threadId,
        resetToGate,
        clearTasks: request.clearTasks,
        clearResults: request.clearResults,
        actor,
        reason: request.reason,
        now,
        mode,
        request: requestId && !dryRun ? { id: requestId, hash: requestHash(actor, requestId) } : null,
        requestTtlMs: this.idempotencyTtlMs,
        expectedGate: request.expectedGate ?? null,
        expectedPhase: request.expectedPhase ?? null,
        planToken: planToken && !dryRun ? planToken : null,
        knownPhases: PHASES,
        domains: DOMAINS,
        queued,
        auditMaxLength: AUDIT_MAX_LENGTH,
        workflowAuditMaxLength: WORKFLOW_AUDIT_MAX_LENGTH,
      });
    // A repeat is answered from its stored summary before any sweep: it needs none.
    let reply = requestId && !dryRun ? await script('replay', new Map()) : null;
    if (!reply || reply.outcome === ResetScriptOutcome.NotStored) {
      const queued = (swept ?? (await this.queues.find([threadId], observer))).get(threadId) ?? new Map();
      reply = await script(dryRun ? 'preview' : 'reset', queued);
    }
    switch (reply.outcome) {
      case ResetScriptOutcome.NotStored:
        throw new UnexpectedScriptReply('resetWorkflow', reply);
      case ResetScriptOutcome.UnknownWorkflow:
        return unknownWorkflowSummary(request);
      case ResetScriptOutcome.RequestIdConflict:
        throw requestIdConflict(requestId);
      case ResetScriptOutcome.PreconditionFailed:
        throw preconditionFailed(request, reply.current);
      case ResetScriptOutcome.StalePlan:
        throw stalePlan(threadId, reply.reason);
    }
    const counts: ClearingCounts = { ...reply.counts, queues: parseDomains(reply.counts.queues) };
    if (reply.outcome === ResetScriptOutcome.Previewed) return this.recordPreview(request, reply.plan, counts, now);
    // The reset is done; a repeat (replayed) finishes a dequeue that an earlier call did not.
    const dequeued = await this.dequeue(threadId, reply.dequeue, observer);
    return resetSummary(request, { counts, attempt: reply.attempt, replayed: reply.outcome === ResetScriptOutcome.Replayed, dequeued });
  }

  /**
   * The queue part after the atomic step. Its ids are dead already, so a failure here loses nothing:
   * it is told to the observer, and what was not removed counts as left for the agents to drop.
   */
  private async dequeue(threadId: string, dequeue: QueuedIds[], observer: ResetServiceOptions['observer']): Promise<DequeueOutcome> {
    try {
      return await this.queues.remove(dequeue);
    } catch (error) {
      observer?.dequeueFailed?.(threadId, error);
      const left = dequeue.flatMap(({ domain, taskIds }) =>
        DOMAINS.includes(domain as Domain) ? [{ domain: domain as Domain, taskIds, queueLength: null }] : [],
      );
      return { removed: 0, left, failed: true };
    }
  }

  /** Stores a preview's plan under its token and audits the preview, in one script. */
  private async recordPreview(request: ResetRequest, canonical: string, counts: ClearingCounts, now: number): Promise<CleanupSummary> {
    const { threadId, resetToGate } = request;
    const planned = parseCanonicalPlan(canonical);
    const planToken = planTokenOf(canonical);
    await runRecordResetPreview(this.redis, this.keys, {
      threadId,
      plan: canonical,
      planToken,
      planTtlMs: this.planTtlMs,
      actor: request.actor,
      reason: request.reason,
      requestId: request.requestId ?? null,
      at: now,
      gate: resetToGate,
      clearTasks: request.clearTasks,
      clearResults: request.clearResults,
      counts: { ...counts, queues: counts.queues.join(',') },
      before: planned.current,
      auditMaxLength: AUDIT_MAX_LENGTH,
      workflowAuditMaxLength: WORKFLOW_AUDIT_MAX_LENGTH,
    });
    return previewSummary(request, { counts, planned, planToken, expiresAt: new Date(now + this.planTtlMs) });
  }
}

/** The idempotency key of a request id: per actor, so two users never share one. */
function requestHash(actor: string, requestId: string): string {
  // Request ids have no control characters, so the NUL separates actor and id unambiguously.
  return createHash('sha256').update(`${actor}\0${requestId}`, 'utf8').digest('hex');
}
