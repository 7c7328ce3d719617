import { Field, ID, Int, InterfaceType, ObjectType } from 'type-graphql';
import type { WorkflowEvent, WorkflowEventType } from '../workflows/workflow-event-messages';
import type { TaskStatus } from '../workflows/workflow.types';
import { TaskStatusEnum, WorkflowEventTypeEnum } from './enums';

const TYPE_NAMES: Record<WorkflowEventType, string> = {
  task_result: 'TaskResultEvent',
  workflow_reset: 'WorkflowResetEvent',
};

@InterfaceType('WorkflowEvent', {
  description: 'Something that happened to one workflow, pushed by Subscription.workflowEvents.',
  resolveType: (event: WorkflowEvent) => TYPE_NAMES[event.type],
})
export abstract class WorkflowEventInterface {
  @Field(() => WorkflowEventTypeEnum, { description: 'Which event this is; the same as its __typename.' })
  type!: WorkflowEventType;

  @Field(() => ID)
  threadId!: string;

  @Field(() => Int, { description: 'The attempt the event belongs to (Workflow.attempt).' })
  attempt!: number;

  @Field(() => Date, { description: 'When it happened, by the clock of the server that wrote it.' })
  at!: Date;
}

@ObjectType('TaskResultEvent', {
  implements: WorkflowEventInterface,
  description: "An agent's result was recorded, fenced by its attempt; `attempt` is the attempt the agent held.",
})
export class TaskResultEventType extends WorkflowEventInterface {
  @Field(() => ID)
  taskId!: string;

  @Field(() => TaskStatusEnum, { description: 'The final status the agent wrote: COMPLETED or FAILED.' })
  status!: TaskStatus;
}

@ObjectType('WorkflowResetEvent', {
  implements: WorkflowEventInterface,
  description: 'The workflow was reset; `attempt` is its new attempt, so results of earlier ones are refused.',
})
export class WorkflowResetEventType extends WorkflowEventInterface {
  @Field(() => Int, { description: 'The gate it was reset to.' })
  gate!: number;
}
