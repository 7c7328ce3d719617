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
import type { RedisClient } from '../redis/client';
import type { RedisKeys } from '../redis/keys';
import { MAX_PENDING_EVENTS, WorkflowEventListener } from './workflow-event-listener';
import {
  readPublishedTaskResult,
  readResetEvent,
  readTaskResultNotification,
  type PublishedTaskResult,
  type WorkflowEvent,
} from './workflow-event-messages';
import { validateThreadId } from './workflow.validation';
import type { TaskOwner } from './workflow.types';

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
  private readonly listeners = new Map<string, Set<WorkflowEventListener>>();
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
    const listeners = this.listeners.get(threadId) ?? new Set<WorkflowEventListener>();
    this.listeners.set(threadId, listeners);
    const listener: WorkflowEventListener = new WorkflowEventListener(
      () => this.remove(threadId, listener),
      // Once per listener, without the thread id (a client's variable, never logged).
      () => this.logger.warn({ pendingEvents: MAX_PENDING_EVENTS }, 'subscriber fell behind: its subscription was ended'),
    );
    listeners.add(listener);
    this.activity.emit('subscribed', threadId);
    return listener;
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

  private remove(threadId: string, listener: WorkflowEventListener): void {
    const listeners = this.listeners.get(threadId);
    if (!listeners?.delete(listener)) return;
    if (listeners.size === 0) this.listeners.delete(threadId);
    this.activity.emit('unsubscribed', threadId);
  }
}
