import { StuckWorkflowService } from '../../src/workflows/stuck.service';
import type { ResetObserver } from '../../src/workflows/reset-observer';
import { DEFAULT_THRESHOLDS, writeOneOfEach } from './stuck-support';
import { NOW, resetRequest, useBackend, writeWorkflow } from './support';

type Told = ['reset', string, boolean] | ['batch', boolean, number];

/** An observer that notes what it is told, in order. */
function recordingObserver(): ResetObserver & { told: Told[] } {
  const told: Told[] = [];
  return {
    told,
    resetAnswered: (summary) => told.push(['reset', summary.threadId, summary.dryRun]),
    batchAnswered: (batch) => told.push(['batch', batch.dryRun, batch.outcomes.length]),
    sweepProgress: () => undefined,
    dequeueFailed: () => undefined,
  };
}

describe('the reset observer given at construction', () => {
  const observer = recordingObserver();
  const backend = useBackend('ioredis-mock', () => NOW, { observer });
  const stuck = () =>
    new StuckWorkflowService(backend.workflows, backend.resets, { thresholds: DEFAULT_THRESHOLDS, now: () => NOW, observer });

  beforeEach(() => {
    observer.told.length = 0;
  });

  it('is told the summary of each preview, reset and replay the service answers', async () => {
    await writeWorkflow(backend.redis, 'wf-1');
    const preview = await backend.resets.resetWorkflow(resetRequest('wf-1', { dryRun: true }));
    const reset = await backend.resets.resetWorkflow(resetRequest('wf-1', { requestId: 'r-1' }));
    const replay = await backend.resets.resetWorkflow(resetRequest('wf-1', { requestId: 'r-1' }));
    expect(replay.replayed).toBe(true);
    expect([preview.dryRun, reset.dryRun]).toEqual([true, false]);
    expect(observer.told).toEqual([
      ['reset', 'wf-1', true],
      ['reset', 'wf-1', false],
      ['reset', 'wf-1', false],
    ]);
  });

  it('is told "nothing to reset" too, but not a refusal', async () => {
    await backend.resets.resetWorkflow(resetRequest('wf-unknown'));
    await writeWorkflow(backend.redis, 'wf-1', { gate: 3 });
    await expect(backend.resets.resetWorkflow(resetRequest('wf-1', { expectedGate: 5 }))).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    expect(observer.told).toEqual([['reset', 'wf-unknown', false]]);
  });

  it('is told each workflow of a batch, then the batch', async () => {
    await writeOneOfEach(backend.redis);
    const batch = await stuck().resetStuckWorkflows({ limit: 2, reason: 'stuck', actor: 'admin@example.com', dryRun: false });
    expect(observer.told).toEqual([
      ['reset', batch.outcomes[0].threadId, false],
      ['reset', batch.outcomes[1].threadId, false],
      ['batch', false, 2],
    ]);
  });

  it("tells a call's own observer (a request's) instead, for a reset and for a batch and its resets", async () => {
    await writeOneOfEach(backend.redis);
    await writeWorkflow(backend.redis, 'wf-1');
    const requests = recordingObserver();
    await backend.resets.resetWorkflow(resetRequest('wf-1', { dryRun: true }), { observer: requests });
    const batch = await stuck().resetStuckWorkflows({ limit: 1, reason: 'stuck', actor: 'admin@example.com' }, { observer: requests });
    expect(requests.told).toEqual([
      ['reset', 'wf-1', true],
      ['reset', batch.outcomes[0].threadId, true],
      ['batch', true, 1],
    ]);
    expect(observer.told).toEqual([]);
  });
});
