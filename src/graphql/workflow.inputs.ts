import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import type { Domain, Phase } from '../workflows/workflow.types';
import { GraphQLJSON } from 'graphql-scalars';
import { TaskDomainEnum, WorkflowPhaseEnum } from './enums';
import { DEFAULT_PAGE_SIZE } from '../defaults';
import { PAGE_SIZE_DESCRIPTION } from './workflow.type';

@InputType()
export class StartWorkflowInput {
  @Field(() => ID, { nullable: true, description: 'The thread id to use; a UUID is generated when omitted.' })
  threadId?: string | null;
}

@InputType()
export class EnqueueTaskInput {
  @Field(() => ID)
  threadId!: string;

  @Field(() => TaskDomainEnum)
  domain!: Domain;

  @Field(() => GraphQLJSON, { description: 'The payload handed to the agent, stored as JSON.' })
  data!: unknown;
}

@ArgsType()
export class WorkflowsArgs {
  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: PAGE_SIZE_DESCRIPTION })
  first!: number;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the previous page.' })
  after?: string | null;

  @Field(() => WorkflowPhaseEnum, { nullable: true, description: 'Only workflows in this phase.' })
  phase?: Phase | null;
}
