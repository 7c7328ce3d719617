import DataLoader from 'dataloader';
import type { Authentication } from '../auth/identity';
import type { WorkflowService } from '../workflows/workflow.service';
import type { Task } from '../workflows/workflow.types';

/** The per-request context every resolver and directive receives. */
export interface RequestContext {
  auth: Authentication;
  /** Client address, the rate-limit identity of anonymous callers. */
  clientIp: string;
  workflows: WorkflowService;
  /** Batches the tasks of every workflow a request touches into a constant number of Redis round trips. */
  tasksOfWorkflow: DataLoader<string, Task[]>;
}

export function createRequestContext(workflows: WorkflowService, auth: Authentication, clientIp: string): RequestContext {
  return {
    auth,
    clientIp,
    workflows,
    tasksOfWorkflow: new DataLoader(async (threadIds: readonly string[]) => {
      const tasks = await workflows.getTasksOfWorkflows([...threadIds]);
      return threadIds.map((threadId) => tasks.get(threadId) ?? []);
    }),
  };
}

/** The caller recorded in the audit stream; @auth guarantees an identity on the fields that need one. */
export function actorOf(context: RequestContext): string {
  return context.auth.kind === 'authenticated' ? context.auth.identity.sub : 'anonymous';
}
