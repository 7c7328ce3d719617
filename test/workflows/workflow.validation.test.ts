import { MAX_PAGE_SIZE, MAX_RESET_LIMIT } from '../../src/defaults';
import { STUCK_KINDS, type ResetStuckRequest } from '../../src/workflows/stuck.types';
import { WorkflowError, type ResetRequest } from '../../src/workflows/workflow.types';
import {
  MAX_REASON_LENGTH,
  MAX_TASK_DATA_BYTES,
  MAX_TASK_DATA_DEPTH,
  MAX_TASK_RESULT_BYTES,
  MAX_THREAD_ID_LENGTH,
  pageSizeMessage,
  serializeTaskData,
  serializeTaskResult,
  validateFirst,
  validateId,
  validateReason,
  validateRequestId,
  validateResetRequest,
  validateResetStuckRequest,
  validateStuckKind,
  validateTaskAttempt,
  validateThreadId,
} from '../../src/workflows/workflow.validation';

/** The refusal `run` throws: a WorkflowError coded BAD_USER_INPUT naming `field`. */
function refusalOf(run: () => unknown): WorkflowError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as WorkflowError).code).toBe('BAD_USER_INPUT');
    return error as WorkflowError;
  }
  throw new Error('expected a refusal');
}

const nested = (depth: number): object => {
  let value: object = {};
  for (let level = 1; level < depth; level += 1) value = { child: value };
  return value;
};

describe('validateId', () => {
  it.each(['a', 'x'.repeat(MAX_THREAD_ID_LENGTH), 'WAVE1-FE-002', 'glob*?[]\\', 'ünïcödé 🚀', 'with space', 'a:b'])('accepts %j', (id) => {
    expect(validateId(id, 'taskId')).toBe(id);
  });

  it.each([
    ['', `taskId must be 1 to ${MAX_THREAD_ID_LENGTH} characters`],
    ['x'.repeat(MAX_THREAD_ID_LENGTH + 1), `taskId must be 1 to ${MAX_THREAD_ID_LENGTH} characters`],
    ['lone \ud800 surrogate', 'taskId must be well-formed Unicode'],
    ['new\nline', 'taskId must not contain control characters'],
    ['nul\u0000', 'taskId must not contain control characters'],
    ['del\u007f', 'taskId must not contain control characters'],
    ['c1\u0085', 'taskId must not contain control characters'],
  ])('refuses %j: %s', (id, message) => {
    expect(refusalOf(() => validateId(id, 'taskId'))).toMatchObject({ field: 'taskId', message });
  });

  it('refuses what is not a string', () => {
    expect(refusalOf(() => validateId(42 as unknown as string, 'taskId')).field).toBe('taskId');
  });
});

describe('validateThreadId', () => {
  it.each(['wf-1', 'tasks', 'a:tasks:b', 'a-tasks'])('accepts %j', (threadId) => {
    expect(validateThreadId(threadId)).toBe(threadId);
  });

  it('refuses an id ending in :tasks, which would name another workflow index', () => {
    expect(refusalOf(() => validateThreadId('a:tasks'))).toMatchObject({
      field: 'threadId',
      message: 'threadId must not end with ":tasks"',
    });
  });

  it('names the field it was given', () => {
    expect(refusalOf(() => validateThreadId('', 'threadIds')).field).toBe('threadIds');
  });
});

describe('validateRequestId', () => {
  it('applies the id rule, control characters included, and refuses the empty string', () => {
    expect(validateRequestId('incident-42')).toBe('incident-42');
    expect(refusalOf(() => validateRequestId('')).field).toBe('requestId');
    expect(refusalOf(() => validateRequestId('tab\there')).field).toBe('requestId');
  });
});

describe('validateFirst', () => {
  it.each([1, 20, MAX_PAGE_SIZE])('accepts a page of %p', (first) => {
    expect(validateFirst(first)).toBe(first);
  });

  it.each([0, -1, MAX_PAGE_SIZE + 1, 2.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses a page of %p on field first', (first) => {
    const refusal = refusalOf(() => validateFirst(first));
    expect(refusal.field).toBe('first');
    expect(refusal.message).toBe(pageSizeMessage('first'));
  });
});

describe('pageSizeMessage', () => {
  it('names the argument and the whole range, for the service and the query limits alike', () => {
    expect(pageSizeMessage('first')).toBe(`first must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    expect(pageSizeMessage('last')).toBe(`last must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  });
});

describe('validateReason', () => {
  it.each(['agent died', 'x', '  padded  ', 'x'.repeat(MAX_REASON_LENGTH)])('accepts %j as written', (reason) => {
    expect(validateReason(reason)).toBe(reason);
  });

  it.each(['', '   ', '\n\t', 'x'.repeat(MAX_REASON_LENGTH + 1), null as unknown as string, 42 as unknown as string])(
    'refuses %j on field reason',
    (reason) => {
      const refusal = refusalOf(() => validateReason(reason));
      expect(refusal.field).toBe('reason');
      expect(refusal.message).toBe(`reason must be 1 to ${MAX_REASON_LENGTH} characters`);
    },
  );
});

describe('validateResetRequest', () => {
  const MAX_GATE = 7;
  const valid: ResetRequest = { threadId: 'wf-1', clearTasks: true, clearResults: true, resetToGate: 0, reason: 'agent died', actor: 'op' };

  it.each<Partial<ResetRequest>>([
    {},
    { resetToGate: MAX_GATE },
    { reason: 'x'.repeat(MAX_REASON_LENGTH) },
    { reason: '  padded  ' },
    { dryRun: true, planToken: 'a'.repeat(64), expectedGate: 0, expectedPhase: 'blocked', requestId: 'r-1' },
    { dryRun: null as unknown as boolean, planToken: null, expectedGate: null, expectedPhase: null, requestId: null },
  ])('accepts %j', (change) => {
    expect(() => validateResetRequest({ ...valid, ...change }, MAX_GATE)).not.toThrow();
  });

  it.each<[string, Partial<ResetRequest>]>([
    ['threadId', { threadId: 'a:tasks' }],
    ['resetToGate', { resetToGate: -1 }],
    ['resetToGate', { resetToGate: MAX_GATE + 1 }],
    ['resetToGate', { resetToGate: 1.5 }],
    ['reason', { reason: '' }],
    ['reason', { reason: '   ' }],
    ['reason', { reason: 'x'.repeat(MAX_REASON_LENGTH + 1) }],
    ['dryRun', { dryRun: 'yes' as unknown as boolean }],
    ['planToken', { planToken: 'A'.repeat(64) }],
    ['planToken', { planToken: 'a'.repeat(63) }],
    ['expectedGate', { expectedGate: -1 }],
    ['expectedGate', { expectedGate: 0.5 }],
    ['expectedPhase', { expectedPhase: 'RUNNING' as ResetRequest['expectedPhase'] }],
    ['requestId', { requestId: '' }],
  ])('refuses a bad %s: %j', (field, change) => {
    expect(refusalOf(() => validateResetRequest({ ...valid, ...change }, MAX_GATE)).field).toBe(field);
  });
});

describe('validateStuckKind', () => {
  it.each([undefined, null, '', ...STUCK_KINDS])('accepts %p', (kind) => {
    expect(() => validateStuckKind(kind)).not.toThrow();
  });

  it.each(['QUEUED_TOO_LONG', 'stuck'])('refuses %p on field kind', (kind) => {
    expect(refusalOf(() => validateStuckKind(kind)).field).toBe('kind');
  });
});

describe('validateResetStuckRequest', () => {
  const valid: ResetStuckRequest = { reason: 'agents died', limit: 20, actor: 'admin' };
  const plan = { threadId: 'wf-1', planToken: 'a'.repeat(64) };

  it.each<Partial<ResetStuckRequest>>([
    {},
    { limit: 1 },
    { limit: MAX_RESET_LIMIT },
    { kind: 'agent_gone', olderThanMs: 0, requestId: 'batch-1', plans: [plan] },
    { olderThanMs: 60_000, plans: Array.from({ length: MAX_RESET_LIMIT }, () => plan) },
    { kind: null, olderThanMs: null, requestId: null, plans: null },
  ])('accepts %j', (change) => {
    expect(() => validateResetStuckRequest({ ...valid, ...change })).not.toThrow();
  });

  it.each<[string, Partial<ResetStuckRequest>]>([
    ['kind', { kind: 'AGENT_GONE' as ResetStuckRequest['kind'] }],
    ['plans', { plans: Array.from({ length: MAX_RESET_LIMIT + 1 }, () => plan) }],
    ['plans', { plans: [{ threadId: 'wf-1', planToken: '' }] }],
    ['limit', { limit: 0 }],
    ['limit', { limit: MAX_RESET_LIMIT + 1 }],
    ['limit', { limit: 2.5 }],
    ['olderThan', { olderThanMs: -1 }],
    ['olderThan', { olderThanMs: 0.5 }],
    ['reason', { reason: '  ' }],
    ['requestId', { requestId: '' }],
    ['requestId', { requestId: 'bell\u0007' }],
  ])('refuses a bad %s: %j', (field, change) => {
    expect(refusalOf(() => validateResetStuckRequest({ ...valid, ...change })).field).toBe(field);
  });
});

describe('validateTaskAttempt', () => {
  it.each([0, 1, Number.MAX_SAFE_INTEGER])('accepts the attempt %d', (attempt) => {
    expect(() => validateTaskAttempt({ taskId: 't1', attempt })).not.toThrow();
  });

  it.each<[string, string, number]>([
    ['taskId', '', 0],
    ['attempt', 't1', -1],
    ['attempt', 't1', 1.5],
    ['attempt', 't1', Number.MAX_SAFE_INTEGER + 1],
  ])('refuses a bad %s (%j, %d)', (field, taskId, attempt) => {
    expect(refusalOf(() => validateTaskAttempt({ taskId, attempt })).field).toBe(field);
  });
});

describe('serializeTaskResult', () => {
  it.each([{ ok: true }, [1, 2], 'text', 0, null])('stores %j as its JSON', (result) => {
    expect(serializeTaskResult({ taskId: 't1', attempt: 0, status: 'completed', result })).toBe(JSON.stringify(result));
  });

  it.each<[string, Record<string, unknown>]>([
    ['taskId', { taskId: '' }],
    ['status', { status: 'cancelled' }],
    ['result', { result: undefined }],
    ['result', { result: () => 1 }],
    ['result', { result: 1n }],
    ['result', { result: 'x'.repeat(MAX_TASK_RESULT_BYTES) }],
  ])('refuses a bad %s', (field, change) => {
    const request = { taskId: 't1', attempt: 0, status: 'failed' as const, result: {}, ...change };
    expect(refusalOf(() => serializeTaskResult(request as Parameters<typeof serializeTaskResult>[0])).field).toBe(field);
  });
});

describe('serializeTaskData', () => {
  it.each([{}, { step: 1 }, { thread_id: 'wf-1', step: 1 }, nested(MAX_TASK_DATA_DEPTH)])('stores %j as its JSON', (data) => {
    expect(serializeTaskData(data, 'wf-1')).toBe(JSON.stringify(data));
  });

  it.each<[string, unknown, string]>([
    ['null', null, 'data must be a JSON object'],
    ['an array', [1], 'data must be a JSON object'],
    ['a string', 'text', 'data must be a JSON object'],
    ['nested one level too deep', nested(MAX_TASK_DATA_DEPTH + 1), `data must be nested at most ${MAX_TASK_DATA_DEPTH} levels deep`],
    ['naming another workflow', { thread_id: 'wf-2' }, 'data.thread_id, when given, must equal threadId'],
    ['too large', { blob: 'x'.repeat(MAX_TASK_DATA_BYTES) }, `data must be at most ${MAX_TASK_DATA_BYTES} bytes of JSON`],
  ])('refuses data %s', (_name, data, message) => {
    expect(refusalOf(() => serializeTaskData(data, 'wf-1'))).toMatchObject({ field: 'data', message });
  });

  it('checks depth without recursion: a very deep payload is refused, not a stack overflow', () => {
    expect(refusalOf(() => serializeTaskData(nested(100_000), 'wf-1')).field).toBe('data');
  });
});
