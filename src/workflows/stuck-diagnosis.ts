import type { StuckThresholds } from '../config';
import { STUCK_KINDS, type StuckKind, type StuckReason, type WorkflowHealth } from './stuck.types';
import type { Phase, Task, Workflow } from './workflow.types';

/**
 * Why a workflow is stuck, from its record and its indexed tasks alone (docs/redis-contract.md,
 * "Stuck workflows"). Pure: the time is `now`, so the same input always gives the same answer.
 */

/** Nobody waits on these: the orchestrator finished, gave up, or was told to stop. */
export const SETTLED_PHASES: readonly Phase[] = ['completed', 'failed', 'stopped'];
/** Only a workflow the orchestrator should still be advancing can have a result it missed. */
const ADVANCING_PHASES: readonly Phase[] = ['pending', 'running'];

export function diagnoseWorkflow(workflow: Workflow, tasks: readonly Task[], thresholds: StuckThresholds, now: number): WorkflowHealth {
  if (SETTLED_PHASES.includes(workflow.phase)) return { stuck: false, reasons: [] };
  const reasons = [...tasks.flatMap((task) => taskReasons(workflow, task, thresholds, now)), ...workflowReasons(workflow, tasks, now)].sort(
    byKindThenAge,
  );
  return { stuck: reasons.length > 0, reasons };
}

function taskReasons(workflow: Workflow, task: Task, thresholds: StuckThresholds, now: number): StuckReason[] {
  const domain = task.domain ?? 'its';
  switch (task.status) {
    case 'pending': {
      // Only a task still waiting counts: its enqueue time is when the wait began.
      const since = task.enqueuedAt;
      if (!since || !isOver(since, thresholds.queuedAfterMs, now)) return [];
      return [
        reason(
          'queued_too_long',
          task.id,
          since,
          now,
          (age) =>
            `No agent took task ${task.id} in ${age}: check the ${domain} agents are running and consuming the ${domain} queue, ` +
            'or reset the workflow to requeue it.',
        ),
      ];
    }
    case 'in_progress': {
      const since = lastSignOfLife(task);
      if (!since || !isOver(since, thresholds.runningAfterMs, now)) return [];
      const agent = task.agent ? `Agent ${task.agent}` : `The ${domain} agent`;
      return [
        reason(
          'agent_gone',
          task.id,
          since,
          now,
          (age) =>
            `${agent} has not reported on task ${task.id} for ${age}: check whether it is still alive; ` +
            'if it died, reset the workflow to cancel the task and run the gate again.',
        ),
      ];
    }
    case 'completed':
    case 'failed': {
      const since = resultStoredAt(task);
      if (task.result === null || !since || !ADVANCING_PHASES.includes(workflow.phase)) return [];
      if (workflow.updatedAt.getTime() > since.getTime() || !isOver(since, thresholds.resultAfterMs, now)) return [];
      return [
        reason(
          'result_not_advanced',
          task.id,
          since,
          now,
          (age) =>
            `Task ${task.id} stored its ${task.status === 'failed' ? 'failure' : 'result'} ${age} ago ` +
            'and the workflow has not moved since: ' +
            'check the orchestrator is running and receiving results, or reset the workflow to run the gate again.',
        ),
      ];
    }
    default:
      return [];
  }
}

/** Safety blocks are reported at once: no agent will lift them, so there is no threshold to wait for. */
function workflowReasons(workflow: Workflow, tasks: readonly Task[], now: number): StuckReason[] {
  const blockedSafetyTasks = tasks.filter((task) => task.domain === 'safety' && task.status === 'blocked');
  const reasons = blockedSafetyTasks.map((task) => {
    const since = lastSignOfLife(task) ?? workflow.updatedAt;
    const why = blockedReason(task);
    return reason(
      'safety_blocked',
      task.id,
      since,
      now,
      (age) =>
        `The safety review blocked task ${task.id} ${age} ago${why ? ` (${why})` : ''}: have a reviewer resolve it and run the workflow, ` +
        'or reset the workflow to redo the gate.',
    );
  });
  if (reasons.length === 0 && workflow.phase === 'blocked') {
    reasons.push(
      reason(
        'safety_blocked',
        null,
        workflow.updatedAt,
        now,
        (age) =>
          `The workflow has been blocked for ${age} with no blocked safety task to explain it: ` +
          'ask the orchestrator owner why, then run the workflow to resume it or reset it to redo the gate.',
      ),
    );
  }
  return reasons;
}

/** The agent's last heartbeat, else when it started, else when the task was queued. */
function lastSignOfLife(task: Task): Date | null {
  return task.heartbeatAt ?? task.startedAt ?? task.enqueuedAt;
}

/**
 * The contract has no completion time: an agent heartbeats while it works, then writes its result
 * and status, so the last heartbeat (else the start, else the enqueue) is the latest time known to
 * precede the result. It may read a little early, never late.
 */
function resultStoredAt(task: Task): Date | null {
  return lastSignOfLife(task);
}

function blockedReason(task: Task): string | null {
  const data = task.data as { blocked_reason?: unknown } | null;
  return typeof data === 'object' && data !== null && typeof data.blocked_reason === 'string' ? data.blocked_reason : null;
}

/** Strictly longer than the threshold: a task exactly at it is not yet stuck. */
function isOver(since: Date, thresholdMs: number, now: number): boolean {
  return now - since.getTime() > thresholdMs;
}

function reason(kind: StuckKind, taskId: string | null, since: Date, now: number, suggestedFix: (age: string) => string): StuckReason {
  const durationMs = Math.max(0, now - since.getTime());
  return { kind, taskId, since, durationMs, suggestedFix: suggestedFix(formatDuration(durationMs)) };
}

function byKindThenAge(a: StuckReason, b: StuckReason): number {
  const kind = STUCK_KINDS.indexOf(a.kind) - STUCK_KINDS.indexOf(b.kind);
  if (kind !== 0) return kind;
  const age = b.durationMs - a.durationMs;
  if (age !== 0) return age;
  return (a.taskId ?? '') < (b.taskId ?? '') ? -1 : (a.taskId ?? '') > (b.taskId ?? '') ? 1 : 0;
}

const UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** `2h 30m`, `55m`, `40s`: at most the two largest units, for a person reading at 3 a.m. */
function formatDuration(ms: number): string {
  const first = UNITS.findIndex(([, size]) => ms >= size);
  if (first === -1) return `${Math.floor(ms)}ms`;
  return UNITS.slice(first, first + 2)
    .map(([unit, size], i) => [unit, i === 0 ? Math.floor(ms / size) : Math.floor((ms % UNITS[first][1]) / size)] as const)
    .filter(([, count], i) => i === 0 || count > 0)
    .map(([unit, count]) => `${count}${unit}`)
    .join(' ');
}

/** How many of the workflows whose health is given are stuck in each way (one stuck two ways counts in both). */
export function countStuckByKind(healths: Iterable<WorkflowHealth>): Map<StuckKind, number> {
  const counts = new Map<StuckKind, number>(STUCK_KINDS.map((kind) => [kind, 0]));
  for (const { reasons } of healths) {
    for (const kind of new Set(reasons.map((reason) => reason.kind))) counts.set(kind, counts.get(kind)! + 1);
  }
  return counts;
}
