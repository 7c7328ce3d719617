import type { Domain } from '../redis/keys';

/** Phases as stored in Redis (lower case, as the orchestrator writes them). */
export const PHASES = ['pending', 'running', 'blocked', 'completed', 'failed', 'stopped'] as const;
export type Phase = (typeof PHASES)[number];

export const TASK_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'cancelled', 'blocked'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface Workflow {
  threadId: string;
  gate: number;
  phase: Phase;
  createdAt: Date;
  updatedAt: Date;
}

export interface Task {
  id: string;
  threadId: string;
  domain: Domain | null;
  status: TaskStatus;
  /** Parsed `data` JSON; the raw string when it is not valid JSON. */
  data: unknown;
  enqueuedAt: Date | null;
  startedAt: Date | null;
  heartbeatAt: Date | null;
  agent: string | null;
  /** Parsed `wave:result:<id>` JSON, null when there is none. */
  result: unknown;
}

export interface WorkflowEdge {
  workflow: Workflow;
  /** Pass as `after` to continue right after this workflow. */
  cursor: string;
}

export interface WorkflowPage {
  edges: WorkflowEdge[];
  /** Opaque cursor of the last position examined; pass it as `after` to continue. */
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface ListWorkflowsOptions {
  first: number;
  after?: string | null;
  phase?: Phase | null;
}

export interface QueueLength {
  domain: Domain;
  length: number;
}

export interface StartWorkflowRequest {
  /** Generated when absent. */
  threadId?: string | null;
}

export interface EnqueueTaskRequest {
  threadId: string;
  domain: Domain;
  data: unknown;
}

export interface ResetRequest {
  threadId: string;
  clearTasks: boolean;
  clearResults: boolean;
  resetToGate: number;
  reason: string;
  /** Who asked: recorded in the audit stream. */
  actor: string;
}

export interface CleanupSummary {
  success: boolean;
  threadId: string;
  cleared: { tasks: number; results: number; queues: Domain[] };
  newState: { gate: number; phase: Phase } | null;
  message: string;
}

/** Expected failures of the domain; the GraphQL layer maps `code` to `extensions.code`. */
export type WorkflowErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT';

export class WorkflowError extends Error {
  constructor(
    readonly code: WorkflowErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'WorkflowError';
  }
}
