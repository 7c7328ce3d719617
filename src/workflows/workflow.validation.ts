import { MAX_PAGE_SIZE, MAX_RESET_LIMIT } from '../defaults';
import { ErrorCode } from '../error-codes';
import { STUCK_KINDS, type ResetStuckRequest } from './stuck.types';
import {
  PHASES,
  TASK_RESULT_STATUSES,
  WorkflowError,
  type RecordTaskResultRequest,
  type TaskAttempt,
  type ResetRequest,
} from './workflow.types';

export const MAX_THREAD_ID_LENGTH = 200;
export const MAX_REASON_LENGTH = 500;
/** Task payloads are instructions for an agent, not documents: a few kilobytes is plenty. */
export const MAX_TASK_DATA_BYTES = 32 * 1024;
/**
 * Objects and arrays inside one another, counting the payload itself: far below what the readers
 * manage (Redis cjson stops at 1000, Python's json near its recursion limit of 1000), and what
 * JSON.stringify survives (a few thousand levels end in a RangeError).
 */
export const MAX_TASK_DATA_DEPTH = 64;
/** A result may carry an agent's output: larger than a payload, still bounded. */
export const MAX_TASK_RESULT_BYTES = 1024 * 1024;
/** A plan token is a sha256 in lower-case hex. */
const PLAN_TOKEN = /^[0-9a-f]{64}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
/** `wave:workflow:<id>:tasks` is the index of `<id>`: an id ending so would name another's index. */
const INDEX_SUFFIX = ':tasks';

/**
 * 1..200 characters of well-formed Unicode without control characters: an id that goes into a key,
 * a stream field or an event. Glob characters (`*?[]\`) are allowed: ids are only ever compared
 * for equality and built into keys, never into patterns.
 */
export function validateId(id: string, field: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_THREAD_ID_LENGTH) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `${field} must be 1 to ${MAX_THREAD_ID_LENGTH} characters`, field);
  }
  // A lone surrogate is written to Redis as U+FFFD, so two different ids would share one key.
  if (!id.isWellFormed()) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `${field} must be well-formed Unicode`, field);
  }
  if (CONTROL_CHARACTERS.test(id)) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `${field} must not contain control characters`, field);
  }
  return id;
}

/** An id (validateId) not ending in `:tasks`. */
export function validateThreadId(threadId: string, field = 'threadId'): string {
  validateId(threadId, field);
  if (threadId.endsWith(INDEX_SUFFIX)) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `${field} must not end with "${INDEX_SUFFIX}"`, field);
  }
  return threadId;
}

export function validateResetRequest(request: ResetRequest, maxGate: number): void {
  validateThreadId(request.threadId);
  const gate = request.resetToGate;
  if (!Number.isSafeInteger(gate) || gate < 0 || gate > maxGate) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `resetToGate must be an integer from 0 to ${maxGate}`, 'resetToGate');
  }
  validateReason(request.reason);
  if (request.dryRun != null && typeof request.dryRun !== 'boolean') {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, 'dryRun must be true or false', 'dryRun');
  }
  if (request.planToken != null && (typeof request.planToken !== 'string' || !PLAN_TOKEN.test(request.planToken))) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, 'planToken must be the planToken of a preview', 'planToken');
  }
  const expectedGate = request.expectedGate;
  if (expectedGate != null && (!Number.isSafeInteger(expectedGate) || expectedGate < 0)) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, 'expectedGate must be a non-negative integer', 'expectedGate');
  }
  if (request.expectedPhase != null && !PHASES.includes(request.expectedPhase)) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `expectedPhase must be one of ${PHASES.join(', ')}`, 'expectedPhase');
  }
  if (request.requestId != null) validateRequestId(request.requestId);
}

/** The page-size refusal of `argument` (`first`, `last`), said alike by the service and the query limits. */
export function pageSizeMessage(argument: string): string {
  return `${argument} must be an integer from 1 to ${MAX_PAGE_SIZE}`;
}

/** A page size (`first`) of any connection: 1..MAX_PAGE_SIZE. */
export function validateFirst(first: number): number {
  if (!Number.isSafeInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, pageSizeMessage('first'), 'first');
  }
  return first;
}

/** Why a reset or a batch reset is made, as the audit records it: 1..500 characters, not only blanks. */
export function validateReason(reason: string): string {
  const trimmed = typeof reason === 'string' ? reason.trim() : '';
  if (trimmed.length === 0 || reason.length > MAX_REASON_LENGTH) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `reason must be 1 to ${MAX_REASON_LENGTH} characters`, 'reason');
  }
  return reason;
}

/**
 * The idempotency key of a reset or a batch reset: an id (validateId). An empty one is refused, not
 * taken as "no id": two callers sending "" must not share a reset.
 */
export function validateRequestId(requestId: string): string {
  return validateId(requestId, 'requestId');
}

/** A stuck kind filter (`kind`), when given. */
export function validateStuckKind(kind: string | null | undefined): void {
  if (kind && !(STUCK_KINDS as readonly string[]).includes(kind)) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `kind must be one of ${STUCK_KINDS.join(', ')}`, 'kind');
  }
}

/** A batch reset, checked whole before any workflow is read. */
export function validateResetStuckRequest(request: ResetStuckRequest): void {
  validateStuckKind(request.kind);
  const { limit, olderThanMs, requestId, plans } = request;
  if (
    plans != null &&
    (plans.length > MAX_RESET_LIMIT || plans.some((plan) => typeof plan.planToken !== 'string' || plan.planToken === ''))
  ) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `plans must hold at most ${MAX_RESET_LIMIT} threadId and planToken pairs`, 'plans');
  }
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_RESET_LIMIT) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `limit must be an integer from 1 to ${MAX_RESET_LIMIT}`, 'limit');
  }
  if (olderThanMs != null && (!Number.isSafeInteger(olderThanMs) || olderThanMs < 0)) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, 'olderThan must be a duration of zero or more', 'olderThan');
  }
  // Checked once here, or every workflow of the batch would fail on it separately.
  validateReason(request.reason);
  if (requestId != null) validateRequestId(requestId);
}

/** The task and attempt of an agent's fenced write (a result or a heartbeat). */
export function validateTaskAttempt(request: TaskAttempt): void {
  validateId(request.taskId, 'taskId');
  if (!Number.isSafeInteger(request.attempt) || request.attempt < 0) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, 'attempt must be a non-negative integer', 'attempt');
  }
}

/** The result as the JSON stored under `wave:result:<id>`, after checking the whole request. */
export function serializeTaskResult(request: RecordTaskResultRequest): string {
  validateTaskAttempt(request);
  if (!TASK_RESULT_STATUSES.includes(request.status)) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `status must be one of ${TASK_RESULT_STATUSES.join(', ')}`, 'status');
  }
  let serialized: string | undefined;
  try {
    serialized = JSON.stringify(request.result);
  } catch {
    serialized = undefined;
  }
  if (serialized === undefined) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, 'result must be a JSON value', 'result');
  }
  if (Buffer.byteLength(serialized) > MAX_TASK_RESULT_BYTES) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `result must be at most ${MAX_TASK_RESULT_BYTES} bytes of JSON`, 'result');
  }
  return serialized;
}

/** Whether `value` holds objects or arrays nested deeper than `maxDepth`; walked without recursion, so any depth is safe. */
function nestedDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth > maxDepth) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

/**
 * The payload as the JSON the agents read: an object, nested at most MAX_TASK_DATA_DEPTH levels, at
 * most MAX_TASK_DATA_BYTES, and if it names a `thread_id` it is the task's own (agents and reset read
 * ownership from there when the hash lacks it).
 */
export function serializeTaskData(data: unknown, threadId: string): string {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, 'data must be a JSON object', 'data');
  }
  if (nestedDeeperThan(data, MAX_TASK_DATA_DEPTH)) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `data must be nested at most ${MAX_TASK_DATA_DEPTH} levels deep`, 'data');
  }
  const owner = (data as { thread_id?: unknown }).thread_id;
  if (owner !== undefined && owner !== threadId) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, 'data.thread_id, when given, must equal threadId', 'data');
  }
  const serialized = JSON.stringify(data);
  if (Buffer.byteLength(serialized) > MAX_TASK_DATA_BYTES) {
    throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `data must be at most ${MAX_TASK_DATA_BYTES} bytes of JSON`, 'data');
  }
  return serialized;
}
