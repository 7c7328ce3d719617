import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Redis from 'ioredis';
import type { Result } from 'ioredis';
import { DOMAINS } from './keys';

/**
 * Every multi-key change is one Lua script named after what it does (as BullMQ does),
 * so it is atomic against the agents that pop the same queues.
 */
const SCRIPTS = {
  // Workflow hash, task index, workflows index, audit stream, then one queue per domain.
  resetWorkflow: { file: 'reset-workflow.lua', numberOfKeys: 4 + DOMAINS.length },
  enqueueTask: { file: 'enqueue-task.lua', numberOfKeys: 4 },
  createWorkflow: { file: 'create-workflow.lua', numberOfKeys: 2 },
  transitionWorkflow: { file: 'transition-workflow.lua', numberOfKeys: 1 },
  rateLimitHit: { file: 'rate-limit-hit.lua', numberOfKeys: 1 },
} as const;

const SCRIPT_DIR = join(__dirname, 'scripts');

export function defineScripts(redis: Redis): void {
  for (const [name, { file, numberOfKeys }] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { numberOfKeys, lua: readFileSync(join(SCRIPT_DIR, file), 'utf8') });
  }
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    resetWorkflow(...keysAndArgs: (string | number)[]): Result<(string | number)[], Context>;
    enqueueTask(...keysAndArgs: (string | number)[]): Result<number, Context>;
    createWorkflow(...keysAndArgs: (string | number)[]): Result<number, Context>;
    transitionWorkflow(...keysAndArgs: (string | number)[]): Result<[number, string], Context>;
    rateLimitHit(...keysAndArgs: (string | number)[]): Result<string[], Context>;
  }
}
