import { ErrorCode } from '../error-codes';
import type { ResetPreconditionState, StalePlanReason } from '../redis/commands/reset-workflow';
import type { DequeueOutcome } from './reset-queues';
import type { PlannedReset } from './reset-plan';
import { WorkflowError, type CleanupSummary, type Domain, type ResetRequest } from './workflow.types';

/**
 * How the reset service words its answers: the summaries a client reads and the refusals it throws
 * (docs/redis-contract.md, "Reset"). Nothing here reads or writes Redis.
 */

export interface ClearingCounts {
  tasks: number;
  results: number;
  cancelled: number;
  queues: Domain[];
}

export function unknownWorkflowSummary(request: ResetRequest): CleanupSummary {
  const { threadId } = request;
  return {
    success: false,
    threadId,
    cleared: { tasks: 0, results: 0, queues: [] },
    newState: null,
    message: `No workflow "${threadId}": it has no record and no task; nothing was changed`,
    dryRun: request.dryRun === true,
    plan: null,
    requestId: request.requestId || null,
    replayed: false,
    queuedIdsLeft: null,
  };
}

/** A reset done now or earlier (`replayed`: the stored answer of the same requestId), with what its dequeue left. */
export function resetSummary(
  request: ResetRequest,
  done: { counts: ClearingCounts; attempt: number; replayed: boolean; dequeued: DequeueOutcome },
): CleanupSummary {
  const { threadId, resetToGate } = request;
  const { counts, dequeued } = done;
  const left = dequeued.left.reduce((sum, queue) => sum + queue.taskIds.length, 0);
  return {
    success: true,
    threadId,
    cleared: { tasks: counts.tasks, results: counts.results, queues: counts.queues },
    newState: { gate: resetToGate, phase: 'pending', attempt: done.attempt },
    message: `Workflow "${threadId}" reset to gate ${resetToGate}: ${describeClearing(counts, 'done')}${describeLeft(dequeued, left)}`,
    dryRun: false,
    plan: null,
    requestId: request.requestId || null,
    replayed: done.replayed,
    queuedIdsLeft: left,
  };
}

export function previewSummary(
  request: ResetRequest,
  preview: { counts: ClearingCounts; planned: PlannedReset; planToken: string; expiresAt: Date },
): CleanupSummary {
  const { threadId, resetToGate } = request;
  const { counts, planned, planToken, expiresAt } = preview;
  return {
    success: true,
    threadId,
    cleared: { tasks: counts.tasks, results: counts.results, queues: counts.queues },
    newState: null,
    message:
      `Preview of the reset of "${threadId}" to gate ${resetToGate}: it would ${describeClearing(counts, 'planned')}. ` +
      `Nothing was changed; confirm with the planToken before ${expiresAt.toISOString()}`,
    dryRun: true,
    plan: { ...planned, planToken, expiresAt },
    requestId: request.requestId ?? null,
    replayed: false,
    queuedIdsLeft: null,
  };
}

export function requestIdConflict(requestId: string): WorkflowError {
  return new WorkflowError(
    ErrorCode.IDEMPOTENCY_CONFLICT,
    `requestId "${requestId}" was already used for a different reset (another workflow, gate or clear option); use a new requestId`,
    'requestId',
  );
}

export function stalePlan(threadId: string, reason: StalePlanReason): WorkflowError {
  return new WorkflowError(
    ErrorCode.STALE_PLAN,
    reason === 'missing'
      ? `The planToken expired or was not issued by a preview of this reset; preview "${threadId}" again`
      : `Workflow "${threadId}" changed since the preview; nothing was reset. Preview it again and confirm the new plan`,
    'planToken',
  );
}

export function preconditionFailed(request: ResetRequest, current: ResetPreconditionState): WorkflowError {
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

function describeClearing(counts: ClearingCounts, mode: 'done' | 'planned'): string {
  const { cancelled, tasks, results, queues } = counts;
  if (mode === 'planned') {
    const dequeue = queues.length > 0 ? `, dequeue from ${queues.join(', ')}` : '';
    return `cancel ${cancelled} task(s), delete ${tasks} task record(s) and ${results} result(s)${dequeue}`;
  }
  const dequeued = queues.length > 0 ? `, dequeued from ${queues.join(', ')}` : '';
  return `${cancelled} task(s) cancelled, ${tasks} task record(s) and ${results} result(s) deleted${dequeued}`;
}

function describeLeft(dequeued: DequeueOutcome, left: number): string {
  if (left === 0) return '';
  const dead = 'they are dead, and agents drop them when they pop them';
  if (dequeued.failed) return `; removing ${left} queued id(s) from the queues failed: ${dead} (repeat with the same requestId to retry)`;
  const where = dequeued.left.map((queue) => `${queue.domain} (${queue.queueLength} entries)`).join(', ');
  return `; ${left} queued id(s) left in ${where}, too deep to remove them from: ${dead}`;
}
