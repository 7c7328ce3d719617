import { z } from 'zod';
import {
  DEFAULT_MAX_GATE,
  DEFAULT_RESET_DEQUEUE_MAX_QUEUE_LENGTH,
  DEFAULT_RESET_IDEMPOTENCY_TTL,
  DEFAULT_RESET_PLAN_TTL,
  DEFAULT_RESET_PREVIEW_RATE_LIMIT,
  DEFAULT_RESET_RATE_LIMIT,
  DEFAULT_STUCK_QUEUED_AFTER,
  DEFAULT_STUCK_RESULT_AFTER,
  DEFAULT_STUCK_RUNNING_AFTER,
} from '../defaults';
import { duration, flag, parseRateLimit, rateLimit, type RateLimitPolicy } from './env-values';

/** The highest gate, how resets are spent and confirmed, and when a workflow counts as stuck. */
export const workflowsEnv = z.object({
  MAX_GATE: z.coerce.number().int().min(0).max(1000).default(DEFAULT_MAX_GATE),
  RESET_RATE_LIMIT: rateLimit(DEFAULT_RESET_RATE_LIMIT),
  RESET_PREVIEW_RATE_LIMIT: rateLimit(DEFAULT_RESET_PREVIEW_RATE_LIMIT),
  REQUIRE_RESET_CONFIRMATION: flag,
  RESET_IDEMPOTENCY_TTL: duration(DEFAULT_RESET_IDEMPOTENCY_TTL),
  RESET_PLAN_TTL: duration(DEFAULT_RESET_PLAN_TTL),
  RESET_SWEEP_QUEUES: flag,
  RESET_DEQUEUE_MAX_QUEUE_LENGTH: z.coerce.number().int().min(0).max(100_000_000).default(DEFAULT_RESET_DEQUEUE_MAX_QUEUE_LENGTH),
  STUCK_QUEUED_AFTER: duration(DEFAULT_STUCK_QUEUED_AFTER),
  STUCK_RUNNING_AFTER: duration(DEFAULT_STUCK_RUNNING_AFTER),
  STUCK_RESULT_AFTER: duration(DEFAULT_STUCK_RESULT_AFTER),
});

/** How resets are confirmed and repeated (docs/redis-contract.md, "Reset"). */
export interface ResetConfig {
  /** What real resets (and refused ones) spend; replays of a stored requestId spend nothing. */
  rateLimit: RateLimitPolicy;
  /** What previews (dryRun) spend, apart from real resets. */
  previewRateLimit: RateLimitPolicy;
  /** A real reset must carry the planToken of a preview. */
  requireConfirmation: boolean;
  /** How long a requestId's summary is kept and replayed. */
  idempotencyTtlMs: number;
  /** How long a preview's planToken can confirm a reset. */
  planTtlMs: number;
  /** Look through every queued id for tasks queued without being indexed (costs a read per queued id). */
  sweepQueues: boolean;
  /** The longest queue a reset removes its ids from; a deeper one keeps them, dead, for agents to drop. */
  maxDequeueLength: number;
}

/** When a workflow counts as stuck (Workflow.health). */
export interface StuckThresholds {
  /** A pending task waited in its queue this long without an agent taking it. */
  queuedAfterMs: number;
  /** An in-progress task's agent gave no heartbeat for this long. */
  runningAfterMs: number;
  /** A result was stored this long ago and the workflow did not move since. */
  resultAfterMs: number;
}

type WorkflowsEnv = z.output<typeof workflowsEnv>;

export function resetConfigOf(value: WorkflowsEnv, isProduction: boolean): ResetConfig {
  return {
    rateLimit: parseRateLimit(value.RESET_RATE_LIMIT),
    previewRateLimit: parseRateLimit(value.RESET_PREVIEW_RATE_LIMIT),
    requireConfirmation: value.REQUIRE_RESET_CONFIRMATION ? value.REQUIRE_RESET_CONFIRMATION === 'true' : isProduction,
    idempotencyTtlMs: value.RESET_IDEMPOTENCY_TTL,
    planTtlMs: value.RESET_PLAN_TTL,
    sweepQueues: value.RESET_SWEEP_QUEUES !== 'false',
    maxDequeueLength: value.RESET_DEQUEUE_MAX_QUEUE_LENGTH,
  };
}

export function stuckThresholdsOf(value: WorkflowsEnv): StuckThresholds {
  return {
    queuedAfterMs: value.STUCK_QUEUED_AFTER,
    runningAfterMs: value.STUCK_RUNNING_AFTER,
    resultAfterMs: value.STUCK_RESULT_AFTER,
  };
}
