/**
 * Benchmark 2's tight references: the best hand-written handlers of the same answer we found, to say
 * how far our server is from the best code and not only from plain code (bare-dashboard.ts). Both read
 * the page's workflow fields with one `SORT <index> BY nosort GET …` (Redis looks the records up inside
 * one command) and only the fields the answer needs; they differ in how they read tasks, chosen by
 * `TIGHT_READS`:
 * - `merged`: the task sets, then every task hash and one MGET of all results: 3 round trips, about
 *   260 commands where the bare handler sends 506; cheaper than the bare handler on both sides.
 * - `sort`: one `SORT <task set> BY nosort GET # GET <task>->field … GET <result>` per workflow: 2 round
 *   trips, 57 commands, the least work for this process, but a key look-up per field for Redis.
 * A record holding none of the read fields counts as missing (a difference the seed never makes).
 * SORT's GET patterns name keys a Redis Cluster cannot route: a single-instance reference. Bench only.
 */
import Redis from 'ioredis';
import { toTask, toWorkflow } from '../../src/workflows/workflow.records';
import { DOMAINS, type Task } from '../../src/workflows/workflow.types';
import { dashboardAnswer, indexEntries, keys, PAGE, replies, serveDashboard, type IndexEntry } from './dashboard-answer';

const WORKFLOW_FIELDS = ['gate', 'phase', 'attempt', 'created_at', 'updated_at'];
const TASK_FIELDS = ['thread_id', 'data', 'status', 'queue', 'enqueued_at', 'started_at', 'heartbeat_at', 'agent'];
/** Per task of a set in a `sort` read: its id (`#`), its fields, its result. */
const TASK_VALUES = 1 + TASK_FIELDS.length + 1;

const redis = new Redis(process.env.REDIS_URL!);

/** SORT's `GET <prefix>*-><field>` for each field: Redis substitutes each member for `*`. */
function getFields(keyPrefix: string, fields: readonly string[]): string[] {
  return fields.flatMap((field) => ['GET', `${keyPrefix}*->${field}`]);
}

const WORKFLOW_GETS = getFields(keys.workflowKeyPrefix, WORKFLOW_FIELDS);
const TASK_GETS = ['GET', '#', ...getFields(keys.taskKeyPrefix, TASK_FIELDS), 'GET', `${keys.resultKeyPrefix}*`];

/** The fields present among `values` (SORT answers null for a missing field or key), as HGETALL would give them. */
function hashOf(fields: readonly string[], values: ReadonlyArray<string | null>, from: number): Record<string, string> {
  const hash: Record<string, string> = {};
  fields.forEach((field, i) => {
    const value = values[from + i];
    if (value !== null) hash[field] = value;
  });
  return hash;
}

/** Per index entry, the tasks its task set names (null for one without an owned record). */
type TaskReader = (entries: readonly IndexEntry[]) => Promise<Array<Array<Task | null>>>;

const readMerged: TaskReader = async (entries) => {
  const sets = redis.pipeline();
  for (const { threadId } of entries) sets.smembers(keys.workflowTasks(threadId));
  const taskIds = (await replies(sets)) as string[][];
  const allIds = taskIds.flat();
  const records = redis.pipeline();
  for (const taskId of allIds) records.hgetall(keys.task(taskId));
  records.mget(...allIds.map((taskId) => keys.result(taskId)));
  const recordReplies = await replies(records);
  const results = recordReplies[allIds.length] as Array<string | null>;
  let read = 0;
  return taskIds.map((ids) =>
    ids.map((taskId) => {
      const task = toTask(taskId, recordReplies[read] as Record<string, string>, results[read]);
      read += 1;
      return task;
    }),
  );
};

const readSorted: TaskReader = async (entries) => {
  const sets = redis.pipeline();
  for (const { threadId } of entries) sets.sort(keys.workflowTasks(threadId), 'BY', 'nosort', ...TASK_GETS);
  return ((await replies(sets)) as Array<Array<string | null>>).map((values) => {
    const tasks: Array<Task | null> = [];
    for (let at = 0; at < values.length; at += TASK_VALUES) {
      tasks.push(toTask(values[at]!, hashOf(TASK_FIELDS, values, at + 1), values[at + TASK_VALUES - 1]));
    }
    return tasks;
  });
};

const READERS: Record<string, TaskReader> = { merged: readMerged, sort: readSorted };
const readTasks = READERS[process.env.TIGHT_READS ?? ''];
if (!readTasks) throw new Error(`TIGHT_READS must be one of ${Object.keys(READERS).join(', ')}`);

async function readDashboard(): Promise<unknown> {
  // SORT of a sorted set BY nosort answers in the index's order, so its rows line up with ZRANGEBYSCORE's.
  const [index, workflowValues, ...lengths] = (await replies(
    DOMAINS.reduce(
      (pipeline, domain) => pipeline.llen(keys.queue(domain)),
      redis
        .pipeline()
        .zrangebyscore(keys.workflowIndex, '-inf', '+inf', 'WITHSCORES', 'LIMIT', 0, PAGE + 1)
        .sort(keys.workflowIndex, 'BY', 'nosort', 'LIMIT', 0, PAGE, ...WORKFLOW_GETS),
    ),
  )) as [string[], Array<string | null>, ...number[]];
  const entries = indexEntries(index);
  const tasks = await readTasks(entries);
  return dashboardAnswer({
    index,
    entries,
    lengths,
    workflows: entries.map(({ threadId, score }, i) => ({
      workflow: toWorkflow(threadId, hashOf(WORKFLOW_FIELDS, workflowValues, i * WORKFLOW_FIELDS.length), score),
      tasks: tasks[i],
    })),
  });
}

serveDashboard(readDashboard);
