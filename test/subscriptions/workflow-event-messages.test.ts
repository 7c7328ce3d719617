import { readPublishedTaskResult, readResetEvent, readTaskResultNotification } from '../../src/workflows/workflow-event-messages';

const RECEIVED_AT = 1767225600000;

describe('readTaskResultNotification', () => {
  const valid = { type: 'task.result', taskId: 't-1', threadId: 'wf-1', attempt: 2, status: 'failed', at: 1767225601234 };

  it('reads what record-task-result.lua publishes', () => {
    expect(readTaskResultNotification(JSON.stringify(valid), RECEIVED_AT)).toEqual({
      type: 'task_result',
      taskId: 't-1',
      threadId: 'wf-1',
      attempt: 2,
      status: 'failed',
      at: new Date(1767225601234),
    });
  });

  it('dates a notification without `at` (an older copy of the script) by when it was received', () => {
    const { at: _at, ...withoutAt } = valid;
    expect(readTaskResultNotification(JSON.stringify(withoutAt), RECEIVED_AT)?.at).toEqual(new Date(RECEIVED_AT));
  });

  it.each([
    ['text that is not JSON', 'task.result'],
    ['JSON null', 'null'],
    ['an array', JSON.stringify([valid])],
    ['another type', JSON.stringify({ ...valid, type: 'workflow.reset' })],
    ['no thread id', JSON.stringify({ ...valid, threadId: undefined })],
    ['an empty task id', JSON.stringify({ ...valid, taskId: '' })],
    ['an attempt as a string', JSON.stringify({ ...valid, attempt: '2' })],
    ['a negative attempt', JSON.stringify({ ...valid, attempt: -1 })],
    ['an unknown status', JSON.stringify({ ...valid, status: 'done' })],
    ['a fractional at', JSON.stringify({ ...valid, at: 1.5 })],
  ])('ignores %s', (_label, message) => {
    expect(readTaskResultNotification(message, RECEIVED_AT)).toBeUndefined();
  });
});

describe('readPublishedTaskResult', () => {
  it.each([
    ['success true', { task_id: 't-1', success: true, output: { files: 3 } }, 'completed'],
    ['success false', { task_id: 't-1', success: false, error: 'lint failed' }, 'failed'],
    ['a final status', { task_id: 't-1', status: 'failed' }, 'failed'],
  ])('reads a TaskResult an agent published itself, with %s', (_label, message, status) => {
    expect(readPublishedTaskResult(JSON.stringify(message))).toEqual({ taskId: 't-1', status });
  });

  it.each([
    ['text that is not JSON', 'task_id'],
    ['a script notification', JSON.stringify({ type: 'task.result', task_id: 't-1', success: true })],
    ['no task id', JSON.stringify({ success: true })],
    ['a task id that is a number', JSON.stringify({ task_id: 7, success: true })],
    ['a task id longer than any id', JSON.stringify({ task_id: 't'.repeat(201), success: true })],
    ['neither status nor success', JSON.stringify({ task_id: 't-1' })],
    ['a status that is not final', JSON.stringify({ task_id: 't-1', status: 'in_progress', success: true })],
    ['success as a string', JSON.stringify({ task_id: 't-1', success: 'true' })],
  ])('ignores %s', (_label, message) => {
    expect(readPublishedTaskResult(message)).toBeUndefined();
  });
});

describe('readResetEvent', () => {
  const valid = { type: 'workflow.reset', threadId: 'wf-1', attempt: 3, gate: 1, at: 1767225601234 };

  it('reads what reset-workflow.lua publishes', () => {
    expect(readResetEvent(JSON.stringify(valid))).toEqual({
      type: 'workflow_reset',
      threadId: 'wf-1',
      attempt: 3,
      gate: 1,
      at: new Date(1767225601234),
    });
  });

  it.each([
    ['text that is not JSON', '{'],
    ['another type', JSON.stringify({ ...valid, type: 'task.result' })],
    ['a thread id that is not a string', JSON.stringify({ ...valid, threadId: 7 })],
    ['no gate', JSON.stringify({ ...valid, gate: undefined })],
    ['no at', JSON.stringify({ ...valid, at: undefined })],
  ])('ignores %s', (_label, message) => {
    expect(readResetEvent(message)).toBeUndefined();
  });
});
