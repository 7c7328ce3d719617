/**
 * Benchmark 2's limit for this stack: a bare Node `http` handler that answers documents/dashboard.graphql
 * (first: 50) with the JSON our server returns, from the same Redis reads, without GraphQL, Express, auth
 * or logging. Run as its own process (`node -r ts-node/register/transpile-only`), as our server is; it
 * prints `{"url": …}` once it listens. Bench only.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { loadConfig } from '../../src/config';
import { RedisKeys } from '../../src/redis/keys';
import { diagnoseWorkflow } from '../../src/workflows/stuck-diagnosis';
import { encodeCursor } from '../../src/workflows/workflow.cursor';
import { byEnqueueTime, toTask, toWorkflow } from '../../src/workflows/workflow.records';
import { DOMAINS, type Task, type Workflow } from '../../src/workflows/workflow.types';

const PAGE = 50;
const keys = new RedisKeys('wave');
const thresholds = loadConfig({}).stuck;
const redis = new Redis(process.env.REDIS_URL!);

/** The replies of a pipeline, failing on the first failed command. */
async function replies(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  return ((await pipeline.exec()) ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

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
  const entries: Array<{ threadId: string; score: string }> = [];
  for (let i = 0; i + 1 < index.length && entries.length < PAGE; i += 2) entries.push({ threadId: index[i], score: index[i + 1] });

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
  const now = Date.now();
  let read = 0;
  const nodes = workflows.flatMap(({ workflow, taskIds }) => {
    const owned = taskIds
      .map((taskId) => {
        const task = toTask(taskId, taskReplies[read] as Record<string, string>, taskReplies[read + 1] as string | null);
        read += 2;
        return task;
      })
      .filter((task): task is Task => task !== null && task.threadId === workflow?.threadId)
      .sort(byEnqueueTime);
    return workflow ? [dashboardNode(workflow, owned, now)] : [];
  });
  const last = entries.at(-1);
  return {
    data: {
      workflows: {
        nodes,
        pageInfo: {
          hasNextPage: index.length > 2 * PAGE,
          endCursor: last ? encodeCursor({ threadId: last.threadId, score: Number(last.score) }) : null,
        },
      },
      queues: DOMAINS.map((domain, i) => ({ domain: domain.toUpperCase(), length: lengths[i] })),
    },
  };
}

/** A workflow as the dashboard document selects it, enum values as GraphQL names. */
function dashboardNode(workflow: Workflow, tasks: Task[], now: number): unknown {
  const health = diagnoseWorkflow(workflow, tasks, thresholds, now);
  return {
    threadId: workflow.threadId,
    gate: workflow.gate,
    phase: workflow.phase.toUpperCase(),
    attempt: workflow.attempt,
    createdAt: workflow.createdAt.toISOString(),
    updatedAt: workflow.updatedAt.toISOString(),
    tasks: tasks.map((task) => ({
      id: task.id,
      domain: task.domain?.toUpperCase() ?? null,
      status: task.status.toUpperCase(),
      enqueuedAt: task.enqueuedAt?.toISOString() ?? null,
      heartbeatAt: task.heartbeatAt?.toISOString() ?? null,
      agent: task.agent,
    })),
    health: {
      stuck: health.stuck,
      reasons: health.reasons.map((reason) => ({
        kind: reason.kind.toUpperCase(),
        taskId: reason.taskId,
        durationSeconds: Math.floor(reason.durationMs / 1000),
      })),
    },
  };
}

const server = createServer((request, response) => {
  // The request body (the dashboard document) is not parsed: this handler answers only that.
  request.resume();
  request.on('end', () => {
    readDashboard().then(
      (body) => {
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(body));
      },
      (error: unknown) => {
        response.writeHead(500);
        response.end(String(error));
      },
    );
  });
});
server.listen(0, () => {
  process.stdout.write(`${JSON.stringify({ url: `http://localhost:${(server.address() as AddressInfo).port}/graphql` })}\n`);
});
