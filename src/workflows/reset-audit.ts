import { ErrorCode } from '../error-codes';
import type { RedisClient } from '../redis/client';
import type { RedisKeys } from '../redis/keys';
import { parseCount, parsePhase, parseTimestamp } from './workflow.records';
import { validateFirst, validateThreadId } from './workflow.validation';
import {
  DOMAINS,
  WorkflowError,
  type Domain,
  type ListResetAuditOptions,
  type ResetAuditEntry,
  type ResetAuditPage,
  type WorkflowState,
} from './workflow.types';

/**
 * The audit streams (docs/redis-contract.md, "Audit entry fields"): `wave:audit` for all workflows
 * and `wave:audit:<threadId>` for one. A reset's entries are written by reset-workflow.lua, a
 * preview's by record-reset-preview.lua, both through includes/resetAudit.lua.
 */

/** The streams are capped (approximately) at these many entries. */
export const AUDIT_MAX_LENGTH = 100_000;
export const WORKFLOW_AUDIT_MAX_LENGTH = 1_000;

/** Reads the audit trail: resets and previews, newest first. */
export class ResetAuditTrail {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /** Resets and previews, newest first: one workflow's, or all workflows' when threadId is absent. */
  async listResetAudit(options: ListResetAuditOptions): Promise<ResetAuditPage> {
    const { first } = options;
    validateFirst(first);
    const threadId = options.threadId == null ? null : validateThreadId(options.threadId);
    const stream = threadId === null ? this.keys.audit : this.keys.workflowAudit(threadId);
    const end = options.after == null ? '+' : olderThan(streamIdOf(options.after, threadId));
    if (end === null) return { nodes: [], endCursor: null, hasNextPage: false };
    const raw = await this.redis.xrevrange(stream, end, '-', 'COUNT', first + 1);
    const nodes = raw.slice(0, first).map(([streamId, fields]) => toAuditEntry(auditEntryId(threadId, streamId), fields));
    return { nodes, endCursor: nodes.at(-1)?.id ?? null, hasNextPage: raw.length > first };
  }
}

const UINT64_MAX = 2n ** 64n - 1n;
const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;

/** Domains named in a comma-separated list, in domain order. */
export function parseDomains(csv: string | undefined): Domain[] {
  const named = (csv ?? '').split(',');
  return DOMAINS.filter((domain) => named.includes(domain));
}

/** A stream entry as an audit entry; entries written before `kind` existed are resets without a before state. */
export function toAuditEntry(id: string, flat: string[]): ResetAuditEntry {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  const kind = fields.kind === 'preview' ? 'preview' : 'reset';
  const state = (gate: string | undefined, phase: string | undefined, attempt: string | undefined): WorkflowState | null =>
    gate ? { gate: parseCount(gate), phase: parsePhase(phase), attempt: parseCount(attempt) } : null;
  return {
    id,
    kind,
    threadId: fields.thread_id ?? '',
    actor: fields.actor ?? '',
    reason: fields.reason ?? '',
    requestId: fields.request_id || null,
    at: parseTimestamp(fields.at) ?? new Date(0),
    targetGate: parseCount(fields.gate),
    clearTasks: fields.clear_tasks === '1',
    clearResults: fields.clear_results === '1',
    planToken: fields.plan_token || null,
    cleared: { tasks: parseCount(fields.tasks), results: parseCount(fields.results), queues: parseDomains(fields.queues) },
    before: state(fields.before_gate, fields.before_phase, fields.before_attempt),
    after: kind === 'reset' && fields.attempt ? state(fields.gate, fields.phase, fields.attempt) : null,
  };
}

/**
 * An entry's id, unique across every trail (normalised client caches key entries by it): the stream
 * id in the all-workflows trail, `<threadId>/<streamId>` in one workflow's, whose stream numbers its
 * entries on its own. Stream ids hold no "/", so the last one splits the two.
 */
export function auditEntryId(threadId: string | null, streamId: string): string {
  return threadId === null ? streamId : `${threadId}/${streamId}`;
}

/**
 * The stream id an `after` cursor names in the trail of `threadId` (all workflows' when null). A bare
 * stream id, as ids were before they named their workflow, is still accepted.
 */
export function streamIdOf(cursor: string, threadId: string | null): string {
  const split = cursor.lastIndexOf('/');
  if (split < 0) return cursor;
  if (threadId === null || cursor.slice(0, split) !== threadId) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, 'after must be the id of an audit entry of this trail', 'after');
  }
  return cursor.slice(split + 1);
}

/**
 * The XREVRANGE end that continues strictly after (older than) the entry `cursor`, or null when
 * nothing can be older. An incomplete id `<ms>` ends at `<ms>-<max seq>`; it is also the only form
 * ioredis-mock compares correctly.
 */
export function olderThan(cursor: string): string | null {
  const match = STREAM_ID.exec(cursor);
  const ms = match ? BigInt(match[1]) : -1n;
  const seq = match ? BigInt(match[2]) : -1n;
  if (ms < 0n || ms > UINT64_MAX || seq > UINT64_MAX) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, 'after must be the id of an audit entry', 'after');
  }
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  return ms > 0n ? String(ms - 1n) : null;
}
