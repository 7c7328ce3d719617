// The workflows table: cursor paging, filtered by phase or by stuck kind, and a thread id to open.
import { useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import {
  ConsoleStuckWorkflowsDocument,
  ConsoleWorkflowsDocument,
  type StuckKind,
  type WorkflowPhase,
} from '../../generated/console-operations';
import { KIND_LABELS, Pager, Refusals, STUCK_KINDS, WorkflowTable, useCursorPages } from '../components';
import { refusalsOf } from '../errors';

const PHASES: readonly WorkflowPhase[] = ['PENDING', 'RUNNING', 'BLOCKED', 'COMPLETED', 'FAILED', 'STOPPED'];
const PAGE_SIZE = 20;

export function WorkflowsPage({ now, kind: initialKind }: { now: number; kind?: StuckKind }) {
  const [phase, setPhase] = useState<WorkflowPhase | ''>('');
  const [kind, setKind] = useState<StuckKind | '' | 'ANY'>(initialKind ?? '');
  const [threadId, setThreadId] = useState('');
  const pages = useCursorPages();
  const stuckOnly = kind !== '';
  const all = useQuery(ConsoleWorkflowsDocument, {
    variables: { first: PAGE_SIZE, after: pages.after, phase: phase || undefined },
    skip: stuckOnly,
  });
  const stuck = useQuery(ConsoleStuckWorkflowsDocument, {
    variables: { first: PAGE_SIZE, after: pages.after, kind: kind === 'ANY' || kind === '' ? undefined : kind },
    skip: !stuckOnly,
  });
  const connection = stuckOnly ? stuck.data?.stuckWorkflows : all.data?.workflows;
  const open = (event: FormEvent) => {
    event.preventDefault();
    if (threadId.trim()) window.location.hash = `#/workflows/${encodeURIComponent(threadId.trim())}`;
  };

  return (
    <section aria-labelledby="workflows-title">
      <h1 id="workflows-title">Workflows</h1>
      <form className="toolbar" onSubmit={open} role="search">
        <label>
          Thread id <input value={threadId} onChange={(event) => setThreadId(event.target.value)} placeholder="WAVE1-…" />
        </label>
        <button type="submit">Open</button>
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
            caption={stuckOnly ? 'Stuck workflows, oldest first' : 'Workflows, oldest first'}
          />
          <Pager pages={pages} pageInfo={connection.pageInfo} label="Workflows" />
        </>
      )}
    </section>
  );
}
