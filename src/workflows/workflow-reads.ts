import type { Logger } from 'pino';
import { examinedBudget, MAX_COUNTED_WORKFLOWS, PREFIX_EXAMINED, QUEUE_TAIL_LOOKED } from '../defaults';
import { ErrorCode } from '../error-codes';
import type { RedisClient } from '../redis/client';
import { isWrongType } from '../redis/errors';
import type { RedisKeys } from '../redis/keys';
import { OldestQueuedOutcome, runOldestQueued } from '../redis/commands/oldest-queued';
import { valuesOf } from '../redis/pipeline';
import { type ReadCommand, type ReadSession, SharedReads } from '../redis/shared-reads';
import { decodeCursor, encodeCursor, isAfterIn, type IndexPosition } from './workflow.cursor';
import { byEnqueueTime, parseTimestamp, toTask, toWorkflow } from './workflow.records';
import { validateFirst, validateId, validateThreadId } from './workflow.validation';
import {
  DOMAINS,
  INDEX_ORDERS,
  type Domain,
  PHASES,
  WorkflowError,
  type IndexOrder,
  type ListWorkflowsOptions,
  type QueueLength,
  type Task,
  type Workflow,
  type WorkflowEdge,
  type WorkflowPage,
} from './workflow.types';

export interface WorkflowReadsOptions {
  /** Where a malformed index entry is reported (once per member). */
  logger?: Pick<Logger, 'warn'>;
}

/** How many index entries one filtered round trip reads: with their hashes, or (a prefix alone) ids only. */
const FILTER_BATCH = 100;
const PREFIX_BATCH = 1000;

interface IndexEntry extends IndexPosition {
  hash?: Record<string, string>;
}

/**
 * Reads workflows, their tasks and the queues: one workflow, a page of the index, the tasks of many.
 * Given a read session (a query's, see readSession), a read is shared with concurrent queries'
 * identical ones (redis/shared-reads.ts); without one (a mutation's own reads) it is sent alone.
 */
export class WorkflowReads {
  /** Index members already reported as malformed: each is logged once per process, not on every page. */
  private readonly reportedMalformed = new Set<string>();
  private readonly reads: SharedReads;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly options: WorkflowReadsOptions = {},
  ) {
    this.reads = new SharedReads(redis);
  }

  /** Starts a query's reads: it sees every write acknowledged before this call. */
  readSession(): ReadSession {
    return this.reads.session();
  }

  async getWorkflow(threadId: string, session?: ReadSession): Promise<Workflow | null> {
    validateThreadId(threadId);
    // A failed read must fail the call: read as "no record" it would tell an operator the workflow is gone.
    const [hash, score] = await this.readValues<Record<string, string> | string | null>(
      [
        ['hgetall', this.keys.workflow(threadId)],
        ['zscore', this.keys.workflowIndex, threadId],
      ],
      session,
    );
    return toWorkflow(threadId, hash as Record<string, string>, score as string | null);
  }

  /**
   * A page of workflows in creation order, oldest or newest first. With a phase filter at most
   * max(10×first, 500) entries are examined, with only a thread id prefix at most 5000 (their ids
   * alone are read); the page may then hold fewer than `first` and `endCursor` continues from the
   * last entry examined.
   */
  async listWorkflows(options: ListWorkflowsOptions, session?: ReadSession): Promise<WorkflowPage> {
    const { first, phase } = options;
    const order = options.order ?? 'oldest_first';
    const prefix = options.threadIdPrefix || null;
    validateFirst(first);
    if (phase && !PHASES.includes(phase)) {
      throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `phase must be one of ${PHASES.join(', ')}`, 'phase');
    }
    if (!INDEX_ORDERS.includes(order)) {
      throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `order must be one of ${INDEX_ORDERS.join(', ')}`, 'order');
    }
    if (prefix) validateId(prefix, 'threadIdPrefix');
    let position: IndexPosition | null = options.after ? decodeCursor(options.after) : null;
    const budget = phase ? examinedBudget(first) : prefix ? PREFIX_EXAMINED : Number.POSITIVE_INFINITY;
    const nodes: WorkflowEdge[] = [];
    let examined = 0;
    let hasMore = true;
    while (nodes.length < first && examined < budget && hasMore) {
      const filtered = phase || prefix;
      const wanted = filtered ? Math.min(prefix && !phase ? PREFIX_BATCH : FILTER_BATCH, budget - examined) : first - nodes.length;
      const { entries, more } = await this.readIndexAfter(position, wanted, order, prefix, session);
      let consumed = 0;
      for (const entry of entries) {
        consumed += 1;
        examined += 1;
        position = entry;
        const workflow = toWorkflow(entry.threadId, entry.hash, String(entry.score));
        if (workflow && (!phase || workflow.phase === phase)) nodes.push({ workflow, cursor: encodeCursor(entry) });
        if (nodes.length === first) break;
      }
      hasMore = consumed < entries.length || more;
    }
    return { nodes, endCursor: examined > 0 && position ? encodeCursor(position) : null, hasNextPage: hasMore && position !== null };
  }

  /**
   * The tasks of many workflows in two round trips, whatever their number. A request reads them
   * through its own DataLoader (graphql/context.ts), so its tasks and health share one read.
   */
  async getTasksOfWorkflows(threadIds: readonly string[], session?: ReadSession): Promise<Map<string, Task[]>> {
    const unique = [...new Set(threadIds)];
    const tasksByWorkflow = new Map<string, Task[]>(unique.map((threadId) => [threadId, []]));
    if (unique.length === 0) return tasksByWorkflow;
    const memberLists = await this.readValues<string[]>(
      unique.map((threadId) => ['smembers', this.keys.workflowTasks(threadId)]),
      session,
    );
    const owned = unique.flatMap((threadId, i) => (memberLists[i] ?? []).map((taskId) => ({ threadId, taskId })));
    if (owned.length === 0) return tasksByWorkflow;
    const values = await this.readValues<unknown>(
      owned.flatMap(({ taskId }): ReadCommand[] => [
        ['hgetall', this.keys.task(taskId)],
        ['get', this.keys.result(taskId)],
      ]),
      session,
    );
    owned.forEach(({ threadId, taskId }, i) => {
      const task = toTask(taskId, values[2 * i] as Record<string, string>, values[2 * i + 1] as string | null);
      // An index member owned by another workflow (or by none) is not this one's, as the reset reads it.
      if (task?.threadId === threadId) tasksByWorkflow.get(threadId)!.push(task);
    });
    for (const tasks of tasksByWorkflow.values()) tasks.sort(byEnqueueTime);
    return tasksByWorkflow;
  }

  async queueLengths(session?: ReadSession): Promise<QueueLength[]> {
    const lengths = await this.readValues<number>(
      DOMAINS.map((domain) => ['llen', this.keys.queue(domain)]),
      session,
    );
    return DOMAINS.map((domain, i) => ({ domain, length: Number(lengths[i] ?? 0) }));
  }

  /**
   * The `count` newest workflows and how many the index holds in all: a bounded read for an
   * overview's counts (one ZCARD, one ZREVRANGE, one HGETALL each).
   */
  async newestWorkflows(count: number, session?: ReadSession): Promise<{ total: number; workflows: Workflow[] }> {
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_COUNTED_WORKFLOWS) {
      throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `newest must be an integer from 1 to ${MAX_COUNTED_WORKFLOWS}`, 'newest');
    }
    const [[total], { entries }] = await Promise.all([
      this.readValues<number>([['zcard', this.keys.workflowIndex]], session),
      this.readIndexAfter(null, count, 'newest_first', null, session),
    ]);
    const workflows = entries.flatMap((entry) => toWorkflow(entry.threadId, entry.hash, String(entry.score)) ?? []);
    return { total, workflows };
  }

  /**
   * When the oldest live task waiting in the domain's queue was enqueued: null when none waits, when
   * it has no `enqueued_at`, or when the last QUEUE_TAIL_LOOKED ids are all dead (left by resets, and
   * no agent popped them away: a queue nobody takes from).
   */
  async oldestQueuedAt(domain: Domain): Promise<Date | null> {
    const reply = await runOldestQueued(this.redis, this.keys, this.keys.queue(domain), QUEUE_TAIL_LOOKED);
    return reply.outcome === OldestQueuedOutcome.Found ? parseTimestamp(reply.enqueuedAt) : null;
  }

  /**
   * The last sign of life of any agent of each domain (a pop, even of an empty queue, a heartbeat or a
   * result through the agent scripts), in the order given; null where none was recorded.
   */
  async agentsLastSeen(domains: readonly Domain[]): Promise<Array<Date | null>> {
    if (domains.length === 0) return [];
    const seen = await this.redis.hmget(this.keys.agentActivity, ...domains);
    return seen.map((value) => parseTimestamp(value));
  }

  /**
   * Up to `count` index entries after `position` in `order` (from the start when null), with the
   * hashes of those whose thread id starts with `prefix` (of all when null), and whether more follow.
   * Entries sharing the position's score are skipped by member order.
   */
  private async readIndexAfter(
    position: IndexPosition | null,
    count: number,
    order: IndexOrder,
    prefix: string | null,
    session: ReadSession | undefined,
  ): Promise<{ entries: IndexEntry[]; more: boolean }> {
    const entries: IndexEntry[] = [];
    const from = position ? String(position.score) : order === 'oldest_first' ? '-inf' : '+inf';
    // One id beyond `count` tells whether more follow without another round trip (its hash is not
    // read). The range starts at the position's score, so it holds the position's own entry (when
    // still indexed): reading one more for it keeps a page after a cursor to one round trip too.
    const ids = count + 1;
    const batch = position ? ids + 1 : ids;
    for (let offset = 0; entries.length < ids; offset += batch) {
      const key = this.keys.workflowIndex;
      const [raw] = await this.readValues<string[]>(
        [
          order === 'oldest_first'
            ? ['zrangebyscore', key, from, '+inf', 'WITHSCORES', 'LIMIT', offset, batch]
            : ['zrevrangebyscore', key, from, '-inf', 'WITHSCORES', 'LIMIT', offset, batch],
        ],
        session,
      );
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const entry = { threadId: raw[i], score: Number(raw[i + 1]) };
        if (!position || isAfterIn(order, entry, position)) entries.push(entry);
      }
      if (raw.length < 2 * batch) break;
    }
    const more = entries.length > count;
    entries.length = Math.min(entries.length, count);
    const wanted = prefix ? entries.filter((entry) => entry.threadId.startsWith(prefix)) : entries;
    if (wanted.length > 0) {
      const replies = await this.reads.read(
        wanted.map((entry) => ['hgetall', this.keys.workflow(entry.threadId)]),
        session,
      );
      wanted.forEach((entry, i) => {
        const [error, hash] = replies[i] ?? [];
        if (error && !isWrongType(error)) throw error;
        // A member whose key is no hash (`a:tasks`, which the contract forbids) is left out like a missing record.
        if (error) this.reportMalformed(entry.threadId);
        else entry.hash = hash as Record<string, string>;
      });
    }
    return { entries, more };
  }

  private async readValues<T>(commands: readonly ReadCommand[], session: ReadSession | undefined): Promise<T[]> {
    return valuesOf<T>(await this.reads.read(commands, session));
  }

  private reportMalformed(threadId: string): void {
    if (this.reportedMalformed.has(threadId)) return;
    this.reportedMalformed.add(threadId);
    this.options.logger?.warn(
      { threadId, key: this.keys.workflow(threadId) },
      'workflows index entry skipped: its workflow key is not a hash',
    );
  }
}
