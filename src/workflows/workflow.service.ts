import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/client';
import { DOMAINS, type RedisKeys } from '../redis/keys';
import { decodeCursor, encodeCursor, isAfter, type IndexPosition } from './workflow.cursor';
import { byEnqueueTime, parsePhase, toTask, toWorkflow } from './workflow.records';
import { serializeTaskData, validateResetRequest, validateThreadId } from './workflow.validation';
import {
  PHASES,
  WorkflowError,
  type CleanupSummary,
  type EnqueueTaskRequest,
  type ListWorkflowsOptions,
  type Phase,
  type QueueLength,
  type ResetRequest,
  type StartWorkflowRequest,
  type Task,
  type Workflow,
  type WorkflowEdge,
  type WorkflowPage,
} from './workflow.types';

export interface WorkflowServiceOptions {
  /** Highest gate a reset may go back to (MAX_GATE). */
  maxGate: number;
  /** Clock in epoch milliseconds; tests pin it. */
  now?: () => number;
}

export const MAX_PAGE_SIZE = 100;
/** A filtered page examines at most this many index entries per requested item, and at least MIN_EXAMINED. */
const EXAMINED_PER_ITEM = 10;
const MIN_EXAMINED = 500;
/** How many index entries one filtered round trip reads. */
const FILTER_BATCH = 100;
/** The audit stream is capped (approximately) at this many entries. */
export const AUDIT_MAX_LENGTH = 100_000;

/** Which phases each life-cycle move starts from (docs/redis-contract.md, "Life cycle"). */
const TRANSITIONS = {
  run: { to: 'running', from: ['pending', 'stopped', 'blocked', 'failed'] },
  stop: { to: 'stopped', from: ['pending', 'running', 'blocked'] },
} as const satisfies Record<string, { to: Phase; from: readonly Phase[] }>;

interface IndexEntry extends IndexPosition {
  hash?: Record<string, string>;
}

/** Reads and changes workflows in Redis; the only place that speaks the workflow contract. */
export class WorkflowService {
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly options: WorkflowServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async getWorkflow(threadId: string): Promise<Workflow | null> {
    validateThreadId(threadId);
    const [[, hash], [, score]] = (await this.redis
      .pipeline()
      .hgetall(this.keys.workflow(threadId))
      .zscore(this.keys.workflowIndex, threadId)
      .exec()) as [[Error | null, Record<string, string>], [Error | null, string | null]];
    return toWorkflow(threadId, hash, score);
  }

  /**
   * A page of workflows in creation order. With a phase filter at most max(10×first, 500) entries
   * are examined; the page may then hold fewer than `first` and `endCursor` continues from the
   * last entry examined.
   */
  async listWorkflows(options: ListWorkflowsOptions): Promise<WorkflowPage> {
    const { first, phase } = options;
    if (!Number.isSafeInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw new WorkflowError('BAD_USER_INPUT', `first must be an integer from 1 to ${MAX_PAGE_SIZE}`, 'first');
    }
    if (phase && !PHASES.includes(phase)) {
      throw new WorkflowError('BAD_USER_INPUT', `phase must be one of ${PHASES.join(', ')}`, 'phase');
    }
    let position: IndexPosition | null = options.after ? decodeCursor(options.after) : null;
    const budget = phase ? Math.max(EXAMINED_PER_ITEM * first, MIN_EXAMINED) : Number.POSITIVE_INFINITY;
    const edges: WorkflowEdge[] = [];
    let examined = 0;
    let exhausted = false;
    while (edges.length < first && examined < budget && !exhausted) {
      const wanted = phase ? Math.min(FILTER_BATCH, budget - examined) : first - edges.length;
      const entries = await this.readIndexAfter(position, wanted);
      exhausted = entries.length < wanted;
      for (const entry of entries) {
        examined += 1;
        position = entry;
        const workflow = toWorkflow(entry.threadId, entry.hash, String(entry.score));
        if (workflow && (!phase || workflow.phase === phase)) edges.push({ workflow, cursor: encodeCursor(entry) });
        if (edges.length === first) {
          exhausted = false;
          break;
        }
      }
    }
    const hasNextPage = !exhausted && position !== null && (await this.readIndexAfter(position, 1, false)).length > 0;
    return { edges, endCursor: examined > 0 && position ? encodeCursor(position) : null, hasNextPage };
  }

  async getTasks(threadId: string): Promise<Task[]> {
    validateThreadId(threadId);
    return (await this.getTasksOfWorkflows([threadId])).get(threadId) ?? [];
  }

  /** The tasks of many workflows in two round trips, whatever their number (for a DataLoader). */
  async getTasksOfWorkflows(threadIds: string[]): Promise<Map<string, Task[]>> {
    const unique = [...new Set(threadIds)];
    const tasksByWorkflow = new Map<string, Task[]>(unique.map((threadId) => [threadId, []]));
    if (unique.length === 0) return tasksByWorkflow;
    const indexes = this.redis.pipeline();
    for (const threadId of unique) indexes.smembers(this.keys.workflowTasks(threadId));
    const memberLists = await execValues<string[]>(indexes);
    const owned = unique.flatMap((threadId, i) => (memberLists[i] ?? []).map((taskId) => ({ threadId, taskId })));
    if (owned.length === 0) return tasksByWorkflow;
    const records = this.redis.pipeline();
    for (const { taskId } of owned) records.hgetall(this.keys.task(taskId)).get(this.keys.result(taskId));
    const values = await execValues<unknown>(records);
    owned.forEach(({ threadId, taskId }, i) => {
      const task = toTask(taskId, threadId, values[2 * i] as Record<string, string>, values[2 * i + 1] as string | null);
      if (task) tasksByWorkflow.get(threadId)!.push(task);
    });
    for (const tasks of tasksByWorkflow.values()) tasks.sort(byEnqueueTime);
    return tasksByWorkflow;
  }

  async queueLengths(): Promise<QueueLength[]> {
    const pipeline = this.redis.pipeline();
    for (const domain of DOMAINS) pipeline.llen(this.keys.queue(domain));
    const lengths = await execValues<number>(pipeline);
    return DOMAINS.map((domain, i) => ({ domain, length: Number(lengths[i] ?? 0) }));
  }

  /** A new workflow at gate 0, phase pending; an id that exists is a CONFLICT. */
  async startWorkflow(request: StartWorkflowRequest): Promise<Workflow> {
    const threadId = request.threadId == null ? randomUUID() : validateThreadId(request.threadId);
    const now = this.now();
    const created = await this.redis.createWorkflow(
      this.keys.workflow(threadId),
      this.keys.workflowIndex,
      threadId,
      String(now),
    );
    if (Number(created) !== 1) {
      throw new WorkflowError('CONFLICT', `A workflow with thread id "${threadId}" already exists`, 'threadId');
    }
    return { threadId, gate: 0, phase: 'pending', createdAt: new Date(now), updatedAt: new Date(now) };
  }

  /** pending, stopped, blocked or failed → running. */
  async runWorkflow(threadId: string): Promise<Workflow> {
    return this.transition(threadId, 'run');
  }

  /** pending, running or blocked → stopped; tasks stay, so a later run resumes where it stopped. */
  async stopWorkflow(threadId: string): Promise<Workflow> {
    return this.transition(threadId, 'stop');
  }

  /** Records, indexes and queues a task of an existing workflow in one script. */
  async enqueueTask(request: EnqueueTaskRequest): Promise<Task> {
    const { threadId, domain } = request;
    validateThreadId(threadId);
    if (!DOMAINS.includes(domain)) {
      throw new WorkflowError('BAD_USER_INPUT', `domain must be one of ${DOMAINS.join(', ')}`, 'domain');
    }
    const data = serializeTaskData(request.data, threadId);
    const taskId = randomUUID();
    const now = this.now();
    const outcome = Number(
      await this.redis.enqueueTask(
        this.keys.workflow(threadId),
        this.keys.workflowTasks(threadId),
        this.keys.queue(domain),
        this.keys.task(taskId),
        threadId,
        taskId,
        data,
        domain,
        String(now),
      ),
    );
    if (outcome === 0) throw notFound(threadId);
    if (outcome !== 1) throw new WorkflowError('CONFLICT', 'The generated task id is taken; try again');
    return {
      id: taskId,
      threadId,
      domain,
      status: 'pending',
      data: JSON.parse(data),
      enqueuedAt: new Date(now),
      startedAt: null,
      heartbeatAt: null,
      agent: null,
      result: null,
    };
  }

  /** Cancels and removes a workflow's tasks and puts it back at a gate (docs/redis-contract.md, "Reset"). */
  async resetWorkflow(request: ResetRequest): Promise<CleanupSummary> {
    validateResetRequest(request, this.options.maxGate);
    const { threadId, resetToGate } = request;
    const reply = await this.redis.resetWorkflow(
      this.keys.workflow(threadId),
      this.keys.workflowTasks(threadId),
      this.keys.workflowIndex,
      this.keys.audit,
      ...this.keys.queues,
      threadId,
      this.keys.taskKeyPrefix,
      this.keys.resultKeyPrefix,
      request.clearTasks ? '1' : '0',
      request.clearResults ? '1' : '0',
      String(resetToGate),
      String(this.now()),
      request.actor,
      request.reason,
      String(AUDIT_MAX_LENGTH),
      ...DOMAINS,
    );
    if (Number(reply[0]) !== 1) {
      return {
        success: false,
        threadId,
        cleared: { tasks: 0, results: 0, queues: [] },
        newState: null,
        message: `No workflow "${threadId}": it has no record and no task; nothing was changed`,
      };
    }
    const [, tasks, results, cancelled, domains] = reply;
    const queues = DOMAINS.filter((domain) => String(domains).split(',').includes(domain));
    const dequeued = queues.length > 0 ? `, dequeued from ${queues.join(', ')}` : '';
    return {
      success: true,
      threadId,
      cleared: { tasks: Number(tasks), results: Number(results), queues },
      newState: { gate: resetToGate, phase: 'pending' },
      message:
        `Workflow "${threadId}" reset to gate ${resetToGate}: ${Number(cancelled)} task(s) cancelled, ` +
        `${Number(tasks)} task record(s) and ${Number(results)} result(s) deleted${dequeued}`,
    };
  }

  private async transition(threadId: string, move: keyof typeof TRANSITIONS): Promise<Workflow> {
    validateThreadId(threadId);
    const { to, from } = TRANSITIONS[move];
    const [outcome, current] = await this.redis.transitionWorkflow(
      this.keys.workflow(threadId),
      to,
      String(this.now()),
      from.join(','),
      PHASES.join(','),
    );
    if (Number(outcome) === 0) throw notFound(threadId);
    if (Number(outcome) !== 1) {
      const phase = parsePhase(current);
      throw new WorkflowError(
        'CONFLICT',
        phase === to
          ? `Workflow "${threadId}" is already ${phase}`
          : `Workflow "${threadId}" is ${phase}; only a ${from.join(', ')} workflow can be ${move === 'run' ? 'run' : 'stopped'}`,
      );
    }
    const workflow = await this.getWorkflow(threadId);
    if (!workflow) throw notFound(threadId);
    return workflow;
  }

  /**
   * Up to `count` index entries after `position` (from the start when null), with their hashes
   * when `withHashes`. Entries sharing the position's score are skipped by member order.
   */
  private async readIndexAfter(position: IndexPosition | null, count: number, withHashes = true): Promise<IndexEntry[]> {
    const entries: IndexEntry[] = [];
    const min = position ? String(position.score) : '-inf';
    for (let offset = 0; entries.length < count; offset += count) {
      const raw = await this.redis.zrangebyscore(this.keys.workflowIndex, min, '+inf', 'WITHSCORES', 'LIMIT', offset, count);
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const entry = { threadId: raw[i], score: Number(raw[i + 1]) };
        if (!position || isAfter(entry, position)) entries.push(entry);
      }
      if (raw.length < 2 * count) break;
    }
    entries.length = Math.min(entries.length, count);
    if (withHashes && entries.length > 0) {
      const pipeline = this.redis.pipeline();
      for (const entry of entries) pipeline.hgetall(this.keys.workflow(entry.threadId));
      const hashes = await execValues<Record<string, string>>(pipeline);
      entries.forEach((entry, i) => (entry.hash = hashes[i]));
    }
    return entries;
  }
}

function notFound(threadId: string): WorkflowError {
  return new WorkflowError('NOT_FOUND', `No workflow with thread id "${threadId}"`, 'threadId');
}

/** The replies of a pipeline; a failed command is an unexpected error, not a domain one. */
async function execValues<T>(pipeline: ReturnType<RedisClient['pipeline']>): Promise<T[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, value]) => {
    if (error) throw error;
    return value as T;
  });
}
