import type { GraphQLResolveInfo } from 'graphql';
import { actorOf, type Authentication } from '../auth/identity';
import type { RateLimitPolicy } from '../config';
import type { RedisClient } from '../redis/client';
import type { RedisKeys } from '../redis/keys';
import type { ResetService } from '../workflows/reset.service';
import { CallBudget } from './directives/rate-limit.budget';

export interface ResetBudgetPolicies {
  /** RESET_RATE_LIMIT */
  reset: RateLimitPolicy;
  /** RESET_PREVIEW_RATE_LIMIT */
  preview: RateLimitPolicy;
}

/** What a spend reads of the request context (context.ts holds the budgets, so it is not imported here). */
interface SpendContext {
  auth: Authentication;
  clientIp: string;
  resets: Pick<ResetService, 'hasStoredAnswer'>;
}

export interface ResetCall {
  dryRun: boolean;
  requestId?: string | null;
}

/**
 * What a resetWorkflow call spends, per caller and shared by every instance through Redis: a preview
 * spends the preview budget; a call naming a requestId whose answer is stored spends nothing (the
 * script answers it from the stored summary before reading anything); any other call, refused or not,
 * spends the reset budget, since a refusal ran the same reads.
 */
export class ResetBudgets {
  private readonly resets: CallBudget;
  private readonly previews: CallBudget;

  constructor(redis: RedisClient, keys: RedisKeys, policies: ResetBudgetPolicies) {
    // The reset budget keeps the field's key, so budgets spent before previews had their own stay counted.
    this.resets = new CallBudget(redis, keys, 'Mutation.resetWorkflow', policies.reset);
    this.previews = new CallBudget(redis, keys, 'Mutation.resetWorkflow(dryRun)', policies.preview);
  }

  /** Spends what the call costs, or refuses it with RATE_LIMITED. */
  async spend(call: ResetCall, context: SpendContext, info: GraphQLResolveInfo): Promise<void> {
    const args = { input: call };
    if (call.dryRun) return this.previews.spend(undefined, args, context, info);
    if (call.requestId && (await context.resets.hasStoredAnswer(actorOf(context), call.requestId))) return;
    return this.resets.spend(undefined, args, context, info);
  }
}
