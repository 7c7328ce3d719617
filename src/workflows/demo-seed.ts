import type { RedisClient } from '../redis/client';
import type { RedisKeys } from '../redis/keys';
import { DOMAINS, type Domain, type Phase, type TaskStatus } from './workflow.types';

const MINUTE = 60_000;

interface DemoTask {
  id: string;
  domain: Domain;
  status: TaskStatus;
  data: Record<string, unknown>;
  /** Minutes before now. */
  enqueuedAgo: number;
  startedAgo?: number;
  heartbeatAgo?: number;
  agent?: string;
  queued?: boolean;
  /** The orchestrator may queue a task without indexing it. */
  indexed?: boolean;
  /** Owner only inside the data JSON, as older orchestrator versions wrote it. */
  ownerInDataOnly?: boolean;
  result?: Record<string, unknown>;
}

interface DemoWorkflow {
  threadId: string;
  gate: number;
  phase: Phase;
  createdAgo: number;
  updatedAgo: number;
  note: string;
  tasks: DemoTask[];
}

/**
 * Healthy workflows, and one stuck in each of the four kinds of STUCK_KINDS, dated so that the default
 * thresholds (STUCK_QUEUED_AFTER 10m, STUCK_RUNNING_AFTER 5m, STUCK_RESULT_AFTER 5m) diagnose each
 * stuck one with exactly its kind and the healthy ones with none.
 */
const DEMO_WORKFLOWS: DemoWorkflow[] = [
  {
    threadId: 'WAVE1-FE-001-healthy',
    gate: 2,
    phase: 'running',
    createdAgo: 240,
    updatedAgo: 1,
    note: 'healthy: the orchestrator took the design result and an agent is working and heartbeating',
    tasks: [
      {
        id: 'demo-fe-001-design',
        domain: 'fe',
        status: 'completed',
        data: { story: 'FE-001', step: 'design login form' },
        enqueuedAgo: 40,
        startedAgo: 38,
        heartbeatAgo: 21,
        agent: 'fe-agent-1',
        result: { success: true, summary: 'mock-up approved' },
      },
      {
        id: 'demo-fe-001-build',
        domain: 'fe',
        status: 'in_progress',
        data: { story: 'FE-001', step: 'build login form' },
        enqueuedAgo: 20,
        startedAgo: 18,
        heartbeatAgo: 0.5,
        agent: 'fe-agent-1',
      },
      {
        id: 'demo-fe-001-review',
        domain: 'qa',
        status: 'pending',
        data: { story: 'FE-001', step: 'review login form' },
        enqueuedAgo: 2,
        queued: true,
      },
    ],
  },
  {
    threadId: 'WAVE1-BE-001-done',
    gate: 7,
    phase: 'completed',
    createdAgo: 1440,
    updatedAgo: 600,
    note: 'healthy: finished every gate',
    tasks: [
      {
        id: 'demo-be-001-api',
        domain: 'be',
        status: 'completed',
        data: { story: 'BE-001', step: 'orders API' },
        enqueuedAgo: 900,
        startedAgo: 890,
        heartbeatAgo: 700,
        agent: 'be-agent-1',
        result: { success: true, summary: 'orders API merged' },
      },
    ],
  },
  {
    threadId: 'WAVE1-QA-002-paused',
    gate: 3,
    phase: 'stopped',
    createdAgo: 200,
    updatedAgo: 100,
    note: 'healthy: stopped on purpose; its queued task waits for a run, which is not being stuck',
    tasks: [
      {
        id: 'demo-qa-002-load',
        domain: 'qa',
        status: 'pending',
        data: { story: 'QA-002', step: 'load test' },
        enqueuedAgo: 110,
        queued: true,
      },
    ],
  },
  {
    threadId: 'WAVE1-BE-002-agent-crash',
    gate: 1,
    phase: 'running',
    createdAgo: 180,
    updatedAgo: 150,
    note: 'stuck (queued_too_long): tasks enqueued but never picked up, the be agents crashed; one task is not indexed',
    tasks: [
      {
        id: 'demo-be-002-schema',
        domain: 'be',
        status: 'pending',
        data: { story: 'BE-002', step: 'migrate schema' },
        enqueuedAgo: 150,
        queued: true,
      },
      {
        id: 'demo-be-002-fixtures',
        domain: 'be',
        status: 'pending',
        data: { story: 'BE-002', step: 'load fixtures' },
        enqueuedAgo: 149,
        queued: true,
        indexed: false,
      },
    ],
  },
  {
    threadId: 'WAVE1-FE-002-dead-agent',
    gate: 3,
    phase: 'running',
    createdAgo: 150,
    updatedAgo: 60,
    note: 'stuck (agent_gone): task in progress but its agent died (heartbeat stale)',
    tasks: [
      {
        id: 'demo-fe-002-checkout',
        domain: 'fe',
        status: 'in_progress',
        data: { story: 'FE-002', step: 'checkout page' },
        enqueuedAgo: 65,
        startedAgo: 60,
        heartbeatAgo: 55,
        agent: 'fe-agent-2',
      },
    ],
  },
  {
    threadId: 'WAVE1-QA-001-unadvanced',
    gate: 4,
    phase: 'running',
    createdAgo: 120,
    updatedAgo: 90,
    note: 'stuck (result_not_advanced): result submitted but the orchestrator never advanced the gate',
    tasks: [
      {
        id: 'demo-qa-001-e2e',
        domain: 'qa',
        status: 'completed',
        data: { thread_id: 'WAVE1-QA-001-unadvanced', story: 'QA-001', step: 'e2e suite' },
        enqueuedAgo: 100,
        startedAgo: 98,
        heartbeatAgo: 85,
        agent: 'qa-agent-1',
        ownerInDataOnly: true,
        result: { success: true, passed: 42, failed: 0 },
      },
    ],
  },
  {
    threadId: 'WAVE1-PM-001-safety-block',
    gate: 5,
    phase: 'blocked',
    createdAgo: 90,
    updatedAgo: 45,
    note: 'stuck (safety_blocked): safety block with no clear path forward',
    tasks: [
      {
        id: 'demo-pm-001-scope',
        domain: 'pm',
        status: 'completed',
        data: { story: 'PM-001', step: 'scope payments change' },
        enqueuedAgo: 80,
        startedAgo: 79,
        heartbeatAgo: 70,
        agent: 'pm-agent-1',
        result: { success: true },
      },
      {
        id: 'demo-pm-001-safety',
        domain: 'safety',
        status: 'blocked',
        data: { story: 'PM-001', step: 'safety review', blocked_reason: 'touches payment credentials; no reviewer assigned' },
        enqueuedAgo: 50,
        startedAgo: 48,
        heartbeatAgo: 45,
        agent: 'safety-agent-1',
      },
    ],
  },
];

const ago = (now: number, minutes: number | undefined): string | undefined =>
  minutes === undefined ? undefined : String(now - Math.round(minutes * MINUTE));

function taskFields(threadId: string, task: DemoTask, now: number): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    thread_id: task.ownerInDataOnly ? undefined : threadId,
    data: JSON.stringify(task.data),
    status: task.status,
    queue: task.domain,
    enqueued_at: ago(now, task.enqueuedAgo),
    started_at: ago(now, task.startedAgo),
    heartbeat_at: ago(now, task.heartbeatAgo),
    agent: task.agent,
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/**
 * Minutes since each domain's agents were last seen (wave:agent-activity): BE's have been silent since
 * before its task queued too long; the others are alive (FE's dead agent is one of several).
 */
const DEMO_AGENTS_LAST_SEEN: Record<Domain, number> = { pm: 1, fe: 2, be: 160, qa: 3, safety: 1 };

/**
 * Writes the demo workflows with raw commands, as the orchestrator would. Does nothing when the
 * index already holds workflows. Returns how many workflows it wrote.
 */
export async function seedDemoWorkflows(redis: RedisClient, keys: RedisKeys, now: number): Promise<number> {
  if ((await redis.zcard(keys.workflowIndex)) > 0) return 0;
  const batch = redis.multi();
  for (const workflow of DEMO_WORKFLOWS) {
    const { threadId } = workflow;
    const createdAt = ago(now, workflow.createdAgo)!;
    batch.hset(keys.workflow(threadId), {
      thread_id: threadId,
      gate: String(workflow.gate),
      phase: workflow.phase,
      created_at: createdAt,
      updated_at: ago(now, workflow.updatedAgo)!,
      note: workflow.note,
    });
    batch.zadd(keys.workflowIndex, createdAt, threadId);
    for (const task of workflow.tasks) {
      batch.hset(keys.task(task.id), taskFields(threadId, task, now));
      if (task.indexed !== false) batch.sadd(keys.workflowTasks(threadId), task.id);
      if (task.result) batch.set(keys.result(task.id), JSON.stringify(task.result));
    }
  }
  // Queued oldest first, as producers would have pushed them: agents pop (and overviews read) the tail.
  const queued = DEMO_WORKFLOWS.flatMap((workflow) => workflow.tasks.filter((task) => task.queued));
  for (const task of queued.sort((a, b) => b.enqueuedAgo - a.enqueuedAgo)) batch.lpush(keys.queue(task.domain), task.id);
  batch.hset(keys.agentActivity, Object.fromEntries(DOMAINS.map((domain) => [domain, ago(now, DEMO_AGENTS_LAST_SEEN[domain])!])));
  await batch.exec();
  return DEMO_WORKFLOWS.length;
}
