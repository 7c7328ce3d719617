/**
 * The Redis key contract shared with the orchestrator and its agents (docs/redis-contract.md).
 * This is the only module that knows key strings. Every key a script reads or writes starts with the
 * prefix, so a prefix holding a hash tag (`{wave}`) keeps them in one Redis Cluster slot.
 */

export class RedisKeys {
  constructor(readonly prefix: string) {}

  workflow(threadId: string): string {
    return `${this.prefix}:workflow:${threadId}`;
  }

  /** Sorted set of thread ids scored by `created_at`. */
  get workflowIndex(): string {
    return `${this.prefix}:workflows`;
  }

  /** Workflow keys are `<prefix><threadId>`: pop-task.lua builds a popped task's workflow key from it. */
  get workflowKeyPrefix(): string {
    return `${this.prefix}:workflow:`;
  }

  workflowTasks(threadId: string): string {
    return `${this.prefix}:workflow:${threadId}:tasks`;
  }

  /** Task and result keys are `<prefix><id>`: scripts that discover task ids build them from these. */
  get taskKeyPrefix(): string {
    return `${this.prefix}:task:`;
  }

  get resultKeyPrefix(): string {
    return `${this.prefix}:result:`;
  }

  task(taskId: string): string {
    return this.taskKeyPrefix + taskId;
  }

  result(taskId: string): string {
    return this.resultKeyPrefix + taskId;
  }

  /** The queue of a domain (the domains are the domain's vocabulary: workflows/workflow.types.ts). */
  queue(domain: string): string {
    return `${this.prefix}:tasks:${domain}`;
  }

  /** The last sign of life of any agent, per domain (field: the domain, value: epoch ms), kept by the agent scripts. */
  get agentActivity(): string {
    return `${this.prefix}:agent-activity`;
  }

  get resultsChannel(): string {
    return `${this.prefix}:results`;
  }

  /** Workflow life-cycle events (`workflow.reset`) for agents and the orchestrator. */
  get eventsChannel(): string {
    return `${this.prefix}:events`;
  }

  /** Every reset and preview, all workflows. */
  get audit(): string {
    return `${this.prefix}:audit`;
  }

  /** The resets and previews of one workflow (`audit` + ':' + id: never the global stream). */
  workflowAudit(threadId: string): string {
    return `${this.prefix}:audit:${threadId}`;
  }

  /** The stored summary of a reset, by sha256 of actor and request id (hex). */
  resetRequest(requestHash: string): string {
    return `${this.prefix}:reset-request:${requestHash}`;
  }

  /** The canonical plan a preview issued, by its plan token. */
  resetPlan(planToken: string): string {
    return `${this.prefix}:reset-plan:${planToken}`;
  }

  /**
   * One caller's calls to one rate-limited field. Only a single-key script touches it, so it is built
   * without the prefix's hash tag (`{wave}` → `wave`): in a Redis Cluster these keys spread over the
   * shards instead of joining WAVE's slot.
   */
  rateLimit(contextIdentity: string, fieldIdentity: string): string {
    return `${this.prefix.replace(/[{}]/g, '')}:ratelimit:${fieldIdentity}:${contextIdentity}`;
  }
}
