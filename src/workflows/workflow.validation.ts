import { WorkflowError, type ResetRequest } from './workflow.types';

export const MAX_THREAD_ID_LENGTH = 200;
export const MAX_REASON_LENGTH = 500;
/** Task payloads are instructions for an agent, not documents: a few kilobytes is plenty. */
export const MAX_TASK_DATA_BYTES = 32 * 1024;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
/** `wave:workflow:<id>:tasks` is the index of `<id>`: an id ending so would name another's index. */
const INDEX_SUFFIX = ':tasks';

/**
 * 1..200 characters, no control characters, not ending in `:tasks`. Glob characters (`*?[]\`)
 * are allowed: ids are only ever compared for equality and built into keys, never into patterns.
 */
export function validateThreadId(threadId: string, field = 'threadId'): string {
  if (typeof threadId !== 'string' || threadId.length === 0 || threadId.length > MAX_THREAD_ID_LENGTH) {
    throw new WorkflowError('BAD_USER_INPUT', `${field} must be 1 to ${MAX_THREAD_ID_LENGTH} characters`, field);
  }
  // A lone surrogate is written to Redis as U+FFFD, so two different ids would share one key.
  if (!threadId.isWellFormed()) {
    throw new WorkflowError('BAD_USER_INPUT', `${field} must be well-formed Unicode`, field);
  }
  if (CONTROL_CHARACTERS.test(threadId)) {
    throw new WorkflowError('BAD_USER_INPUT', `${field} must not contain control characters`, field);
  }
  if (threadId.endsWith(INDEX_SUFFIX)) {
    throw new WorkflowError('BAD_USER_INPUT', `${field} must not end with "${INDEX_SUFFIX}"`, field);
  }
  return threadId;
}

export function validateResetRequest(request: ResetRequest, maxGate: number): void {
  validateThreadId(request.threadId);
  const gate = request.resetToGate;
  if (!Number.isSafeInteger(gate) || gate < 0 || gate > maxGate) {
    throw new WorkflowError('BAD_USER_INPUT', `resetToGate must be an integer from 0 to ${maxGate}`, 'resetToGate');
  }
  const reason = typeof request.reason === 'string' ? request.reason.trim() : '';
  if (reason.length === 0 || request.reason.length > MAX_REASON_LENGTH) {
    throw new WorkflowError('BAD_USER_INPUT', `reason must be 1 to ${MAX_REASON_LENGTH} characters`, 'reason');
  }
}

/**
 * The payload as the JSON the agents read: an object, at most MAX_TASK_DATA_BYTES, and if it names
 * a `thread_id` it is the task's own (agents and reset read ownership from there when the hash lacks it).
 */
export function serializeTaskData(data: unknown, threadId: string): string {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new WorkflowError('BAD_USER_INPUT', 'data must be a JSON object', 'data');
  }
  const owner = (data as { thread_id?: unknown }).thread_id;
  if (owner !== undefined && owner !== threadId) {
    throw new WorkflowError('BAD_USER_INPUT', 'data.thread_id, when given, must equal threadId', 'data');
  }
  const serialized = JSON.stringify(data);
  if (Buffer.byteLength(serialized) > MAX_TASK_DATA_BYTES) {
    throw new WorkflowError('BAD_USER_INPUT', `data must be at most ${MAX_TASK_DATA_BYTES} bytes of JSON`, 'data');
  }
  return serialized;
}
