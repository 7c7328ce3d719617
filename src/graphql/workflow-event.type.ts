import { Field, ID, Int, InterfaceType, ObjectType } from 'type-graphql';
import type { WorkflowEvent as WorkflowEventValue, WorkflowEventType as WorkflowEventTypeValue } from '../workflows/workflow-events';
import type { TaskStatus as TaskStatusValue } from '../workflows/workflow.types';
import { TaskStatus, WorkflowEventType } from './enums';

const TYPE_NAMES: Record<WorkflowEventTypeValue, string> = {
  task_result: 'TaskResultEvent',
  workflow_reset: 'WorkflowResetEvent',
};

@InterfaceType({
  description: 'Something that happened to one workflow, pushed by Subscription.workflowEvents.',
  resolveType: (event: WorkflowEventValue) => TYPE_NAMES[event.type],
})
export abstract class WorkflowEvent {
  @Field(() => WorkflowEventType, { description: 'Which event this is; the same as its __typename.' })
  type!: WorkflowEventTypeValue;

  @Field(() => ID)
  threadId!: string;

  @Field(() => Int, { description: 'The attempt the event belongs to (Workflow.attempt).' })
  attempt!: number;

  @Field(() => Date, { description: 'When it happened, by the clock of the server that wrote it.' })
  at!: Date;
}

@ObjectType({
  implements: WorkflowEvent,
  description: "An agent's result was recorded, fenced by its attempt; `attempt` is the attempt the agent held.",
})
export class TaskResultEvent extends WorkflowEvent {
  @Field(() => ID)
  taskId!: string;

  @Field(() => TaskStatus, { description: 'The final status the agent wrote: COMPLETED or FAILED.' })
  status!: TaskStatusValue;
}

@ObjectType({
  implements: WorkflowEvent,
  description: 'The workflow was reset; `attempt` is its new attempt, so results of earlier ones are refused.',
})
export class WorkflowResetEvent extends WorkflowEvent {
  @Field(() => Int, { description: 'The gate it was reset to.' })
  gate!: number;
}
