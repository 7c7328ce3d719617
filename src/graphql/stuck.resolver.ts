import { Arg, Args, ArgsType, Ctx, Directive, Field, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { actorOf } from '../auth/identity';
import { parseDurationMs } from '../duration';
import { ErrorCode } from '../error-codes';
import type { StuckKind, StuckReason, WorkflowHealth } from '../workflows/stuck.types';
import { WorkflowError } from '../workflows/workflow.types';
import type { RequestContext } from './context';
import { StuckKindEnum } from './enums';
import { BatchResetResult, ResetStuckWorkflowsInput, StuckReasonType, StuckWorkflowConnection, WorkflowHealthType } from './stuck.type';
import { PAGE_SIZE_DESCRIPTION, WorkflowType } from './workflow.type';
import { BATCH_RESET_RATE_LIMIT, DEFAULT_PAGE_SIZE } from '../defaults';
import { rateLimitUse } from './directives/rate-limit.directive';

@ArgsType()
class StuckWorkflowsArgs {
  @Field(() => StuckKindEnum, { nullable: true, description: 'Only workflows stuck this way.' })
  kind?: StuckKind | null;

  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: PAGE_SIZE_DESCRIPTION })
  first!: number;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the previous page.' })
  after?: string | null;
}

@Resolver(() => WorkflowType)
export class WorkflowHealthResolver {
  @FieldResolver(() => WorkflowHealthType, { description: 'Whether the workflow is stuck, why, and what to do.' })
  health(@Root() workflow: WorkflowType, @Ctx() ctx: RequestContext): Promise<WorkflowHealth> {
    return ctx.healthOfWorkflow.load(workflow);
  }
}

@Resolver(() => StuckReasonType)
export class StuckReasonResolver {
  @FieldResolver(() => Int, { description: 'How long it has held, in seconds.' })
  durationSeconds(@Root() reason: StuckReason): number {
    return Math.floor(reason.durationMs / 1000);
  }
}

@Resolver()
export class StuckResolver {
  @Query(() => StuckWorkflowConnection, {
    description: 'Stuck workflows in creation order, walked from the workflows index (never the keyspace).',
  })
  @Directive('@auth(requires: VIEWER)')
  async stuckWorkflows(
    @Args(() => StuckWorkflowsArgs) args: StuckWorkflowsArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<StuckWorkflowConnection> {
    const page = await ctx.stuck.listStuckWorkflows(args);
    for (const { workflow, health } of page.nodes) ctx.healthOfWorkflow.prime(workflow, health);
    return {
      nodes: page.nodes.map(({ workflow }) => workflow),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  }

  @Mutation(() => BatchResetResult, {
    nullable: true,
    description:
      'Reset the diagnosed stuck workflows, each atomically and audited; previews by default (dryRun: true). ' +
      'A failure on one workflow never stops or undoes the others.',
  })
  @Directive('@auth(requires: ADMIN)')
  @Directive(rateLimitUse(BATCH_RESET_RATE_LIMIT))
  resetStuckWorkflows(
    @Arg('input', () => ResetStuckWorkflowsInput) input: ResetStuckWorkflowsInput,
    @Ctx() ctx: RequestContext,
  ): Promise<BatchResetResult> {
    const { olderThan, ...rest } = input;
    return ctx.stuck.resetStuckWorkflows(
      { ...rest, olderThanMs: olderThan == null ? null : parseOlderThan(olderThan), actor: actorOf(ctx) },
      { observer: ctx.scope?.resets },
    );
  }
}

function parseOlderThan(value: string): number {
  const ms = parseDurationMs(value);
  if (ms === null) throw new WorkflowError(ErrorCode.BAD_USER_INPUT, 'olderThan must be a duration like 30s, 10m or 2h', 'olderThan');
  return ms;
}
