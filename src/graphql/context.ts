import DataLoader from 'dataloader';
import type { Authentication } from '../auth/identity';
import type { StuckWorkflowService } from '../workflows/stuck.service';
import type { WorkflowHealth } from '../workflows/stuck.types';
import type { WorkflowService } from '../workflows/workflow.service';
import type { Task, Workflow } from '../workflows/workflow.types';
import type { ResetBudgets } from './reset.budgets';

/** The domain services a request works with, and the budgets resetWorkflow spends. */
export interface Services {
  workflows: WorkflowService;
  stuck: StuckWorkflowService;
  resetBudgets: ResetBudgets;
}

/** The per-request context every resolver and directive receives. */
export interface RequestContext extends Services {
  auth: Authentication;
  /** Client address, the rate-limit identity of anonymous callers. */
  clientIp: string;
  /** Batches the tasks of every workflow a request touches into a constant number of Redis round trips. */
  tasksOfWorkflow: DataLoader<string, Task[]>;
  /** Batches the stuck diagnosis of every workflow a request touches the same way. */
  healthOfWorkflow: DataLoader<Workflow, WorkflowHealth, string>;
}

export function createRequestContext(services: Services, auth: Authentication, clientIp: string): RequestContext {
  const { workflows, stuck } = services;
  return {
    ...services,
    auth,
    clientIp,
    tasksOfWorkflow: new DataLoader(async (threadIds: readonly string[]) => {
      const tasks = await workflows.getTasksOfWorkflows([...threadIds]);
      return threadIds.map((threadId) => tasks.get(threadId) ?? []);
    }),
    healthOfWorkflow: new DataLoader(
      async (batch: readonly Workflow[]) => {
        const health = await stuck.healthOf(batch);
        return batch.map((workflow) => health.get(workflow.threadId)!);
      },
      { cacheKeyFn: (workflow) => workflow.threadId },
    ),
  };
}
