import type { StuckResetBatch } from './stuck.types';
import type { CleanupSummary, Domain } from './workflow.types';

/**
 * Told of every reset answered and of long queue work, given to the reset and batch services at construction: observability
 * implements it with logs and metrics, of which the domain knows nothing. Refusals are thrown, not told. A call made on
 * behalf of a request may bring its own (ResetCall), which is told instead: its lines carry the request's id.
 */
export interface ResetObserver {
  /** A reset or preview answered (a replay and a batch's own resets included). */
  resetAnswered(summary: CleanupSummary): void;
  /** A batch reset or preview answered, after the resetAnswered of each of its workflows. */
  batchAnswered(batch: StuckResetBatch): void;
  /** A queue sweep is still running: told about once a second. */
  sweepProgress(progress: SweepProgress): void;
  /** The reset happened, but removing its ids from the queues failed: they stay, dead, for agents to drop. */
  dequeueFailed(threadId: string, error: unknown): void;
}

export interface SweepProgress {
  domain: Domain;
  /** Entries read so far of the queue's `length`. */
  read: number;
  length: number;
  elapsedMs: number;
  /** How many workflows the sweep looks for. */
  workflows: number;
}

/** How one reset or batch call is observed: a call on behalf of a request tells that request's observer. */
export interface ResetCall {
  /** Told instead of the service's own observer. */
  observer?: ResetObserver;
}
