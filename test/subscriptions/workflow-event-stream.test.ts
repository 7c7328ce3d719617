import pino from 'pino';
import { loadConfig } from '../../src/config';
import { connectRedis, createEmbeddedRedis, type RedisClient } from '../../src/redis/client';
import { RedisKeys } from '../../src/redis/keys';
import {
  EventStreamOverflowError,
  MAX_PENDING_EVENTS,
  readPublishedTaskResult,
  readResetEvent,
  readTaskResultNotification,
  WorkflowEventStream,
} from '../../src/workflows/workflow-events';
import { createWorkflowServices, type WorkflowServices } from '../../src/workflows/workflow-services';
import { RedisServer } from '../helpers/redis-server';
import { within } from './support';

const keys = new RedisKeys('wave');
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

describe.each(['ioredis-mock', 'redis-server'] as const)('WorkflowEventStream on %s', (backend) => {
  let server: RedisServer | undefined;
  let redis: RedisClient;
  let service: WorkflowServices;
  let stream: WorkflowEventStream;

  beforeAll(async () => {
    if (backend === 'redis-server') server = await RedisServer.start();
    redis = server ? connectRedis(server.url, loadConfig({}).redis) : createEmbeddedRedis();
    service = createWorkflowServices(redis, keys, { maxGate: 7, thresholds: loadConfig({}).stuck });
  });

  beforeEach(async () => {
    await redis.flushall();
    stream = new WorkflowEventStream(redis, keys, pino({ level: 'silent' }), { owners: service.fencing });
  });

  afterEach(async () => {
    await stream.close();
  });

  afterAll(async () => {
    redis.disconnect();
    await server?.dispose();
  });

  it("delivers a workflow's recorded results and resets through a duplicate of the client", async () => {
    await service.lifecycle.startWorkflow({ threadId: 'wf-1' });
    const task = await service.lifecycle.enqueueTask({ threadId: 'wf-1', domain: 'be', data: {} });
    const events = await stream.subscribe('wf-1');

    await service.fencing.recordTaskResult({ taskId: task.id, attempt: 0, result: {}, status: 'completed' });
    await service.resets.resetWorkflow({
      threadId: 'wf-1',
      clearTasks: true,
      clearResults: true,
      resetToGate: 0,
      reason: 'test',
      actor: 'tester',
    });

    expect((await within(events.next(), 'the result')).value).toMatchObject({
      type: 'task_result',
      threadId: 'wf-1',
      taskId: task.id,
      attempt: 0,
    });
    expect((await within(events.next(), 'the reset')).value).toMatchObject({
      type: 'workflow_reset',
      threadId: 'wf-1',
      attempt: 1,
      gate: 0,
    });
  });

  it('gives each listener only the events of its exact thread id', async () => {
    const own = await stream.subscribe('wf-2');
    const neighbour = await stream.subscribe('wf-20');

    await redis.publish(keys.eventsChannel, JSON.stringify({ type: 'workflow.reset', threadId: 'wf-20', attempt: 1, gate: 0, at: 1 }));
    await redis.publish(keys.eventsChannel, JSON.stringify({ type: 'workflow.reset', threadId: 'wf-2', attempt: 5, gate: 0, at: 1 }));

    expect((await within(own.next(), 'own event')).value).toMatchObject({ threadId: 'wf-2', attempt: 5 });
    expect((await within(neighbour.next(), 'neighbour event')).value).toMatchObject({ threadId: 'wf-20', attempt: 1 });
  });

  it("delivers a TaskResult an agent published itself to its task's workflow, with the task's attempt", async () => {
    await service.lifecycle.startWorkflow({ threadId: 'wf-5' });
    const task = await service.lifecycle.enqueueTask({ threadId: 'wf-5', domain: 'qa', data: {} });
    const events = await stream.subscribe('wf-5');

    await redis.publish(keys.resultsChannel, JSON.stringify({ task_id: task.id, success: true }));

    expect((await within(events.next(), 'the published result')).value).toMatchObject({
      type: 'task_result',
      threadId: 'wf-5',
      taskId: task.id,
      status: 'completed',
      attempt: 0,
    });
  });

  it('ends a pending pull when its listener is returned, and every listener when the stream closes', async () => {
    const returned = await stream.subscribe('wf-3');
    const closed = await stream.subscribe('wf-3');
    const pendingReturned = returned.next();
    const pendingClosed = closed.next();

    await returned.return!();
    expect(await within(pendingReturned, 'the returned pull')).toEqual({ value: undefined, done: true });
    expect(stream.listenerCount('wf-3')).toBe(1);

    await stream.close();
    expect(await within(pendingClosed, 'the closed pull')).toEqual({ value: undefined, done: true });
    expect(stream.listenerCount('wf-3')).toBe(0);
    await expect(stream.subscribe('wf-3')).rejects.toThrow('closed');
  });

  it(`ends a listener that falls more than ${MAX_PENDING_EVENTS} events behind with an overflow error`, async () => {
    const slow = await stream.subscribe('wf-4');
    const removed = new Promise<void>((resolve) => stream.activity.once('unsubscribed', () => resolve()));
    const reset = JSON.stringify({ type: 'workflow.reset', threadId: 'wf-4', attempt: 1, gate: 0, at: 1 });
    const pipeline = redis.pipeline();
    for (let i = 0; i <= MAX_PENDING_EVENTS; i++) pipeline.publish(keys.eventsChannel, reset);
    await pipeline.exec();

    await within(removed, 'the slow listener to be removed');
    await expect(slow.next()).rejects.toBeInstanceOf(EventStreamOverflowError);
    expect(await slow.next()).toEqual({ value: undefined, done: true });
  });
});
