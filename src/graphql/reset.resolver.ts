import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Directive, Info, Mutation, Resolver } from 'type-graphql';
import { actorOf } from '../auth/identity';
import type { RateLimitPolicy } from '../config';
import { DEFAULT_RESET_PREVIEW_RATE_LIMIT, DEFAULT_RESET_RATE_LIMIT } from '../defaults';
import type { RequestContext } from './context';
import { CleanupSummary, ResetWorkflowInput } from './reset.types';

/** A budget as the description says it: `5 a minute`. */
function perWindow({ max, window }: RateLimitPolicy): string {
  return window === '1m' ? `${max} a minute` : `${max} per ${window}`;
}

@Resolver()
export class ResetResolver {
  @Mutation(() => CleanupSummary, {
    // Nullable, like every mutation payload: a refused reset must not null the answers of the others.
    nullable: true,
    description:
      'Clean up a stuck workflow in one atomic step: cancel and remove its tasks, their queue entries and results, ' +
      'move it to `resetToGate` in phase PENDING, and append an audit entry. ' +
      `Budgets per caller: a real reset, refused or not, spends one of RESET_RATE_LIMIT (default ${perWindow(DEFAULT_RESET_RATE_LIMIT)}); ` +
      `a preview (dryRun) one of RESET_PREVIEW_RATE_LIMIT (default ${perWindow(DEFAULT_RESET_PREVIEW_RATE_LIMIT)}); ` +
      'a repeat of a stored requestId ' +
      'spends nothing. Past a budget: RATE_LIMITED with retryAfter.',
  })
  @Directive('@auth(requires: OPERATOR)')
  async resetWorkflow(
    @Arg('input', () => ResetWorkflowInput) input: ResetWorkflowInput,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<CleanupSummary> {
    await ctx.resetBudgets.spend(input, ctx, info);
    return ctx.workflows.resetWorkflow({ ...input, actor: actorOf(ctx) });
  }
}
