import { createHash } from 'node:crypto';
import type { StuckThresholds } from '../config';
import { examinedBudget, MAX_PAGE_SIZE } from '../defaults';
import { ErrorCode } from '../error-codes';
import type { ResetCall, ResetObserver } from './reset-observer';
import { diagnoseWorkflow, SETTLED_PHASES } from './stuck-diagnosis';
import {
  type ListStuckWorkflowsOptions,
  type PlanConfirmation,
  type ResetStuckRequest,
  type StuckKind,
  type StuckReason,
  type StuckResetBatch,
  type StuckResetError,
  type StuckResetOutcome,
  type StuckWorkflow,
  type StuckWorkflowPage,
  type WorkflowHealth,
} from './stuck.types';
import type { ResetService } from './reset.service';
import type { WorkflowReads } from './workflow-reads';
import { MAX_THREAD_ID_LENGTH, validateFirst, validateResetStuckRequest, validateStuckKind } from './workflow.validation';
import { WorkflowError, type Task, type Workflow } from './workflow.types';

export interface StuckWorkflowServiceOptions {
  thresholds: StuckThresholds;
  /** Clock in epoch milliseconds; tests pin it. */
  now?: () => number;
  /** Told of every batch answered (observability's logs and metrics); its resets are told by ResetService. */
  observer?: Pick<ResetObserver, 'batchAnswered'>;
}

/** Room left in a per-workflow request id (an id, so at most MAX_THREAD_ID_LENGTH) for `:` and the hash (24 hex digits). */
const REQUEST_ID_PREFIX_LENGTH = MAX_THREAD_ID_LENGTH - 25;

/** Reads the tasks of many workflows: directly, or through a request's DataLoader. */
export type TaskReader = (threadIds: string[]) => Promise<Map<string, Task[]>>;

interface BatchMember {
  threadId: string;
  /** Null when the workflow is gone (since its preview). */
  workflow: Workflow | null;
  kinds: StuckKind[];
  planToken: string | null;
  /** False for a planned workflow that is not stuck as the batch asks (kind, olderThan) when it is read again. */
  stuck: boolean;
}

/** Diagnoses stuck workflows and resets them in batches, on top of the workflow reads and the reset. */
export class StuckWorkflowService {
  private readonly now: () => number;

  constructor(
    private readonly workflows: WorkflowReads,
    private readonly resets: ResetService,
    private readonly options: StuckWorkflowServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The health of many workflows with one read of their tasks (two round trips, whatever their number).
   * A request passes its DataLoader's reader, so that its tasks and their health share one read.
   */
  async healthOf(
    workflows: readonly Workflow[],
    readTasks: TaskReader = (threadIds) => this.workflows.getTasksOfWorkflows(threadIds),
  ): Promise<Map<string, WorkflowHealth>> {
    const unsettled = workflows.filter((workflow) => !SETTLED_PHASES.includes(workflow.phase));
    const tasks = await readTasks(unsettled.map((workflow) => workflow.threadId));
    const now = this.now();
    return new Map(
      workflows.map((workflow) => [
        workflow.threadId,
        diagnoseWorkflow(workflow, tasks.get(workflow.threadId) ?? [], this.options.thresholds, now),
      ]),
    );
  }

  /**
   * Stuck workflows in creation order. At most max(10×first, 500) workflows are examined per call;
   * the page may then hold fewer than `first`, and `endCursor` continues from the last one examined.
   */
  async listStuckWorkflows(options: ListStuckWorkflowsOptions): Promise<StuckWorkflowPage> {
    const { first, kind } = options;
    validateFirst(first);
    validateStuckKind(kind);
    const budget = examinedBudget(first);
    return this.findStuck(options.after ?? null, first, budget, (reason) => !kind || reason.kind === kind);
  }

  /**
   * Resets (or, by default, previews) up to `limit` stuck workflows, oldest first, each through
   * resetWorkflow: atomic and audited one by one. One failing does not stop or undo the others.
   * Every workflow is put back to pending at the gate it is stuck at, its tasks and results cleared.
   * `call.observer`, when given, is told of the batch and of each of its resets instead of the services' own.
   */
  async resetStuckWorkflows(request: ResetStuckRequest, call: ResetCall = {}): Promise<StuckResetBatch> {
    validateResetStuckRequest(request);
    const { reason, actor } = request;
    const dryRun = request.dryRun ?? true;
    const requestId = request.requestId ?? null;
    if (!dryRun && !request.plans && this.resets.requiresConfirmation) {
      // Said once for the batch, rather than by every workflow it would choose.
      throw new WorkflowError(
        ErrorCode.CONFIRMATION_REQUIRED,
        'Resets must be confirmed: preview the batch (dryRun) and pass the threadId and planToken of each workflow as plans',
        'plans',
      );
    }
    const chosen = request.plans && !dryRun ? await this.plannedWorkflows(request, request.plans) : await this.chooseStuck(request);
    const outcomes: StuckResetOutcome[] = [];
    // One sweep of the queues for the whole batch: each reset reads only its own keys after it.
    const resettable = chosen.filter(({ workflow, stuck }) => workflow !== null && stuck).map(({ threadId }) => threadId);
    // Should it fail, each reset sweeps for itself, so the failure is told per workflow as before.
    const swept = resettable.length > 0 ? await this.resets.findQueued(resettable, call).catch(() => undefined) : undefined;
    // One at a time, so an interrupted batch has a clear prefix done and a repeat finishes the rest.
    for (const { threadId, workflow, kinds, planToken, stuck } of chosen) {
      if (!workflow) {
        const error = { code: ErrorCode.NOT_FOUND, message: 'The workflow is gone since its preview' };
        outcomes.push({ threadId, kinds, summary: null, error });
        continue;
      }
      if (!stuck) {
        outcomes.push({ threadId, kinds, summary: null, error: { code: ErrorCode.NOT_STUCK, message: notStuckMessage(request) } });
        continue;
      }
      const { gate, phase } = workflow;
      try {
        const summary = await this.resets.resetWorkflow(
          {
            threadId,
            clearTasks: true,
            clearResults: true,
            resetToGate: gate,
            reason,
            actor,
            dryRun,
            planToken,
            // Previews change nothing, so they need no idempotency (and must not answer a later real run).
            requestId: requestId && !dryRun ? workflowRequestId(requestId, threadId) : null,
            // Only the workflow as diagnosed is reset: one the orchestrator moved meanwhile is refused.
            expectedGate: gate,
            expectedPhase: phase,
          },
          { ...call, swept },
        );
        const error = summary.success ? null : { code: ErrorCode.NOT_FOUND, message: summary.message };
        outcomes.push({ threadId, kinds, summary, error });
      } catch (error) {
        outcomes.push({ threadId, kinds, summary: null, error: toResetError(error) });
      }
    }
    const failed = outcomes.filter((outcome) => outcome.error !== null).length;
    const batch = { dryRun, requestId, outcomes, succeeded: outcomes.length - failed, failed };
    (call.observer ?? this.options.observer)?.batchAnswered(batch);
    return batch;
  }

  /** Up to `limit` diagnosed workflows, oldest first. */
  private async chooseStuck(request: ResetStuckRequest): Promise<BatchMember[]> {
    // The whole index is walked if need be: a batch must not miss the stuck workflows behind a budget.
    const chosen = await this.findStuck(null, request.limit, Number.POSITIVE_INFINITY, reasonMatcher(request));
    return chosen.nodes.map(({ workflow, health }) => ({
      threadId: workflow.threadId,
      workflow,
      kinds: kindsOf(health.reasons),
      planToken: null,
      stuck: true,
    }));
  }

  /**
   * The workflows a preview planned, diagnosed again now: one no longer stuck as the batch asks is
   * refused (a plan token proves what would be reset, not that it should be). The diagnosis and the
   * reset are two steps; a workflow that recovers between them is still guarded by its plan token.
   */
  private async plannedWorkflows(request: ResetStuckRequest, plans: readonly PlanConfirmation[]): Promise<BatchMember[]> {
    const workflows = await Promise.all(plans.map(({ threadId }) => this.workflows.getWorkflow(threadId)));
    const healths = await this.healthOf(workflows.filter((workflow): workflow is Workflow => workflow !== null));
    const matches = reasonMatcher(request);
    return plans.map(({ threadId, planToken }, i) => {
      const reasons = healths.get(threadId)?.reasons ?? [];
      return { threadId, workflow: workflows[i], kinds: kindsOf(reasons), planToken, stuck: reasons.some(matches) };
    });
  }

  /**
   * Walks the workflows index after `after` in pages of up to MAX_PAGE_SIZE, diagnosing each page
   * at once, until `wanted` workflows have a reason that `matches` or `budget` workflows are examined.
   */
  private async findStuck(
    after: string | null,
    wanted: number,
    budget: number,
    matches: (reason: StuckReason) => boolean,
  ): Promise<StuckWorkflowPage> {
    const nodes: StuckWorkflow[] = [];
    let cursor = after;
    let examined = 0;
    let hasNextPage = true;
    while (nodes.length < wanted && examined < budget && hasNextPage) {
      const first = Math.min(MAX_PAGE_SIZE, budget - examined);
      const page = await this.workflows.listWorkflows({ first, after: cursor });
      examined += first;
      const healths = await this.healthOf(page.nodes.map((edge) => edge.workflow));
      for (const [i, { workflow, cursor: position }] of page.nodes.entries()) {
        const health = healths.get(workflow.threadId)!;
        if (!health.reasons.some(matches)) continue;
        nodes.push({ workflow, health, cursor: position });
        if (nodes.length === wanted) {
          const examinedBeyond = i < page.nodes.length - 1 || page.endCursor !== position;
          return { nodes, endCursor: position, hasNextPage: examinedBeyond || page.hasNextPage };
        }
      }
      cursor = page.endCursor ?? cursor;
      hasNextPage = page.hasNextPage;
    }
    return { nodes, endCursor: cursor === after ? null : cursor, hasNextPage };
  }
}

/**
 * The request id of one workflow's reset within a batch: the batch id (when it fits) for people
 * reading the audit, and a hash of the pair, so that no two (batch, workflow) pairs share an id
 * even when the ids contain `:`.
 */
export function workflowRequestId(batchRequestId: string, threadId: string): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([batchRequestId, threadId]))
    .digest('hex')
    .slice(0, 24);
  const prefix = batchRequestId.length <= REQUEST_ID_PREFIX_LENGTH ? batchRequestId : 'batch';
  return `${prefix}:${hash}`;
}

/** Whether a reason counts for the batch: of its kind and lasting at least olderThan, when given. */
function reasonMatcher({ kind, olderThanMs }: ResetStuckRequest): (reason: StuckReason) => boolean {
  return (reason) => (!kind || reason.kind === kind) && reason.durationMs >= (olderThanMs ?? 0);
}

function kindsOf(reasons: readonly StuckReason[]): StuckKind[] {
  return [...new Set(reasons.map((reason) => reason.kind))];
}

function notStuckMessage({ kind, olderThanMs }: ResetStuckRequest): string {
  const how = [kind ? ` as ${kind}` : '', olderThanMs ? ` for at least ${olderThanMs} ms` : ''].join('');
  return `The workflow is not stuck${how} now; it was left untouched`;
}

function toResetError(error: unknown): StuckResetError {
  if (error instanceof WorkflowError) return { code: error.code, message: error.message };
  return {
    code: ErrorCode.RESET_FAILED,
    message: 'The reset failed unexpectedly and may not have happened: repeat the batch with the same requestId to complete it',
  };
}
