import type { StuckResetErrorCode } from '../error-codes';
import type { CleanupSummary, Workflow } from './workflow.types';

/** The four ways a workflow gets stuck (docs/redis-contract.md, "The four kinds"). */
export const STUCK_KINDS = [
  /** A pending task waited in its queue past STUCK_QUEUED_AFTER: no agent took it (agent crash). */
  'queued_too_long',
  /** An in-progress task's heartbeat (else start) is older than STUCK_RUNNING_AFTER: its agent died. */
  'agent_gone',
  /** A result was stored past STUCK_RESULT_AFTER ago and the workflow did not move since. */
  'result_not_advanced',
  /** The workflow, or its safety task, is blocked with no path forward. */
  'safety_blocked',
] as const;
export type StuckKind = (typeof STUCK_KINDS)[number];

export interface StuckReason {
  kind: StuckKind;
  /** The task that shows it; null when the workflow record itself does (a blocked workflow). */
  taskId: string | null;
  /** Since when the condition holds. */
  since: Date;
  /** How long it has held, in milliseconds, at the time of diagnosis. */
  durationMs: number;
  /** What an operator should do, in a sentence. */
  suggestedFix: string;
}

export interface WorkflowHealth {
  stuck: boolean;
  reasons: StuckReason[];
}

export interface StuckWorkflow {
  workflow: Workflow;
  /** Every reason the workflow is stuck, not only those of the kind asked for. */
  health: WorkflowHealth;
  /** Pass as `after` to continue right after this workflow. */
  cursor: string;
}

export interface StuckWorkflowPage {
  nodes: StuckWorkflow[];
  /** Opaque position of the last workflow examined; pass as `after` to continue. */
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface ListStuckWorkflowsOptions {
  /** Only workflows with a reason of this kind; all stuck workflows when absent. */
  kind?: StuckKind | null;
  first: number;
  after?: string | null;
}

/** A batch reset over the diagnosed set (docs/redis-contract.md, "Stuck workflows"). */
export interface ResetStuckRequest {
  kind?: StuckKind | null;
  /** Only reasons that have held at least this long count. */
  olderThanMs?: number | null;
  /** Preview each reset and change nothing; the default. */
  dryRun?: boolean;
  reason: string;
  /** At most this many workflows, 1 to MAX_RESET_LIMIT, oldest first. */
  limit: number;
  actor: string;
  /** Repeating a batch with the same id completes it without resetting any workflow twice. */
  requestId?: string | null;
  /**
   * The planTokens of a batch preview: a real run then resets exactly these workflows, each only if
   * its plan still holds (else STALE_PLAN for that one). Required when resets need confirmation.
   */
  plans?: PlanConfirmation[] | null;
}

export interface PlanConfirmation {
  threadId: string;
  planToken: string;
}

export interface StuckResetError {
  code: StuckResetErrorCode;
  message: string;
}

export interface StuckResetOutcome {
  threadId: string;
  /** The kinds it was diagnosed with when the batch chose it. */
  kinds: StuckKind[];
  /** The reset's (or preview's) summary; null when it threw. */
  summary: CleanupSummary | null;
  /** Null when the reset (or preview) succeeded. */
  error: StuckResetError | null;
}

export interface StuckResetBatch {
  dryRun: boolean;
  requestId: string | null;
  outcomes: StuckResetOutcome[];
  /** Outcomes whose summary says success. */
  succeeded: number;
  /** Outcomes with an error, or whose summary says the workflow was gone. */
  failed: number;
}
