import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../error-codes';
import type { RedisClient } from '../redis/client';
import { CreateWorkflowOutcome, runCreateWorkflow } from '../redis/commands/create-workflow';
import { EnqueueTaskOutcome, runEnqueueTask } from '../redis/commands/enqueue-task';
import { TransitionWorkflowOutcome, runTransitionWorkflow } from '../redis/commands/transition-workflow';
import type { RedisKeys } from '../redis/keys';
import type { WorkflowReads } from './workflow-reads';
import { parsePhase } from './workflow.records';
import { serializeTaskData, validateThreadId } from './workflow.validation';
import {
  DOMAINS,
  PHASES,
  WorkflowError,
  type EnqueueTaskRequest,
  type Phase,
  type StartWorkflowRequest,
  type Task,
  type Workflow,
} from './workflow.types';

export interface WorkflowLifecycleOptions {
  /** Clock in epoch milliseconds; tests pin it. */
  now?: () => number;
}

/** Which phases each life-cycle move starts from (docs/redis-contract.md, "Life cycle"). */
const TRANSITIONS = {
  run: { to: 'running', from: ['pending', 'stopped', 'blocked', 'failed'] },
  stop: { to: 'stopped', from: ['pending', 'running', 'blocked'] },
} as const satisfies Record<string, { to: Phase; from: readonly Phase[] }>;

/** Starts, runs and stops workflows and queues their tasks (docs/redis-contract.md, "Life cycle"). */
export class WorkflowLifecycle {
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly reads: WorkflowReads,
    options: WorkflowLifecycleOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** A new workflow at gate 0, phase pending; an id that exists is a CONFLICT. */
  async startWorkflow(request: StartWorkflowRequest): Promise<Workflow> {
    const threadId = request.threadId == null ? randomUUID() : validateThreadId(request.threadId);
    const now = this.now();
    const created = await runCreateWorkflow(this.redis, this.keys, { threadId, now });
    if (created !== CreateWorkflowOutcome.Created) {
      throw new WorkflowError(ErrorCode.CONFLICT, `A workflow with thread id "${threadId}" already exists`, 'threadId');
    }
    return { threadId, gate: 0, phase: 'pending', attempt: 0, createdAt: new Date(now), updatedAt: new Date(now) };
  }

  /** pending, stopped, blocked or failed → running. */
  async runWorkflow(threadId: string): Promise<Workflow> {
    return this.transition(threadId, 'run');
  }

  /** pending, running or blocked → stopped; tasks stay, so a later run resumes where it stopped. */
  async stopWorkflow(threadId: string): Promise<Workflow> {
    return this.transition(threadId, 'stop');
  }

  /** Records, indexes and queues a task of an existing workflow in one script. */
  async enqueueTask(request: EnqueueTaskRequest): Promise<Task> {
    const { threadId, domain } = request;
    validateThreadId(threadId);
    if (!DOMAINS.includes(domain)) {
      throw new WorkflowError(ErrorCode.BAD_USER_INPUT, `domain must be one of ${DOMAINS.join(', ')}`, 'domain');
    }
    const data = serializeTaskData(request.data, threadId);
    const taskId = randomUUID();
    const now = this.now();
    const { outcome } = await runEnqueueTask(this.redis, this.keys, { threadId, taskId, data, domain, now });
    if (outcome === EnqueueTaskOutcome.NoWorkflow) throw notFound(threadId);
    if (outcome !== EnqueueTaskOutcome.Queued) throw new WorkflowError(ErrorCode.CONFLICT, 'The generated task id is taken; try again');
    return {
      id: taskId,
      threadId,
      domain,
      status: 'pending',
      data: JSON.parse(data),
      enqueuedAt: new Date(now),
      startedAt: null,
      heartbeatAt: null,
      agent: null,
      result: null,
    };
  }

  private async transition(threadId: string, move: keyof typeof TRANSITIONS): Promise<Workflow> {
    validateThreadId(threadId);
    const { to, from } = TRANSITIONS[move];
    const { outcome, phase: current } = await runTransitionWorkflow(this.redis, this.keys, {
      threadId,
      to,
      from,
      knownPhases: PHASES,
      now: this.now(),
    });
    if (outcome === TransitionWorkflowOutcome.NoWorkflow) throw notFound(threadId);
    if (outcome !== TransitionWorkflowOutcome.Moved) {
      const phase = parsePhase(current);
      throw new WorkflowError(
        ErrorCode.CONFLICT,
        phase === to
          ? `Workflow "${threadId}" is already ${phase}`
          : `Workflow "${threadId}" is ${phase}; only a ${from.join(', ')} workflow can be ${move === 'run' ? 'run' : 'stopped'}`,
      );
    }
    const workflow = await this.reads.getWorkflow(threadId);
    if (!workflow) throw notFound(threadId);
    return workflow;
  }
}

function notFound(threadId: string): WorkflowError {
  return new WorkflowError(ErrorCode.NOT_FOUND, `No workflow with thread id "${threadId}"`, 'threadId');
}
