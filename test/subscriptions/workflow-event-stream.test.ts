import pino from 'pino';
import { loadConfig } from '../../src/config';
import { connectRedis, createEmbeddedRedis, type RedisClient } from '../../src/redis/client';
import { RedisKeys } from '../../src/redis/keys';
import { ErrorCode } from '../../src/error-codes';
import { MAX_PENDING_EVENTS } from '../../src/workflows/workflow-event-listener';
import { WorkflowEventStream } from '../../src/workflows/workflow-events';
import { createWorkflowServices, type WorkflowServices } from '../../src/workflows/workflow-services';
import { ListenerCount } from '../helpers/listener-count';
import { RedisServer } from '../helpers/redis-server';
import { within } from './support';

const keys = new RedisKeys('wave');

describe.each(['ioredis-mock', 'redis-server'] as const)('WorkflowEventStream on %s', (backend) => {
  let server: RedisServer | undefined;
  let redis: RedisClient;
  let service: WorkflowServices;
  let stream: WorkflowEventStream;
  let listeners: ListenerCount;

  beforeAll(async () => {
    if (backend === 'redis-server') server = await RedisServer.start();
    redis = server ? connectRedis(server.url, loadConfig({}).redis) : createEmbeddedRedis();
    service = createWorkflowServices(redis, keys, { maxGate: 7, thresholds: loadConfig({}).stuck });
  });

  beforeEach(async () => {
    await redis.flushall();
    stream = new WorkflowEventStream(redis, keys, pino({ level: 'silent' }), { owners: service.fencing });
    listeners = new ListenerCount(stream);
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
    expect(listeners.of('wf-3')).toBe(1);

    await stream.close();
    expect(await within(pendingClosed, 'the closed pull')).toEqual({ value: undefined, done: true });
    expect(listeners.of('wf-3')).toBe(0);
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
    await expect(slow.next()).rejects.toMatchObject({ name: 'EventStreamOverflowError', code: ErrorCode.SUBSCRIBER_TOO_SLOW });
    expect(await slow.next()).toEqual({ value: undefined, done: true });
  });
});
