import { join } from 'node:path';
import { assembleScript } from '../../src/redis/script-loader';
import { SCRIPT_DIR } from '../../src/redis/scripts';
import { parseCount, parseDomain, parsePhase, parseStatus, taskOwner } from '../../src/workflows/workflow.records';
import { PHASES } from '../../src/workflows/workflow.types';
import { COUNT_READINGS, DOMAIN_READINGS, OWNER_READINGS, PHASE_READINGS, STATUS_READINGS, type Stored } from '../fixtures/stored-values';
import { BACKENDS, keys, resetRequest, useBackend, writeWorkflow } from '../workflows/support';

/**
 * Every rule written both in TypeScript (workflow.records.ts) and in Lua (scripts/includes/*.lua, used
 * by the scripts) gives the same reading of the same stored values: the TypeScript side below, the Lua
 * side on each backend, through the helper itself and through the scripts that apply it.
 */
const HELPERS = ['decimal', 'counter', 'phaseOf', 'isSettledStatus', 'taskOwner']
  .map((helper) => assembleScript(join(SCRIPT_DIR, 'includes', `${helper}.lua`)))
  .join('\n');
const KEY = 'wave:stored-value';
const TASK_STATUSES_SETTLED = ['completed', 'failed', 'cancelled'];

describe('the TypeScript side of the shared rules', () => {
  it.each(PHASE_READINGS)('reads the phase %j as %s', (stored, reading) => {
    expect(parsePhase(stored)).toBe(reading);
  });

  it.each(STATUS_READINGS)('reads the status %j as %s (settled: %s)', (stored, reading, settled) => {
    expect(parseStatus(stored)).toBe(reading);
    expect(TASK_STATUSES_SETTLED.includes(parseStatus(stored))).toBe(settled);
  });

  it.each(COUNT_READINGS)('reads the count %j as %d', (stored, reading) => {
    expect(parseCount(stored)).toBe(reading);
  });

  it.each(DOMAIN_READINGS)('reads the queue %j as the domain %s', (stored, reading) => {
    expect(parseDomain(stored)).toBe(reading);
  });

  it.each(OWNER_READINGS)('reads the owner of $threadId / $data as $owner', ({ threadId, data, owner }) => {
    expect(taskOwner({ thread_id: threadId, data })).toBe(owner);
  });
});

describe.each(BACKENDS)('the Lua side of the shared rules on %s', (backendName) => {
  const backend = useBackend(backendName);

  /** Evaluates an expression of the helpers over the hash at KEY, whose `value` field holds `stored` (absent when undefined). */
  async function luaReading(expression: string, fields: Record<string, Stored>, ...args: string[]): Promise<unknown> {
    const present = Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined);
    if (present.length > 0) await backend.redis.hset(KEY, Object.fromEntries(present));
    // A Lua nil is a null reply on Redis, undefined on ioredis-mock.
    return (await backend.redis.eval(`${HELPERS}\nreturn ${expression}`, 1, KEY, ...args)) ?? null;
  }

  it.each(PHASE_READINGS)('reads the phase %j as %s', async (stored, reading) => {
    expect(await luaReading("phaseOf(redis.call('HGET', KEYS[1], 'value'), ARGV[1])", { value: stored }, PHASES.join(','))).toBe(reading);
  });

  it.each(STATUS_READINGS)('reads the status %j as settled: %s', async (stored, _reading, settled) => {
    expect(await luaReading("isSettledStatus(redis.call('HGET', KEYS[1], 'value')) and 1 or 0", { value: stored })).toBe(settled ? 1 : 0);
  });

  it.each(COUNT_READINGS)('reads the count %j as %d', async (stored, reading) => {
    expect(await luaReading("decimal(counter(redis.call('HGET', KEYS[1], 'value')))", { value: stored })).toBe(String(reading));
  });

  it.each(OWNER_READINGS)('reads the owner of $threadId / $data as $owner', async ({ threadId, data, owner, embedded }) => {
    const expected = backendName === 'ioredis-mock' && embedded !== undefined ? embedded : owner;
    // An empty hash does not exist: a lone marker field keeps the record when both fields are absent.
    expect(await luaReading('taskOwner(KEYS[1])', { thread_id: threadId, data, marker: '1' })).toBe(expected);
  });

  describe('as the scripts apply them', () => {
    it.each(PHASE_READINGS)('runs (transition-workflow.lua) a workflow whose phase is %j as one that is %s', async (stored, reading) => {
      await writeWorkflow(backend.redis, 'wf');
      if (stored === undefined) await backend.redis.hdel(keys.workflow('wf'), 'phase');
      else await backend.redis.hset(keys.workflow('wf'), 'phase', stored);
      const run = backend.lifecycle.runWorkflow('wf');
      if (reading === 'running' || reading === 'completed') {
        await expect(run).rejects.toMatchObject({
          code: 'CONFLICT',
          message: expect.stringContaining(`is ${reading === 'running' ? 'already ' : ''}${reading}`),
        });
      } else {
        expect((await run).phase).toBe('running');
      }
    });

    it.each(PHASE_READINGS)(
      'checks a reset expecting phase %s of a workflow whose phase is %j (reset-workflow.lua)',
      async (stored, reading) => {
        await writeWorkflow(backend.redis, 'wf');
        if (stored === undefined) await backend.redis.hdel(keys.workflow('wf'), 'phase');
        else await backend.redis.hset(keys.workflow('wf'), 'phase', stored);
        const preview = await backend.resets.resetWorkflow(resetRequest('wf', { dryRun: true, expectedPhase: reading as never }));
        expect(preview.plan!.current!.phase).toBe(reading);
      },
    );

    it.each(STATUS_READINGS)(
      'cancels a task whose status is %j in a reset unless it is settled (reset-workflow.lua)',
      async (stored, _reading, settled) => {
        await writeWorkflow(backend.redis, 'wf');
        await backend.redis.hset(keys.task('t'), { thread_id: 'wf', ...(stored === undefined ? { queue: 'fe' } : { status: stored }) });
        await backend.redis.sadd(keys.workflowTasks('wf'), 't');
        const summary = await backend.resets.resetWorkflow(resetRequest('wf', { clearTasks: false }));
        expect(summary.success).toBe(true);
        expect(await backend.redis.hget(keys.task('t'), 'status')).toBe(settled ? stored : 'cancelled');
      },
    );

    it.each(STATUS_READINGS)(
      'refuses a result for a task whose status is %j when it is settled (record-task-result.lua)',
      async (stored, _reading, settled) => {
        await writeWorkflow(backend.redis, 'wf');
        await backend.redis.hset(keys.task('t'), { thread_id: 'wf', ...(stored === undefined ? { queue: 'fe' } : { status: stored }) });
        const outcome = await backend.fencing.recordTaskResult({ taskId: 't', attempt: 0, result: {}, status: 'completed' });
        expect(outcome.recorded).toBe(!settled);
      },
    );
  });
});
