/**
 * What both hand-written dashboard handlers (bare-dashboard.ts, tight-dashboard.ts) share: the answer
 * our server gives to documents/dashboard.graphql (first: 50), built from records already read, and
 * the `node:http` server around a reader. Only how they read Redis differs. Bench only.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Redis from 'ioredis';
import { loadConfig } from '../../src/config';
import { RedisKeys } from '../../src/redis/keys';
import { diagnoseWorkflow } from '../../src/workflows/stuck-diagnosis';
import { encodeCursor } from '../../src/workflows/workflow.cursor';
import { byEnqueueTime } from '../../src/workflows/workflow.records';
import { DOMAINS, type Task, type Workflow } from '../../src/workflows/workflow.types';

export const PAGE = 50;
export const keys = new RedisKeys('wave');
const thresholds = loadConfig({}).stuck;

/** The replies of a pipeline, failing on the first failed command. */
export async function replies(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  return ((await pipeline.exec()) ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/** One entry of the workflow index: its id and score as Redis returns them. */
export interface IndexEntry {
  threadId: string;
  score: string;
}

/** The first `PAGE` entries of a `ZRANGEBYSCORE … WITHSCORES LIMIT 0 PAGE+1` reply. */
export function indexEntries(reply: readonly string[]): IndexEntry[] {
  const entries: IndexEntry[] = [];
  for (let i = 0; i + 1 < reply.length && entries.length < PAGE; i += 2) entries.push({ threadId: reply[i], score: reply[i + 1] });
  return entries;
}

export interface DashboardRecords {
  /** The page's index entries and the reply they came from (one more than the page tells of a next page). */
  index: readonly string[];
  entries: readonly IndexEntry[];
  /** Per entry: its workflow (null without a record) and the tasks its task set names (null without an owned record). */
  workflows: ReadonlyArray<{ workflow: Workflow | null; tasks: ReadonlyArray<Task | null> }>;
  /** Queue lengths in the order of DOMAINS. */
  lengths: readonly number[];
}

/** The JSON answer our server gives for these records. */
export function dashboardAnswer({ index, entries, workflows, lengths }: DashboardRecords): unknown {
  const now = Date.now();
  const nodes = workflows.flatMap(({ workflow, tasks }) => {
    if (!workflow) return [];
    const owned = tasks.filter((task): task is Task => task !== null && task.threadId === workflow.threadId).sort(byEnqueueTime);
    return [dashboardNode(workflow, owned, now)];
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

/**
 * Serves `read`'s answer to every POST and prints `{"url": …}` once it listens (ServedProcess waits
 * for it). The request body (the dashboard document) is not parsed: these handlers answer only that.
 */
export function serveDashboard(read: () => Promise<unknown>): void {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      read().then(
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
}
