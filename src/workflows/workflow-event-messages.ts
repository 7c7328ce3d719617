/**
 * What arrives on the two pub/sub channels, decoded: a script's `task.result` notification and a
 * TaskResult an agent published itself on `wave:results`, a `workflow.reset` event on `wave:events`
 * (docs/redis-contract.md, "Fencing stale agents" and "Events"). Anything else decodes to undefined.
 */
import { MAX_THREAD_ID_LENGTH } from './workflow.validation';
import { TASK_STATUSES, type TaskStatus } from './workflow.types';

export const WORKFLOW_EVENT_TYPES = ['task_result', 'workflow_reset'] as const;
export type WorkflowEventType = (typeof WORKFLOW_EVENT_TYPES)[number];

/** An agent's result was recorded (record-task-result.lua). */
export interface TaskResultEvent {
  type: 'task_result';
  threadId: string;
  taskId: string;
  status: TaskStatus;
  /** The attempt the agent held, which the script checked against the workflow's. */
  attempt: number;
  at: Date;
}

/** The workflow was reset (reset-workflow.lua). */
export interface WorkflowResetEvent {
  type: 'workflow_reset';
  threadId: string;
  /** The workflow's attempt after the reset. */
  attempt: number;
  gate: number;
  at: Date;
}

export type WorkflowEvent = TaskResultEvent | WorkflowResetEvent;

/** Events a listener may have waiting before it counts as gone: a client this far behind re-reads instead. */
export const MAX_PENDING_EVENTS = 1000;

type Json = Record<string, unknown>;

function jsonObject(message: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(message);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isEpochMs = (value: unknown): value is number => isCount(value);
const isTaskStatus = (value: unknown): value is TaskStatus => TASK_STATUSES.includes(value as TaskStatus);

/**
 * A `task.result` notification, or undefined when it is not one. Its `at` is when the script wrote the
 * result; a publisher that leaves it out (an older copy of the script) gets the time it was received.
 */
export function readTaskResultNotification(message: string, receivedAt: number): TaskResultEvent | undefined {
  const json = jsonObject(message);
  if (json?.type !== 'task.result') return undefined;
  const { threadId, taskId, attempt, status, at } = json;
  if (!isId(threadId) || !isId(taskId) || !isCount(attempt) || !isTaskStatus(status)) return undefined;
  if (at !== undefined && !isEpochMs(at)) return undefined;
  return { type: 'task_result', threadId, taskId, status, attempt, at: new Date(at ?? receivedAt) };
}

/** A TaskResult an agent published itself: which task, and how it ended. */
export interface PublishedTaskResult {
  taskId: string;
  status: 'completed' | 'failed';
}

/**
 * A TaskResult as an agent that does not use record-task-result.lua publishes it (the Python side's
 * snake case): no `type`, the task in `task_id`, and `status` (completed | failed) or `success`.
 * Undefined when it is not one; its workflow is the task record's to tell.
 */
export function readPublishedTaskResult(message: string): PublishedTaskResult | undefined {
  const json = jsonObject(message);
  if (!json || json.type !== undefined) return undefined;
  const { task_id: taskId, status, success } = json;
  if (!isId(taskId) || taskId.length > MAX_THREAD_ID_LENGTH) return undefined;
  if (status === 'completed' || status === 'failed') return { taskId, status };
  if (status === undefined && typeof success === 'boolean') return { taskId, status: success ? 'completed' : 'failed' };
  return undefined;
}

/** A `workflow.reset` event, or undefined when it is not one. */
export function readResetEvent(message: string): WorkflowResetEvent | undefined {
  const json = jsonObject(message);
  if (json?.type !== 'workflow.reset') return undefined;
  const { threadId, attempt, gate, at } = json;
  if (!isId(threadId) || !isCount(attempt) || !isCount(gate) || !isEpochMs(at)) return undefined;
  return { type: 'workflow_reset', threadId, attempt, gate, at: new Date(at) };
}
