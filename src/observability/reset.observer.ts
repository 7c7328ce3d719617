import type { Logger } from 'pino';
import type { ResetObserver } from '../workflows/reset-observer';
import type { CleanupSummary } from '../workflows/workflow.types';
import type { Metrics } from './metrics';
import { requestLogger } from './request-scope';

/**
 * Logs (at info, with its summary counts) and counts every reset, the batch's included, and logs every
 * batch. Refusals are thrown errors: the operation's line has them.
 */
export function resetObserver(logger: Logger, metrics: Metrics): ResetObserver {
  return {
    resetAnswered: (summary) => recordReset(summary, logger, metrics),
    batchAnswered: (batch) => {
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
    },
    sweepProgress: (progress) => {
      requestLogger(logger).info(progress, 'reset sweeping a queue');
    },
    dequeueFailed: (threadId, error) => {
      requestLogger(logger).warn(
        { threadId, err: error },
        'reset done, but removing its ids from the queues failed: they stay, dead, for agents to drop',
      );
    },
  };
}

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
