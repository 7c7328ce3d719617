// Reset one workflow: preview (dry run) what would go, give a reason, confirm exactly that plan with
// the request id made when the preview was shown, so a double click or a retry never resets twice.
import { useApolloClient } from '@apollo/client/react';
import { useContext, useRef, useState, type FormEvent } from 'react';
import {
  ConsoleConfirmResetDocument,
  ConsolePreviewResetDocument,
  type ConsoleCleanupSummaryFragment,
  type ConsoleWorkflowQuery,
} from '../../generated/console-operations';
import { Guarded, Refusals } from '../components';
import { refusalsOf, type Refusal } from '../errors';
import { dateTime, newRequestId } from '../format';
import { RefreshContext, ROLE_FOR, refusalFor, useSession } from '../session';

interface Preview {
  summary: ConsoleCleanupSummaryFragment;
  /** Made when this preview was shown: the confirmation carries it, however often it is sent. */
  requestId: string;
  reason: string;
  resetToGate: number;
  /** The server said STALE_PLAN: this plan can no longer be confirmed. */
  stale: boolean;
}

export function ResetPanel({ workflow }: { workflow: NonNullable<ConsoleWorkflowQuery['workflow']> }) {
  const client = useApolloClient();
  const session = useSession();
  const refresh = useContext(RefreshContext);
  const [reason, setReason] = useState('');
  const [resetToGate, setResetToGate] = useState(0);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [done, setDone] = useState<ConsoleCleanupSummaryFragment | null>(null);
  const [refusals, setRefusals] = useState<Refusal[]>([]);
  const [busy, setBusy] = useState(false);
  // A second click lands before React re-renders the disabled button: this guard sees it.
  const inFlight = useRef(false);
  const refusal = refusalFor(session, ROLE_FOR.reset);
  const threadId = workflow.threadId;

  const run = async (action: () => Promise<void>) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setRefusals([]);
    try {
      await action();
    } catch (error) {
      setRefusals(refusalsOf(error));
      if (refusalsOf(error).some(({ code }) => code === 'STALE_PLAN')) setPreview((shown) => shown && { ...shown, stale: true });
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const showPreview = (why: string, gate: number) =>
    run(async () => {
      setDone(null);
      const { data } = await client.mutate({
        mutation: ConsolePreviewResetDocument,
        variables: { threadId, reason: why, resetToGate: gate },
      });
      const summary = data?.resetWorkflow;
      if (summary) setPreview({ summary, requestId: newRequestId(), reason: why, resetToGate: gate, stale: false });
    });

  const confirm = () =>
    run(async () => {
      if (!preview?.summary.plan) return;
      const { data } = await client.mutate({
        mutation: ConsoleConfirmResetDocument,
        variables: {
          threadId,
          reason: preview.reason,
          resetToGate: preview.resetToGate,
          planToken: preview.summary.plan.planToken,
          requestId: preview.requestId,
        },
      });
      if (data?.resetWorkflow) {
        setDone(data.resetWorkflow);
        setPreview(null);
        setReason('');
        refresh.refreshNow();
      }
    });

  const submitPreview = (event: FormEvent) => {
    event.preventDefault();
    void showPreview(reason.trim(), resetToGate);
  };
  const plan = preview?.summary.plan;

  return (
    <section aria-labelledby="reset-title" className="card reset">
      <h2 id="reset-title">Reset</h2>
      <form onSubmit={submitPreview}>
        <label>
          Reason (recorded in the audit trail)
          <textarea required value={reason} onChange={(event) => setReason(event.target.value)} disabled={refusal !== null} rows={2} />
        </label>
        <label>
          Restart from gate
          <input
            type="number"
            min={0}
            value={resetToGate}
            onChange={(event) => setResetToGate(Number(event.target.value))}
            disabled={refusal !== null}
          />
        </label>
        <Guarded refusal={refusal}>
          {({ disabled, describedBy }) => (
            <button type="submit" disabled={disabled || busy || reason.trim() === ''} aria-describedby={describedBy}>
              Preview reset
            </button>
          )}
        </Guarded>
      </form>
      <Refusals refusals={refusals} />
      {preview?.stale && (
        <button type="button" onClick={() => void showPreview(preview.reason, preview.resetToGate)} disabled={busy}>
          Preview again
        </button>
      )}
      {preview && !plan && <p className="notice">{preview.summary.message}</p>}
      {preview && plan && (
        <section aria-labelledby="plan-title" className={`plan${preview.stale ? ' stale' : ''}`} data-testid="reset-preview">
          <h3 id="plan-title">Preview: what the reset would do</h3>
          <dl>
            <div>
              <dt>Cancel and delete tasks</dt>
              <dd data-field="tasks">{plan.taskIds.length === 0 ? 'none' : plan.taskIds.join(', ')}</dd>
            </div>
            <div>
              <dt>Take off queues</dt>
              <dd data-field="queues">
                {plan.queueEntries.length === 0
                  ? 'none'
                  : plan.queueEntries.map((entry) => `${entry.domain}: ${entry.taskIds.join(', ')}`).join('; ')}
              </dd>
            </div>
            <div>
              <dt>Delete results of</dt>
              <dd data-field="results">{plan.resultTaskIds.length === 0 ? 'none' : plan.resultTaskIds.join(', ')}</dd>
            </div>
            <div>
              <dt>Restart at</dt>
              <dd data-field="target">
                gate {plan.target.gate}, {plan.target.phase}
              </dd>
            </div>
            <div>
              <dt>Reason</dt>
              <dd>{preview.reason}</dd>
            </div>
            <div>
              <dt>Plan valid until</dt>
              <dd>{dateTime(plan.expiresAt)}</dd>
            </div>
          </dl>
          <button type="button" className="danger" onClick={() => void confirm()} disabled={busy || preview.stale}>
            Confirm reset
          </button>
          <button type="button" onClick={() => setPreview(null)} disabled={busy}>
            Cancel
          </button>
        </section>
      )}
      {done && (
        <section aria-labelledby="done-title" className="summary" role="status" data-testid="reset-summary">
          <h3 id="done-title">
            {done.success ? (done.replayed ? 'Reset done (an earlier answer, replayed)' : 'Reset done') : 'Nothing reset'}
          </h3>
          <p>{done.message}</p>
          <p>
            Cleared {done.cleared.tasks} tasks and {done.cleared.results} results
            {done.cleared.queues.length > 0 && <>, from queues {done.cleared.queues.join(', ')}</>}.
            {done.newState && (
              <>
                {' '}
                Now at gate {done.newState.gate}, {done.newState.phase}, attempt {done.newState.attempt}.
              </>
            )}
          </p>
        </section>
      )}
    </section>
  );
}
