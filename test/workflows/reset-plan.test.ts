import { createHash } from 'node:crypto';
import { parseCanonicalPlan, planTokenOf } from '../../src/workflows/reset-plan';

/** A canonical plan as reset-workflow.lua writes it: lines of tab-separated fields. */
const canonical = (...lines: string[][]) => lines.map((fields) => fields.join('\t')).join('\n');

const HEADER = [
  ['wave-reset-plan', '1'],
  ['thread', 'wf-1'],
];

describe('parseCanonicalPlan', () => {
  it('reads tasks, queue entries, results, target and current state', () => {
    const plan = parseCanonicalPlan(
      canonical(
        ...HEADER,
        ['target', '2', 'pending', '1', '1'],
        ['current', '1', '5', 'blocked', '3'],
        ['task', 'a', '1', 'in_progress', '1'],
        ['task', 'b', '1', 'pending', '0'],
        ['task', 'c', '0', '', '1'],
        ['queue', 'fe', 'b', 'a'],
        ['queue', 'qa', 'c'],
      ),
    );
    expect(plan).toEqual({
      taskIds: ['a', 'b', 'c'],
      queueEntries: [
        { domain: 'fe', taskIds: ['b', 'a'] },
        { domain: 'qa', taskIds: ['c'] },
      ],
      resultTaskIds: ['a', 'c'],
      target: { gate: 2, phase: 'pending' },
      current: { gate: 5, phase: 'blocked', attempt: 3 },
    });
  });

  it('lists no result to delete when the reset keeps results', () => {
    const plan = parseCanonicalPlan(canonical(...HEADER, ['target', '0', 'pending', '1', '0'], ['task', 'a', '1', 'completed', '1']));
    expect(plan.taskIds).toEqual(['a']);
    expect(plan.resultTaskIds).toEqual([]);
  });

  it('has no current state for a workflow known only through its tasks', () => {
    const plan = parseCanonicalPlan(canonical(...HEADER, ['target', '0', 'pending', '1', '1'], ['current', '0', '', '', '']));
    expect(plan.current).toBeNull();
  });

  it('reads an empty plan: nothing to touch, back to gate 0 pending', () => {
    expect(parseCanonicalPlan(canonical(...HEADER))).toEqual({
      taskIds: [],
      queueEntries: [],
      resultTaskIds: [],
      target: { gate: 0, phase: 'pending' },
      current: null,
    });
  });

  it.each([
    ['%25', '%'],
    ['%09', '\t'],
    ['%0A', '\n'],
    ['a%2509b', 'a%09b'],
    ['%20', '%20'],
  ])('unescapes %j in a field as %j', (written, id) => {
    const plan = parseCanonicalPlan(canonical(...HEADER, ['task', written, '1', 'pending', '0'], ['queue', 'fe', written]));
    expect(plan.taskIds).toEqual([id]);
    expect(plan.queueEntries).toEqual([{ domain: 'fe', taskIds: [id] }]);
  });

  it('reads gates, phases and attempts as the scripts do', () => {
    const plan = parseCanonicalPlan(canonical(...HEADER, ['target', ' 3 ', 'PENDING', '1', '1'], ['current', '1', 'x', ' Running ', '-1']));
    expect(plan.target).toEqual({ gate: 3, phase: 'pending' });
    expect(plan.current).toEqual({ gate: 0, phase: 'running', attempt: 0 });
  });

  it('skips a queue of no known domain and lines it does not know', () => {
    const plan = parseCanonicalPlan(canonical(...HEADER, ['queue', 'ops', 'a'], ['queue', 'fe', 'b'], ['later-line', 'x'], ['']));
    expect(plan.queueEntries).toEqual([{ domain: 'fe', taskIds: ['b'] }]);
    expect(plan.taskIds).toEqual([]);
  });
});

describe('planTokenOf', () => {
  it('is the sha256 of the canonical plan in lower-case hex', () => {
    const plan = canonical(...HEADER, ['target', '0', 'pending', '1', '1']);
    expect(planTokenOf(plan)).toBe(createHash('sha256').update(plan, 'utf8').digest('hex'));
    expect(planTokenOf(plan)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with any byte of the plan, an escaped one included', () => {
    const tokens = ['task\ta', 'task\tb', 'task\ta%09', 'task\tä'].map(planTokenOf);
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});
