import type { StuckThresholds } from '../../src/config';
import { diagnoseWorkflow } from '../../src/workflows/stuck-diagnosis';
import type { Phase, Task, Workflow } from '../../src/workflows/workflow.types';

const NOW = 1_767_225_600_000;
const SECOND = 1000;
const MINUTE = 60_000;
const THRESHOLDS: StuckThresholds = { queuedAfterMs: 10 * MINUTE, runningAfterMs: 5 * MINUTE, resultAfterMs: 5 * MINUTE };
const ago = (ms: number): Date => new Date(NOW - ms);

function workflow(phase: Phase = 'running', updatedAgo = 60 * MINUTE): Workflow {
  return { threadId: 'wf-1', gate: 2, phase, attempt: 0, createdAt: ago(120 * MINUTE), updatedAt: ago(updatedAgo) };
}

function task(fields: Partial<Task> = {}): Task {
  return {
    id: 't-1',
    threadId: 'wf-1',
    domain: 'fe',
    status: 'pending',
    data: { step: 'work' },
    enqueuedAt: ago(MINUTE),
    startedAt: null,
    heartbeatAt: null,
    agent: null,
    result: null,
    ...fields,
  };
}

const diagnose = (wf: Workflow, tasks: Task[]) => diagnoseWorkflow(wf, tasks, THRESHOLDS, NOW);
const kinds = (wf: Workflow, tasks: Task[]) => diagnose(wf, tasks).reasons.map((reason) => reason.kind);

describe('diagnoseWorkflow', () => {
  it('finds a running workflow with fresh tasks healthy', () => {
    expect(diagnose(workflow(), [task(), task({ id: 't-2', status: 'in_progress', heartbeatAt: ago(SECOND) })])).toEqual({
      stuck: false,
      reasons: [],
    });
  });

  it('finds a workflow without tasks healthy', () => {
    expect(diagnose(workflow('pending'), [])).toEqual({ stuck: false, reasons: [] });
  });

  describe('queued_too_long: enqueued but never picked up', () => {
    it('reports a pending task queued longer than queuedAfter, with its id, since, duration and a fix', () => {
      const health = diagnose(workflow(), [task({ id: 't-q', domain: 'be', enqueuedAt: ago(25 * MINUTE) })]);
      expect(health).toEqual({
        stuck: true,
        reasons: [
          {
            kind: 'queued_too_long',
            taskId: 't-q',
            since: ago(25 * MINUTE),
            durationMs: 25 * MINUTE,
            suggestedFix: expect.stringContaining('check the be agents are running'),
          },
        ],
      });
      expect(health.reasons[0].suggestedFix).toMatch(/in 25m: .*reset the workflow to requeue it/);
    });

    it('does not report a task queued exactly queuedAfter ago', () => {
      expect(kinds(workflow(), [task({ enqueuedAt: ago(10 * MINUTE) })])).toEqual([]);
    });

    it('reports a task queued one millisecond longer than queuedAfter', () => {
      expect(kinds(workflow(), [task({ enqueuedAt: ago(10 * MINUTE + 1) })])).toEqual(['queued_too_long']);
    });

    it('does not report a pending task without an enqueue time, whose wait cannot be measured', () => {
      expect(kinds(workflow(), [task({ enqueuedAt: null })])).toEqual([]);
    });

    it('does not report a task that has left the queue, whatever its age', () => {
      for (const status of ['in_progress', 'completed', 'failed', 'cancelled'] as const) {
        const old = task({ status, enqueuedAt: ago(60 * MINUTE), heartbeatAt: ago(SECOND) });
        expect(kinds(workflow('running', 0), [old])).not.toContain('queued_too_long');
      }
    });
  });

  describe('agent_gone: in progress but the agent died', () => {
    const running = (fields: Partial<Task>) => task({ id: 't-r', status: 'in_progress', agent: 'fe-agent-2', ...fields });

    it('reports an in-progress task whose heartbeat is older than runningAfter, naming the agent', () => {
      const [reason] = diagnose(workflow(), [running({ startedAt: ago(60 * MINUTE), heartbeatAt: ago(55 * MINUTE) })]).reasons;
      expect(reason).toEqual({
        kind: 'agent_gone',
        taskId: 't-r',
        since: ago(55 * MINUTE),
        durationMs: 55 * MINUTE,
        suggestedFix: expect.stringMatching(/^Agent fe-agent-2 has not reported on task t-r for 55m: .*reset the workflow/),
      });
    });

    it('does not report a task whose heartbeat is exactly runningAfter old', () => {
      expect(kinds(workflow(), [running({ heartbeatAt: ago(5 * MINUTE) })])).toEqual([]);
    });

    it('reports a task whose heartbeat is one millisecond older than runningAfter', () => {
      expect(kinds(workflow(), [running({ heartbeatAt: ago(5 * MINUTE + 1) })])).toEqual(['agent_gone']);
    });

    it('trusts a fresh heartbeat over an old start', () => {
      expect(kinds(workflow(), [running({ startedAt: ago(60 * MINUTE), heartbeatAt: ago(MINUTE) })])).toEqual([]);
    });

    it('falls back to started_at when the agent never heartbeated', () => {
      const [reason] = diagnose(workflow(), [running({ startedAt: ago(7 * MINUTE), heartbeatAt: null })]).reasons;
      expect(reason).toMatchObject({ kind: 'agent_gone', since: ago(7 * MINUTE) });
    });

    it('falls back to enqueued_at when the agent wrote neither heartbeat nor start', () => {
      const [reason] = diagnose(workflow(), [running({ enqueuedAt: ago(8 * MINUTE), agent: null })]).reasons;
      expect(reason).toMatchObject({ kind: 'agent_gone', since: ago(8 * MINUTE) });
      expect(reason.suggestedFix).toMatch(/^The fe agent has not reported/);
    });

    it('does not report an in-progress task with no time at all', () => {
      expect(kinds(workflow(), [running({ enqueuedAt: null })])).toEqual([]);
    });
  });

  describe('result_not_advanced: result stored but the workflow did not move', () => {
    const done = (fields: Partial<Task> = {}) =>
      task({ id: 't-d', status: 'completed', heartbeatAt: ago(85 * MINUTE), result: { success: true }, ...fields });

    it('reports a completed task whose result is older than resultAfter and newer than the workflow update', () => {
      const [reason] = diagnose(workflow('running', 90 * MINUTE), [done()]).reasons;
      expect(reason).toEqual({
        kind: 'result_not_advanced',
        taskId: 't-d',
        since: ago(85 * MINUTE),
        durationMs: 85 * MINUTE,
        suggestedFix: expect.stringMatching(/stored its result 1h 25m ago .*check the orchestrator is running/),
      });
    });

    it('reports a failed task the same way, calling it a failure', () => {
      const [reason] = diagnose(workflow('pending', 90 * MINUTE), [done({ status: 'failed', result: { success: false } })]).reasons;
      expect(reason.kind).toBe('result_not_advanced');
      expect(reason.suggestedFix).toMatch(/stored its failure/);
    });

    it('does not report a result the workflow moved after', () => {
      expect(kinds(workflow('running', 80 * MINUTE), [done()])).toEqual([]);
    });

    it('reports a result stored at the very time of the last workflow update', () => {
      expect(kinds(workflow('running', 85 * MINUTE), [done()])).toEqual(['result_not_advanced']);
    });

    it('does not report a result stored exactly resultAfter ago', () => {
      expect(kinds(workflow('running', 60 * MINUTE), [done({ heartbeatAt: ago(5 * MINUTE) })])).toEqual([]);
    });

    it('reports a result stored one millisecond longer than resultAfter ago', () => {
      expect(kinds(workflow('running', 60 * MINUTE), [done({ heartbeatAt: ago(5 * MINUTE + 1) })])).toEqual(['result_not_advanced']);
    });

    it('dates the result by the last heartbeat, else the start, else the enqueue', () => {
      const wf = workflow('running', 120 * MINUTE);
      const since = (fields: Partial<Task>) => diagnose(wf, [done(fields)]).reasons[0].since;
      expect(since({ enqueuedAt: ago(30 * MINUTE), startedAt: ago(20 * MINUTE), heartbeatAt: ago(10 * MINUTE) })).toEqual(ago(10 * MINUTE));
      expect(since({ enqueuedAt: ago(30 * MINUTE), startedAt: ago(20 * MINUTE), heartbeatAt: null })).toEqual(ago(20 * MINUTE));
      expect(since({ enqueuedAt: ago(30 * MINUTE), startedAt: null, heartbeatAt: null })).toEqual(ago(30 * MINUTE));
    });

    it('does not report a completed task without a stored result', () => {
      expect(kinds(workflow('running', 90 * MINUTE), [done({ result: null })])).toEqual([]);
    });

    it('does not report a result of a workflow that is blocked (the safety case says why)', () => {
      expect(kinds(workflow('blocked', 90 * MINUTE), [done()])).toEqual(['safety_blocked']);
    });

    it('reports only the result the workflow has not moved past', () => {
      const older = done({ id: 't-old', heartbeatAt: ago(100 * MINUTE) });
      const newer = done({ id: 't-new', heartbeatAt: ago(20 * MINUTE) });
      expect(diagnose(workflow('running', 50 * MINUTE), [older, newer]).reasons.map((reason) => reason.taskId)).toEqual(['t-new']);
    });
  });

  describe('safety_blocked: blocked at the safety gate', () => {
    it('reports a blocked workflow without a blocked safety task with no task id, since its last update', () => {
      const health = diagnose(workflow('blocked', 45 * MINUTE), []);
      expect(health).toEqual({
        stuck: true,
        reasons: [
          {
            kind: 'safety_blocked',
            taskId: null,
            since: ago(45 * MINUTE),
            durationMs: 45 * MINUTE,
            suggestedFix: expect.stringMatching(/blocked for 45m .*run the workflow to resume it or reset it/),
          },
        ],
      });
    });

    it('reports a blocked safety task with its id and the reason the safety agent gave', () => {
      const blocked = task({
        id: 't-s',
        domain: 'safety',
        status: 'blocked',
        heartbeatAt: ago(45 * MINUTE),
        data: { blocked_reason: 'touches payment credentials' },
      });
      const [reason] = diagnose(workflow('blocked'), [blocked]).reasons;
      expect(reason).toMatchObject({ kind: 'safety_blocked', taskId: 't-s', since: ago(45 * MINUTE), durationMs: 45 * MINUTE });
      expect(reason.suggestedFix).toMatch(/blocked task t-s 45m ago \(touches payment credentials\): have a reviewer resolve it/);
    });

    it('reports a blocked safety task at once, even while the workflow still says running', () => {
      const blocked = task({ id: 't-s', domain: 'safety', status: 'blocked', heartbeatAt: ago(SECOND) });
      expect(diagnose(workflow('running'), [blocked]).reasons).toEqual([
        expect.objectContaining({ kind: 'safety_blocked', taskId: 't-s', durationMs: SECOND }),
      ]);
    });

    it('does not take a blocked task of another domain for a safety block', () => {
      expect(kinds(workflow('running'), [task({ domain: 'qa', status: 'blocked' })])).toEqual([]);
    });
  });

  describe('settled workflows', () => {
    const everythingWrong = [
      task({ id: 'q', enqueuedAt: ago(60 * MINUTE) }),
      task({ id: 'r', status: 'in_progress', heartbeatAt: ago(60 * MINUTE) }),
      task({ id: 'd', status: 'completed', heartbeatAt: ago(60 * MINUTE), result: {} }),
      task({ id: 's', domain: 'safety', status: 'blocked' }),
    ];

    it.each(['completed', 'stopped', 'failed'] as const)('never finds a %s workflow stuck', (phase) => {
      expect(diagnose(workflow(phase, 120 * MINUTE), everythingWrong)).toEqual({ stuck: false, reasons: [] });
    });

    it('finds every reason of a workflow that is stuck in several ways, by kind then oldest first', () => {
      const reasons = diagnose(workflow('blocked', 120 * MINUTE), [
        task({ id: 'q-new', enqueuedAt: ago(20 * MINUTE) }),
        ...everythingWrong,
      ]).reasons;
      expect(reasons.map((reason) => [reason.kind, reason.taskId])).toEqual([
        ['queued_too_long', 'q'],
        ['queued_too_long', 'q-new'],
        ['agent_gone', 'r'],
        ['safety_blocked', 's'],
      ]);
    });
  });

  it('reads the time only from now: the same input gives the same answer', () => {
    const tasks = [task({ enqueuedAt: ago(30 * MINUTE) })];
    expect(diagnose(workflow(), tasks)).toEqual(diagnose(workflow(), tasks));
    expect(diagnoseWorkflow(workflow(), tasks, THRESHOLDS, NOW - 20 * MINUTE).stuck).toBe(false);
  });
});

describe('the wait a suggested fix names', () => {
  /** The fix for a task queued `ms` ago, every wait counting as too long. */
  const fixAfter = (ms: number) =>
    diagnoseWorkflow(workflow(), [task({ enqueuedAt: ago(ms) })], { ...THRESHOLDS, queuedAfterMs: -1 }, NOW).reasons[0].suggestedFix;

  it.each([
    [0, '0ms'],
    [999, '999ms'],
    [40 * SECOND, '40s'],
    [55 * MINUTE, '55m'],
    [55 * MINUTE + 30 * SECOND, '55m 30s'],
    [150 * MINUTE, '2h 30m'],
    [120 * MINUTE + 59 * SECOND, '2h'],
    [26 * 60 * MINUTE, '1d 2h'],
  ])('writes %i ms as %s', (ms, text) => {
    expect(fixAfter(ms)).toContain(`No agent took task t-1 in ${text}: `);
  });
});
