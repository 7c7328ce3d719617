import { registerEnumType } from 'type-graphql';
import { DOMAINS } from '../redis/keys';
import { PHASES, TASK_STATUSES } from '../workflows/workflow.types';

/**
 * A GraphQL enum over a domain value list: GraphQL names are the upper-cased values, and the values
 * are what Redis holds, so resolvers pass domain values through unchanged.
 */
function graphqlEnumOf<Value extends string>(values: readonly Value[]): Record<Uppercase<Value>, Value> {
  return Object.fromEntries(values.map((value) => [value.toUpperCase(), value])) as Record<Uppercase<Value>, Value>;
}

export const WorkflowPhase = graphqlEnumOf(PHASES);
export const TaskStatus = graphqlEnumOf(TASK_STATUSES);
export const TaskDomain = graphqlEnumOf(DOMAINS);

registerEnumType(WorkflowPhase, { name: 'WorkflowPhase', description: 'Where a workflow is in its life cycle.' });
registerEnumType(TaskStatus, { name: 'TaskStatus', description: 'Where a task is in its life cycle.' });
registerEnumType(TaskDomain, { name: 'TaskDomain', description: 'The agent domain whose queue holds a task.' });
