import { ErrorCode } from '../error-codes';
import type { WorkflowEvent } from './workflow-event-messages';
import { WorkflowError } from './workflow.types';

/** Events a listener may have waiting before it counts as gone: a client this far behind re-reads instead. */
export const MAX_PENDING_EVENTS = 1000;

/**
 * A listener fell more than MAX_PENDING_EVENTS behind; its stream ends with this error. The client's
 * condition, not a fault of ours: a domain error with its own code, logged once as a warning.
 */
class EventStreamOverflowError extends WorkflowError {
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
export class WorkflowEventListener implements AsyncIterableIterator<WorkflowEvent> {
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
