import { DOMAINS } from '../../src/workflows/workflow.types';
/**
 * Deep queues for benchmark 6: many other workflows' tasks queued in one domain queue, and the
 * workflows to reset queued around them, written as the orchestrator writes them (enqueue-task.lua).
 */
import type Redis from 'ioredis';
import type { RedisKeys } from '../../src/redis/keys';
import { execValues } from '../../src/redis/pipeline';
import type { Domain } from '../../src/workflows/workflow.types';

/** The queue that holds the other workflows' tasks. */
export const DEEP_DOMAIN: Domain = 'fe';
/** Task records per loading script: about 60 ms of Redis each, 1M in about 6 s. */
const LOAD_CHUNK = 10_000;
/** How many other workflows own the deep queue's tasks. */
const OTHER_WORKFLOWS = 1000;
/** Task `other-<n>` belongs to workflow `other-wf-<n % 1000>`. */
const OTHER_TASK = 'other-';
const OTHER_WORKFLOW = 'other-wf-';

type Pipeline = ReturnType<Redis['pipeline']>;

export function otherTaskId(n: number): string {
  return OTHER_TASK + n;
}

/** A pending task's record, field by field as enqueue-task.lua writes it. */
function queuedTaskFields(threadId: string, domain: Domain, enqueuedAt: number, step: number): string[] {
  const data = JSON.stringify({ thread_id: threadId, step });
  return ['thread_id', threadId, 'data', data, 'status', 'pending', 'queue', domain, 'enqueued_at', String(enqueuedAt), 'attempt', '0'];
}

/**
 * The records of tasks `first`..`last` (ids and fields as otherTaskId and queuedTaskFields make them),
 * LPUSHed in id order 1000 at a time. Written by a script: pipelined from here, 100k records took
 * about 4 s on the benchmark machine (the client's encoding and Redis's parsing of 14-argument
 * commands), so 1M would take some 40 s; by a script in chunks, 1M take about 6 s.
 */
const LOAD_QUEUED_TASKS = `
local queue, taskPrefix, taskName, ownerName = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local domain, enqueuedAt = ARGV[4], ARGV[5]
local first, last, owners = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local ids = {}
for n = first, last do
  local id, owner = taskName .. n, ownerName .. (n % owners)
  redis.call('HSET', taskPrefix .. id, 'thread_id', owner, 'data', '{"thread_id":"' .. owner .. '","step":' .. n .. '}',
    'status', 'pending', 'queue', domain, 'enqueued_at', enqueuedAt, 'attempt', '0')
  ids[#ids + 1] = id
  if #ids == 1000 or n == last then
    redis.call('LPUSH', queue, unpack(ids))
    ids = {}
  end
end
return last - first + 1
`;

/** `depth` tasks of other workflows LPUSHed on the deep queue, each with its record. */
export async function loadDeepQueue(redis: Redis, keys: RedisKeys, depth: number, enqueuedAt: number): Promise<void> {
  for (let first = 0; first < depth; first += LOAD_CHUNK) {
    const last = Math.min(depth, first + LOAD_CHUNK) - 1;
    const names = [keys.taskKeyPrefix, OTHER_TASK, OTHER_WORKFLOW, DEEP_DOMAIN, String(enqueuedAt)];
    const args = [...names, String(first), String(last), String(OTHER_WORKFLOWS)];
    await redis.eval(LOAD_QUEUED_TASKS, 1, keys.queue(DEEP_DOMAIN), ...args);
  }
}

/**
 * Where a workflow's i-th task is queued, a third of them each: at the tail (as if pushed before
 * the other tasks: the last a head-first LRANGE reaches, the next an agent's RPOP takes), in the
 * middle of the deep queue, or at the head (pushed after them).
 */
type Position = 'tail' | 'middle' | 'head';
const POSITIONS: readonly Position[] = ['tail', 'middle', 'head'];

function queueTask(pipeline: Pipeline, keys: RedisKeys, domain: Domain, taskId: string, position: Position, depth: number): void {
  const queue = keys.queue(domain);
  if (position === 'tail') pipeline.rpush(queue, taskId);
  // LINSERT finds its pivot from the head: half the deep queue read per insert.
  else if (position === 'middle' && domain === DEEP_DOMAIN && depth > 0) pipeline.linsert(queue, 'BEFORE', otherTaskId(depth >> 1), taskId);
  else pipeline.lpush(queue, taskId);
}

export interface SeededWorkflow {
  threadId: string;
  taskIds: string[];
  /** Queued with the owner in the record but not added to the workflow's task index. */
  unindexed: string[];
}

export interface WorkflowShape {
  threadId: string;
  tasks: number;
  /** The first `indexed` tasks are in the task index, the rest only queued. */
  indexed: number;
  gate: number;
  createdAt: number;
  enqueuedAt: number;
  /** The deep queue's length, for the middle position. */
  depth: number;
}

/** A running workflow at `gate` with `tasks` pending tasks, every fifth in qa and the rest in the deep queue, at mixed positions. */
export function seedWorkflow(pipeline: Pipeline, keys: RedisKeys, shape: WorkflowShape): SeededWorkflow {
  const { threadId, createdAt } = shape;
  const record = [
    'thread_id',
    threadId,
    'gate',
    String(shape.gate),
    'phase',
    'running',
    'created_at',
    String(createdAt),
    'updated_at',
    String(createdAt),
  ];
  pipeline.hset(keys.workflow(threadId), ...record);
  pipeline.zadd(keys.workflowIndex, createdAt, threadId);
  const seeded: SeededWorkflow = { threadId, taskIds: [], unindexed: [] };
  for (let i = 0; i < shape.tasks; i += 1) {
    const taskId = `${threadId}-t${i}`;
    const domain: Domain = i % 5 === 4 ? 'qa' : DEEP_DOMAIN;
    pipeline.hset(keys.task(taskId), ...queuedTaskFields(threadId, domain, shape.enqueuedAt, i));
    if (i < shape.indexed) pipeline.sadd(keys.workflowTasks(threadId), taskId);
    else seeded.unindexed.push(taskId);
    queueTask(pipeline, keys, domain, taskId, POSITIONS[i % POSITIONS.length], shape.depth);
    seeded.taskIds.push(taskId);
  }
  return seeded;
}

/**
 * Removes what is left of seeded workflows after a run, so that every run starts alike: their
 * entries still queued (`left`), records, task indexes, audit streams and tasks.
 */
export async function removeWorkflows(
  redis: Redis,
  keys: RedisKeys,
  workflows: readonly SeededWorkflow[],
  left: readonly string[],
): Promise<void> {
  const pipeline = redis.pipeline();
  for (const taskId of new Set(left)) for (const queue of DOMAINS.map((domain) => keys.queue(domain))) pipeline.lrem(queue, 0, taskId);
  for (const { threadId, taskIds } of workflows) {
    pipeline.del(keys.workflow(threadId), keys.workflowTasks(threadId), keys.workflowAudit(threadId));
    pipeline.zrem(keys.workflowIndex, threadId);
    for (const taskId of taskIds) pipeline.del(keys.task(taskId), keys.result(taskId));
  }
  await execValues(pipeline);
}
