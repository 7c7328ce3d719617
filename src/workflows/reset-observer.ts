import type { StuckResetBatch } from './stuck.types';
import type { CleanupSummary } from './workflow.types';

/**
 * Told of every reset answered, given to the reset and batch services at construction: observability
 * implements it with logs and metrics, of which the domain knows nothing. Refusals are thrown, not told.
 */
export interface ResetObserver {
  /** A reset or preview answered (a replay and a batch's own resets included). */
  resetAnswered(summary: CleanupSummary): void;
  /** A batch reset or preview answered, after the resetAnswered of each of its workflows. */
  batchAnswered(batch: StuckResetBatch): void;
}
