/**
 * Every default and limit with one home: src/config falls back to these, the services apply them, and
 * the schema's `defaultValue`s and descriptions print them (test/graphql/schema-defaults.test.ts).
 * Durations and rate limits are written as their env vars take them (`15m`, `5/1m`'s parts).
 */
import { parseDurationMs } from './duration';

/** Page sizes (`first`) of every connection. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** A filtered page examines at most this many entries per requested item, and at least MIN_EXAMINED. */
const EXAMINED_PER_ITEM = 10;
const MIN_EXAMINED = 500;

/** How many entries a filtered page of `first` items may examine before it answers with fewer. */
export function examinedBudget(first: number): number {
  return Math.max(EXAMINED_PER_ITEM * first, MIN_EXAMINED);
}

/** Index entries a page filtered by thread id prefix alone examines at most: ids only, no records. */
export const PREFIX_EXAMINED = 5000;

/** Ids an overview looks at from a queue's tail for its oldest live task, past the dead ids a reset left. */
export const QUEUE_TAIL_LOOKED = 100;

/** The newest workflows an overview's counts read by default and at most (workflowCounts(newest)). */
export const DEFAULT_COUNTED_WORKFLOWS = 500;
export const MAX_COUNTED_WORKFLOWS = 2000;

/** Workflows one batch reset (`limit`) touches by default and at most. */
export const DEFAULT_RESET_LIMIT = 20;
export const MAX_RESET_LIMIT = 100;

/** Highest gate a reset may go back to (MAX_GATE). */
export const DEFAULT_MAX_GATE = 7;

/**
 * Calls per caller and window: resetWorkflow (RESET_RATE_LIMIT), its previews (RESET_PREVIEW_RATE_LIMIT).
 * resetWorkflow's description says them "a minute": a test holds the window to 1m.
 */
export const DEFAULT_RESET_RATE_LIMIT = { max: 5, window: '1m' } as const;
export const DEFAULT_RESET_PREVIEW_RATE_LIMIT = { max: 30, window: '1m' } as const;
/** Fixed in the schema's @rateLimit: resetStuckWorkflows. */
export const BATCH_RESET_RATE_LIMIT = { max: 5, window: '1m' } as const;
/** Each life-cycle mutation: cheap but a write, so a generous limit that still stops a runaway script. */
export const LIFECYCLE_RATE_LIMIT = { max: 120, window: '1m' } as const;

/** How long a requestId's summary is replayed (RESET_IDEMPOTENCY_TTL). */
export const DEFAULT_RESET_IDEMPOTENCY_TTL = '24h';
/** How long a preview's planToken confirms a reset (RESET_PLAN_TTL). */
export const DEFAULT_RESET_PLAN_TTL = '15m';

/**
 * The longest queue a reset removes its ids from (RESET_DEQUEUE_MAX_QUEUE_LENGTH): one LREM per id
 * compares every entry, about 20 ns each, so 100k entries cost about 2 ms. Deeper queues keep them, dead.
 */
export const DEFAULT_RESET_DEQUEUE_MAX_QUEUE_LENGTH = 100_000;
/** Most of Redis's time one step of a reset's queue sweep takes (find-queued-tasks.lua). */
export const RESET_SWEEP_STEP_BUDGET_MICROS = 1_000;
/** Dead ids one pop-task call drops at most before it answers: each costs a few reads. */
export const POP_TASK_MAX_DROPPED = 100;

/** When a workflow counts as stuck (STUCK_QUEUED_AFTER, STUCK_RUNNING_AFTER, STUCK_RESULT_AFTER). */
export const DEFAULT_STUCK_QUEUED_AFTER = '10m';
export const DEFAULT_STUCK_RUNNING_AFTER = '5m';
export const DEFAULT_STUCK_RESULT_AFTER = '5m';

/** Milliseconds of a default duration above; a typo there fails at start, not at the first reset. */
export function defaultDurationMs(written: string): number {
  const ms = parseDurationMs(written);
  if (ms === null) throw new Error(`Not a duration: ${written}`);
  return ms;
}
