import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Redis from 'ioredis';
import type { Result } from 'ioredis';

/**
 * Every multi-key change is one Lua script named after what it does (as BullMQ does),
 * so it is atomic against the agents that pop the same queues.
 */
const SCRIPTS = {
  resetWorkflow: { file: 'reset-workflow.lua', numberOfKeys: 9 },
  enqueueTask: { file: 'enqueue-task.lua', numberOfKeys: 4 },
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
    rateLimitHit(...keysAndArgs: (string | number)[]): Result<number[], Context>;
  }
}
