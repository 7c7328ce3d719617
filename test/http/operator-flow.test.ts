import { RedisKeys } from '../../src/redis/keys';
import { seedDemoWorkflows } from '../../src/workflows/demo-seed';
import { useTestApp } from '../helpers/app';
import { dumpWorkflowState } from '../helpers/keyspace';

const DIAGNOSE = `{
  stuckWorkflows(first: 50) {
    nodes { threadId gate phase health { stuck reasons { kind taskId since durationSeconds suggestedFix } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const RESET = `mutation Reset($input: ResetWorkflowInput!) {
  resetWorkflow(input: $input) {
    success dryRun replayed requestId message
    cleared { tasks results queues }
    newState { gate phase attempt }
    plan { taskIds queueEntries { domain taskIds } resultTaskIds target { gate phase } planToken expiresAt }
  }
}`;

const AUDIT = `query Audit($threadId: ID) {
  resetAudit(threadId: $threadId, first: 10) {
    nodes {
      kind threadId actor reason requestId at
      cleared { tasks results queues } before { gate phase attempt } after { gate phase attempt }
    }
    pageInfo { hasNextPage }
  }
}`;

describe("the operator's flow over HTTP, with confirmation required: diagnose, preview, reset with the plan token, read the audit", () => {
  const fixture = useTestApp({ REQUIRE_RESET_CONFIRMATION: 'true', RESET_RATE_LIMIT: '100/1m' });
  const operator = () => fixture.app.token(['operator'], 'night-operator');
  const admin = () => fixture.app.token(['admin'], 'night-admin');
  const reset = (input: Record<string, unknown>, token = operator()) => fixture.app.request(RESET, { input }, token);

  beforeEach(async () => {
    await seedDemoWorkflows(fixture.redis as never, new RedisKeys('wave'), Date.now());
  });

  it('diagnoses one demo workflow per stuck kind, each with its evidence and a fix', async () => {
    const { body } = await fixture.app.request(DIAGNOSE, {}, fixture.app.token(['viewer']));
    expect(body.errors).toBeUndefined();
    const nodes: Array<{ threadId: string; health: { stuck: boolean; reasons: Array<Record<string, unknown>> } }> =
      body.data!.stuckWorkflows.nodes;
    const kinds = nodes.flatMap((node) => node.health.reasons.map((reason) => reason.kind)).sort();
    expect(kinds).toEqual(['AGENT_GONE', 'QUEUED_TOO_LONG', 'RESULT_NOT_ADVANCED', 'SAFETY_BLOCKED']);
    for (const node of nodes) {
      expect(node.health.stuck).toBe(true);
      for (const reason of node.health.reasons) {
        expect(reason).toMatchObject({ since: expect.any(String), durationSeconds: expect.any(Number), suggestedFix: expect.any(String) });
      }
    }
  });

  it('previews without changing anything, resets with the plan token, and audits both', async () => {
    const threadId = 'WAVE1-FE-002-dead-agent';
    const before = await dumpWorkflowState(fixture.redis);
    const preview = await reset({ threadId, reason: 'agent died', dryRun: true });
    expect(preview.body.errors).toBeUndefined();
    const plan = preview.body.data!.resetWorkflow.plan;
    expect(plan).toMatchObject({
      taskIds: expect.arrayContaining([expect.any(String)]),
      target: { gate: 0, phase: 'PENDING' },
      planToken: expect.any(String),
    });
    const afterPreview = await dumpWorkflowState(fixture.redis);
    const workflowKeys = (dump: Map<string, unknown>) =>
      [...dump].filter(([key]) => /^wave:(workflow|workflows|task|result|tasks):/.test(key));
    expect(workflowKeys(afterPreview)).toEqual(workflowKeys(before));

    const unconfirmed = await reset({ threadId, reason: 'agent died' });
    expect(unconfirmed.body.errors?.[0]?.extensions?.code).toBe('CONFIRMATION_REQUIRED');

    const confirmed = await reset({ threadId, reason: 'agent died', planToken: plan.planToken, requestId: 'night-1' });
    expect(confirmed.body.errors).toBeUndefined();
    expect(confirmed.body.data!.resetWorkflow).toMatchObject({
      success: true,
      dryRun: false,
      newState: { gate: 0, phase: 'PENDING', attempt: 1 },
    });
    expect(confirmed.body.data!.resetWorkflow.cleared.tasks).toBe(plan.taskIds.length);

    const audit = await fixture.app.request(AUDIT, { threadId }, operator());
    expect(audit.body.data!.resetAudit.nodes.map((entry: { kind: string }) => entry.kind)).toEqual(['RESET', 'PREVIEW']);
    expect(audit.body.data!.resetAudit.nodes[0]).toMatchObject({
      actor: 'night-operator',
      reason: 'agent died',
      requestId: 'night-1',
      before: { phase: 'RUNNING', attempt: 0 },
      after: { gate: 0, phase: 'PENDING', attempt: 1 },
    });
  });

  it('refuses a plan token once the workflow changed, with STALE_PLAN, touching nothing', async () => {
    const threadId = 'WAVE1-BE-002-agent-crash';
    const preview = await reset({ threadId, reason: 'crash', dryRun: true });
    const { planToken } = preview.body.data!.resetWorkflow.plan;
    // An agent takes a queued task meanwhile.
    await fixture.redis.rpop('wave:tasks:be');
    const before = await dumpWorkflowState(fixture.redis);
    const stale = await reset({ threadId, reason: 'crash', planToken });
    expect(stale.body.errors?.[0]?.extensions?.code).toBe('STALE_PLAN');
    expect(await dumpWorkflowState(fixture.redis)).toEqual(before);
  });

  it('answers a repeated requestId with the first summary, marked replayed, and resets once', async () => {
    const threadId = 'WAVE1-QA-001-unadvanced';
    const { planToken } = (await reset({ threadId, reason: 'stuck', dryRun: true })).body.data!.resetWorkflow.plan;
    const first = await reset({ threadId, reason: 'stuck', planToken, requestId: 'click-1' });
    const again = await reset({ threadId, reason: 'stuck', planToken, requestId: 'click-1' });
    expect(first.body.data!.resetWorkflow.replayed).toBe(false);
    expect(again.body.data!.resetWorkflow).toMatchObject({ ...first.body.data!.resetWorkflow, replayed: true, plan: null });
    const audit = await fixture.app.request(AUDIT, { threadId }, operator());
    expect(audit.body.data!.resetAudit.nodes.filter((entry: { kind: string }) => entry.kind === 'RESET')).toHaveLength(1);
  });

  it('lets an admin preview the stuck set and reset exactly what was previewed', async () => {
    const BATCH = `mutation Batch($input: ResetStuckWorkflowsInput!) {
      resetStuckWorkflows(input: $input) {
        dryRun succeeded failed outcomes { threadId kinds error { code } summary { plan { planToken } } }
      }
    }`;
    const preview = await fixture.app.request(BATCH, { input: { reason: 'after the outage' } }, admin());
    expect(preview.body.errors).toBeUndefined();
    const outcomes: Array<{ threadId: string; summary: { plan: { planToken: string } } }> = preview.body.data!.resetStuckWorkflows.outcomes;
    expect(preview.body.data!.resetStuckWorkflows).toMatchObject({ dryRun: true, succeeded: 4, failed: 0 });

    const plans = outcomes.map(({ threadId, summary }) => ({ threadId, planToken: summary.plan.planToken }));
    const run = await fixture.app.request(
      BATCH,
      { input: { reason: 'after the outage', dryRun: false, plans, requestId: 'outage-1' } },
      admin(),
    );
    expect(run.body.data!.resetStuckWorkflows).toMatchObject({ dryRun: false, succeeded: 4, failed: 0 });
    const { body } = await fixture.app.request(DIAGNOSE, {}, operator());
    expect(body.data!.stuckWorkflows.nodes).toEqual([]);
  });

  it('keeps the batch reset for admins', async () => {
    const { body } = await fixture.app.request('mutation { resetStuckWorkflows(input: { reason: "x" }) { succeeded } }', {}, operator());
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
