import type { Logger } from 'pino';
import type { StuckThresholds } from '../config';
import type { RedisClient } from '../redis/client';
import type { RedisKeys } from '../redis/keys';
import { ResetAuditTrail } from './reset-audit';
import type { ResetObserver } from './reset-observer';
import { ResetService, type ResetServiceOptions } from './reset.service';
import { StuckWorkflowService } from './stuck.service';
import { TaskFencing } from './task-fencing';
import { WorkflowLifecycle } from './workflow-lifecycle';
import { WorkflowReads } from './workflow-reads';

export interface WorkflowServicesOptions extends Omit<ResetServiceOptions, 'observer'> {
  /** When a workflow counts as stuck (STUCK_*_AFTER). */
  thresholds: StuckThresholds;
  /** Where a malformed index entry is reported (once per member). */
  logger?: Pick<Logger, 'warn'>;
  /** Told of every reset, preview and batch answered (observability's logs and metrics). */
  observer?: ResetObserver;
}

/** The domain's services, one per job, each over the workflow contract in Redis. */
export interface WorkflowServices {
  /** One workflow, a page of them, their tasks, the queues. */
  workflows: WorkflowReads;
  /** Start, run, stop, enqueue. */
  lifecycle: WorkflowLifecycle;
  /** Previews and resets. */
  resets: ResetService;
  /** The audit trail of resets and previews. */
  audit: ResetAuditTrail;
  /** Stuck diagnosis and batch reset, on top of reads and resets. */
  stuck: StuckWorkflowService;
  /** Agents' fenced writes: task results and heartbeats. */
  fencing: TaskFencing;
}

/** Builds every service of the domain over one client and key set, sharing one clock. */
export function createWorkflowServices(redis: RedisClient, keys: RedisKeys, options: WorkflowServicesOptions): WorkflowServices {
  const { thresholds, logger, observer, ...reset } = options;
  const { now } = options;
  const workflows = new WorkflowReads(redis, keys, { logger });
  const resets = new ResetService(redis, keys, { ...reset, observer });
  return {
    workflows,
    lifecycle: new WorkflowLifecycle(redis, keys, workflows, { now }),
    resets,
    audit: new ResetAuditTrail(redis, keys),
    stuck: new StuckWorkflowService(workflows, resets, { thresholds, now, observer }),
    fencing: new TaskFencing(redis, keys, { now }),
  };
}
