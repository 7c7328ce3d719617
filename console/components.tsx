// Pieces every view uses: refusals, the reason beside a disabled control, the workflows table, paging.
import { useId, useState, type ReactNode } from 'react';
import type { ConsoleWorkflowRowFragment, StuckKind } from '../generated/console-operations';
import type { Refusal } from './errors';
import { duration, age, clock } from './format';

export const STUCK_KINDS: readonly StuckKind[] = ['QUEUED_TOO_LONG', 'AGENT_GONE', 'RESULT_NOT_ADVANCED', 'SAFETY_BLOCKED'];

export const KIND_LABELS: Record<StuckKind, string> = {
  QUEUED_TOO_LONG: 'queued too long (no agent took it)',
  AGENT_GONE: 'agent gone (no heartbeat)',
  RESULT_NOT_ADVANCED: 'result not advanced',
  SAFETY_BLOCKED: 'safety blocked',
};

export function Refusals({ refusals }: { refusals: readonly Refusal[] }) {
  if (refusals.length === 0) return null;
  return (
    <div role="alert" className="refusals">
      {refusals.map((refusal, index) => (
        <p key={index} className="refusal" data-code={refusal.code}>
          <strong>{refusal.code}</strong>: {refusal.explanation}
          {refusal.retryAfter !== undefined && (
            <>
              {' '}
              Retry in {refusal.retryAfter} s (after {clock(new Date(Date.now() + refusal.retryAfter * 1000))}).
            </>
          )}
        </p>
      ))}
    </div>
  );
}

/** A control that is disabled, with the reason read out beside it (and by a screen reader, through aria-describedby). */
export function Guarded({
  refusal,
  children,
}: {
  refusal: string | null;
  children: (props: { disabled: boolean; describedBy?: string }) => ReactNode;
}) {
  const id = useId();
  return (
    <>
      {children({ disabled: refusal !== null, describedBy: refusal ? id : undefined })}
      {refusal && (
        <p id={id} className="disabled-reason">
          {refusal}
        </p>
      )}
    </>
  );
}

export function Phase({ phase }: { phase: string }) {
  return <span className={`badge phase-${phase.toLowerCase()}`}>{phase}</span>;
}

export function WorkflowTable({
  workflows,
  now,
  caption,
}: {
  workflows: readonly ConsoleWorkflowRowFragment[];
  now: number;
  caption: string;
}) {
  if (workflows.length === 0) return <p className="empty">No workflows here.</p>;
  return (
    <div className="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Thread id</th>
            <th scope="col">Phase</th>
            <th scope="col">Gate</th>
            <th scope="col">Attempt</th>
            <th scope="col">Created</th>
            <th scope="col">Stuck</th>
          </tr>
        </thead>
        <tbody>
          {workflows.map((workflow) => (
            <tr key={workflow.threadId} data-thread-id={workflow.threadId}>
              <td>
                <a href={`#/workflows/${encodeURIComponent(workflow.threadId)}`}>{workflow.threadId}</a>
              </td>
              <td>
                <Phase phase={workflow.phase} />
              </td>
              <td>{workflow.gate}</td>
              <td>{workflow.attempt}</td>
              <td title={workflow.createdAt}>{age(workflow.createdAt, now)}</td>
              <td>
                {workflow.health.reasons.map((reason) => (
                  <span key={`${reason.kind}-${reason.taskId}`} className="badge stuck">
                    {reason.kind} for {duration(reason.durationSeconds)}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Cursor paging: a stack of the `after` cursors that led to the current page. */
export function useCursorPages(): { after: string | undefined; page: number; next(cursor: string): void; previous(): void; reset(): void } {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    after: cursors[cursors.length - 1],
    page: cursors.length + 1,
    next: (cursor) => setCursors((stack) => [...stack, cursor]),
    previous: () => setCursors((stack) => stack.slice(0, -1)),
    reset: () => setCursors([]),
  };
}

export function Pager({
  pages,
  pageInfo,
  label,
}: {
  pages: ReturnType<typeof useCursorPages>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null } | undefined;
  label: string;
}) {
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={pages.previous} disabled={pages.page === 1}>
        ← Previous page
      </button>
      <span>Page {pages.page}</span>
      <button type="button" onClick={() => pageInfo?.endCursor && pages.next(pageInfo.endCursor)} disabled={!pageInfo?.hasNextPage}>
        Next page →
      </button>
    </nav>
  );
}
