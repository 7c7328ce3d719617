import type { WorkflowEventStream } from '../../src/workflows/workflow-events';

/**
 * How many listeners a WorkflowEventStream holds per thread id, counted from its `activity` since the
 * count was attached: attach it before the first subscription.
 */
export class ListenerCount {
  private readonly counts = new Map<string, number>();

  constructor(stream: WorkflowEventStream) {
    stream.activity.on('subscribed', (threadId) => this.counts.set(threadId, this.of(threadId) + 1));
    stream.activity.on('unsubscribed', (threadId) => this.counts.set(threadId, this.of(threadId) - 1));
  }

  of(threadId: string): number {
    return this.counts.get(threadId) ?? 0;
  }
}
