import { DOMAINS, PHASES, TASK_STATUSES, type Domain, type Phase, type Task, type TaskStatus, type Workflow } from './workflow.types';

/**
 * Reading the hashes the orchestrator writes. A record with missing or garbage fields falls back
 * to a sensible value instead of failing, so one bad hash never breaks a list.
 */

/** Epoch milliseconds as a decimal string (the contract), or ISO-8601 (tolerated). */
export function parseTimestamp(value: string | undefined | null): Date | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  const text = value.trim();
  const millis = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(millis)) return null;
  const date = new Date(millis);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Blanks as Lua's `%s` knows them: the scripts trim these and only these. */
const ASCII_BLANKS = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;

/** Trimmed and lower-cased in ASCII only, as includes/normalized.lua (Lua's string.lower) does. */
function normalized(value: string | undefined): string | undefined {
  return value?.replace(ASCII_BLANKS, '').replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

function parseEnum<T extends string>(values: readonly T[], value: string | undefined, fallback: T): T {
  const reading = normalized(value);
  return values.find((candidate) => candidate === reading) ?? fallback;
}

export function parsePhase(value: string | undefined): Phase {
  return parseEnum(PHASES, value, 'pending');
}

export function parseStatus(value: string | undefined): TaskStatus {
  return parseEnum(TASK_STATUSES, value, 'pending');
}

/** `queue` holds the domain (`fe`); a full queue key (`wave:tasks:fe`) is accepted too (includes/queueDomain.lua). */
export function parseDomain(value: string | undefined): Domain | null {
  const last = normalized(value)?.split(':').pop();
  return DOMAINS.find((domain) => domain === last) ?? null;
}

/** Decimal digits, at most 15 so the value is exact, with blanks around: as includes/counter.lua reads them. */
const COUNT_PATTERN = /^[ \t\n\v\f\r]*(\d{1,15})[ \t\n\v\f\r]*$/;

/** A gate or attempt: a non-negative decimal integer, anything else ("3.0", "0x3", "-1") 0, as the scripts read it. */
export function parseCount(value: string | undefined): number {
  const digits = value === undefined ? null : COUNT_PATTERN.exec(value);
  return digits ? Number(digits[1]) : 0;
}

/** Parsed JSON, the raw string when it is not JSON, null when absent. */
export function parseJson(value: string | null | undefined): unknown {
  if (value === undefined || value === null) return null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function isEmpty(hash: Record<string, string> | null | undefined): hash is null | undefined {
  return !hash || Object.keys(hash).length === 0;
}

/** The workflow in `hash`, or null when there is no record. `indexScore` is its score in the index. */
export function toWorkflow(threadId: string, hash: Record<string, string> | null | undefined, indexScore?: string | null): Workflow | null {
  if (isEmpty(hash)) return null;
  const createdAt = parseTimestamp(hash.created_at) ?? parseTimestamp(indexScore) ?? parseTimestamp(hash.updated_at);
  const updatedAt = parseTimestamp(hash.updated_at) ?? createdAt;
  return {
    threadId,
    gate: parseCount(hash.gate),
    phase: parsePhase(hash.phase),
    attempt: parseCount(hash.attempt),
    createdAt: createdAt ?? new Date(0),
    updatedAt: updatedAt ?? new Date(0),
  };
}

/** The owner named by `thread_id` at the top of a task's data JSON. */
function ownerInData(data: string | null | undefined): string | null {
  const parsed = parseJson(data) as { thread_id?: unknown } | null;
  return parsed !== null && typeof parsed === 'object' && typeof parsed.thread_id === 'string' ? parsed.thread_id : null;
}

/**
 * The workflow a task belongs to: its hash's `thread_id`, else `thread_id` at the top of its data
 * JSON; null when neither names one. The one rule every read applies, as includes/taskOwner.lua
 * does for the scripts (docs/redis-contract.md, "Keys").
 */
export function taskOwner(hash: { thread_id?: string | null; data?: string | null }): string | null {
  return hash.thread_id || ownerInData(hash.data);
}

/** The task in `hash`, or null when there is no record or it has no owner. */
export function toTask(taskId: string, hash: Record<string, string> | null | undefined, result: string | null | undefined): Task | null {
  if (isEmpty(hash)) return null;
  const threadId = taskOwner(hash);
  if (threadId === null) return null;
  return {
    id: taskId,
    threadId,
    domain: parseDomain(hash.queue),
    status: parseStatus(hash.status),
    data: parseJson(hash.data),
    enqueuedAt: parseTimestamp(hash.enqueued_at),
    startedAt: parseTimestamp(hash.started_at),
    heartbeatAt: parseTimestamp(hash.heartbeat_at),
    agent: hash.agent || null,
    result: parseJson(result),
  };
}

/** Oldest first, then by id, so a workflow's tasks always list in the same order. */
export function byEnqueueTime(a: Task, b: Task): number {
  const difference = (a.enqueuedAt?.getTime() ?? 0) - (b.enqueuedAt?.getTime() ?? 0);
  return difference !== 0 ? difference : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
