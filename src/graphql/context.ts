import DataLoader from 'dataloader';
import type { Authentication } from '../auth/identity';
import type { RequestScope } from '../observability/request-scope';
import type { ReadSession } from '../redis/shared-reads';
import type { WorkflowHealth } from '../workflows/stuck.types';
import type { WorkflowServices } from '../workflows/workflow-services';
import type { Domain, Task, Workflow } from '../workflows/workflow.types';
import type { ResetBudgets } from './reset.budgets';

/** The domain services resolvers call, one per job, and the budgets resetWorkflow spends. */
export interface Services extends Omit<WorkflowServices, 'fencing'> {
  resetBudgets: ResetBudgets;
}

/** The per-request context every resolver and directive receives. */
export interface RequestContext extends Services {
  auth: Authentication;
  /** Client address, the rate-limit identity of anonymous callers. */
  clientIp: string;
  /** Begun with the request: its reads share concurrent requests' identical ones sent after it began. */
  readSession: ReadSession;
  /** Batches the tasks of every workflow a request touches into a constant number of Redis round trips. */
  tasksOfWorkflow: DataLoader<string, Task[]>;
  /** Batches the stuck diagnosis of every workflow a request touches the same way, reading tasks through tasksOfWorkflow. */
  healthOfWorkflow: DataLoader<Workflow, WorkflowHealth, string>;
  /** The last sign of life of each domain's agents, every domain a request asks for in one read. */
  agentLastSeen: DataLoader<Domain, Date | null>;
  /** The HTTP request's logger and observers; none for a WebSocket operation or a test's executeOperation. */
  scope?: RequestScope;
}

/**
 * A request's context with its own DataLoaders: nothing is cached across requests, and its reads share
 * only commands sent after it began (redis/shared-reads.ts).
 */
export function createRequestContext(services: Services, auth: Authentication, clientIp: string, scope?: RequestScope): RequestContext {
  const { workflows, stuck } = services;
  const readSession = workflows.readSession();
  const tasksOfWorkflow = new DataLoader(async (threadIds: readonly string[]) => {
    const tasks = await workflows.getTasksOfWorkflows(threadIds, readSession);
    return threadIds.map((threadId) => tasks.get(threadId) ?? []);
  });
  // The health's tasks come from the same loader, so a request asking for both reads them once.
  const readTasks = async (threadIds: string[]): Promise<Map<string, Task[]>> => {
    const lists = await tasksOfWorkflow.loadMany(threadIds);
    const failed = lists.find((list): list is Error => list instanceof Error);
    if (failed) throw failed;
    return new Map(threadIds.map((threadId, i) => [threadId, lists[i] as Task[]]));
  };
  return {
    ...services,
    auth,
    clientIp,
    readSession,
    scope,
    tasksOfWorkflow,
    healthOfWorkflow: new DataLoader(
      async (batch: readonly Workflow[]) => {
        const health = await stuck.healthOf(batch, readTasks);
        return batch.map((workflow) => health.get(workflow.threadId)!);
      },
      { cacheKeyFn: (workflow) => workflow.threadId },
    ),
    agentLastSeen: new DataLoader((domains: readonly Domain[]) => workflows.agentsLastSeen(domains)),
  };
}
