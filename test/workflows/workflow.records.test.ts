import { byEnqueueTime, parseJson, parseTimestamp, toTask, toWorkflow } from '../../src/workflows/workflow.records';
import type { Task } from '../../src/workflows/workflow.types';

// Phases, statuses, counts, domains and owners are read against the table shared with Lua
// (test/redis/shared-rules.test.ts); this file covers the rest of a record.
const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z

describe('parseTimestamp', () => {
  it.each([
    ['1767225600000', NOW, 'epoch milliseconds, the contract'],
    [' 1767225600000 ', NOW, 'milliseconds with blanks around'],
    ['1767225600000.9', NOW, 'fractional milliseconds, dropped'],
    ['2026-01-01T00:00:00Z', NOW, 'ISO-8601, tolerated'],
    ['2026-01-01T01:00:00+01:00', NOW, 'ISO-8601 with an offset'],
    ['0', 0, 'the epoch itself'],
  ])('reads %j as %d (%s)', (stored, millis) => {
    expect(parseTimestamp(stored)?.getTime()).toBe(millis);
  });

  it.each([undefined, null, '', '   ', 'yesterday', '1e3', '99999999999999999999'])('reads %j as no time', (stored) => {
    expect(parseTimestamp(stored)).toBeNull();
  });
});

describe('parseJson', () => {
  it.each([
    ['{"a":1}', { a: 1 }],
    ['[1,"x"]', [1, 'x']],
    ['"text"', 'text'],
    ['42', 42],
    ['null', null],
    ['not json', 'not json'],
    ['{"a":', '{"a":'],
    ['', ''],
  ])('reads %j as %j', (stored, value) => {
    expect(parseJson(stored)).toEqual(value);
  });

  it.each([undefined, null])('reads an absent value (%j) as null', (stored) => {
    expect(parseJson(stored)).toBeNull();
  });
});

describe('toWorkflow', () => {
  it('reads a complete record', () => {
    const hash = { gate: '3', phase: 'running', attempt: '2', created_at: String(NOW), updated_at: String(NOW + 1000) };
    expect(toWorkflow('wf-1', hash, String(NOW - 5))).toEqual({
      threadId: 'wf-1',
      gate: 3,
      phase: 'running',
      attempt: 2,
      createdAt: new Date(NOW),
      updatedAt: new Date(NOW + 1000),
    });
  });

  it.each([null, undefined, {}])('is null when there is no record (%j)', (hash) => {
    expect(toWorkflow('wf-1', hash, String(NOW))).toBeNull();
  });

  it.each([
    ['created_at', { created_at: String(NOW), updated_at: String(NOW + 9) }, String(NOW + 5), NOW],
    ['the index score without created_at', { updated_at: String(NOW + 9) }, String(NOW + 5), NOW + 5],
    ['updated_at without either', { updated_at: String(NOW + 9) }, null, NOW + 9],
    ['the epoch when nothing tells', { gate: '1' }, null, 0],
    ['the index score when created_at is garbage', { created_at: 'soon' }, String(NOW + 5), NOW + 5],
  ])('takes its creation time from %s', (_source, hash, score, createdAt) => {
    expect(toWorkflow('wf-1', hash, score)?.createdAt.getTime()).toBe(createdAt);
  });

  it('takes its update time from its creation time when updated_at is missing', () => {
    expect(toWorkflow('wf-1', { created_at: String(NOW) })?.updatedAt).toEqual(new Date(NOW));
  });

  it('falls back field by field instead of failing on garbage', () => {
    expect(toWorkflow('wf-1', { gate: 'three', phase: 'exploded', attempt: '-1', updated_at: 'later' })).toEqual({
      threadId: 'wf-1',
      gate: 0,
      phase: 'pending',
      attempt: 0,
      createdAt: new Date(0),
      updatedAt: new Date(0),
    });
  });
});

describe('toTask', () => {
  const hash = {
    thread_id: 'wf-1',
    queue: 'fe',
    status: 'in_progress',
    data: '{"thread_id":"wf-1","step":1}',
    enqueued_at: String(NOW),
    started_at: String(NOW + 1),
    heartbeat_at: String(NOW + 2),
    agent: 'agent-7',
  };

  it('reads a complete record with its result', () => {
    expect(toTask('t1', hash, '{"ok":true}')).toEqual({
      id: 't1',
      threadId: 'wf-1',
      domain: 'fe',
      status: 'in_progress',
      data: { thread_id: 'wf-1', step: 1 },
      enqueuedAt: new Date(NOW),
      startedAt: new Date(NOW + 1),
      heartbeatAt: new Date(NOW + 2),
      agent: 'agent-7',
      result: { ok: true },
    });
  });

  it('reads a bare record: no domain, no times, no agent, no result', () => {
    expect(toTask('t1', { thread_id: 'wf-1' }, null)).toEqual({
      id: 't1',
      threadId: 'wf-1',
      domain: null,
      status: 'pending',
      data: null,
      enqueuedAt: null,
      startedAt: null,
      heartbeatAt: null,
      agent: null,
      result: null,
    });
  });

  it('keeps data and a result that are not JSON as their raw strings', () => {
    expect(toTask('t1', { ...hash, data: 'plain text' }, 'done')).toMatchObject({ data: 'plain text', result: 'done' });
  });

  it('takes its owner from its data when the hash names none', () => {
    expect(toTask('t1', { data: '{"thread_id":"wf-2"}' }, null)?.threadId).toBe('wf-2');
  });

  it.each([
    ['no record', null],
    ['an empty record', {}],
    ['a record naming no owner', { queue: 'fe', data: '{"step":1}' }],
  ])('is null for %s', (_name, record) => {
    expect(toTask('t1', record, '{"ok":true}')).toBeNull();
  });
});

describe('byEnqueueTime', () => {
  const task = (id: string, enqueuedAt: number | null): Task => ({
    id,
    threadId: 'wf-1',
    domain: 'fe',
    status: 'pending',
    data: null,
    enqueuedAt: enqueuedAt === null ? null : new Date(enqueuedAt),
    startedAt: null,
    heartbeatAt: null,
    agent: null,
    result: null,
  });

  it('lists the oldest first, then by id, with an unknown time as the oldest', () => {
    const tasks = [task('c', NOW), task('b', NOW + 1), task('a', NOW), task('z', null), task('d', NOW - 1)];
    expect(tasks.sort(byEnqueueTime).map((t) => t.id)).toEqual(['z', 'd', 'a', 'c', 'b']);
  });

  it('gives the same order whatever the order read', () => {
    const tasks = [task('x', NOW), task('y', NOW), task('w', NOW)];
    expect([...tasks].sort(byEnqueueTime)).toEqual([...tasks].reverse().sort(byEnqueueTime));
  });
});
