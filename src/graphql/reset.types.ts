import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { Phase } from '../workflows/workflow.types';
import { WorkflowPhase } from './enums';

@InputType({ description: 'What to clean up when resetting a stuck workflow.' })
export class ResetWorkflowInput {
  @Field(() => ID)
  threadId!: string;

  @Field(() => Boolean, { defaultValue: true, description: 'Delete the workflow\'s tasks and take their ids off every domain queue.' })
  clearTasks!: boolean;

  @Field(() => Boolean, { defaultValue: true, description: 'Delete the results the workflow\'s tasks submitted.' })
  clearResults!: boolean;

  @Field(() => Int, { defaultValue: 0, description: 'The gate the workflow restarts from (0..MAX_GATE).' })
  resetToGate!: number;

  @Field(() => String, { description: 'Why: recorded in the audit stream.' })
  reason!: string;
}

@ObjectType({ description: 'What a reset removed.' })
export class ClearedItems {
  @Field(() => Int, { description: 'Task records removed, whatever their status.' })
  tasks!: number;

  @Field(() => Int, { description: 'Task results removed.' })
  results!: number;

  @Field(() => [String], { description: 'Lower-case domains whose queue lost at least one task id.' })
  queues!: string[];
}

@ObjectType({ description: 'Where a workflow stands after a reset.' })
export class WorkflowState {
  @Field(() => Int)
  gate!: number;

  @Field(() => WorkflowPhase)
  phase!: Phase;
}

@ObjectType({ description: 'The outcome of resetWorkflow.' })
export class CleanupSummary {
  @Field(() => Boolean, { description: 'False when there was nothing to reset; then nothing was touched.' })
  success!: boolean;

  @Field(() => ID)
  threadId!: string;

  @Field(() => ClearedItems)
  cleared!: ClearedItems;

  @Field(() => WorkflowState, { nullable: true, description: 'Null when the reset did not happen.' })
  newState!: WorkflowState | null;

  @Field(() => String)
  message!: string;
}
