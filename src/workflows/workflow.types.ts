import type { WorkflowErrorCode } from '../error-codes';

/** The agents' domains: each has its task queue (`RedisKeys.queue`). */
export const DOMAINS = ['pm', 'fe', 'be', 'qa', 'safety'] as const;
export type Domain = (typeof DOMAINS)[number];

/** Phases as stored in Redis (lower case, as the orchestrator writes them). */
export const PHASES = ['pending', 'running', 'blocked', 'completed', 'failed', 'stopped'] as const;
export type Phase = (typeof PHASES)[number];

export const TASK_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'cancelled', 'blocked'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface Workflow {
  threadId: string;
  gate: number;
  phase: Phase;
  /** Reset count: see WorkflowState.attempt. 0 for a workflow never reset. */
  attempt: number;
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
  nodes: WorkflowEdge[];
  /** Opaque cursor of the last position examined; pass it as `after` to continue. */
  endCursor: string | null;
  hasNextPage: boolean;
}

/** Creation order, oldest first (the index's own order) or newest first. */
export const INDEX_ORDERS = ['oldest_first', 'newest_first'] as const;
export type IndexOrder = (typeof INDEX_ORDERS)[number];

export interface ListWorkflowsOptions {
  first: number;
  after?: string | null;
  phase?: Phase | null;
  /** Only workflows whose thread id starts with it. */
  threadIdPrefix?: string | null;
  order?: IndexOrder | null;
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
  /** Compute and return the plan, change no workflow state (the preview is audited). */
  dryRun?: boolean;
  /** The planToken of a preview: the reset runs only if the plan is still exactly that. */
  planToken?: string | null;
  /** Checked inside the atomic reset: refused with PRECONDITION_FAILED when the workflow differs. */
  expectedGate?: number | null;
  expectedPhase?: Phase | null;
  /** Idempotency key, per actor: a repeat returns the stored summary and changes nothing. */
  requestId?: string | null;
}

/** Exactly what a reset will touch, as computed atomically from Redis. */
export interface ResetPlan {
  /** Every task of the workflow (indexed, and un-indexed ones found in the queues), sorted. */
  taskIds: string[];
  /** The queue entries that will leave each domain queue. */
  queueEntries: Array<{ domain: Domain; taskIds: string[] }>;
  /** Task ids whose result will be deleted (empty when clearResults is false). */
  resultTaskIds: string[];
  /** The state the workflow will be put in. */
  target: { gate: number; phase: Phase };
  /** The state it is in now; null when it has no record (known only through its tasks). */
  current: WorkflowState | null;
  /** Confirms a real reset of exactly this plan (hash of the plan and the workflow's attempt). */
  planToken: string;
  /** When the planToken stops confirming. */
  expiresAt: Date;
}

export interface WorkflowState {
  gate: number;
  phase: Phase;
  /** Bumped by every reset: writes from agents carrying an older attempt are refused (fencing). */
  attempt: number;
}

export interface CleanupSummary {
  success: boolean;
  threadId: string;
  /** What was cleared, or on a dry run what would be. */
  cleared: { tasks: number; results: number; queues: Domain[] };
  newState: WorkflowState | null;
  message: string;
  dryRun: boolean;
  /** Present on a dry run. */
  plan: ResetPlan | null;
  requestId: string | null;
  /** True when this summary is the stored answer to an earlier call with the same requestId. */
  replayed: boolean;
  /**
   * Ids of the workflow the reset left in queues too deep to remove them from (docs/redis-contract.md,
   * "Reset"): dead, dropped by the agents that pop them. Null on a preview or when nothing was reset.
   */
  queuedIdsLeft: number | null;
}

/** One entry of the audit trail: a reset or a preview. */
export interface ResetAuditEntry {
  /** The stream entry id: also the paging cursor. */
  id: string;
  kind: 'reset' | 'preview';
  threadId: string;
  actor: string;
  reason: string;
  requestId: string | null;
  at: Date;
  /** What was asked. */
  targetGate: number;
  clearTasks: boolean;
  clearResults: boolean;
  /** The preview's token: on a preview the one issued, on a reset the one that confirmed it. */
  planToken: string | null;
  /** What was cleared; on a preview what would have been. */
  cleared: { tasks: number; results: number; queues: Domain[] };
  /** Null when the workflow had no record. */
  before: WorkflowState | null;
  /** Null on a preview. */
  after: WorkflowState | null;
}

export interface ListResetAuditOptions {
  /** One workflow's entries; all workflows' when absent. */
  threadId?: string | null;
  first: number;
  after?: string | null;
}

export interface ResetAuditPage {
  nodes: ResetAuditEntry[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export const TASK_RESULT_STATUSES = ['completed', 'failed'] as const;
export type TaskResultStatus = (typeof TASK_RESULT_STATUSES)[number];

/** The task an agent holds and the attempt it holds it for: what fences its writes. */
export interface TaskAttempt {
  taskId: string;
  /** The task's `attempt` as the agent read it when it took the task. */
  attempt: number;
}

/** An agent's (or the orchestrator's) final write of a task, fenced by attempt. */
export interface RecordTaskResultRequest extends TaskAttempt {
  /** Any JSON value: stored as `wave:result:<taskId>`. */
  result: unknown;
  status: TaskResultStatus;
}

/** Why a result (or a heartbeat) was refused; nothing was written. */
export type TaskResultRefusal =
  /** No record (a reset deleted it), or no workflow owns it. */
  | 'task_gone'
  /** A reset cancelled it. */
  | 'cancelled'
  /** The task was enqueued for another attempt than the one given. */
  | 'attempt_mismatch'
  /** The workflow was reset after the task was enqueued. */
  | 'stale_attempt'
  /** The task already has its final status; the first write stands. */
  | 'already_finished';

/** Whose a task is: its workflow, and the attempt it was enqueued for (missing: 0). */
export interface TaskOwner {
  threadId: string;
  attempt: number;
}

/** The outcome of a fenced write (recordTaskResult, recordTaskHeartbeat): written, or refused and why. */
export type TaskResultOutcome =
  | { recorded: true; taskId: string; threadId: string; attempt: number }
  | { recorded: false; taskId: string; reason: TaskResultRefusal; message: string };

/** An expected failure of the domain; the GraphQL layer maps `code` to `extensions.code`. */
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
