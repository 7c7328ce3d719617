import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';
import { assembleScript } from './script-loader';

/**
 * Every multi-key change is one Lua script named after what it does (as BullMQ does), so it is
 * atomic against the agents that pop the same queues. Only src/redis/commands/ runs them, each
 * through its own typed function.
 */
const SCRIPTS = {
  findQueuedTasks: { file: 'find-queued-tasks.lua', numberOfKeys: 1 },
  resetWorkflow: { file: 'reset-workflow.lua', numberOfKeys: 7 },
  recordResetPreview: { file: 'record-reset-preview.lua', numberOfKeys: 3 },
  popTask: { file: 'pop-task.lua', numberOfKeys: 2 },
  oldestQueued: { file: 'oldest-queued.lua', numberOfKeys: 1 },
  recordTaskResult: { file: 'record-task-result.lua', numberOfKeys: 4 },
  recordTaskHeartbeat: { file: 'record-task-heartbeat.lua', numberOfKeys: 3 },
  enqueueTask: { file: 'enqueue-task.lua', numberOfKeys: 4 },
  createWorkflow: { file: 'create-workflow.lua', numberOfKeys: 2 },
  transitionWorkflow: { file: 'transition-workflow.lua', numberOfKeys: 1 },
  rateLimitHit: { file: 'rate-limit-hit.lua', numberOfKeys: 1 },
} as const satisfies Record<string, { file: string; numberOfKeys: number }>;

export type ScriptName = keyof typeof SCRIPTS;

/** Where the scripts live; their helpers are in `includes/` below it. */
export const SCRIPT_DIR = join(__dirname, 'scripts');

/** A client as ioredis types it, not as client.ts's RedisClient: client.ts imports this module. */
type ScriptClient = Redis | Cluster;

/** Defines every script on the client as a command (EVALSHA, falling back to EVAL), its includes assembled. */
export function defineScripts(redis: ScriptClient): void {
  for (const [name, lua] of assembledScripts()) {
    redis.defineCommand(name, { numberOfKeys: SCRIPTS[name].numberOfKeys, lua });
  }
}

let assembled: Map<ScriptName, string> | undefined;
let namesByDigest: Map<string, ScriptName> | undefined;

/** Every script's source with its includes, read once per process. */
function assembledScripts(): Map<ScriptName, string> {
  assembled ??= new Map((Object.keys(SCRIPTS) as ScriptName[]).map((name) => [name, assembleScript(join(SCRIPT_DIR, SCRIPTS[name].file))]));
  return assembled;
}

/**
 * The script an EVALSHA's digest (or an EVAL's source, ioredis's fallback) runs, for traces and
 * metrics to name it; undefined for any other script.
 */
export function scriptNameOf(digestOrSource: string): ScriptName | undefined {
  if (!namesByDigest) {
    namesByDigest = new Map();
    for (const [name, lua] of assembledScripts()) {
      namesByDigest.set(createHash('sha1').update(lua).digest('hex'), name);
      namesByDigest.set(lua, name);
    }
  }
  return namesByDigest.get(digestOrSource);
}

/** Whether defineScripts has run on this client (a readiness check). */
export function scriptsDefined(redis: ScriptClient): boolean {
  return Object.keys(SCRIPTS).every((name) => typeof (redis as unknown as Record<string, unknown>)[name] === 'function');
}

type ScriptCommand = (...keysAndArgs: string[]) => Promise<unknown>;

/** Runs a defined script; its reply is for the command module that called it to decode. */
export async function runScript(redis: ScriptClient, name: ScriptName, keys: readonly string[], args: readonly string[]): Promise<unknown> {
  if (keys.length !== SCRIPTS[name].numberOfKeys) {
    throw new Error(`${name} takes ${SCRIPTS[name].numberOfKeys} keys, not ${keys.length}`);
  }
  const command = (redis as unknown as Record<ScriptName, ScriptCommand>)[name];
  return command.call(redis, ...keys, ...args);
}
