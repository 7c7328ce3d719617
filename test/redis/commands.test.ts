import { createEmbeddedRedis } from '../../src/redis/client';
import { CreateWorkflowOutcome, decodeCreateWorkflowReply } from '../../src/redis/commands/create-workflow';
import { decodeEnqueueTaskReply, EnqueueTaskOutcome } from '../../src/redis/commands/enqueue-task';
import { decodeResetReply, ResetScriptOutcome } from '../../src/redis/commands/reset-workflow';
import { UnexpectedScriptReply } from '../../src/redis/commands/script-io';
import { decodeTaskWriteReply, TaskWriteOutcome } from '../../src/redis/commands/task-fence';
import { decodeTransitionWorkflowReply, TransitionWorkflowOutcome } from '../../src/redis/commands/transition-workflow';
import { runScript } from '../../src/redis/scripts';

/** The numeric members of an enum (TypeScript adds the reverse name mappings too). */
function codesOf(outcomes: Record<string, string | number>): number[] {
  return Object.values(outcomes).filter((value): value is number => typeof value === 'number');
}

describe('the reply decoders of the script commands', () => {
  describe('create-workflow.lua', () => {
    it.each([
      [1, CreateWorkflowOutcome.Created],
      [0, CreateWorkflowOutcome.AlreadyExists],
    ])('reads %j as %s', (reply, outcome) => {
      expect(decodeCreateWorkflowReply(reply)).toBe(outcome);
    });

    it.each([2, -1, '', null, [1]])('refuses %j', (reply) => {
      expect(() => decodeCreateWorkflowReply(reply)).toThrow(UnexpectedScriptReply);
    });
  });

  describe('enqueue-task.lua', () => {
    it.each([
      [[1, '4'], { outcome: EnqueueTaskOutcome.Queued, attempt: 4 }],
      [[0], { outcome: EnqueueTaskOutcome.NoWorkflow }],
      [[-1], { outcome: EnqueueTaskOutcome.TaskIdTaken }],
    ])('reads %j', (reply, decoded) => {
      expect(decodeEnqueueTaskReply(reply)).toEqual(decoded);
    });

    it.each([[[2]], [[1]], [[1, 'x']], [1], [[]]])('refuses %j', (reply) => {
      expect(() => decodeEnqueueTaskReply(reply)).toThrow(UnexpectedScriptReply);
    });
  });

  describe('transition-workflow.lua', () => {
    it.each([
      [[1, 'pending'], { outcome: TransitionWorkflowOutcome.Moved, phase: 'pending' }],
      [[0, ''], { outcome: TransitionWorkflowOutcome.NoWorkflow, phase: '' }],
      [[-1, 'completed'], { outcome: TransitionWorkflowOutcome.PhaseForbids, phase: 'completed' }],
    ])('reads %j', (reply, decoded) => {
      expect(decodeTransitionWorkflowReply(reply)).toEqual(decoded);
    });

    it.each([[[-2, 'x']], ['1']])('refuses %j', (reply) => {
      expect(() => decodeTransitionWorkflowReply(reply)).toThrow(UnexpectedScriptReply);
    });
  });

  describe.each(['recordTaskResult', 'recordTaskHeartbeat'] as const)('the fenced write %s', (script) => {
    it.each(codesOf(TaskWriteOutcome))('reads {%d} as its outcome', (code) => {
      expect(decodeTaskWriteReply(script, [code])).toBe(code);
    });

    it('has one outcome for every reply the fence sends', () => {
      expect(codesOf(TaskWriteOutcome).sort((a, b) => a - b)).toEqual([-5, -4, -3, -2, -1, 1]);
    });

    it.each([[[0]], [[-6]], [[]], [1], ['-1']])('refuses %j, naming the script', (reply) => {
      expect(() => decodeTaskWriteReply(script, reply)).toThrow(new RegExp(`^${script} replied`));
    });
  });

  describe('reset-workflow.lua', () => {
    const counts = { tasks: 2, results: 1, cancelled: 1, queues: 'fe,qa' };
    const noCounts = { tasks: 0, results: 0, cancelled: 0, queues: '' };
    // Ids in the dequeue lines are escaped as in a plan: "a\tb" is one id.
    const dequeueText = 'fe\tt1\ta%09b\nqa\tt%252';
    const dequeue = [
      { domain: 'fe', taskIds: ['t1', 'a\tb'] },
      { domain: 'qa', taskIds: ['t%2'] },
    ];

    it.each([
      [[1, '', '2', '1', '1', 'fe,qa', '3', dequeueText], { outcome: ResetScriptOutcome.Reset, counts, attempt: 3, dequeue }],
      [[3, '', '2', '1', '1', 'fe,qa', '3', dequeueText], { outcome: ResetScriptOutcome.Replayed, counts, attempt: 3, dequeue }],
      [[1, '', '0', '0', '0', '', '1', ''], { outcome: ResetScriptOutcome.Reset, counts: noCounts, attempt: 1, dequeue: [] }],
      [
        [2, 'wave-reset-plan\t2', '2', '1', '1', 'fe,qa', '2', dequeueText],
        { outcome: ResetScriptOutcome.Previewed, plan: 'wave-reset-plan\t2', counts, attempt: 2 },
      ],
      [[0], { outcome: ResetScriptOutcome.UnknownWorkflow }],
      [[4], { outcome: ResetScriptOutcome.NotStored }],
      [[-1], { outcome: ResetScriptOutcome.RequestIdConflict }],
      [
        [-2, '1', '4', 'running'],
        { outcome: ResetScriptOutcome.PreconditionFailed, current: { hasRecord: true, gate: 4, phase: 'running' } },
      ],
      [
        [-2, '0', '0', 'pending'],
        { outcome: ResetScriptOutcome.PreconditionFailed, current: { hasRecord: false, gate: 0, phase: 'pending' } },
      ],
      [[-3, 'missing'], { outcome: ResetScriptOutcome.StalePlan, reason: 'missing' }],
      [[-3, 'changed'], { outcome: ResetScriptOutcome.StalePlan, reason: 'changed' }],
    ])('reads %j', (reply, decoded) => {
      expect(decodeResetReply(reply)).toEqual(decoded);
    });

    it('decodes every outcome the enum names', () => {
      expect(codesOf(ResetScriptOutcome).sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3, 4]);
    });

    it.each([[[5]], [[-4]], [[-3, 'other']], [[1, '', 'x', '0', '0', '', '1']], [[1, '', '0', '0', '0', '']], ['1'], [[]]])(
      'refuses %j',
      (reply) => {
        expect(() => decodeResetReply(reply)).toThrow(UnexpectedScriptReply);
      },
    );
  });
});

describe('runScript', () => {
  it('refuses a key list of another length than the script declares, before sending anything', async () => {
    const redis = createEmbeddedRedis();
    await expect(runScript(redis, 'createWorkflow', ['wave:workflow:a'], ['a', '1'])).rejects.toThrow('createWorkflow takes 2 keys, not 1');
    expect(await redis.exists('wave:workflow:a')).toBe(0);
    redis.disconnect();
  });
});
