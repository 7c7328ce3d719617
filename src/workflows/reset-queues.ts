import { DEFAULT_RESET_DEQUEUE_MAX_QUEUE_LENGTH, RESET_SWEEP_STEP_BUDGET_MICROS } from '../defaults';
import type { RedisClient } from '../redis/client';
import { runFindQueuedTasks, type SweepTarget } from '../redis/commands/find-queued-tasks';
import type { QueuedIds } from '../redis/commands/reset-workflow';
import type { RedisKeys } from '../redis/keys';
import { execValues } from '../redis/pipeline';
import type { ResetObserver } from './reset-observer';
import { DOMAINS, type Domain } from './workflow.types';

/** Told of the progress of a long sweep. */
type SweepObserver = Partial<Pick<ResetObserver, 'sweepProgress'>>;

/** What a sweep found: per workflow, its ids in each domain's queue, each once. */
export type QueuedEntries = Map<string, Map<Domain, Set<string>>>;

/** How a queue sweep reads, and how deep a queue the dequeue still removes ids from (docs/redis-contract.md, "Reset"). */
export interface ResetQueuesOptions {
  /**
   * Also read the owner of every queued id, so tasks queued without being indexed are found
   * (RESET_SWEEP_QUEUES); otherwise only the indexed ids are looked for.
   */
  readOwners: boolean;
  /** Most of Redis's time one sweep step may take. */
  stepBudgetMicros?: number;
  /** The longest queue whose ids are removed (one LREM per id, O(length) each); a deeper one keeps them for agents to drop. */
  maxDequeueLength?: number;
  /** Clock in epoch milliseconds, for the progress reports. */
  now?: () => number;
}

/** Entries per step: an owner read costs about 6 µs, a look-up of an indexed id well under one. */
const STEP_ENTRIES_READING_OWNERS = 2_000;
const STEP_ENTRIES_INDEXED_ONLY = 20_000;
/** Queue entries the LREMs of one round trip compare at most: about a millisecond of Redis's time. */
const ENTRIES_COMPARED_AT_ONCE = 50_000;
/** A sweep running longer than this reports its progress, and again after each such interval. */
const PROGRESS_EVERY_MS = 1_000;

/** What the dequeue did with a reset's queue entries. */
export interface DequeueOutcome {
  /** Ids removed (each from one queue). */
  removed: number;
  /** Ids left in queues too deep to remove them from (or all of them, when it failed): dead, dropped by the agent that pops them. */
  left: Array<{ domain: Domain; taskIds: string[]; queueLength: number | null }>;
  /** Removing them failed (Redis went away): every id counts as left. */
  failed: boolean;
}

/**
 * The queue part of a reset, outside its atomic step: finding the workflows' ids in the domain queues
 * in bounded steps (find-queued-tasks.lua), and removing them afterwards, a few LREMs per round trip.
 */
export class ResetQueues {
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly options: ResetQueuesOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Every queue's ids of these workflows: indexed ones, and (reading owners) any other they own; `observer` hears of a long sweep. */
  async find(threadIds: readonly string[], observer?: SweepObserver): Promise<QueuedEntries> {
    const indexed = await execValues<string[]>(
      threadIds.reduce((pipeline, threadId) => pipeline.smembers(this.keys.workflowTasks(threadId)), this.redis.pipeline()),
    );
    const targets: SweepTarget[] = threadIds.map((threadId, i) => ({ threadId, indexedIds: indexed[i] }));
    const entries: QueuedEntries = new Map(threadIds.map((threadId) => [threadId, new Map()]));
    for (const domain of DOMAINS) {
      for (const { target, taskId } of await this.sweep(domain, targets, observer)) {
        const queues = entries.get(targets[target].threadId)!;
        const ids = queues.get(domain) ?? new Set<string>();
        queues.set(domain, ids.add(taskId));
      }
    }
    return entries;
  }

  /** One queue, read from head to tail in steps. */
  private async sweep(
    domain: Domain,
    targets: readonly SweepTarget[],
    observer: SweepObserver | undefined,
  ): Promise<Array<{ target: number; taskId: string }>> {
    const { readOwners } = this.options;
    const found: Array<{ target: number; taskId: string }> = [];
    const began = this.now();
    let reported = began;
    let start = 0;
    let anchor: string | null = null;
    for (;;) {
      const step = await runFindQueuedTasks(this.redis, this.keys, {
        queue: this.keys.queue(domain),
        start,
        anchor,
        count: readOwners ? STEP_ENTRIES_READING_OWNERS : STEP_ENTRIES_INDEXED_ONLY,
        budgetMicros: this.options.stepBudgetMicros ?? RESET_SWEEP_STEP_BUDGET_MICROS,
        readOwners,
        targets,
      });
      found.push(...step.found);
      if (step.next >= step.length || step.lastRead === null) return found;
      start = step.next;
      anchor = step.lastRead;
      const now = this.now();
      if (observer?.sweepProgress && now - reported >= PROGRESS_EVERY_MS) {
        reported = now;
        observer.sweepProgress({ domain, read: start, length: step.length, elapsedMs: now - began, workflows: targets.length });
      }
    }
  }

  /**
   * Removes a reset's ids from the queues, a few LREMs at a time (as many as cost about a millisecond
   * together), so other clients run in between. A queue longer than maxDequeueLength keeps them: they
   * are dead (the reset cancelled or deleted their tasks and bumped the attempt), and the agent that
   * pops one drops it (pop-task.lua).
   */
  async remove(dequeue: readonly QueuedIds[]): Promise<DequeueOutcome> {
    const maxLength = this.options.maxDequeueLength ?? DEFAULT_RESET_DEQUEUE_MAX_QUEUE_LENGTH;
    const outcome: DequeueOutcome = { removed: 0, left: [], failed: false };
    for (const { domain, taskIds } of dequeue) {
      if (!DOMAINS.includes(domain as Domain)) continue;
      const queue = this.keys.queue(domain);
      const queueLength = await this.redis.llen(queue);
      if (queueLength > maxLength) {
        outcome.left.push({ domain: domain as Domain, taskIds, queueLength });
        continue;
      }
      const atOnce = Math.max(1, Math.floor(ENTRIES_COMPARED_AT_ONCE / Math.max(1, queueLength)));
      for (let i = 0; i < taskIds.length; i += atOnce) {
        const batch = taskIds.slice(i, i + atOnce);
        const removed = await execValues<number>(
          batch.reduce((pipeline, taskId) => pipeline.lrem(queue, 0, taskId), this.redis.pipeline()),
        );
        outcome.removed += removed.filter((count) => count > 0).length;
      }
    }
    return outcome;
  }
}
