import { useTestApps } from '../helpers/app';
import { writeWorkflow } from '../workflows/support';

const RESET = `mutation Reset($input: ResetWorkflowInput!) {
  resetWorkflow(input: $input) { success replayed dryRun plan { planToken } }
}`;

describe('what resetWorkflow spends, over HTTP on a real Redis shared by two instances', () => {
  const fixture = useTestApps({
    one: { RESET_RATE_LIMIT: '5/1m', RESET_PREVIEW_RATE_LIMIT: '3/1m' },
    two: { RESET_RATE_LIMIT: '5/1m', RESET_PREVIEW_RATE_LIMIT: '3/1m' },
  });
  let operator: string;

  beforeEach(async () => {
    // A fresh user per test, so each test starts with full budgets.
    operator = fixture.apps.one.token(['operator'], `operator-${expect.getState().currentTestName}`);
    for (let i = 0; i < 6; i++) await writeWorkflow(fixture.redis, `wf-${i}`);
  });

  /** Alternates the two instances, so only budgets kept in Redis can hold. */
  let calls = 0;
  async function reset(input: Record<string, unknown>) {
    const app = calls++ % 2 === 0 ? fixture.apps.one : fixture.apps.two;
    return (await app.request(RESET, { input: { reason: 'stuck', ...input } }, operator)).body;
  }

  it('spends one reset of five on a preview, its confirmation and a retry with the same requestId', async () => {
    const preview = await reset({ threadId: 'wf-0', dryRun: true });
    const planToken = preview.data?.resetWorkflow.plan.planToken;
    const confirmed = await reset({ threadId: 'wf-0', planToken, requestId: 'incident-42' });
    const retried = await reset({ threadId: 'wf-0', planToken, requestId: 'incident-42' });
    expect([confirmed.data?.resetWorkflow, retried.data?.resetWorkflow]).toEqual([
      expect.objectContaining({ success: true, replayed: false }),
      expect.objectContaining({ success: true, replayed: true }),
    ]);
    // Four real resets are left of the five; the fifth new one is refused.
    for (let i = 1; i <= 4; i++) expect((await reset({ threadId: `wf-${i}` })).errors).toBeUndefined();
    expect((await reset({ threadId: 'wf-5' })).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  });

  it('refuses previews past their own budget with RATE_LIMITED and retryAfter, while real resets still go', async () => {
    for (let i = 0; i < 3; i++) expect((await reset({ threadId: `wf-${i}`, dryRun: true })).errors).toBeUndefined();
    const refused = await reset({ threadId: 'wf-3', dryRun: true });
    expect(refused.data).toEqual({ resetWorkflow: null });
    expect(refused.errors?.[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(refused.errors?.[0].extensions?.retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused.errors?.[0].extensions?.retryAfter).toBeLessThanOrEqual(60);
    expect((await reset({ threadId: 'wf-3' })).data?.resetWorkflow).toMatchObject({ success: true, dryRun: false });
  });

  it('answers a retry with a stored requestId even when the reset budget is spent', async () => {
    const first = await reset({ threadId: 'wf-0', requestId: 'incident-43' });
    expect(first.errors).toBeUndefined();
    for (let i = 1; i <= 4; i++) expect((await reset({ threadId: `wf-${i}` })).errors).toBeUndefined();
    expect((await reset({ threadId: 'wf-5' })).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect((await reset({ threadId: 'wf-0', requestId: 'incident-43' })).data?.resetWorkflow).toMatchObject({ replayed: true });
  });

  it('spends the reset budget on a refused reset: refusals ran the same reads', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await reset({ threadId: `wf-${i}`, planToken: '0'.repeat(64) })).errors?.[0].extensions?.code).toBe('STALE_PLAN');
    }
    expect((await reset({ threadId: 'wf-5' })).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  });
});
