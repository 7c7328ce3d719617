import type { Logger } from 'pino';
import type { StuckWorkflowService } from '../workflows/stuck.service';
import type { WorkflowService } from '../workflows/workflow.service';
import type { CleanupSummary } from '../workflows/workflow.types';
import type { Metrics } from './metrics';
import { requestLogger } from './request-scope';

function recordReset(summary: CleanupSummary, logger: Logger, metrics: Metrics): void {
  const { threadId, dryRun, replayed, success, cleared } = summary;
  requestLogger(logger).info(
    {
      threadId,
      dryRun,
      replayed,
      success,
      cleared: { tasks: cleared.tasks, results: cleared.results, queues: cleared.queues },
      attempt: summary.newState?.attempt ?? null,
      idempotencyKey: summary.requestId,
    },
    dryRun ? 'workflow reset previewed' : 'workflow reset',
  );
  // A replay changed nothing, and "nothing to reset" neither.
  if (replayed || !success) return;
  metrics.resets.inc({ kind: dryRun ? 'preview' : 'reset' });
  if (!dryRun) {
    metrics.resetClearedItems.inc({ item: 'tasks' }, cleared.tasks);
    metrics.resetClearedItems.inc({ item: 'results' }, cleared.results);
  }
}

/**
 * Logs (at info, with its summary counts) and counts every reset, the batch's included: the batch
 * resets each workflow through the same WorkflowService.resetWorkflow, which is wrapped here so the
 * domain itself knows nothing of logs or metrics. Refusals are thrown errors: the operation's line has them.
 */
export function observeResets(
  services: { workflows: WorkflowService; stuck: StuckWorkflowService },
  logger: Logger,
  metrics: Metrics,
): void {
  const { workflows, stuck } = services;
  const resetWorkflow = workflows.resetWorkflow.bind(workflows);
  workflows.resetWorkflow = async (request) => {
    const summary = await resetWorkflow(request);
    recordReset(summary, logger, metrics);
    return summary;
  };
  const resetStuckWorkflows = stuck.resetStuckWorkflows.bind(stuck);
  stuck.resetStuckWorkflows = async (request) => {
    const batch = await resetStuckWorkflows(request);
    requestLogger(logger).info(
      {
        dryRun: batch.dryRun,
        workflows: batch.outcomes.length,
        succeeded: batch.succeeded,
        failed: batch.failed,
        idempotencyKey: batch.requestId,
      },
      batch.dryRun ? 'stuck workflows reset previewed' : 'stuck workflows reset',
    );
    return batch;
  };
}
