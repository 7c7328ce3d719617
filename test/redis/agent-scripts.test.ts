import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { assembleScript } from '../../src/redis/script-loader';
import { SCRIPT_DIR } from '../../src/redis/scripts';
import { BACKENDS, keys, NOW, useBackend, writeTask, writeWorkflow } from '../workflows/support';

const ROOT = join(__dirname, '../..');

/** The source an agent loads, printed by the tool docs/redis-contract.md names. */
function assembledForAgents(file: string): string {
  return execFileSync('npx', ['ts-node', '--transpile-only', 'scripts/assemble-lua.ts', file], { cwd: ROOT, encoding: 'utf8' });
}

describe('the scripts agents load themselves (docs/redis-contract.md, "Fencing stale agents")', () => {
  const sources = {
    result: assembledForAgents('record-task-result.lua'),
    heartbeat: assembledForAgents('record-task-heartbeat.lua'),
    pop: assembledForAgents('pop-task.lua'),
  };

  it('are printed by scripts/assemble-lua.ts exactly as the API loads them, with no include left', () => {
    expect(sources.result).toBe(assembleScript(join(SCRIPT_DIR, 'record-task-result.lua')));
    expect(sources.heartbeat).toBe(assembleScript(join(SCRIPT_DIR, 'record-task-heartbeat.lua')));
    expect(sources.pop).toBe(assembleScript(join(SCRIPT_DIR, 'pop-task.lua')));
    expect(sources.result + sources.heartbeat + sources.pop).not.toMatch(/@include/);
  });

  describe.each(BACKENDS)('run by a plain EVAL with the documented KEYS and ARGV on %s', (backendName) => {
    const backend = useBackend(backendName);

    beforeEach(async () => {
      await writeWorkflow(backend.redis, 'wf');
      await writeTask(backend.redis, { id: 't1', threadId: 'wf', status: 'in_progress' });
    });

    it('records a heartbeat, then a result, then refuses a second result', async () => {
      const heartbeat = [keys.task('t1'), keys.workflow('wf'), '0', String(NOW), 'wf'];
      expect(await backend.redis.eval(sources.heartbeat, 2, ...heartbeat)).toEqual([1]);
      const result = [
        keys.task('t1'),
        keys.result('t1'),
        keys.workflow('wf'),
        't1',
        '0',
        '{"ok":true}',
        'completed',
        String(NOW),
        keys.resultsChannel,
        'wf',
      ];
      expect(await backend.redis.eval(sources.result, 3, ...result)).toEqual([1]);
      expect(await backend.redis.hget(keys.task('t1'), 'heartbeat_at')).toBe(String(NOW));
      expect(await backend.redis.get(keys.result('t1'))).toBe('{"ok":true}');
      expect(await backend.redis.eval(sources.result, 3, ...result)).toEqual([-5]);
    });

    it('pops past the dead id a reset left, claims the live task, then checks and claims an id popped by BRPOP', async () => {
      await writeTask(backend.redis, { id: 'dead', threadId: 'wf', status: 'cancelled', queued: true });
      await writeTask(backend.redis, { id: 'live', threadId: 'wf', queued: true }); // pushed after 'dead': popped after it
      const pop = (taskId: string) => [keys.queue('fe'), keys.taskKeyPrefix, keys.workflowKeyPrefix, 'agent-1', String(NOW), '10', taskId];
      expect(await backend.redis.eval(sources.pop, 1, ...pop(''))).toEqual([1, 'live', 'wf', '0', '1']);
      expect(await backend.redis.hget(keys.task('live'), 'status')).toBe('in_progress');
      expect(await backend.redis.eval(sources.pop, 1, ...pop(''))).toEqual([0, '0']);
      expect(await backend.redis.eval(sources.pop, 1, ...pop('dead'))).toEqual([-1]);
      expect(await backend.redis.eval(sources.pop, 1, ...pop('t1'))).toEqual([1, 't1', 'wf', '0', '0']);
    });
  });
});
