import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import type { Domain, IndexOrder, Phase } from '../workflows/workflow.types';
import { GraphQLJSON } from 'graphql-scalars';
import { TaskDomainEnum, WorkflowOrderEnum, WorkflowPhaseEnum } from './enums';
import { DEFAULT_PAGE_SIZE, PREFIX_EXAMINED } from '../defaults';
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

  @Field(() => String, {
    nullable: true,
    description:
      `Only workflows whose thread id starts with this. A page then examines at most ${PREFIX_EXAMINED} index entries ` +
      '(with `phase` too, as many as `phase` alone) and may hold fewer than `first`: continue while hasNextPage.',
  })
  threadIdPrefix?: string | null;

  @Field(() => WorkflowOrderEnum, { defaultValue: WorkflowOrderEnum.OLDEST_FIRST })
  order!: IndexOrder;
}
