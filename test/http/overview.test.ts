import { RedisKeys } from '../../src/redis/keys';
import { seedDemoWorkflows } from '../../src/workflows/demo-seed';
import { useTestApp } from '../helpers/app';

const COUNTS = `query Counts($newest: Int!) {
  workflowCounts(newest: $newest) { total counted byPhase { phase count } stuckByKind { kind count } }
}`;
const STUCK = '{ stuckWorkflows(first: 100) { nodes { threadId health { reasons { kind } } } } }';

describe("an overview's numbers: workflowCounts and the queues' signs of life", () => {
  const fixture = useTestApp();
  const viewer = () => fixture.app.token(['viewer']);

  beforeEach(async () => {
    await seedDemoWorkflows(fixture.redis as never, new RedisKeys('wave'), Date.now());
  });

  it('counts the newest workflows by phase and by stuck kind, agreeing with stuckWorkflows', async () => {
    const { body } = await fixture.app.request(COUNTS, { newest: 500 }, viewer());
    expect(body.errors).toBeUndefined();
    const counts = body.data!.workflowCounts;
    const total = await fixture.redis.zcard('wave:workflows');
    expect(counts).toMatchObject({ total, counted: total });
    expect(counts.byPhase.reduce((sum: number, { count }: { count: number }) => sum + count, 0)).toBe(total);

    const stuck = (await fixture.app.request(STUCK, {}, viewer())).body.data!.stuckWorkflows.nodes as Array<{
      health: { reasons: Array<{ kind: string }> };
    }>;
    const expected = new Map<string, number>();
    for (const {
      health: { reasons },
    } of stuck)
      for (const kind of new Set(reasons.map((reason) => reason.kind))) expected.set(kind, (expected.get(kind) ?? 0) + 1);
    expect(Object.fromEntries(counts.stuckByKind.map(({ kind, count }: { kind: string; count: number }) => [kind, count]))).toEqual({
      QUEUED_TOO_LONG: expected.get('QUEUED_TOO_LONG') ?? 0,
      AGENT_GONE: expected.get('AGENT_GONE') ?? 0,
      RESULT_NOT_ADVANCED: expected.get('RESULT_NOT_ADVANCED') ?? 0,
      SAFETY_BLOCKED: expected.get('SAFETY_BLOCKED') ?? 0,
    });
    expect(stuck.length).toBeGreaterThan(0);
  });

  it('reads only the newest `newest` workflows, and refuses a count out of bounds naming `newest`', async () => {
    const { body } = await fixture.app.request(COUNTS, { newest: 2 }, viewer());
    expect(body.data!.workflowCounts).toMatchObject({ counted: 2, total: await fixture.redis.zcard('wave:workflows') });
    for (const newest of [0, 2001]) {
      const refused = await fixture.app.request(COUNTS, { newest }, viewer());
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newest' });
    }
  });

  it("gives each queue the age of its oldest waiting task and the last sign of its domain's agents", async () => {
    const { body } = await fixture.app.request('{ queues { domain length oldestQueuedAt agentLastSeenAt } }', {}, viewer());
    expect(body.errors).toBeUndefined();
    for (const queue of body.data!.queues as Array<{ length: number; oldestQueuedAt: string | null; agentLastSeenAt: string | null }>) {
      expect(queue.oldestQueuedAt === null).toBe(queue.length === 0);
      if (queue.oldestQueuedAt) expect(Date.parse(queue.oldestQueuedAt)).toBeLessThanOrEqual(Date.now());
    }
    const seen = Date.now();
    await fixture.app.app.services.fencing.popTask({ domain: 'qa', agent: 'qa-1' });
    const after = await fixture.app.request('{ queues { domain agentLastSeenAt } }', {}, viewer());
    const qa = (after.body.data!.queues as Array<{ domain: string; agentLastSeenAt: string }>).find((queue) => queue.domain === 'QA')!;
    expect(Date.parse(qa.agentLastSeenAt)).toBeGreaterThanOrEqual(seen - 1);
  });
});
