import type { Logger } from 'pino';
import type { ResetObserver, SweepProgress } from '../workflows/reset-observer';
import type { StuckResetBatch } from '../workflows/stuck.types';
import type { CleanupSummary } from '../workflows/workflow.types';
import type { Metrics } from './metrics';

/**
 * Logs (at info, with its summary counts) and counts every reset, the batch's included, and logs every
 * batch, to `log`: the app's logger, or a request's (its lines then carry the request id). Refusals are
 * thrown errors: the operation's line has them. A class, so a request's costs one small object.
 */
export class LoggedResetObserver implements ResetObserver {
  constructor(
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {}

  resetAnswered(summary: CleanupSummary): void {
    const { threadId, dryRun, replayed, success, cleared } = summary;
    this.log.info(
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
    this.metrics.resets.inc({ kind: dryRun ? 'preview' : 'reset' });
    if (!dryRun) {
      this.metrics.resetClearedItems.inc({ item: 'tasks' }, cleared.tasks);
      this.metrics.resetClearedItems.inc({ item: 'results' }, cleared.results);
    }
  }

  batchAnswered(batch: StuckResetBatch): void {
    this.log.info(
      {
        dryRun: batch.dryRun,
        workflows: batch.outcomes.length,
        succeeded: batch.succeeded,
        failed: batch.failed,
        idempotencyKey: batch.requestId,
      },
      batch.dryRun ? 'stuck workflows reset previewed' : 'stuck workflows reset',
    );
  }

  sweepProgress(progress: SweepProgress): void {
    this.log.info(progress, 'reset sweeping a queue');
  }

  dequeueFailed(threadId: string, error: unknown): void {
    this.log.warn({ threadId, err: error }, 'reset done, but removing its ids from the queues failed: they stay, dead, for agents to drop');
  }
}
