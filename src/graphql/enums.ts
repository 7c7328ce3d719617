import { registerEnumType } from 'type-graphql';
import { ROLES } from '../auth/roles';
import { STUCK_KINDS } from '../workflows/stuck.types';
import { WORKFLOW_EVENT_TYPES } from '../workflows/workflow-event-messages';
import { DOMAINS, INDEX_ORDERS, PHASES, TASK_STATUSES } from '../workflows/workflow.types';

/**
 * A GraphQL enum over a domain value list: GraphQL names are the upper-cased values, and the values
 * are what Redis holds, so resolvers pass domain values through unchanged.
 */
function graphqlEnumOf<Value extends string>(values: readonly Value[]): Record<Uppercase<Value>, Value> {
  return Object.fromEntries(values.map((value) => [value.toUpperCase(), value])) as Record<Uppercase<Value>, Value>;
}

export const WorkflowPhaseEnum = graphqlEnumOf(PHASES);
export const TaskStatusEnum = graphqlEnumOf(TASK_STATUSES);
export const TaskDomainEnum = graphqlEnumOf(DOMAINS);
export const StuckKindEnum = graphqlEnumOf(STUCK_KINDS);
export const WorkflowEventTypeEnum = graphqlEnumOf(WORKFLOW_EVENT_TYPES);
export const AuditKindEnum = graphqlEnumOf(['reset', 'preview'] as const);
export const RoleEnum = graphqlEnumOf(ROLES);
export const WorkflowOrderEnum = graphqlEnumOf(INDEX_ORDERS);

export const ROLES_DESCRIPTION = 'Roles in increasing power: ADMIN includes OPERATOR, which includes VIEWER.';

registerEnumType(WorkflowPhaseEnum, { name: 'WorkflowPhase', description: 'Where a workflow is in its life cycle.' });
registerEnumType(TaskStatusEnum, { name: 'TaskStatus', description: 'Where a task is in its life cycle.' });
registerEnumType(TaskDomainEnum, { name: 'TaskDomain', description: 'The agent domain whose queue holds a task.' });
registerEnumType(StuckKindEnum, {
  name: 'StuckKind',
  description: 'Why a workflow is stuck: a task queued too long, an agent gone, a result not advanced, or a safety block.',
  valuesConfig: {
    QUEUED_TOO_LONG: { description: 'A task waited in its queue past STUCK_QUEUED_AFTER: no agent took it.' },
    AGENT_GONE: { description: 'A task is in progress but its agent gave no sign of life for STUCK_RUNNING_AFTER.' },
    RESULT_NOT_ADVANCED: { description: 'A result was stored over STUCK_RESULT_AFTER ago and the workflow did not move.' },
    SAFETY_BLOCKED: { description: 'Blocked at the safety gate with no path forward.' },
  },
});
registerEnumType(WorkflowOrderEnum, {
  name: 'WorkflowOrder',
  description: 'Creation order: the oldest workflows first, or the newest.',
});
registerEnumType(RoleEnum, { name: 'Role', description: ROLES_DESCRIPTION });
registerEnumType(AuditKindEnum, { name: 'AuditKind', description: 'A reset, or a preview of one (dryRun).' });
registerEnumType(WorkflowEventTypeEnum, {
  name: 'WorkflowEventType',
  description: 'What happened to the workflow.',
  valuesConfig: {
    TASK_RESULT: { description: "An agent's result was recorded: a TaskResultEvent." },
    WORKFLOW_RESET: { description: 'The workflow was reset: a WorkflowResetEvent.' },
  },
});
