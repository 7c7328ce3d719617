import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { QUEUE_TAIL_LOOKED } from '../defaults';
import type { RequestContext } from './context';
import { QueueLengthType } from './workflow.type';

@Resolver(() => QueueLengthType)
export class QueueLengthResolver {
  @FieldResolver(() => Date, {
    nullable: true,
    description:
      'When the oldest live task waiting in the queue was enqueued: an old one in a long queue means no agent takes ' +
      `from it. Null when none waits, when it has no enqueued_at, or when the last ${QUEUE_TAIL_LOOKED} ids at the tail are all dead ` +
      '(left by resets: agents drop them as they pop, so they pile up only where nobody pops).',
  })
  async oldestQueuedAt(@Root() queue: QueueLengthType, @Ctx() ctx: RequestContext): Promise<Date | null> {
    return ctx.workflows.oldestQueuedAt(queue.domain);
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description:
      "The last sign of life of any of the domain's agents: a pop (even of an empty queue), a heartbeat or a result " +
      'through the agent scripts. With an old oldestQueuedAt it tells "no agent alive" (old too) from "overloaded" ' +
      '(recent). Null when none was recorded (agents that write raw commands leave no trace here).',
  })
  async agentLastSeenAt(@Root() queue: QueueLengthType, @Ctx() ctx: RequestContext): Promise<Date | null> {
    return ctx.agentLastSeen.load(queue.domain);
  }
}
