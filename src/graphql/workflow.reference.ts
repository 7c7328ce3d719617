import type { Workflow } from '../workflows/workflow.types';
import type { RequestContext } from './context';

/** What a gateway sends to fetch a Workflow entity: the fields of its `@key(fields: "threadId")`. */
export interface WorkflowReference {
  __typename: 'Workflow';
  threadId: string;
}

/**
 * `Workflow.__resolveReference`: loads the workflow a gateway names by key, or null when none exists.
 * The caller's role is checked before this runs (object-level @auth on Workflow, see auth.directive.ts);
 * the service validates the threadId, which arrives untyped (`_Any`).
 */
export function resolveWorkflowReference(reference: WorkflowReference, context: RequestContext): Promise<Workflow | null> {
  return context.workflows.getWorkflow(reference.threadId, context.readSession);
}
