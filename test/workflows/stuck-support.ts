import { loadConfig } from '../../src/config';
import type { RedisClient } from '../../src/redis/client';
import { StuckWorkflowService } from '../../src/workflows/stuck.service';
import type { WorkflowHealth } from '../../src/workflows/stuck.types';
import type { WorkflowServices } from '../../src/workflows/workflow-services';
import type { Workflow } from '../../src/workflows/workflow.types';
import { NOW, keys, writeTask, writeWorkflow } from './support';

export const MINUTE = 60_000;
/** The thresholds an operator gets without setting any STUCK_* variable. */
export const DEFAULT_THRESHOLDS = loadConfig({}).stuck;

export function stuckService(
  { workflows, resets }: Pick<WorkflowServices, 'workflows' | 'resets'>,
  now: () => number = () => NOW,
): StuckWorkflowService {
  return new StuckWorkflowService(workflows, resets, { thresholds: DEFAULT_THRESHOLDS, now });
}

/**
 * A workflow in the shape of one stuck case, written as the orchestrator and its agents would.
 * `minutes` is how long the condition has held; 0 writes a healthy running workflow.
 */
export async function writeCase(
  redis: RedisClient,
  threadId: string,
  kind: 'queued_too_long' | 'agent_gone' | 'result_not_advanced' | 'safety_blocked' | 'healthy',
  options: { minutes?: number; createdAt: number },
): Promise<void> {
  const at = String(NOW - (options.minutes ?? 60) * MINUTE);
  const taskId = `${threadId}-t`;
  await writeWorkflow(redis, threadId, { gate: 2, phase: kind === 'safety_blocked' ? 'blocked' : 'running', createdAt: options.createdAt });
  const fields: Record<string, string> = {};
  if (kind === 'queued_too_long') {
    await writeTask(redis, { id: taskId, threadId, domain: 'be', status: 'pending', queued: true });
    fields.enqueued_at = at;
  } else if (kind === 'agent_gone') {
    await writeTask(redis, { id: taskId, threadId, domain: 'fe', status: 'in_progress' });
    Object.assign(fields, { enqueued_at: at, started_at: at, heartbeat_at: at, agent: 'fe-agent-1' });
  } else if (kind === 'result_not_advanced') {
    await writeTask(redis, { id: taskId, threadId, domain: 'qa', status: 'completed', result: { success: true } });
    Object.assign(fields, { enqueued_at: at, heartbeat_at: at });
    await redis.hset(keys.workflow(threadId), 'updated_at', String(Number(at) - MINUTE));
  } else if (kind === 'safety_blocked') {
    await writeTask(redis, { id: taskId, threadId, domain: 'safety', status: 'blocked' });
    Object.assign(fields, { enqueued_at: at, heartbeat_at: at });
  } else {
    await writeTask(redis, { id: taskId, threadId, domain: 'fe', status: 'in_progress' });
    Object.assign(fields, { heartbeat_at: String(NOW) });
  }
  await redis.hset(keys.task(taskId), fields);
}

/** Creation times in index order: the n-th workflow of a test. */
export const createdAt = (n: number): number => NOW - 1000 * MINUTE + n;

/** A healthy workflow, then one stuck in each way, in that creation order. */
export async function writeOneOfEach(redis: RedisClient): Promise<void> {
  await writeCase(redis, 'wf-healthy', 'healthy', { createdAt: createdAt(1) });
  await writeCase(redis, 'wf-queued', 'queued_too_long', { createdAt: createdAt(2) });
  await writeCase(redis, 'wf-gone', 'agent_gone', { createdAt: createdAt(3) });
  await writeCase(redis, 'wf-result', 'result_not_advanced', { createdAt: createdAt(4) });
  await writeCase(redis, 'wf-blocked', 'safety_blocked', { createdAt: createdAt(5) });
}

/** One workflow's health as a request reads it (the DataLoader's batch read, for one workflow). */
export async function healthOf(stuck: StuckWorkflowService, workflow: Workflow): Promise<WorkflowHealth> {
  return (await stuck.healthOf([workflow])).get(workflow.threadId)!;
}
