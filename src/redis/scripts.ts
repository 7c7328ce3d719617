import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster, Redis, Result } from 'ioredis';
import { DOMAINS } from './keys';

/**
 * Every multi-key change is one Lua script named after what it does (as BullMQ does),
 * so it is atomic against the agents that pop the same queues.
 */
const SCRIPTS = {
  // Workflow hash, task index, workflows index, audit streams (all, the workflow's), stored request
  // summary, stored plan, then one queue per domain.
  resetWorkflow: { file: 'reset-workflow.lua', numberOfKeys: 7 + DOMAINS.length, prelude: true },
  // Task hash, result key, workflow hash.
  recordTaskResult: { file: 'record-task-result.lua', numberOfKeys: 3, prelude: true },
  // Task hash, workflow hash.
  recordTaskHeartbeat: { file: 'record-task-heartbeat.lua', numberOfKeys: 2, prelude: true },
  enqueueTask: { file: 'enqueue-task.lua', numberOfKeys: 4, prelude: true },
  createWorkflow: { file: 'create-workflow.lua', numberOfKeys: 2 },
  transitionWorkflow: { file: 'transition-workflow.lua', numberOfKeys: 1, prelude: true },
  rateLimitHit: { file: 'rate-limit-hit.lua', numberOfKeys: 1 },
} as const satisfies Record<string, { file: string; numberOfKeys: number; prelude?: boolean }>;

const SCRIPT_DIR = join(__dirname, 'scripts');

/** Lua has no imports in EVAL: scripts that share helpers get prelude.lua prepended. */
function scriptSource(file: string, prelude: boolean): string {
  const source = readFileSync(join(SCRIPT_DIR, file), 'utf8');
  return prelude ? readFileSync(join(SCRIPT_DIR, 'prelude.lua'), 'utf8') + source : source;
}

// Typed by ioredis, not by client.ts's RedisClient: client.ts imports this module.
export function defineScripts(redis: Redis | Cluster): void {
  for (const [name, script] of Object.entries(SCRIPTS)) {
    const prelude = 'prelude' in script && script.prelude;
    redis.defineCommand(name, { numberOfKeys: script.numberOfKeys, lua: scriptSource(script.file, prelude) });
  }
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    resetWorkflow(...keysAndArgs: (string | number)[]): Result<(string | number)[], Context>;
    recordTaskResult(...keysAndArgs: (string | number)[]): Result<number[], Context>;
    recordTaskHeartbeat(...keysAndArgs: (string | number)[]): Result<number[], Context>;
    enqueueTask(...keysAndArgs: (string | number)[]): Result<(string | number)[], Context>;
    createWorkflow(...keysAndArgs: (string | number)[]): Result<number, Context>;
    transitionWorkflow(...keysAndArgs: (string | number)[]): Result<[number, string], Context>;
    rateLimitHit(...keysAndArgs: (string | number)[]): Result<string[], Context>;
  }
}
