import { GraphQLError } from 'graphql';
import { Arg, Directive, ID, Resolver, Root, Subscription, type PubSub, type SubscribeResolverData } from 'type-graphql';
import { ErrorCode } from '../error-codes';
import type { WorkflowEvent } from '../workflows/workflow-event-messages';
import type { WorkflowEventStream } from '../workflows/workflow-events';
import type { RequestContext } from './context';
import { WorkflowEventInterface } from './workflow-event.type';

/** The context of an operation over graphql-ws: the request context plus the live event stream. */
export interface SubscriptionContext extends RequestContext {
  workflowEvents: WorkflowEventStream;
}

/**
 * type-graphql refuses a schema with a @Subscription but no pubSub, although ours brings its own
 * `subscribe`: nothing is published to this one, and asking it for a topic is a programming error.
 */
export const noTopicPubSub: PubSub = {
  publish: () => undefined,
  subscribe: (topic) => {
    throw new Error(`No pubSub topics in this schema (asked for ${topic}); subscriptions bring their own subscribe.`);
  },
};

function eventsOfWorkflow({ args, context }: SubscribeResolverData<unknown, { threadId: string }, Partial<SubscriptionContext>>) {
  // Over HTTP there is no event stream: subscriptions are served over graphql-ws only.
  if (!context.workflowEvents) {
    throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws protocol) at /graphql.', {
      extensions: { code: ErrorCode.BAD_REQUEST },
    });
  }
  return context.workflowEvents.subscribe(args.threadId);
}

@Resolver()
export class WorkflowEventResolver {
  @Subscription(() => WorkflowEventInterface, {
    description:
      "The workflow's task results and resets from now on, as they happen (at most once each: re-read the workflow after reconnecting).",
    subscribe: eventsOfWorkflow,
  })
  @Directive('@auth(requires: VIEWER)')
  workflowEvents(@Arg('threadId', () => ID) _threadId: string, @Root() event: WorkflowEvent): WorkflowEvent {
    return event;
  }
}
