import { Args, Ctx, Directive, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { countStuckByKind } from '../workflows/stuck-diagnosis';
import type { WorkflowHealth } from '../workflows/stuck.types';
import { PHASES } from '../workflows/workflow.types';
import type { RequestContext } from './context';
import { StuckKindCountType, WorkflowCountsArgs, WorkflowCountsType } from './workflow-counts.type';

@Resolver(() => WorkflowCountsType)
export class WorkflowCountsResolver {
  @Query(() => WorkflowCountsType, {
    nullable: true,
    description: 'How many of the newest workflows are in each phase and stuck in each way: the numbers of an overview.',
  })
  @Directive('@auth(requires: VIEWER)')
  async workflowCounts(
    @Args(() => WorkflowCountsArgs) { newest }: WorkflowCountsArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<WorkflowCountsType> {
    const { total, workflows } = await ctx.workflows.newestWorkflows(newest, ctx.readSession);
    const byPhase = PHASES.map((phase) => ({ phase, count: workflows.filter((workflow) => workflow.phase === phase).length }));
    return { total, counted: workflows.length, byPhase, workflows };
  }

  @FieldResolver(() => [StuckKindCountType], {
    description: 'Of the counted workflows, how many are stuck in each way (every kind listed).',
  })
  async stuckByKind(@Root() counts: WorkflowCountsType, @Ctx() ctx: RequestContext): Promise<StuckKindCountType[]> {
    const healths = await ctx.healthOfWorkflow.loadMany(counts.workflows);
    const failed = healths.find((health): health is Error => health instanceof Error);
    if (failed) throw failed;
    return [...countStuckByKind(healths as WorkflowHealth[])].map(([kind, count]) => ({ kind, count }));
  }
}
