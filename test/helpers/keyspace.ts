import type { RedisClient } from '../../src/redis/client';

/** Every key (but those matching `except`) with its type and value, for comparing the keyspace before and after. */
export async function dumpKeys(redis: RedisClient, except?: RegExp): Promise<Map<string, unknown>> {
  const scanned: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
    scanned.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  const all = scanned.filter((key) => !except?.test(key)).sort();
  const types = redis.pipeline();
  for (const key of all) types.type(key);
  const typeReplies = ((await types.exec()) ?? []).map(([, value]) => value as string);
  const values = redis.pipeline();
  all.forEach((key, i) => {
    const type = typeReplies[i];
    if (type === 'string') values.get(key);
    else if (type === 'hash') values.hgetall(key);
    else if (type === 'list') values.lrange(key, 0, -1);
    else if (type === 'set') values.smembers(key);
    else if (type === 'zset') values.zrange(key, 0, -1, 'WITHSCORES');
    else values.xrange(key, '-', '+');
  });
  const valueReplies = ((await values.exec()) ?? []).map(([, value]) => value);
  return new Map(
    all.map((key, i) => {
      const value = valueReplies[i];
      return [key, { type: typeReplies[i], value: typeReplies[i] === 'set' ? [...(value as string[])].sort() : value }];
    }),
  );
}

/** Rate-limit bookkeeping changes with every counted call; it is not workflow state. */
const RATE_LIMIT_KEYS = /^wave:ratelimit:/;

/** The workflow state a request may or may not change: everything but rate-limit bookkeeping. */
export function dumpWorkflowState(redis: RedisClient): Promise<Map<string, unknown>> {
  return dumpKeys(redis, RATE_LIMIT_KEYS);
}

/** The indexed workflows the HTTP and federation tests read: wf-1 running at gate 2, wf-2 stopped at gate 0. */
const INDEXED_WORKFLOWS = [
  { thread_id: 'wf-1', gate: '2', phase: 'running', created_at: '1000', updated_at: '1000' },
  { thread_id: 'wf-2', gate: '0', phase: 'stopped', created_at: '2000', updated_at: '2000' },
];

/** Writes the first `count` of INDEXED_WORKFLOWS, each hash and its place in the workflows index. */
export async function writeIndexedWorkflows(redis: RedisClient, count = INDEXED_WORKFLOWS.length): Promise<void> {
  for (const workflow of INDEXED_WORKFLOWS.slice(0, count)) {
    await redis.hset(`wave:workflow:${workflow.thread_id}`, workflow);
    await redis.zadd('wave:workflows', workflow.created_at, workflow.thread_id);
  }
}
