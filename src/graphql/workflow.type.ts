import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { MAX_PAGE_SIZE } from '../defaults';
import type { Domain, Phase, TaskStatus } from '../workflows/workflow.types';
import { TaskDomainEnum, TaskStatusEnum, WorkflowPhaseEnum } from './enums';

// simpleResolvers: plain data, read by graphql's default resolver instead of a type-graphql resolver per field
// (no type-graphql middleware or authChecker is used; @auth is a schema directive and still applies).
@ObjectType('Task', { description: 'A unit of work of a workflow, queued for one agent domain.', simpleResolvers: true })
export class TaskType {
  @Field(() => ID)
  id!: string;

  @Field(() => TaskDomainEnum, { nullable: true, description: 'Null when the orchestrator did not record a queue.' })
  domain!: Domain | null;

  @Field(() => TaskStatusEnum)
  status!: TaskStatus;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The task payload as the orchestrator wrote it.' })
  data!: unknown;

  @Field(() => Date, { nullable: true })
  enqueuedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "The agent's last sign of life." })
  heartbeatAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The agent working on it.' })
  agent!: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The TaskResult an agent submitted, if any.' })
  result!: unknown;
}

// A federation entity other subgraphs reference by threadId; the type-level @auth also guards `_entities`.
@Directive('@key(fields: "threadId")')
@Directive('@auth(requires: VIEWER)')
@ObjectType('Workflow', { description: 'A multi-agent workflow run, identified by its thread id.', simpleResolvers: true })
export class WorkflowType {
  @Field(() => ID)
  threadId!: string;

  @Field(() => Int, { description: 'The quality gate the workflow has reached.' })
  gate!: number;

  @Field(() => WorkflowPhaseEnum)
  phase!: Phase;

  @Field(() => Int, { description: 'Bumped by every reset; agents writing with an older attempt are refused (fencing).' })
  attempt!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

/** The description of every connection's `first`. */
export const PAGE_SIZE_DESCRIPTION = `Page size, 1..${MAX_PAGE_SIZE}.`;

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to fetch the next page.' })
  endCursor!: string | null;
}

@ObjectType('WorkflowEdge', { simpleResolvers: true })
export class WorkflowEdgeType {
  @Field(() => String, { description: 'Pass as `after` to continue right after this workflow.' })
  cursor!: string;

  @Field(() => WorkflowType)
  node!: WorkflowType;
}

@ObjectType({ description: 'Workflows in creation order, oldest first.', simpleResolvers: true })
export class WorkflowConnection {
  @Field(() => [WorkflowEdgeType])
  edges!: WorkflowEdgeType[];

  @Field(() => [WorkflowType], { description: 'The nodes of `edges`, for clients that need no cursor per item.' })
  nodes!: WorkflowType[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType('QueueLength', { description: 'How many task ids wait in one domain queue.', simpleResolvers: true })
export class QueueLengthType {
  @Field(() => TaskDomainEnum)
  domain!: Domain;

  @Field(() => Int)
  length!: number;
}
