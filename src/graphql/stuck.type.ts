import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { StuckResetErrorCode } from '../error-codes';
import type { StuckKind } from '../workflows/stuck.types';
import { StuckKindEnum } from './enums';
import { CleanupSummaryType } from './reset.type';
import { PageInfo, WorkflowType } from './workflow.type';
import { DEFAULT_RESET_LIMIT, MAX_RESET_LIMIT } from '../defaults';

// simpleResolvers: plain data, as the types of workflow.type.ts.
@ObjectType('StuckReason', { description: 'One reason a workflow is stuck, with the evidence and what to do.', simpleResolvers: true })
export class StuckReasonType {
  @Field(() => StuckKindEnum)
  kind!: StuckKind;

  @Field(() => ID, { nullable: true, description: 'The task that shows it; null when the workflow record does.' })
  taskId!: string | null;

  @Field(() => Date, { description: 'Since when the condition holds.' })
  since!: Date;

  /** Exposed as durationSeconds (StuckReasonResolver). */
  durationMs!: number;

  @Field(() => String)
  suggestedFix!: string;
}

@ObjectType('WorkflowHealth', { description: 'Whether a workflow is stuck, and why.', simpleResolvers: true })
export class WorkflowHealthType {
  @Field(() => Boolean)
  stuck!: boolean;

  @Field(() => [StuckReasonType])
  reasons!: StuckReasonType[];
}

@ObjectType({ description: 'Stuck workflows in creation order. A page may hold fewer than `first`: continue while hasNextPage.' })
export class StuckWorkflowConnection {
  @Field(() => [WorkflowType])
  nodes!: WorkflowType[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType({ description: 'A batch reset over the diagnosed stuck workflows.' })
export class ResetStuckWorkflowsInput {
  @Field(() => StuckKindEnum, { nullable: true, description: 'Only workflows stuck this way; every stuck workflow when omitted.' })
  kind?: StuckKind | null;

  @Field(() => String, { nullable: true, description: 'Only reasons that have held at least this long, e.g. "30m".' })
  olderThan?: string | null;

  @Field(() => Boolean, { defaultValue: true, description: 'Preview each reset and change nothing (the default).' })
  dryRun!: boolean;

  @Field(() => String, { description: 'Why: recorded in every audit entry.' })
  reason!: string;

  @Field(() => Int, {
    defaultValue: DEFAULT_RESET_LIMIT,
    description: `At most this many workflows, oldest first (1..${MAX_RESET_LIMIT}).`,
  })
  limit!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Idempotency key: repeating an interrupted batch with it finishes the batch without resetting anything twice.',
  })
  requestId?: string | null;

  @Field(() => [PlanConfirmationInput], {
    nullable: true,
    description:
      "The previewed workflows with their planTokens (from a dry run's outcomes): a real run then resets exactly " +
      'these, each only if unchanged since the preview. Required when the server requires confirmation ' +
      '(a real run without them is refused as CONFIRMATION_REQUIRED before anything is read).',
  })
  plans?: PlanConfirmationInput[] | null;
}

@InputType({ description: 'One workflow of a batch preview, confirmed by its planToken.' })
export class PlanConfirmationInput {
  @Field(() => ID)
  threadId!: string;

  @Field(() => String)
  planToken!: string;
}

@ObjectType({ description: 'Why one workflow of a batch was not reset.' })
export class BatchResetError {
  @Field(() => String, {
    description:
      'The error code the single reset would have given, ' +
      'NOT_STUCK for a planned workflow no longer stuck as asked (left untouched), or RESET_FAILED.',
  })
  code!: StuckResetErrorCode;

  @Field(() => String)
  message!: string;
}

@ObjectType()
export class BatchResetOutcome {
  @Field(() => ID)
  threadId!: string;

  @Field(() => [StuckKindEnum], { description: 'How it was diagnosed when the batch chose it.' })
  kinds!: StuckKind[];

  @Field(() => CleanupSummaryType, { nullable: true })
  summary!: CleanupSummaryType | null;

  @Field(() => BatchResetError, { nullable: true })
  error!: BatchResetError | null;
}

@ObjectType({ description: 'The outcome of resetStuckWorkflows: one entry per workflow; a failure never stops the others.' })
export class BatchResetResult {
  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field(() => Int)
  succeeded!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => [BatchResetOutcome])
  outcomes!: BatchResetOutcome[];
}
