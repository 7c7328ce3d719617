// Bulk reset (ADMIN): preview a batch of stuck workflows, leave out any of them, confirm exactly the
// previewed plans of the rest; each workflow's outcome shown, failures apart.
import { useApolloClient } from '@apollo/client/react';
import { useContext, useRef, useState, type FormEvent } from 'react';
import {
  ConsoleConfirmBatchDocument,
  ConsolePreviewBatchDocument,
  type ConsoleBatchResultFragment,
  type StuckKind,
} from '../../generated/console-operations';
import { Guarded, KIND_LABELS, Refusals, STUCK_KINDS } from '../components';
import { explain, refusalsOf, type Refusal } from '../errors';
import { newRequestId } from '../format';
import { RefreshContext, ROLE_FOR, refusalFor, useSession } from '../session';

interface BatchQuestion {
  kind?: StuckKind;
  olderThan?: string;
  reason: string;
  limit: number;
}

export function BulkPage() {
  const client = useApolloClient();
  const session = useSession();
  const refresh = useContext(RefreshContext);
  const refusal = refusalFor(session, ROLE_FOR.bulk);
  const [kind, setKind] = useState<StuckKind | ''>('');
  const [olderThan, setOlderThan] = useState('');
  const [limit, setLimit] = useState(20);
  const [reason, setReason] = useState('');
  const [preview, setPreview] = useState<{ result: ConsoleBatchResultFragment; question: BatchQuestion; requestId: string } | null>(null);
  const [done, setDone] = useState<ConsoleBatchResultFragment | null>(null);
  /** Previewed workflows the admin left out of the confirmation. */
  const [excluded, setExcluded] = useState<ReadonlySet<string>>(new Set());
  const [refusals, setRefusals] = useState<Refusal[]>([]);
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);

  const run = async (action: () => Promise<void>) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setRefusals([]);
    try {
      await action();
    } catch (error) {
      setRefusals(refusalsOf(error));
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const submitPreview = (event: FormEvent) => {
    event.preventDefault();
    const question: BatchQuestion = { kind: kind || undefined, olderThan: olderThan.trim() || undefined, reason: reason.trim(), limit };
    void run(async () => {
      setDone(null);
      const { data } = await client.mutate({ mutation: ConsolePreviewBatchDocument, variables: question });
      if (data?.resetStuckWorkflows) {
        setPreview({ result: data.resetStuckWorkflows, question, requestId: newRequestId() });
        setExcluded(new Set());
      }
    });
  };

  const confirm = () =>
    run(async () => {
      if (!preview) return;
      const plans = preview.result.outcomes.flatMap(({ threadId, summary }) =>
        summary?.plan && !excluded.has(threadId) ? [{ threadId, planToken: summary.plan.planToken }] : [],
      );
      const { data } = await client.mutate({
        mutation: ConsoleConfirmBatchDocument,
        variables: { ...preview.question, requestId: preview.requestId, plans },
      });
      if (data?.resetStuckWorkflows) {
        setDone(data.resetStuckWorkflows);
        setPreview(null);
        refresh.refreshNow();
      }
    });

  const planned = preview?.result.outcomes.filter((outcome) => outcome.summary?.plan).length ?? 0;
  const chosen = preview?.result.outcomes.filter((outcome) => outcome.summary?.plan && !excluded.has(outcome.threadId)).length ?? 0;

  return (
    <section aria-labelledby="bulk-title">
      <h1 id="bulk-title">Bulk reset of stuck workflows</h1>
      <form className="card" onSubmit={submitPreview}>
        <label>
          Stuck kind{' '}
          <select value={kind} onChange={(event) => setKind(event.target.value as StuckKind | '')} disabled={refusal !== null}>
            <option value="">any kind</option>
            {STUCK_KINDS.map((value) => (
              <option key={value} value={value}>
                {KIND_LABELS[value]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Stuck for at least (e.g. 30m, optional){' '}
          <input value={olderThan} onChange={(event) => setOlderThan(event.target.value)} disabled={refusal !== null} />
        </label>
        <label>
          At most{' '}
          <input
            type="number"
            min={1}
            max={100}
            value={limit}
            onChange={(event) => setLimit(Number(event.target.value))}
            disabled={refusal !== null}
          />
        </label>
        <label>
          Reason (recorded for every workflow)
          <textarea required rows={2} value={reason} onChange={(event) => setReason(event.target.value)} disabled={refusal !== null} />
        </label>
        <Guarded refusal={refusal}>
          {({ disabled, describedBy }) => (
            <button type="submit" disabled={disabled || busy || reason.trim() === ''} aria-describedby={describedBy}>
              Preview batch
            </button>
          )}
        </Guarded>
      </form>
      <Refusals refusals={refusals} />
      {preview && (
        <section aria-labelledby="batch-preview-title" data-testid="batch-preview">
          <h2 id="batch-preview-title">
            Preview: {chosen} of {planned} workflows would be reset
          </h2>
          <Outcomes
            result={preview.result}
            selection={{
              excluded,
              toggle: (threadId) =>
                setExcluded((current) => {
                  const next = new Set(current);
                  if (!next.delete(threadId)) next.add(threadId);
                  return next;
                }),
            }}
          />
          <button type="button" className="danger" onClick={() => void confirm()} disabled={busy || chosen === 0}>
            Confirm batch reset
          </button>
          <button type="button" onClick={() => setPreview(null)} disabled={busy}>
            Cancel
          </button>
        </section>
      )}
      {done && (
        <section aria-labelledby="batch-done-title" role="status" data-testid="batch-summary">
          <h2 id="batch-done-title">
            Batch done: {done.succeeded} reset, {done.failed} failed
          </h2>
          <Outcomes result={done} />
        </section>
      )}
    </section>
  );
}

interface Selection {
  excluded: ReadonlySet<string>;
  toggle(threadId: string): void;
}

function Outcomes({ result, selection }: { result: ConsoleBatchResultFragment; selection?: Selection }) {
  const failures = result.outcomes.filter((outcome) => outcome.error);
  const successes = result.outcomes.filter((outcome) => !outcome.error);
  return (
    <>
      <ul className="outcomes">
        {successes.map((outcome) => (
          <li key={outcome.threadId} data-thread-id={outcome.threadId} data-outcome="ok">
            {selection && outcome.summary?.plan && (
              <input
                type="checkbox"
                aria-label={`Include ${outcome.threadId}`}
                checked={!selection.excluded.has(outcome.threadId)}
                onChange={() => selection.toggle(outcome.threadId)}
              />
            )}{' '}
            <a href={`#/workflows/${encodeURIComponent(outcome.threadId)}`}>{outcome.threadId}</a> ({outcome.kinds.join(', ')}):{' '}
            {result.dryRun
              ? `would clear ${outcome.summary?.plan?.taskIds.length ?? 0} tasks and ${outcome.summary?.plan?.resultTaskIds.length ?? 0} results, restart at gate ${outcome.summary?.plan?.target.gate ?? 0}`
              : `cleared ${outcome.summary?.cleared.tasks ?? 0} tasks and ${outcome.summary?.cleared.results ?? 0} results; now gate ${outcome.summary?.newState?.gate ?? '—'}, attempt ${outcome.summary?.newState?.attempt ?? '—'}`}
          </li>
        ))}
      </ul>
      {failures.length > 0 && (
        <section aria-label="Failures" className="failures">
          <h3>Not reset ({failures.length})</h3>
          <ul>
            {failures.map((outcome) => (
              <li key={outcome.threadId} data-thread-id={outcome.threadId} data-outcome="failed">
                {outcome.threadId}: <strong>{outcome.error!.code}</strong> — {explain(outcome.error!.code)}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
