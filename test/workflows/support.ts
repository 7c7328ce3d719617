import { loadConfig } from '../../src/config';
import { connectRedis, createEmbeddedRedis, type RedisClient } from '../../src/redis/client';
import { RedisKeys } from '../../src/redis/keys';
import { DOMAINS, type Domain, type Task } from '../../src/workflows/workflow.types';
import type { ResetService } from '../../src/workflows/reset.service';
import type { WorkflowReads } from '../../src/workflows/workflow-reads';
import { createWorkflowServices, type WorkflowServices, type WorkflowServicesOptions } from '../../src/workflows/workflow-services';
import { RedisServer } from '../helpers/redis-server';
export { dumpKeys } from '../helpers/keyspace';

export const keys = new RedisKeys('wave');
/** Every domain's queue key. */
export const queueKeys = DOMAINS.map((domain) => keys.queue(domain));
export const MAX_GATE = 7;
export const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z

/** A Redis to test against (the embedded ioredis-mock or a real redis-server owned by the file) and the services over it. */
export interface Backend extends WorkflowServices {
  redis: RedisClient;
  server?: RedisServer;
}

export type BackendName = 'ioredis-mock' | 'redis-server';
export const BACKENDS: BackendName[] = ['ioredis-mock', 'redis-server'];

/**
 * Registers the hooks of one backend: started before the file's tests, emptied before each test,
 * disposed after. Read its fields inside tests only.
 */
export function useBackend(name: BackendName, clock: () => number = () => NOW, options: Partial<WorkflowServicesOptions> = {}): Backend {
  const backend = {} as Backend;
  beforeAll(async () => {
    if (name === 'redis-server') {
      backend.server = await RedisServer.start();
      backend.redis = connectRedis(backend.server.url, loadConfig({}).redis);
    } else {
      backend.redis = createEmbeddedRedis();
    }
    const services = createWorkflowServices(backend.redis, keys, {
      maxGate: MAX_GATE,
      thresholds: loadConfig({}).stuck,
      now: clock,
      ...options,
    });
    Object.assign(backend, services);
  });
  beforeEach(async () => {
    await backend.redis.flushall();
  });
  afterAll(async () => {
    backend.redis?.disconnect();
    await backend.server?.dispose();
  });
  return backend;
}

export interface RawTask {
  id: string;
  threadId?: string;
  domain?: Domain;
  status?: string;
  data?: unknown;
  /** Push the id on its domain queue (as the orchestrator does for pending work). */
  queued?: boolean;
  /** Add the id to the workflow's index set; the orchestrator sometimes does not. */
  indexed?: boolean;
  /** Leave `thread_id` out of the hash, so only the data JSON names the owner. */
  ownerInDataOnly?: boolean;
  result?: unknown;
}

/** Writes a workflow record exactly as the orchestrator does: raw HSET and ZADD. */
export async function writeWorkflow(
  redis: RedisClient,
  threadId: string,
  fields: { gate?: number; phase?: string; createdAt?: number } = {},
): Promise<void> {
  const createdAt = String(fields.createdAt ?? NOW - 60_000);
  await redis.hset(keys.workflow(threadId), {
    thread_id: threadId,
    gate: String(fields.gate ?? 3),
    phase: fields.phase ?? 'running',
    created_at: createdAt,
    updated_at: createdAt,
  });
  await redis.zadd(keys.workflowIndex, createdAt, threadId);
}

/** Writes a task exactly as the orchestrator does: raw HSET, SADD, LPUSH, SET. */
export async function writeTask(redis: RedisClient, task: RawTask): Promise<void> {
  const domain = task.domain ?? 'fe';
  const data = task.data ?? { thread_id: task.threadId, step: 'work' };
  const fields: Record<string, string> = {
    data: typeof data === 'string' ? data : JSON.stringify(data),
    status: task.status ?? 'pending',
    queue: domain,
    enqueued_at: String(NOW - 30_000),
  };
  if (task.threadId !== undefined && !task.ownerInDataOnly) fields.thread_id = task.threadId;
  await redis.hset(keys.task(task.id), fields);
  if (task.indexed !== false && task.threadId !== undefined) await redis.sadd(keys.workflowTasks(task.threadId), task.id);
  if (task.queued) await redis.lpush(keys.queue(domain), task.id);
  if (task.result !== undefined) await redis.set(keys.result(task.id), JSON.stringify(task.result));
}

export function resetRequest(threadId: string, overrides: Partial<Parameters<ResetService['resetWorkflow']>[0]> = {}) {
  return {
    threadId,
    clearTasks: true,
    clearResults: true,
    resetToGate: 0,
    reason: 'stuck after agent crash',
    actor: 'operator@example.com',
    ...overrides,
  };
}

export async function auditEntries(redis: RedisClient): Promise<Record<string, string>[]> {
  const entries = await redis.xrange(keys.audit, '-', '+');
  return entries.map(([, fields]) => {
    const record: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]] = fields[i + 1];
    return record;
  });
}

/** One workflow's tasks as a request reads them (the DataLoader's batch read, for one id). */
export async function tasksOf(service: WorkflowReads, threadId: string): Promise<Task[]> {
  return (await service.getTasksOfWorkflows([threadId])).get(threadId) ?? [];
}
