import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { DEFAULT_COUNTED_WORKFLOWS, MAX_COUNTED_WORKFLOWS } from '../defaults';
import type { StuckKind } from '../workflows/stuck.types';
import type { Phase, Workflow } from '../workflows/workflow.types';
import { StuckKindEnum, WorkflowPhaseEnum } from './enums';

@ArgsType()
export class WorkflowCountsArgs {
  @Field(() => Int, {
    defaultValue: DEFAULT_COUNTED_WORKFLOWS,
    description: `How many of the newest workflows to count, 1 to ${MAX_COUNTED_WORKFLOWS}: a bounded read, never the whole index.`,
  })
  newest!: number;
}

@ObjectType('PhaseCount', { simpleResolvers: true })
export class PhaseCountType {
  @Field(() => WorkflowPhaseEnum)
  phase!: Phase;

  @Field(() => Int)
  count!: number;
}

@ObjectType('StuckKindCount', { simpleResolvers: true })
export class StuckKindCountType {
  @Field(() => StuckKindEnum)
  kind!: StuckKind;

  @Field(() => Int, { description: 'Workflows stuck this way; one stuck two ways counts under both.' })
  count!: number;
}

@ObjectType('WorkflowCounts', { description: 'Counts over the newest workflows, for an overview.' })
export class WorkflowCountsType {
  @Field(() => Int, { description: 'Workflows in the index, all of them.' })
  total!: number;

  @Field(() => Int, { description: 'Workflows counted below: the newest `newest` of them, or all when fewer.' })
  counted!: number;

  @Field(() => [PhaseCountType], { description: 'Of the counted workflows, how many are in each phase (every phase listed).' })
  byPhase!: PhaseCountType[];

  /** The counted workflows, for stuckByKind (its diagnosis reads their tasks only when asked for). */
  workflows!: Workflow[];
}
