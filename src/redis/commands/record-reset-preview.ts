import type { RedisClient } from '../client';
import type { RedisKeys } from '../keys';
import { runScript } from '../scripts';
import { namedArguments, outcomeOf, replyList } from './script-io';
import type { ResetCounts } from './reset-workflow';

enum RecordPreviewOutcome {
  Recorded = 1,
}

export interface RecordResetPreviewRequest {
  threadId: string;
  /** The canonical plan and its token (sha256), stored for planTtlMs. */
  plan: string;
  planToken: string;
  planTtlMs: number;
  actor: string;
  reason: string;
  requestId: string | null;
  at: number;
  gate: number;
  clearTasks: boolean;
  clearResults: boolean;
  counts: ResetCounts;
  /** The record before the reset; null without one. */
  before: { gate: number; phase: string; attempt: number } | null;
  auditMaxLength: number;
  workflowAuditMaxLength: number;
}

/** Stores a preview's plan under its token and audits the preview in one step (record-reset-preview.lua). */
export async function runRecordResetPreview(redis: RedisClient, keys: RedisKeys, request: RecordResetPreviewRequest): Promise<void> {
  const { before, counts } = request;
  const reply = await runScript(
    redis,
    'recordResetPreview',
    [keys.resetPlan(request.planToken), keys.audit, keys.workflowAudit(request.threadId)],
    namedArguments({
      plan: request.plan,
      planTtlMs: String(request.planTtlMs),
      auditMaxLength: String(request.auditMaxLength),
      workflowAuditMaxLength: String(request.workflowAuditMaxLength),
      threadId: request.threadId,
      actor: request.actor,
      reason: request.reason,
      requestId: request.requestId ?? '',
      at: String(request.at),
      gate: String(request.gate),
      clearTasks: request.clearTasks ? '1' : '0',
      clearResults: request.clearResults ? '1' : '0',
      tasks: String(counts.tasks),
      results: String(counts.results),
      cancelled: String(counts.cancelled),
      queues: counts.queues,
      beforeGate: before ? String(before.gate) : '',
      beforePhase: before?.phase ?? '',
      beforeAttempt: before ? String(before.attempt) : '',
      planToken: request.planToken,
    }),
  );
  const [code] = replyList('recordResetPreview', reply);
  outcomeOf<RecordPreviewOutcome>('recordResetPreview', RecordPreviewOutcome, code, reply);
}
