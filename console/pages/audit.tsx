// The audit trail: every reset and preview, newest first, a page at a time.
import { useQuery } from '@apollo/client/react';
import { ConsoleResetAuditDocument, type ConsoleAuditEntryFragment } from '../../generated/console-operations';
import { Pager, Refusals, useCursorPages } from '../components';
import { refusalsOf } from '../errors';
import { dateTime } from '../format';
import { ROLE_FOR, refusalFor, useSession } from '../session';

const PAGE_SIZE = 20;

function state(value: ConsoleAuditEntryFragment['before']): string {
  return value ? `gate ${value.gate}, ${value.phase}${value.attempt === null ? '' : `, attempt ${value.attempt}`}` : '—';
}

export function AuditTable({ entries }: { entries: readonly ConsoleAuditEntryFragment[] }) {
  if (entries.length === 0) return <p className="empty">No entry.</p>;
  return (
    <div className="table-scroll">
      <table className="audit">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">Workflow</th>
            <th scope="col">Who</th>
            <th scope="col">Why</th>
            <th scope="col">Cleared</th>
            <th scope="col">Before → after</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id} data-audit-kind={entry.kind} data-thread-id={entry.threadId}>
              <td>{dateTime(entry.at)}</td>
              <td>{entry.kind}</td>
              <td>
                <a href={`#/workflows/${encodeURIComponent(entry.threadId)}`}>{entry.threadId}</a>
              </td>
              <td>{entry.actor}</td>
              <td>{entry.reason}</td>
              <td>
                {entry.cleared.tasks} tasks, {entry.cleared.results} results
                {entry.cleared.queues.length > 0 && ` (${entry.cleared.queues.join(', ')})`}
              </td>
              <td>
                {state(entry.before)} → {state(entry.after)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AuditPage() {
  const session = useSession();
  const refusal = refusalFor(session, ROLE_FOR.audit);
  const pages = useCursorPages();
  const { data, error } = useQuery(ConsoleResetAuditDocument, {
    variables: { first: PAGE_SIZE, after: pages.after },
    skip: refusal !== null,
  });
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit trail</h1>
      {refusal ? (
        <p className="disabled-reason">{refusal}</p>
      ) : (
        <>
          <Refusals refusals={refusalsOf(error)} />
          {data?.resetAudit && (
            <>
              <AuditTable entries={data.resetAudit.nodes} />
              <Pager pages={pages} pageInfo={data.resetAudit.pageInfo} label="Audit" />
            </>
          )}
        </>
      )}
    </section>
  );
}
