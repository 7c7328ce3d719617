import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Directive, Info, Mutation, Resolver } from 'type-graphql';
import { actorOf } from '../auth/identity';
import { DEFAULT_RESET_PREVIEW_RATE_LIMIT, DEFAULT_RESET_RATE_LIMIT } from '../defaults';
import type { RequestContext } from './context';
import { CleanupSummaryType, ResetWorkflowInput } from './reset.type';

@Resolver()
export class ResetResolver {
  @Mutation(() => CleanupSummaryType, {
    // Nullable, like every mutation payload: a refused reset must not null the answers of the others.
    nullable: true,
    description:
      'Clean up a stuck workflow in one atomic step: cancel and remove its tasks, their queue entries and results, ' +
      'move it to `resetToGate` in phase PENDING, and append an audit entry. ' +
      'Budgets per caller: a real reset, refused or not, spends one of RESET_RATE_LIMIT ' +
      `(default ${DEFAULT_RESET_RATE_LIMIT.max} a minute); ` +
      `a preview (dryRun) one of RESET_PREVIEW_RATE_LIMIT (default ${DEFAULT_RESET_PREVIEW_RATE_LIMIT.max} a minute); ` +
      'a repeat of a stored requestId spends nothing. Past a budget: RATE_LIMITED with retryAfter.',
  })
  @Directive('@auth(requires: OPERATOR)')
  async resetWorkflow(
    @Arg('input', () => ResetWorkflowInput) input: ResetWorkflowInput,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<CleanupSummaryType> {
    await ctx.resetBudgets.spend(input, ctx, info);
    return ctx.resets.resetWorkflow({ ...input, actor: actorOf(ctx) }, { observer: ctx.scope?.resets });
  }
}
