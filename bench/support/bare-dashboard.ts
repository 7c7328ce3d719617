/**
 * Benchmark 2's plain reference: a bare Node `http` handler that answers documents/dashboard.graphql
 * (first: 50) with the JSON our server returns, from the same Redis reads (HGETALL per record, GET per
 * result), without GraphQL, Express, auth or logging. Run as its own process (`node -r
 * ts-node/register/transpile-only`), as our server is; it prints `{"url": …}` once it listens. Bench only.
 */
import Redis from 'ioredis';
import { toTask, toWorkflow } from '../../src/workflows/workflow.records';
import { DOMAINS } from '../../src/workflows/workflow.types';
import { dashboardAnswer, indexEntries, keys, PAGE, replies, serveDashboard } from './dashboard-answer';

const redis = new Redis(process.env.REDIS_URL!);

/**
 * One pipeline per level of reads that depend on each other (index → records and task indexes → task
 * records and results): the fewest round trips these reads allow without a server-side script.
 */
async function readDashboard(): Promise<unknown> {
  const [index, ...lengths] = (await replies(
    DOMAINS.reduce(
      (pipeline, domain) => pipeline.llen(keys.queue(domain)),
      redis.pipeline().zrangebyscore(keys.workflowIndex, '-inf', '+inf', 'WITHSCORES', 'LIMIT', 0, PAGE + 1),
    ),
  )) as [string[], ...number[]];
  const entries = indexEntries(index);

  const records = redis.pipeline();
  for (const { threadId } of entries) records.hgetall(keys.workflow(threadId)).smembers(keys.workflowTasks(threadId));
  const recordReplies = await replies(records);
  const workflows = entries.map(({ threadId, score }, i) => ({
    workflow: toWorkflow(threadId, recordReplies[2 * i] as Record<string, string>, score),
    taskIds: recordReplies[2 * i + 1] as string[],
  }));

  const tasks = redis.pipeline();
  for (const { taskIds } of workflows) for (const taskId of taskIds) tasks.hgetall(keys.task(taskId)).get(keys.result(taskId));
  const taskReplies = await replies(tasks);
  let read = 0;
  return dashboardAnswer({
    index,
    entries,
    lengths,
    workflows: workflows.map(({ workflow, taskIds }) => ({
      workflow,
      tasks: taskIds.map((taskId) => {
        const task = toTask(taskId, taskReplies[read] as Record<string, string>, taskReplies[read + 1] as string | null);
        read += 2;
        return task;
      }),
    })),
  });
}

serveDashboard(readDashboard);
