import type Redis from 'ioredis';
import { RedisKeys } from '../../src/redis/keys';
import { DOMAINS } from '../../src/workflows/workflow.types';

const keys = new RedisKeys('wave');
const PHASES = ['running', 'running', 'blocked', 'pending', 'completed'];
const STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'pending'];

/**
 * `count` workflows as a dashboard sees them: each with `tasksEach` indexed and queued tasks of mixed
 * status (some with results, some with stale heartbeats, so health has reasons to find).
 */
export async function seedDashboard(redis: Redis, count: number, tasksEach = 4, now = Date.now()): Promise<void> {
  const pipeline = redis.pipeline();
  for (let w = 0; w < count; w += 1) {
    const threadId = `wf-${String(w).padStart(6, '0')}`;
    const createdAt = String(now - (count - w) * 1000);
    pipeline.hset(
      keys.workflow(threadId),
      'thread_id',
      threadId,
      'gate',
      String(w % 7),
      'phase',
      PHASES[w % PHASES.length],
      'attempt',
      '0',
      'created_at',
      createdAt,
      'updated_at',
      createdAt,
    );
    pipeline.zadd(keys.workflowIndex, createdAt, threadId);
    for (let t = 0; t < tasksEach; t += 1) {
      const taskId = `${threadId}-t${t}`;
      const domain = DOMAINS[(w + t) % DOMAINS.length];
      const status = STATUSES[(w + t) % STATUSES.length];
      const enqueuedAt = String(now - 30 * 60 * 1000 + t);
      pipeline.hset(
        keys.task(taskId),
        'thread_id',
        threadId,
        'data',
        JSON.stringify({ thread_id: threadId, step: t }),
        'status',
        status,
        'queue',
        domain,
        'enqueued_at',
        enqueuedAt,
        'attempt',
        '0',
      );
      if (status === 'in_progress')
        pipeline.hset(keys.task(taskId), 'started_at', enqueuedAt, 'heartbeat_at', enqueuedAt, 'agent', `agent-${t}`);
      if (status === 'completed') pipeline.set(keys.result(taskId), JSON.stringify({ ok: true, step: t }));
      pipeline.sadd(keys.workflowTasks(threadId), taskId);
      if (status === 'pending') pipeline.lpush(keys.queue(domain), taskId);
    }
  }
  await pipeline.exec();
}
