// The workflows table: cursor paging, filtered by phase and thread id prefix or by stuck kind, oldest or
// newest first, and a thread id to open.
import { useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import {
  ConsoleStuckWorkflowsDocument,
  ConsoleWorkflowsDocument,
  type StuckKind,
  type WorkflowOrder,
  type WorkflowPhase,
} from '../../generated/console-operations';
import { KIND_LABELS, Pager, Refusals, STUCK_KINDS, WorkflowTable, useCursorPages } from '../components';
import { refusalsOf } from '../errors';

const PHASES: readonly WorkflowPhase[] = ['PENDING', 'RUNNING', 'BLOCKED', 'COMPLETED', 'FAILED', 'STOPPED'];
const PAGE_SIZE = 20;

export function WorkflowsPage({ now, kind: initialKind }: { now: number; kind?: StuckKind }) {
  const [phase, setPhase] = useState<WorkflowPhase | ''>('');
  const [kind, setKind] = useState<StuckKind | '' | 'ANY'>(initialKind ?? '');
  const [order, setOrder] = useState<WorkflowOrder>('OLDEST_FIRST');
  const [threadId, setThreadId] = useState('');
  const [prefix, setPrefix] = useState('');
  const pages = useCursorPages();
  const stuckOnly = kind !== '';
  const all = useQuery(ConsoleWorkflowsDocument, {
    variables: { first: PAGE_SIZE, after: pages.after, phase: phase || undefined, threadIdPrefix: prefix || undefined, order },
    skip: stuckOnly,
  });
  const stuck = useQuery(ConsoleStuckWorkflowsDocument, {
    variables: { first: PAGE_SIZE, after: pages.after, kind: kind === 'ANY' || kind === '' ? undefined : kind },
    skip: !stuckOnly,
  });
  const connection = stuckOnly ? stuck.data?.stuckWorkflows : all.data?.workflows;
  const filter = (event: FormEvent) => {
    event.preventDefault();
    setPrefix(threadId.trim());
    pages.reset();
  };
  const open = () => {
    if (threadId.trim()) window.location.hash = `#/workflows/${encodeURIComponent(threadId.trim())}`;
  };

  return (
    <section aria-labelledby="workflows-title">
      <h1 id="workflows-title">Workflows</h1>
      <form className="toolbar" onSubmit={filter} role="search">
        <label>
          Thread id or prefix <input value={threadId} onChange={(event) => setThreadId(event.target.value)} placeholder="WAVE1-…" />
        </label>
        <button type="submit" disabled={stuckOnly} aria-describedby={stuckOnly ? 'prefix-note' : undefined}>
          Filter by prefix
        </button>
        <button type="button" onClick={open}>
          Open
        </button>
        {stuckOnly && (
          <span id="prefix-note" className="hint">
            The stuck list is not filtered by thread id.
          </span>
        )}
      </form>
      <div className="toolbar">
        <label>
          Phase{' '}
          <select
            value={phase}
            disabled={stuckOnly}
            onChange={(event) => {
              setPhase(event.target.value as WorkflowPhase | '');
              pages.reset();
            }}
          >
            <option value="">any</option>
            {PHASES.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
        </label>
        <label>
          Order{' '}
          <select
            value={order}
            disabled={stuckOnly}
            onChange={(event) => {
              setOrder(event.target.value as WorkflowOrder);
              pages.reset();
            }}
          >
            <option value="OLDEST_FIRST">oldest first</option>
            <option value="NEWEST_FIRST">newest first</option>
          </select>
        </label>
        <label>
          Stuck{' '}
          <select
            value={kind}
            onChange={(event) => {
              setKind(event.target.value as StuckKind | '' | 'ANY');
              pages.reset();
            }}
          >
            <option value="">all workflows</option>
            <option value="ANY">stuck, any kind</option>
            {STUCK_KINDS.map((value) => (
              <option key={value} value={value}>
                {KIND_LABELS[value]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Refusals refusals={refusalsOf(stuckOnly ? stuck.error : all.error)} />
      {connection && (
        <>
          <WorkflowTable
            workflows={connection.nodes}
            now={now}
            caption={
              stuckOnly
                ? 'Stuck workflows, oldest first'
                : `Workflows${prefix ? ` whose thread id starts with ${prefix}` : ''}, ${order === 'OLDEST_FIRST' ? 'oldest' : 'newest'} first`
            }
          />
          <Pager pages={pages} pageInfo={connection.pageInfo} label="Workflows" />
        </>
      )}
    </section>
  );
}
