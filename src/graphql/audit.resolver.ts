import { Args, ArgsType, Ctx, Directive, Field, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { ResetAuditPage } from '../workflows/workflow.types';
import type { RequestContext } from './context';
import { ResetAuditConnection } from './audit.type';
import { PAGE_SIZE_DESCRIPTION, WorkflowType } from './workflow.type';
import { DEFAULT_PAGE_SIZE } from '../defaults';

@ArgsType()
class AuditPageArgs {
  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: PAGE_SIZE_DESCRIPTION })
  first!: number;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the previous page.' })
  after?: string | null;
}

@ArgsType()
class ResetAuditArgs extends AuditPageArgs {
  @Field(() => ID, { nullable: true, description: "Only this workflow's entries; every workflow's when omitted." })
  threadId?: string | null;
}

function toConnection(page: ResetAuditPage): ResetAuditConnection {
  return { nodes: page.nodes, pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
}

@Resolver()
export class ResetAuditResolver {
  // Nullable: it asks more than the other queries, so refused it must not null what a viewer may see beside it.
  @Query(() => ResetAuditConnection, { nullable: true, description: 'The audit trail of resets and previews, newest first.' })
  @Directive('@auth(requires: OPERATOR)')
  async resetAudit(@Args(() => ResetAuditArgs) args: ResetAuditArgs, @Ctx() ctx: RequestContext): Promise<ResetAuditConnection> {
    return toConnection(await ctx.audit.listResetAudit(args));
  }
}

@Resolver(() => WorkflowType)
export class WorkflowResetsResolver {
  // Nullable: it asks more than Workflow (VIEWER), so a viewer's FORBIDDEN here must not null the workflow.
  @FieldResolver(() => ResetAuditConnection, {
    nullable: true,
    description: "This workflow's resets and previews, newest first; null with FORBIDDEN below OPERATOR.",
  })
  @Directive('@auth(requires: OPERATOR)')
  async resets(
    @Root() workflow: WorkflowType,
    @Args(() => AuditPageArgs) args: AuditPageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ResetAuditConnection> {
    return toConnection(await ctx.audit.listResetAudit({ ...args, threadId: workflow.threadId }));
  }
}
