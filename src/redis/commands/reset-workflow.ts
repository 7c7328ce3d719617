import type { RedisClient } from '../client';
import type { RedisKeys } from '../keys';
import { runScript } from '../scripts';
import { fieldLines, fieldText } from './field-lines';
import { countOf, namedArguments, outcomeOf, replyList, UnexpectedScriptReply } from './script-io';

/** The replies of reset-workflow.lua, by their first value. */
export enum ResetScriptOutcome {
  /** The request id names a different reset: nothing written. */
  RequestIdConflict = -1,
  /** The expected gate or phase does not hold: nothing written. */
  PreconditionFailed = -2,
  /** The plan token's plan expired or differs from what a reset would do now: nothing written. */
  StalePlan = -3,
  /** No record and no task: nothing written. */
  UnknownWorkflow = 0,
  Reset = 1,
  /** Nothing written; the counts are what a reset now would make them. */
  Previewed = 2,
  /** The stored summary of an earlier reset with this request id; nothing written now. */
  Replayed = 3,
  /** Replay mode only: the request id has no stored summary. */
  NotStored = 4,
}

export interface ResetScriptRequest {
  threadId: string;
  resetToGate: number;
  clearTasks: boolean;
  clearResults: boolean;
  actor: string;
  reason: string;
  now: number;
  /**
   * `preview` writes nothing and replies the canonical plan; `replay` only answers the stored summary
   * of the request id, if there is one (before a sweep, which a replay does not need).
   */
  mode: 'preview' | 'reset' | 'replay';
  /** The request id and the hash its summary is stored under; null without one (and in a preview). */
  request: { id: string; hash: string } | null;
  /** How long the summary of a request id is kept. */
  requestTtlMs: number;
  expectedGate: number | null;
  expectedPhase: string | null;
  /** The plan a real reset must still match; null without one (and in a preview). */
  planToken: string | null;
  /** Every phase the service knows: any other stored value reads as pending. */
  knownPhases: readonly string[];
  /** The domains, in queue order. */
  domains: readonly string[];
  /** What the sweep found of the workflow in each queue (ids an earlier step found; the script checks each is still the workflow's). */
  queued: ReadonlyMap<string, ReadonlySet<string>>;
  auditMaxLength: number;
  workflowAuditMaxLength: number;
}

/** A queue's ids of the workflow: the script's `dequeue`, to remove after the reset. */
export interface QueuedIds {
  domain: string;
  taskIds: string[];
}

export interface ResetCounts {
  tasks: number;
  results: number;
  cancelled: number;
  /** The domains whose queues the workflow's ids leave, comma-separated ('fe,qa'). */
  queues: string;
}

export type StalePlanReason = 'missing' | 'changed';

/** The workflow's record as the script read it, when an expected gate or phase did not hold. */
export interface ResetPreconditionState {
  hasRecord: boolean;
  gate: number;
  phase: string;
}

export type ResetScriptReply =
  | {
      outcome: ResetScriptOutcome.Reset | ResetScriptOutcome.Replayed;
      counts: ResetCounts;
      /** After the reset. */
      attempt: number;
      dequeue: QueuedIds[];
    }
  | { outcome: ResetScriptOutcome.Previewed; /** The canonical plan. */ plan: string; counts: ResetCounts; attempt: number }
  | { outcome: ResetScriptOutcome.UnknownWorkflow | ResetScriptOutcome.RequestIdConflict | ResetScriptOutcome.NotStored }
  | { outcome: ResetScriptOutcome.PreconditionFailed; current: ResetPreconditionState }
  | { outcome: ResetScriptOutcome.StalePlan; reason: StalePlanReason };

/** Previews, or performs, the atomic step of the reset of one workflow (docs/redis-contract.md, "Reset"). */
export async function runResetWorkflow(redis: RedisClient, keys: RedisKeys, request: ResetScriptRequest): Promise<ResetScriptReply> {
  const { threadId } = request;
  const reply = await runScript(
    redis,
    'resetWorkflow',
    [
      keys.workflow(threadId),
      keys.workflowTasks(threadId),
      keys.workflowIndex,
      keys.audit,
      keys.workflowAudit(threadId),
      // Unused slots still name a key of their kind; the script reads them only when the argument is given.
      keys.resetRequest(request.request?.hash ?? 'none'),
      keys.resetPlan(request.planToken ?? 'none'),
    ],
    namedArguments({
      threadId,
      taskKeyPrefix: keys.taskKeyPrefix,
      resultKeyPrefix: keys.resultKeyPrefix,
      clearTasks: flag(request.clearTasks),
      clearResults: flag(request.clearResults),
      gate: String(request.resetToGate),
      now: String(request.now),
      actor: request.actor,
      reason: request.reason,
      auditMaxLength: String(request.auditMaxLength),
      workflowAuditMaxLength: String(request.workflowAuditMaxLength),
      mode: request.mode,
      requestId: request.request?.id ?? '',
      requestTtlMs: String(request.requestTtlMs),
      expectedGate: request.expectedGate == null ? '' : String(request.expectedGate),
      expectedPhase: request.expectedPhase ?? '',
      planToken: request.planToken ?? '',
      knownPhases: request.knownPhases.join(','),
      eventsChannel: keys.eventsChannel,
      domains: request.domains.join(','),
      queued: fieldText([...request.queued].map(([domain, ids]) => [domain, ...ids])),
    }),
  );
  return decodeResetReply(reply);
}

function flag(value: boolean): string {
  return value ? '1' : '0';
}

export function decodeResetReply(reply: unknown): ResetScriptReply {
  const values = replyList('resetWorkflow', reply);
  const outcome = outcomeOf<ResetScriptOutcome>('resetWorkflow', ResetScriptOutcome, values[0], reply);
  switch (outcome) {
    case ResetScriptOutcome.UnknownWorkflow:
    case ResetScriptOutcome.RequestIdConflict:
    case ResetScriptOutcome.NotStored:
      return { outcome };
    case ResetScriptOutcome.PreconditionFailed: {
      const [, hasRecord, gate, phase] = values;
      return { outcome, current: { hasRecord: hasRecord === '1', gate: countOf('resetWorkflow', gate, reply), phase: String(phase) } };
    }
    case ResetScriptOutcome.StalePlan: {
      const reason = values[1];
      if (reason !== 'missing' && reason !== 'changed') throw new UnexpectedScriptReply('resetWorkflow', reply);
      return { outcome, reason };
    }
    case ResetScriptOutcome.Previewed:
    case ResetScriptOutcome.Reset:
    case ResetScriptOutcome.Replayed: {
      const [, plan, tasks, results, cancelled, queues, attempt, dequeue] = values;
      const counts: ResetCounts = {
        tasks: countOf('resetWorkflow', tasks, reply),
        results: countOf('resetWorkflow', results, reply),
        cancelled: countOf('resetWorkflow', cancelled, reply),
        queues: String(queues ?? ''),
      };
      const attemptNumber = countOf('resetWorkflow', attempt, reply);
      if (outcome === ResetScriptOutcome.Previewed) return { outcome, plan: String(plan), counts, attempt: attemptNumber };
      const queued = fieldLines(String(dequeue ?? '')).map(([domain, ...taskIds]) => ({ domain, taskIds }));
      return { outcome, counts, attempt: attemptNumber, dequeue: queued };
    }
  }
}
