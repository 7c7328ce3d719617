import { Arg, Args, Ctx, Directive, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { LIFECYCLE_RATE_LIMIT } from '../defaults';
import type { RequestContext } from './context';
import { rateLimitUse } from './directives/rate-limit.directive';
import { EnqueueTaskInput, StartWorkflowInput, WorkflowsArgs } from './workflow.inputs';
import { QueueLengthType, TaskType, WorkflowType, WorkflowConnection } from './workflow.type';

@Resolver(() => WorkflowType)
export class WorkflowResolver {
  @Query(() => WorkflowType, { nullable: true, description: 'One workflow, or null when no record exists.' })
  @Directive('@auth(requires: VIEWER)')
  async workflow(@Arg('threadId', () => ID) threadId: string, @Ctx() ctx: RequestContext): Promise<WorkflowType | null> {
    return ctx.workflows.getWorkflow(threadId, ctx.readSession);
  }

  @Query(() => WorkflowConnection, { description: 'Workflows in creation order, a page at a time.' })
  @Directive('@auth(requires: VIEWER)')
  async workflows(@Args(() => WorkflowsArgs) args: WorkflowsArgs, @Ctx() ctx: RequestContext): Promise<WorkflowConnection> {
    const page = await ctx.workflows.listWorkflows(args, ctx.readSession);
    return {
      edges: page.nodes.map(({ workflow, cursor }) => ({ cursor, node: workflow })),
      nodes: page.nodes.map(({ workflow }) => workflow),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  }

  @Query(() => [QueueLengthType], { description: 'How many task ids wait in each domain queue.' })
  @Directive('@auth(requires: VIEWER)')
  async queues(@Ctx() ctx: RequestContext): Promise<QueueLengthType[]> {
    return ctx.workflows.queueLengths(ctx.readSession);
  }

  @FieldResolver(() => [TaskType], { description: "The workflow's indexed tasks, with their results." })
  async tasks(@Root() workflow: WorkflowType, @Ctx() ctx: RequestContext): Promise<TaskType[]> {
    return ctx.tasksOfWorkflow.load(workflow.threadId);
  }

  // Every mutation payload is nullable: in a mutation of several fields, a refused one costs only itself.
  @Mutation(() => WorkflowType, { nullable: true, description: 'Create a workflow at gate 0, phase PENDING.' })
  @Directive('@auth(requires: OPERATOR)')
  @Directive(rateLimitUse(LIFECYCLE_RATE_LIMIT))
  async startWorkflow(
    @Arg('input', () => StartWorkflowInput, { nullable: true }) input: StartWorkflowInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<WorkflowType> {
    return ctx.lifecycle.startWorkflow({ threadId: input?.threadId });
  }

  @Mutation(() => WorkflowType, { nullable: true, description: 'Move a PENDING, STOPPED, BLOCKED or FAILED workflow to RUNNING.' })
  @Directive('@auth(requires: OPERATOR)')
  @Directive(rateLimitUse(LIFECYCLE_RATE_LIMIT))
  async runWorkflow(@Arg('threadId', () => ID) threadId: string, @Ctx() ctx: RequestContext): Promise<WorkflowType> {
    return ctx.lifecycle.runWorkflow(threadId);
  }

  @Mutation(() => WorkflowType, { nullable: true, description: 'Move a workflow to STOPPED; its tasks stay, so runWorkflow resumes it.' })
  @Directive('@auth(requires: OPERATOR)')
  @Directive(rateLimitUse(LIFECYCLE_RATE_LIMIT))
  async stopWorkflow(@Arg('threadId', () => ID) threadId: string, @Ctx() ctx: RequestContext): Promise<WorkflowType> {
    return ctx.lifecycle.stopWorkflow(threadId);
  }

  @Mutation(() => TaskType, { nullable: true, description: "Queue a task for a domain's agents and add it to the workflow's index." })
  @Directive('@auth(requires: OPERATOR)')
  @Directive(rateLimitUse(LIFECYCLE_RATE_LIMIT))
  async enqueueTask(@Arg('input', () => EnqueueTaskInput) input: EnqueueTaskInput, @Ctx() ctx: RequestContext): Promise<TaskType> {
    return ctx.lifecycle.enqueueTask(input);
  }
}
