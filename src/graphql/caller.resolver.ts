import { Ctx, Directive, Query, Resolver } from 'type-graphql';
import type { RequestContext } from './context';
import { CallerType } from './caller.type';

@Resolver(() => CallerType)
export class CallerResolver {
  // Named `caller`, not `me` or `viewer`, which another subgraph of the same supergraph may well own.
  // Nullable like every guarded root field: a refusal costs the caller this field, not the whole answer.
  @Query(() => CallerType, {
    nullable: true,
    description: 'The caller, as its token proves it: a console shows who is signed in and with which role.',
  })
  @Directive('@auth(requires: VIEWER)')
  caller(@Ctx() ctx: RequestContext): CallerType {
    // @auth lets only authenticated callers through.
    if (ctx.auth.kind !== 'authenticated') throw new Error('@auth let an unauthenticated caller through');
    const { sub, roles, validUntil } = ctx.auth.identity;
    return { subject: sub, roles, validUntil };
  }
}
