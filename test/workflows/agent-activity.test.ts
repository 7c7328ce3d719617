import { join } from 'node:path';
import { assembleScript } from '../../src/redis/script-loader';
import { SCRIPT_DIR } from '../../src/redis/scripts';
import { BACKENDS, NOW, keys, useBackend } from './support';

describe.each(BACKENDS)("each domain's last sign of an agent (wave:agent-activity) on %s", (backendName) => {
  let now = NOW;
  const backend = useBackend(backendName, () => now);
  const lastSeen = async () => {
    const seen = await backend.workflows.agentsLastSeen(['fe', 'be']);
    return { fe: seen[0], be: seen[1] };
  };

  beforeEach(() => {
    now = NOW;
  });

  async function queueOneFeTask(): Promise<void> {
    await backend.lifecycle.startWorkflow({ threadId: 'wf-1' });
    await backend.lifecycle.enqueueTask({ threadId: 'wf-1', domain: 'fe', data: {} });
  }

  it('is null for a domain no agent was seen in', async () => {
    expect(await lastSeen()).toEqual({ fe: null, be: null });
  });

  it('records a pop of an empty queue: an idle agent is alive, unlike a dead one', async () => {
    expect((await backend.fencing.popTask({ domain: 'be', agent: 'be-1' })).task).toBeNull();
    expect(await lastSeen()).toEqual({ fe: null, be: new Date(NOW) });
  });

  it("records the agent's claim, its heartbeats and its result, in its task's domain", async () => {
    await queueOneFeTask();
    const { task } = await backend.fencing.popTask({ domain: 'fe', agent: 'fe-1' });
    expect(await lastSeen()).toEqual({ fe: new Date(NOW), be: null });
    now = NOW + 1000;
    await backend.fencing.recordTaskHeartbeat(task!);
    expect((await lastSeen()).fe).toEqual(new Date(NOW + 1000));
    now = NOW + 2000;
    await backend.fencing.recordTaskResult({ ...task!, result: { ok: true }, status: 'completed' });
    expect((await lastSeen()).fe).toEqual(new Date(NOW + 2000));
  });

  it('never moves back for an agent whose clock is behind', async () => {
    now = NOW + 5000;
    await backend.fencing.popTask({ domain: 'fe', agent: 'ahead' });
    now = NOW;
    await backend.fencing.popTask({ domain: 'fe', agent: 'behind' });
    expect((await lastSeen()).fe).toEqual(new Date(NOW + 5000));
  });

  it('is left alone by an agent of the older contract, which calls the scripts without the activity key', async () => {
    await queueOneFeTask();
    const popTask = assembleScript(join(SCRIPT_DIR, 'pop-task.lua'));
    const reply = await backend.redis.eval(
      popTask,
      1,
      keys.queue('fe'),
      keys.taskKeyPrefix,
      keys.workflowKeyPrefix,
      'old-agent',
      String(NOW),
      '10',
      '',
    );
    expect((reply as unknown[])[0]).toBe(1);
    expect(await backend.redis.exists(keys.agentActivity)).toBe(0);
  });
});
