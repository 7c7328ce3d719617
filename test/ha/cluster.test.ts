import { createClient } from 'graphql-ws';
import type { Cluster } from 'ioredis';
import WebSocket from 'ws';
import { operatorToken } from '../lifecycle/support';
import { RedisClusterSetup } from '../helpers/redis-cluster';
import { ServerProcess } from '../helpers/server-process';
import { SECRET, WORKFLOW, errorCodes, eventually, expectUnavailable, post, readiness, startWithTask } from './support';

const RESET_LIMIT = 3;
const DASHBOARD = `{
  workflows(first: 20) { nodes { threadId phase tasks { id status } health { stuck } } }
  queues { domain length }
}`;
const STUCK = '{ stuckWorkflows(first: 20) { nodes { threadId health { reasons { kind taskId } } } } }';
const RESET = `mutation Reset($input: ResetWorkflowInput!) {
  resetWorkflow(input: $input) { success cleared { tasks queues } plan { taskIds planToken } newState { gate phase attempt } }
}`;
const EVENTS = 'subscription Events($threadId: ID!) { workflowEvents(threadId: $threadId) { type threadId attempt } }';

/** Every key of the cluster with the port of the master holding it. */
async function keysByNode(cluster: Cluster): Promise<Map<string, number>> {
  const located = new Map<string, number>();
  for (const node of cluster.nodes('master')) {
    for (const key of await node.keys('*')) located.set(key, node.options.port!);
  }
  return located;
}

describe('a server process on a three-master Redis Cluster', () => {
  let cluster: RedisClusterSetup;
  let redis: Cluster;
  let server: ServerProcess;

  beforeAll(async () => {
    cluster = await RedisClusterSetup.start();
    redis = cluster.client();
    server = await ServerProcess.start({
      REDIS_CLUSTER_NODES: cluster.nodes,
      JWT_SECRET: SECRET,
      RESET_RATE_LIMIT: `${RESET_LIMIT}/1m`,
    });
    await eventually('/readyz answers 200', async () => (await readiness(server.url)).status === 200);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    redis?.disconnect();
    await cluster?.dispose();
  });

  it('starts, enqueues, lists, diagnoses, previews and resets with the plan token, all in one slot', async () => {
    const fresh = await startWithTask(server.url, 'wf-cluster');
    // A task the orchestrator queued an hour ago and no agent took: stuck, QUEUED_TOO_LONG.
    const hourAgo = String(Date.now() - 3_600_000);
    await redis
      .multi()
      .hset('{wave}:task:old-1', { thread_id: 'wf-cluster', data: '{}', status: 'pending', queue: 'be', enqueued_at: hourAgo })
      .sadd('{wave}:workflow:wf-cluster:tasks', 'old-1')
      .lpush('{wave}:tasks:be', 'old-1')
      .exec();

    const dashboard = await post(server.url, DASHBOARD);
    expect(dashboard.body.errors).toBeUndefined();
    expect(dashboard.body.data!.workflows.nodes).toEqual([
      {
        threadId: 'wf-cluster',
        phase: 'PENDING',
        tasks: expect.arrayContaining([expect.objectContaining({ id: fresh })]),
        health: { stuck: true },
      },
    ]);
    expect(dashboard.body.data!.queues).toEqual(
      expect.arrayContaining([
        { domain: 'FE', length: 1 },
        { domain: 'BE', length: 1 },
      ]),
    );

    const stuck = await post(server.url, STUCK);
    expect(stuck.body).toEqual({
      data: {
        stuckWorkflows: { nodes: [{ threadId: 'wf-cluster', health: { reasons: [{ kind: 'QUEUED_TOO_LONG', taskId: 'old-1' }] } }] },
      },
    });

    const preview = await post(server.url, RESET, { input: { threadId: 'wf-cluster', reason: 'cluster check', dryRun: true } });
    expect(preview.body.errors).toBeUndefined();
    const { planToken, taskIds } = preview.body.data!.resetWorkflow.plan;
    expect(taskIds.sort()).toEqual([fresh, 'old-1'].sort());

    const reset = await post(server.url, RESET, { input: { threadId: 'wf-cluster', reason: 'cluster check', planToken } });
    expect(reset.body).toEqual({
      data: {
        resetWorkflow: {
          success: true,
          cleared: { tasks: 2, queues: ['fe', 'be'] },
          plan: null,
          newState: { gate: 0, phase: 'PENDING', attempt: 1 },
        },
      },
    });
    expect(await redis.exists(`{wave}:task:${fresh}`, '{wave}:task:old-1')).toBe(0);
    expect(await redis.llen('{wave}:tasks:fe')).toBe(0);
    expect(await redis.xlen('{wave}:audit:wf-cluster')).toBe(2);
    expect((await post(server.url, WORKFLOW, { threadId: 'wf-cluster' })).body.data!.workflow).toMatchObject({ attempt: 1, tasks: [] });

    const metrics = await (await fetch(server.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(metrics).toMatch(/^wave_redis_connected 1$/m);
    expect(metrics).toMatch(/^wave_redis_command_duration_seconds_count\{command="script:resetWorkflow"\} [1-9]/m);
  });

  it(`allows exactly ${RESET_LIMIT} resets a minute per user, however the calls race`, async () => {
    const token = operatorToken('limited-operator');
    const answers = await Promise.all(
      // A real reset of an unknown workflow changes nothing (success: false) and spends the reset budget.
      Array.from({ length: RESET_LIMIT + 3 }, () =>
        post(server.url, RESET, { input: { threadId: 'wf-unknown', reason: 'rate limit' } }, token),
      ),
    );
    const codes = answers.map((answer) => errorCodes(answer)[0] ?? 'ok').sort();
    expect(codes).toEqual([...Array(RESET_LIMIT).fill('ok'), ...Array(3).fill('RATE_LIMITED')].sort());
  });

  it("pushes a reset's event to a subscriber through the cluster's pub/sub", async () => {
    await startWithTask(server.url, 'wf-events');
    const client = createClient({
      url: server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${operatorToken()}` },
      retryAttempts: 0,
    });
    try {
      const events = client.iterate<{ workflowEvents: { type: string; threadId: string; attempt: number } }>({
        query: EVENTS,
        variables: { threadId: 'wf-events' },
      });
      const first = events.next();
      // Nothing tells a client when the server's subscription to Redis is in place: reset until one is seen.
      const received = await eventually('a reset event reaches the subscriber', async () => {
        await post(server.url, RESET, { input: { threadId: 'wf-events', reason: 'events' } }, operatorToken('events-operator'));
        return Promise.race([first, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 200))]);
      });
      expect(received.value?.data?.workflowEvents).toEqual({ type: 'WORKFLOW_RESET', threadId: 'wf-events', attempt: expect.any(Number) });
      await events.return?.();
    } finally {
      await client.dispose();
    }
  });

  it('keeps every WAVE key in the slot of {wave} and spreads the rate-limit keys over the shards', async () => {
    await startWithTask(server.url, 'wf-slots');
    for (const operator of ['ana', 'ben', 'cleo']) {
      const preview = await post(
        server.url,
        RESET,
        { input: { threadId: 'wf-slots', reason: 'slots', dryRun: true } },
        operatorToken(operator),
      );
      expect(preview.body.errors).toBeUndefined();
    }
    const located = await keysByNode(redis);
    const waveSlot = await redis.cluster('KEYSLOT', '{wave}');
    const waveKeys = [...located.keys()].filter((key) => key.startsWith('{wave}:'));
    const rateLimitKeys = [...located.keys()].filter((key) => key.startsWith('wave:ratelimit:'));
    expect(waveKeys).toEqual(expect.arrayContaining(['{wave}:workflows', '{wave}:workflow:wf-slots', '{wave}:tasks:fe', '{wave}:audit']));
    expect([...located.keys()].filter((key) => !waveKeys.includes(key) && !rateLimitKeys.includes(key))).toEqual([]);
    for (const key of waveKeys) expect({ key, slot: await redis.cluster('KEYSLOT', key) }).toEqual({ key, slot: waveSlot });

    expect(rateLimitKeys).toEqual(
      expect.arrayContaining(['ana', 'ben', 'cleo'].map((sub) => `wave:ratelimit:Mutation.resetWorkflow(dryRun):sub:${sub}`)),
    );
    const rateLimitSlots = new Set(await Promise.all(rateLimitKeys.map((key) => redis.cluster('KEYSLOT', key))));
    expect(rateLimitSlots.has(waveSlot)).toBe(false);
    expect(new Set(rateLimitKeys.map((key) => located.get(key))).size).toBeGreaterThan(1);
  });

  it("answers SERVICE_UNAVAILABLE quickly, and /readyz 503, while the shard holding WAVE's slot is down", async () => {
    const wavePort = (await keysByNode(redis)).get('{wave}:workflows')!;
    await cluster.kill(wavePort);

    await expectUnavailable(server);
    // Shutdown does not wait on the lost shard: QUIT to it fails and its socket is dropped.
    expect(await server.stop()).toBe(0);
  });
});
