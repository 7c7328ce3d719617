import type { Client } from 'graphql-ws';
import type Redis from 'ioredis';
import { TestApp, useTestApp } from '../helpers/app';
import { RedisServer } from '../helpers/redis-server';
import { bearer, metricValue, nextEvent, refusal, refusalOf, stoppedListening, subscribeToWorkflow, within, wsClient } from './support';

const RESET = `mutation Reset($input: ResetWorkflowInput!) {
  resetWorkflow(input: $input) { success }
}`;

describe('Subscription.workflowEvents over graphql-ws, on the real server and a real Redis', () => {
  const fixture = useTestApp();
  const clients: Client[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });

  function client(
    connectionParams?: Record<string, unknown>,
    options?: { lazy?: boolean; upgradeHeaders?: Record<string, string> },
  ): Client {
    const created = wsClient(fixture.app, connectionParams, options);
    clients.push(created);
    return created;
  }

  const viewer = () => client(bearer(fixture.app.token(['viewer'])));

  /** A workflow with one task of attempt 0, through the service as the API writes them. */
  async function workflowWithTask(threadId: string): Promise<string> {
    const { lifecycle } = fixture.app.app.services;
    await lifecycle.startWorkflow({ threadId });
    const task = await lifecycle.enqueueTask({ threadId, domain: 'fe', data: { step: 1 } });
    return task.id;
  }

  const recordResult = (taskId: string) =>
    fixture.app.app.services.fencing.recordTaskResult({ taskId, attempt: 0, result: { ok: true }, status: 'completed' });

  /** A message exactly as record-task-result.lua or reset-workflow.lua publishes it, for any thread id. */
  const publishResult = (redis: Redis, threadId: string, taskId = `${threadId}-t`) =>
    redis.publish(
      'wave:results',
      JSON.stringify({ type: 'task.result', taskId, threadId, attempt: 0, status: 'failed', at: 1767225600000 }),
    );
  const publishReset = (redis: Redis, threadId: string, attempt = 1) =>
    redis.publish('wave:events', JSON.stringify({ type: 'workflow.reset', threadId, attempt, gate: 0, at: 1767225600000 }));

  it('delivers a task result an agent records to a viewer subscribed to its workflow', async () => {
    const taskId = await workflowWithTask('wf-result');
    const events = await subscribeToWorkflow(fixture.app, viewer(), 'wf-result');

    await expect(recordResult(taskId)).resolves.toMatchObject({ recorded: true });

    const finishedAt = Number(await fixture.redis.hget(`wave:task:${taskId}`, 'finished_at'));
    expect(await nextEvent(events)).toEqual({
      __typename: 'TaskResultEvent',
      type: 'TASK_RESULT',
      threadId: 'wf-result',
      taskId,
      status: 'COMPLETED',
      attempt: 0,
      at: new Date(finishedAt).toISOString(),
    });
  });

  it('delivers a reset made over HTTP as WORKFLOW_RESET with the new attempt and the gate reset to', async () => {
    await workflowWithTask('wf-reset');
    const events = await subscribeToWorkflow(fixture.app, viewer(), 'wf-reset');
    const before = Date.now();

    const { body } = await fixture.app.request(
      RESET,
      { input: { threadId: 'wf-reset', resetToGate: 2, reason: 'agent gone' } },
      fixture.app.token(['operator']),
    );
    expect(body.data?.resetWorkflow).toEqual({ success: true });

    const event = await nextEvent(events);
    expect(event).toEqual({
      __typename: 'WorkflowResetEvent',
      type: 'WORKFLOW_RESET',
      threadId: 'wf-reset',
      attempt: 1,
      gate: 2,
      at: expect.any(String),
    });
    expect(new Date(event.at).getTime()).toBeGreaterThanOrEqual(before);
    expect(new Date(event.at).getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('leaves out the events of other workflows, including ids that share its prefix', async () => {
    const neighbourTask = await workflowWithTask('wf-ab0');
    const ownTask = await workflowWithTask('wf-ab');
    const events = await subscribeToWorkflow(fixture.app, viewer(), 'wf-ab');

    await recordResult(neighbourTask);
    await publishReset(fixture.redis, 'wf-ab:tasks');
    await publishResult(fixture.redis, 'wf-a');
    await publishResult(fixture.redis, 'WF-AB');
    await publishReset(fixture.redis, 'wf-ab*');
    await recordResult(ownTask);

    // One connection delivers in publish order: the first event that arrives must be the last one sent.
    expect(await nextEvent(events)).toMatchObject({ type: 'TASK_RESULT', threadId: 'wf-ab', taskId: ownTask });
  });

  it('ignores malformed messages on both channels and keeps delivering', async () => {
    const events = await subscribeToWorkflow(fixture.app, viewer(), 'wf-noise');
    const results = [
      'not json',
      'null',
      '["task.result"]',
      '{"type":"task.result","threadId":"wf-noise"}',
      '{"type":"task.result","threadId":"wf-noise","taskId":"t","attempt":-1,"status":"completed"}',
      '{"type":"task.result","threadId":"wf-noise","taskId":"t","attempt":"0","status":"completed"}',
      '{"type":"task.result","threadId":"wf-noise","taskId":"t","attempt":0,"status":"done"}',
      '{"type":"task.result","threadId":"wf-noise","taskId":"","attempt":0,"status":"completed"}',
      '{"type":"workflow.reset","threadId":"wf-noise","attempt":1,"gate":0,"at":1}',
    ];
    const resets = [
      '{"type":"workflow.reset","threadId":"wf-noise","attempt":1,"gate":0}',
      '{"type":"workflow.reset","threadId":"wf-noise","attempt":1.5,"gate":0,"at":1}',
      '{"type":"workflow.reset","threadId":{"id":"wf-noise"},"attempt":1,"gate":0,"at":1}',
      '{"type":"workflow.paused","threadId":"wf-noise","attempt":1,"gate":0,"at":1}',
      '{"type":"task.result","threadId":"wf-noise","taskId":"t","attempt":0,"status":"completed","at":1}',
      '\u0000',
    ];
    for (const message of results) await fixture.redis.publish('wave:results', message);
    for (const message of resets) await fixture.redis.publish('wave:events', message);
    await publishReset(fixture.redis, 'wf-noise', 7);

    expect(await nextEvent(events)).toMatchObject({ type: 'WORKFLOW_RESET', threadId: 'wf-noise', attempt: 7 });
    expect((await fetch(fixture.app.url.replace(/graphql$/, 'healthz'))).status).toBe(200);
  });

  describe('a TaskResult an agent publishes itself on wave:results (snake case, without record-task-result.lua)', () => {
    const ignored = (reason: string) =>
      metricValue(fixture.app, `wave_workflow_events_ignored_total{channel="wave:results",reason="${reason}"}`);

    it('delivers it to the subscribers of the workflow its task record names', async () => {
      const taskId = await workflowWithTask('wf-python');
      const events = await subscribeToWorkflow(fixture.app, viewer(), 'wf-python');
      const before = Date.now();

      await fixture.redis.publish(
        'wave:results',
        JSON.stringify({ task_id: taskId, success: false, error: 'lint failed', agent: 'fe-agent-1' }),
      );

      const event = await nextEvent(events);
      expect(event).toEqual({
        __typename: 'TaskResultEvent',
        type: 'TASK_RESULT',
        threadId: 'wf-python',
        taskId,
        status: 'FAILED',
        attempt: 0,
        at: expect.any(String),
      });
      expect(new Date(event.at).getTime()).toBeGreaterThanOrEqual(before);
    });

    it("reads the owner from the task's data when its hash has none, and the attempt the task was enqueued for", async () => {
      await fixture.redis.hset('wave:task:py-task-7', {
        data: JSON.stringify({ thread_id: 'wf-python-data' }),
        status: 'in_progress',
        attempt: '2',
      });
      const events = await subscribeToWorkflow(fixture.app, viewer(), 'wf-python-data');

      await fixture.redis.publish('wave:results', JSON.stringify({ task_id: 'py-task-7', status: 'completed', output: { files: 3 } }));

      expect(await nextEvent(events)).toMatchObject({
        type: 'TASK_RESULT',
        threadId: 'wf-python-data',
        taskId: 'py-task-7',
        status: 'COMPLETED',
        attempt: 2,
      });
    });

    it('ignores and counts one that names no task it can find, or that cannot be read, and keeps delivering', async () => {
      const taskId = await workflowWithTask('wf-python-noise');
      const events = await subscribeToWorkflow(fixture.app, viewer(), 'wf-python-noise');
      const [unknownBefore, unreadableBefore] = [await ignored('unknown_task'), await ignored('unreadable')];
      const unreadable = [
        { task_id: 7, success: true },
        { task_id: '', success: true },
        { task_id: taskId },
        { task_id: taskId, status: 'done' },
      ];

      await fixture.redis.publish('wave:results', JSON.stringify({ task_id: 'no-such-task', success: true }));
      for (const message of unreadable) await fixture.redis.publish('wave:results', JSON.stringify(message));
      await fixture.redis.publish('wave:results', JSON.stringify({ task_id: taskId, success: true }));

      expect(await nextEvent(events)).toMatchObject({ type: 'TASK_RESULT', taskId, status: 'COMPLETED' });
      expect(await ignored('unknown_task')).toBe(unknownBefore + 1);
      expect(await ignored('unreadable')).toBe(unreadableBefore + unreadable.length);
    });
  });

  it('serves every subscriber of the process from one Redis subscriber connection', async () => {
    const first = await subscribeToWorkflow(fixture.app, viewer(), 'wf-fan');
    const second = await subscribeToWorkflow(fixture.app, viewer(), 'wf-fan');
    const other = await subscribeToWorkflow(fixture.app, viewer(), 'wf-fan-other');

    expect(await fixture.redis.pubsub('NUMSUB', 'wave:results', 'wave:events')).toEqual(['wave:results', 1, 'wave:events', 1]);
    await publishReset(fixture.redis, 'wf-fan');
    await publishReset(fixture.redis, 'wf-fan-other');
    expect(await nextEvent(first)).toMatchObject({ threadId: 'wf-fan' });
    expect(await nextEvent(second)).toMatchObject({ threadId: 'wf-fan' });
    expect(await nextEvent(other)).toMatchObject({ threadId: 'wf-fan-other' });
  });

  it('stops listening when a client completes its subscription', async () => {
    const events = await subscribeToWorkflow(fixture.app, viewer(), 'wf-done');
    expect(fixture.app.eventListeners.of('wf-done')).toBe(1);
    const stopped = stoppedListening(fixture.app, 'wf-done');

    await events.return!();

    await within(stopped, 'the server to stop listening');
    expect(fixture.app.eventListeners.of('wf-done')).toBe(0);
  });

  it('accepts the token under connectionParams.Authorization too', async () => {
    const events = await subscribeToWorkflow(
      fixture.app,
      client({ Authorization: `Bearer ${fixture.app.token(['viewer'])}` }),
      'wf-capital',
    );
    await publishReset(fixture.redis, 'wf-capital');
    expect(await nextEvent(events)).toMatchObject({ type: 'WORKFLOW_RESET', threadId: 'wf-capital' });
  });

  it('accepts the token as the Authorization header of the upgrade request, as gateways send it', async () => {
    const headerOnly = client(undefined, { upgradeHeaders: { authorization: `Bearer ${fixture.app.token(['viewer'])}` } });
    const events = await subscribeToWorkflow(fixture.app, headerOnly, 'wf-upgrade-header');
    await publishReset(fixture.redis, 'wf-upgrade-header');
    expect(await nextEvent(events)).toMatchObject({ type: 'WORKFLOW_RESET', threadId: 'wf-upgrade-header' });
  });

  it('checks a token in the upgrade header as any other, and prefers the one in connection_init', async () => {
    const forged = client(undefined, { upgradeHeaders: { authorization: 'Bearer not-a-jwt' } });
    expect(await refusal(forged, 'wf-private')).toMatchObject([{ extensions: { code: 'UNAUTHENTICATED' } }]);
    const both = client(bearer(fixture.app.token([])), { upgradeHeaders: { authorization: `Bearer ${fixture.app.token(['viewer'])}` } });
    expect(await refusal(both, 'wf-private')).toMatchObject([{ extensions: { code: 'FORBIDDEN' } }]);
  });

  describe('refusals, as one next holding the errors and then complete, on a connection that stays open', () => {
    /** A client that keeps its socket between operations, counting connections and closes: a refusal must not cost the socket. */
    function watched(connectionParams?: Record<string, unknown>) {
      const refused = client(connectionParams, { lazy: false });
      const seen = { connected: 0, closed: 0 };
      refused.on('connected', () => seen.connected++);
      refused.on('closed', () => seen.closed++);
      return { client: refused, seen };
    }

    it('refuses a subscribe without a token with UNAUTHENTICATED', async () => {
      const { client: anonymous, seen } = watched();

      expect(await refusal(anonymous, 'wf-private')).toMatchObject([
        { message: expect.stringContaining('Authentication required'), extensions: { code: 'UNAUTHENTICATED' }, path: ['workflowEvents'] },
      ]);
      // The same socket answers the next operation: the refusal did not close it.
      expect(await refusal(anonymous, 'wf-private')).toMatchObject([{ extensions: { code: 'UNAUTHENTICATED' } }]);
      expect(seen).toEqual({ connected: 1, closed: 0 });
      expect(fixture.app.eventListeners.of('wf-private')).toBe(0);
    });

    it('refuses a token that does not verify with UNAUTHENTICATED', async () => {
      const { client: forged } = watched({ authorization: 'Bearer not-a-jwt' });
      expect(await refusal(forged, 'wf-private')).toMatchObject([
        { message: expect.stringContaining('invalid token'), extensions: { code: 'UNAUTHENTICATED' } },
      ]);
    });

    it('refuses a token without the viewer role with FORBIDDEN', async () => {
      const { client: roleless, seen } = watched(bearer(fixture.app.token([])));

      expect(await refusal(roleless, 'wf-private')).toMatchObject([
        { message: expect.stringContaining('requires the viewer role'), extensions: { code: 'FORBIDDEN' } },
      ]);
      expect(seen).toEqual({ connected: 1, closed: 0 });
      expect(fixture.app.eventListeners.of('wf-private')).toBe(0);
    });

    it('refuses queries and mutations over WebSocket with BAD_REQUEST: they go over HTTP', async () => {
      const { client: viewerClient } = watched(bearer(fixture.app.token(['viewer'])));
      expect(await refusalOf(viewerClient, { query: '{ queues { domain length } }' })).toEqual([
        expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } }),
      ]);
    });

    it('refuses an operation that does not validate with GRAPHQL_VALIDATION_FAILED', async () => {
      const { client: viewerClient } = watched(bearer(fixture.app.token(['viewer'])));
      expect(await refusalOf(viewerClient, { query: 'subscription { workflowEvents(threadId: "x") { nope } }' })).toEqual([
        expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
      ]);
    });
  });

  it('answers a subscription sent over HTTP without opening an event stream', async () => {
    const { body } = await fixture.app.request(
      'subscription { workflowEvents(threadId: "wf-http") { type } }',
      {},
      fixture.app.token(['viewer']),
    );
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(fixture.app.eventListeners.of('wf-http')).toBe(0);
  });
});

describe('stopping a server with live subscribers', () => {
  let redisServer: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    redisServer = await RedisServer.start();
    redis = redisServer.client();
  });

  afterAll(async () => {
    redis.disconnect();
    await redisServer.dispose();
  });

  it('closes every client socket and the Redis subscriber connection', async () => {
    const app = await TestApp.start(redisServer.url);
    const clients = [wsClient(app, bearer(app.token(['viewer']))), wsClient(app, bearer(app.token(['viewer'])))];
    const closes = clients.map(
      (client) => new Promise<number>((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code))),
    );
    const streams = [await subscribeToWorkflow(app, clients[0], 'wf-stop'), await subscribeToWorkflow(app, clients[1], 'wf-stop-2')];
    expect(await redis.pubsub('NUMSUB', 'wave:results')).toEqual(['wave:results', 1]);
    // Pulled before the stop: graphql-ws's iterate() only reports a close to a pull already waiting.
    const ends = streams.map((stream) => stream.next());

    await within(app.stop(), 'the server to stop');

    expect(await within(Promise.all(closes), 'the sockets to close')).toEqual([1001, 1001]);
    for (const end of ends) await expect(within(end, 'the stream to end')).rejects.toMatchObject({ code: 1001 });
    expect(app.eventListeners.of('wf-stop')).toBe(0);
    expect(await redis.pubsub('NUMSUB', 'wave:results', 'wave:events')).toEqual(['wave:results', 0, 'wave:events', 0]);
    await Promise.all(clients.map((client) => client.dispose()));
  });
});
