/**
 * Live workflow events from Redis pub/sub: task results on `wave:results` and resets on `wave:events`
 * (docs/redis-contract.md, "Fencing stale agents" and "Events"), fanned out per workflow. A result an
 * agent publishes itself (TaskResult JSON naming `task_id`) reaches the workflow its task record names.
 *
 * One subscriber connection (a `duplicate()` of the server's client) serves every listener of the
 * process; each listener receives the events of exactly one thread id (a Map lookup, never a pattern).
 * Pub/sub is at-most-once: a listener that was away reads the workflow instead.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { ErrorCode } from '../error-codes';
import type { RedisClient } from '../redis/client';
import type { RedisKeys } from '../redis/keys';
import { MAX_THREAD_ID_LENGTH, validateThreadId } from './workflow.validation';
import { TASK_STATUSES, WorkflowError, type TaskOwner, type TaskStatus } from './workflow.types';

export const WORKFLOW_EVENT_TYPES = ['task_result', 'workflow_reset'] as const;
export type WorkflowEventType = (typeof WORKFLOW_EVENT_TYPES)[number];

/** An agent's result was recorded (record-task-result.lua). */
export interface TaskResultEvent {
  type: 'task_result';
  threadId: string;
  taskId: string;
  status: TaskStatus;
  /** The attempt the agent held, which the script checked against the workflow's. */
  attempt: number;
  at: Date;
}

/** The workflow was reset (reset-workflow.lua). */
export interface WorkflowResetEvent {
  type: 'workflow_reset';
  threadId: string;
  /** The workflow's attempt after the reset. */
  attempt: number;
  gate: number;
  at: Date;
}

export type WorkflowEvent = TaskResultEvent | WorkflowResetEvent;

/** Events a listener may have waiting before it counts as gone: a client this far behind re-reads instead. */
export const MAX_PENDING_EVENTS = 1000;

type Json = Record<string, unknown>;

function jsonObject(message: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(message);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isEpochMs = (value: unknown): value is number => isCount(value);
const isTaskStatus = (value: unknown): value is TaskStatus => TASK_STATUSES.includes(value as TaskStatus);

/**
 * A `task.result` notification, or undefined when it is not one. Its `at` is when the script wrote the
 * result; a publisher that leaves it out (an older copy of the script) gets the time it was received.
 */
export function readTaskResultNotification(message: string, receivedAt: number): TaskResultEvent | undefined {
  const json = jsonObject(message);
  if (json?.type !== 'task.result') return undefined;
  const { threadId, taskId, attempt, status, at } = json;
  if (!isId(threadId) || !isId(taskId) || !isCount(attempt) || !isTaskStatus(status)) return undefined;
  if (at !== undefined && !isEpochMs(at)) return undefined;
  return { type: 'task_result', threadId, taskId, status, attempt, at: new Date(at ?? receivedAt) };
}

/** A TaskResult an agent published itself: which task, and how it ended. */
export interface PublishedTaskResult {
  taskId: string;
  status: 'completed' | 'failed';
}

/**
 * A TaskResult as an agent that does not use record-task-result.lua publishes it (the Python side's
 * snake case): no `type`, the task in `task_id`, and `status` (completed | failed) or `success`.
 * Undefined when it is not one; its workflow is the task record's to tell.
 */
export function readPublishedTaskResult(message: string): PublishedTaskResult | undefined {
  const json = jsonObject(message);
  if (!json || json.type !== undefined) return undefined;
  const { task_id: taskId, status, success } = json;
  if (!isId(taskId) || taskId.length > MAX_THREAD_ID_LENGTH) return undefined;
  if (status === 'completed' || status === 'failed') return { taskId, status };
  if (status === undefined && typeof success === 'boolean') return { taskId, status: success ? 'completed' : 'failed' };
  return undefined;
}

/** A `workflow.reset` event, or undefined when it is not one. */
export function readResetEvent(message: string): WorkflowResetEvent | undefined {
  const json = jsonObject(message);
  if (json?.type !== 'workflow.reset') return undefined;
  const { threadId, attempt, gate, at } = json;
  if (!isId(threadId) || !isCount(attempt) || !isCount(gate) || !isEpochMs(at)) return undefined;
  return { type: 'workflow_reset', threadId, attempt, gate, at: new Date(at) };
}

/**
 * A listener fell more than MAX_PENDING_EVENTS behind; its stream ends with this error. The client's
 * condition, not a fault of ours: a domain error with its own code, logged once as a warning.
 */
export class EventStreamOverflowError extends WorkflowError {
  constructor() {
    super(
      ErrorCode.SUBSCRIBER_TOO_SLOW,
      `Live updates fell more than ${MAX_PENDING_EVENTS} events behind; subscribe again and re-read the workflow.`,
    );
    this.name = 'EventStreamOverflowError';
  }
}

/**
 * One listener's events as an async iterator. Hand-written rather than an async generator: a generator
 * awaiting its next event cannot be returned, so a client's unsubscribe would hang until one arrived.
 */
class Listener implements AsyncIterableIterator<WorkflowEvent> {
  private readonly pending: WorkflowEvent[] = [];
  private waiting?: (result: IteratorResult<WorkflowEvent>) => void;
  private failure?: Error;
  private ended = false;

  constructor(
    private readonly onEnd: () => void,
    private readonly onOverflow: () => void,
  ) {}

  push(event: WorkflowEvent): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: event, done: false });
    } else if (this.pending.length >= MAX_PENDING_EVENTS) {
      this.onOverflow();
      this.fail(new EventStreamOverflowError());
    } else {
      this.pending.push(event);
    }
  }

  next(): Promise<IteratorResult<WorkflowEvent>> {
    const event = this.pending.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<WorkflowEvent>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<WorkflowEvent>> {
    this.end();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<WorkflowEvent> {
    return this;
  }

  /** Stops delivery; a pending `next` resolves as done. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.pending.length = 0;
    this.onEnd();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  /** Only reached with nobody waiting (events pile up only then): the next `next` rejects, then done. */
  private fail(error: Error): void {
    this.end();
    this.failure = error;
  }
}

/** Why a message on a channel delivered nothing (the metric's `reason`). */
export type IgnoredReason =
  /** Not an event of the channel: not JSON, or not of a known shape. */
  | 'unreadable'
  /** A published TaskResult whose task has no record naming an owner. */
  | 'unknown_task'
  /** A published TaskResult whose task record could not be read (Redis failed). */
  | 'owner_unreadable';

export interface WorkflowEventStreamOptions {
  /** Reads whose a task is, for the results agents publish without a thread id. */
  owners: { findTaskOwner(taskId: string): Promise<TaskOwner | null> };
  /** Hears of every message that delivered nothing, for a metric. */
  ignored?: (channel: string, reason: IgnoredReason) => void;
  /** Clock in epoch milliseconds; tests pin it. */
  now?: () => number;
}

/** `subscribed` / `unsubscribed` carry the thread id once a listener is registered / removed. */
interface StreamActivity {
  subscribed: [threadId: string];
  unsubscribed: [threadId: string];
}

export class WorkflowEventStream {
  /** Listener bookkeeping, observable so a caller can wait until a listener is in place. */
  readonly activity = new EventEmitter<StreamActivity>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private subscriber?: RedisClient;
  private subscribed?: Promise<void>;
  private closed = false;
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
    private readonly options: WorkflowEventStreamOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The events of `threadId` from now on, until the iterator is returned or the stream closes. Resolves
   * once Redis confirmed the subscription, so no event published after it resolves is missed.
   */
  async subscribe(threadId: string): Promise<AsyncIterableIterator<WorkflowEvent>> {
    validateThreadId(threadId);
    await this.connect();
    if (this.closed) throw new Error('The workflow event stream is closed.');
    const listeners = this.listeners.get(threadId) ?? new Set<Listener>();
    this.listeners.set(threadId, listeners);
    const listener: Listener = new Listener(
      () => this.remove(threadId, listener),
      // Once per listener, without the thread id (a client's variable, never logged).
      () => this.logger.warn({ pendingEvents: MAX_PENDING_EVENTS }, 'subscriber fell behind: its subscription was ended'),
    );
    listeners.add(listener);
    this.activity.emit('subscribed', threadId);
    return listener;
  }

  /** How many listeners the events of `threadId` go to. */
  listenerCount(threadId: string): number {
    return this.listeners.get(threadId)?.size ?? 0;
  }

  /** Ends every listener and closes the subscriber connection. */
  async close(): Promise<void> {
    this.closed = true;
    for (const listeners of [...this.listeners.values()]) for (const listener of [...listeners]) listener.end();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (!subscriber) return;
    await subscriber.quit().catch(() => subscriber.disconnect());
  }

  /** The one subscriber connection, subscribed to both channels; retried by the next subscribe if it failed. */
  private connect(): Promise<void> {
    if (this.subscribed) return this.subscribed;
    const subscriber = this.redis.duplicate();
    subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    // ioredis re-subscribes after a reconnection; without a listener an 'error' event would crash the process.
    subscriber.on('error', (error: Error) => this.logger.warn({ err: error }, 'workflow event subscriber: redis error'));
    this.subscriber = subscriber;
    this.subscribed = subscriber.subscribe(this.keys.resultsChannel, this.keys.eventsChannel).then(
      () => undefined,
      (error: unknown) => {
        this.subscribed = undefined;
        if (this.subscriber === subscriber) this.subscriber = undefined;
        subscriber.disconnect();
        throw error;
      },
    );
    return this.subscribed;
  }

  private dispatch(channel: string, message: string): void {
    const receivedAt = this.now();
    const event =
      channel === this.keys.resultsChannel
        ? readTaskResultNotification(message, receivedAt)
        : channel === this.keys.eventsChannel
          ? readResetEvent(message)
          : undefined;
    if (event) return this.deliver(event);
    const published = channel === this.keys.resultsChannel ? readPublishedTaskResult(message) : undefined;
    if (!published) {
      this.logger.debug({ channel, length: message.length }, 'ignored a malformed workflow event');
      this.options.ignored?.(channel, 'unreadable');
      return;
    }
    // Nobody listens: no read of the task record for an event nobody would get.
    if (this.listeners.size > 0) void this.deliverPublishedResult(channel, published, receivedAt);
  }

  /**
   * A result an agent published itself, delivered to the workflow its task record names. The record
   * is read first, so such an event may arrive after a script's event published later.
   */
  private async deliverPublishedResult(channel: string, published: PublishedTaskResult, receivedAt: number): Promise<void> {
    let owner: TaskOwner | null;
    try {
      owner = await this.options.owners.findTaskOwner(published.taskId);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the owner of a published task result');
      this.options.ignored?.(channel, 'owner_unreadable');
      return;
    }
    if (!owner) {
      this.options.ignored?.(channel, 'unknown_task');
      return;
    }
    const { threadId, attempt } = owner;
    this.deliver({ type: 'task_result', threadId, taskId: published.taskId, status: published.status, attempt, at: new Date(receivedAt) });
  }

  private deliver(event: WorkflowEvent): void {
    for (const listener of this.listeners.get(event.threadId) ?? []) listener.push(event);
  }

  private remove(threadId: string, listener: Listener): void {
    const listeners = this.listeners.get(threadId);
    if (!listeners?.delete(listener)) return;
    if (listeners.size === 0) this.listeners.delete(threadId);
    this.activity.emit('unsubscribed', threadId);
  }
}
