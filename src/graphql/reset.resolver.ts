import { Arg, Ctx, Directive, Mutation, Resolver } from 'type-graphql';
import { actorOf, type RequestContext } from './context';
import { CleanupSummary, ResetWorkflowInput } from './reset.types';

/** The default shown in the schema; RESET_RATE_LIMIT overrides it at run time. */
export const RESET_RATE_LIMIT_DEFAULT = { window: '1m', max: 5 };

@Resolver()
export class ResetResolver {
  @Mutation(() => CleanupSummary, {
    // Nullable, like every mutation payload: a refused reset must not null the answers of the others.
    nullable: true,
    description:
      'Clean up a stuck workflow in one atomic step: cancel and remove its tasks, their queue entries and results, ' +
      'move it to `resetToGate` in phase PENDING, and append an audit entry.',
  })
  @Directive('@auth(requires: OPERATOR)')
  @Directive(`@rateLimit(window: "${RESET_RATE_LIMIT_DEFAULT.window}", max: ${RESET_RATE_LIMIT_DEFAULT.max})`)
  async resetWorkflow(
    @Arg('input', () => ResetWorkflowInput) input: ResetWorkflowInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CleanupSummary> {
    return ctx.workflows.resetWorkflow({ ...input, actor: actorOf(ctx) });
  }
}
