import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { Domain, Phase } from '../workflows/workflow.types';
import { WorkflowPhaseEnum } from './enums';

@InputType({ description: 'What to clean up when resetting a stuck workflow, and how to confirm it.' })
export class ResetWorkflowInput {
  @Field(() => ID)
  threadId!: string;

  @Field(() => Boolean, { defaultValue: true, description: "Delete the workflow's tasks and take their ids off every domain queue." })
  clearTasks!: boolean;

  @Field(() => Boolean, { defaultValue: true, description: "Delete the results the workflow's tasks submitted." })
  clearResults!: boolean;

  @Field(() => Int, { defaultValue: 0, description: 'The gate the workflow restarts from (0..MAX_GATE).' })
  resetToGate!: number;

  @Field(() => String, { description: 'Why: recorded in the audit trail.' })
  reason!: string;

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Only compute the plan (returned in `plan`, with its `planToken`); change nothing. The preview is audited.',
  })
  dryRun!: boolean;

  @Field(() => String, {
    nullable: true,
    description:
      'The `planToken` of a preview: the reset runs only if the plan is still exactly that (else STALE_PLAN). ' +
      'Required when the server requires confirmation (CONFIRMATION_REQUIRED).',
  })
  planToken?: string | null;

  @Field(() => Int, { nullable: true, description: 'Refuse (PRECONDITION_FAILED) unless the workflow is at this gate.' })
  expectedGate?: number | null;

  @Field(() => WorkflowPhaseEnum, { nullable: true, description: 'Refuse (PRECONDITION_FAILED) unless the workflow is in this phase.' })
  expectedPhase?: Phase | null;

  @Field(() => String, {
    nullable: true,
    description: 'Idempotency key: repeating a call with the same id returns the first answer (replayed: true) and changes nothing.',
  })
  requestId?: string | null;
}

@ObjectType({ description: 'What a reset removed (or, on a dry run, would remove).' })
export class ClearedItems {
  @Field(() => Int, { description: 'Task records removed, whatever their status.' })
  tasks!: number;

  @Field(() => Int, { description: 'Task results removed.' })
  results!: number;

  @Field(() => [String], { description: 'Lower-case domains whose queue lost at least one task id.' })
  queues!: string[];
}

@ObjectType('WorkflowState', { description: 'Where a workflow stands.' })
export class WorkflowStateType {
  @Field(() => Int)
  gate!: number;

  @Field(() => WorkflowPhaseEnum)
  phase!: Phase;

  @Field(() => Int, {
    nullable: true,
    description: 'Bumped by every reset; agents writing with an older attempt are refused (absent on a plan target).',
  })
  attempt?: number;
}

@ObjectType({ description: 'The task ids one domain queue will lose.' })
export class QueueEntries {
  @Field(() => String, { description: 'Lower-case domain.' })
  domain!: Domain;

  @Field(() => [ID], { description: 'Each id once, sorted, however often it is queued.' })
  taskIds!: string[];
}

@ObjectType('ResetPlan', {
  description: "Exactly what a reset will touch: the workflow's own keys read in one step, its queue entries found by a sweep just before.",
})
export class ResetPlanType {
  @Field(() => [ID], { description: 'Every task of the workflow, indexed or found in a queue.' })
  taskIds!: string[];

  @Field(() => [QueueEntries])
  queueEntries!: QueueEntries[];

  @Field(() => [ID], { description: 'Tasks whose result will be deleted.' })
  resultTaskIds!: string[];

  @Field(() => WorkflowStateType)
  target!: WorkflowStateType;

  @Field(() => String, { description: 'Pass as `planToken` to run exactly this plan.' })
  planToken!: string;

  @Field(() => Date, { description: 'When the planToken stops confirming.' })
  expiresAt!: Date;
}

@ObjectType('CleanupSummary', { description: 'The outcome of resetWorkflow.' })
export class CleanupSummaryType {
  @Field(() => Boolean, { description: 'False when there was nothing to reset; then nothing was touched.' })
  success!: boolean;

  @Field(() => ID)
  threadId!: string;

  @Field(() => ClearedItems)
  cleared!: ClearedItems;

  @Field(() => WorkflowStateType, { nullable: true, description: 'Null when the reset did not happen; the target on a dry run.' })
  newState!: WorkflowStateType | null;

  @Field(() => String)
  message!: string;

  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => ResetPlanType, { nullable: true, description: 'The plan, on a dry run.' })
  plan!: ResetPlanType | null;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field(() => Boolean, { description: 'True when this is the stored answer to an earlier call with the same requestId.' })
  replayed!: boolean;

  @Field(() => Int, {
    nullable: true,
    description:
      'Ids of the workflow left in queues too deep to remove them from at once: they are dead (cancelled, deleted or ' +
      'of an older attempt) and agents drop them when they pop them. 0 when every queue was cleaned; null on a dry run ' +
      'or when nothing was reset.',
  })
  queuedIdsLeft!: number | null;
}
