// The overview: each queue's length, the age of its oldest waiting task and its agents' last sign of
// life (so "overloaded" and "no agent alive" read differently), the newest workflows counted by phase
// and by stuck kind (Query.workflowCounts), and the stuck list to open one from.
import { useQuery } from '@apollo/client/react';
import { ConsoleOverviewDocument, type ConsoleOverviewQuery, type StuckKind } from '../../generated/console-operations';
import { KIND_LABELS, Refusals, STUCK_KINDS, WorkflowTable } from '../components';
import { refusalsOf } from '../errors';
import { age } from '../format';

type Queue = ConsoleOverviewQuery['queues'][number];

/**
 * What a queue's numbers mean: nothing waits; tasks wait and an agent was seen after the oldest of them
 * was queued (alive, but behind: overloaded); or tasks wait and no agent was seen since (none alive).
 */
function queueState(queue: Queue): { state: 'idle' | 'overloaded' | 'no-agent'; label: string } {
  if (queue.length === 0) return { state: 'idle', label: 'idle' };
  const seen = queue.agentLastSeenAt ? Date.parse(queue.agentLastSeenAt) : undefined;
  const oldest = queue.oldestQueuedAt ? Date.parse(queue.oldestQueuedAt) : undefined;
  if (seen !== undefined && (oldest === undefined || seen >= oldest)) return { state: 'overloaded', label: 'agents alive, behind' };
  return { state: 'no-agent', label: 'no agent alive' };
}

export function OverviewPage({ now }: { now: number }) {
  const { data, error } = useQuery(ConsoleOverviewDocument);
  const stuck = data?.stuckWorkflows.nodes ?? [];
  const counts = data?.workflowCounts;
  const byKind = new Map<StuckKind, number>(counts?.stuckByKind.map(({ kind, count }) => [kind, count]));

  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <Refusals refusals={refusalsOf(error)} />
      <div className="cards">
        <section className="card wide" aria-labelledby="queues-title">
          <h2 id="queues-title">Queues</h2>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Domain</th>
                  <th scope="col">Waiting tasks</th>
                  <th scope="col">Oldest waiting since</th>
                  <th scope="col">Agent last seen</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {(data?.queues ?? []).map((queue) => (
                  <tr key={queue.domain} data-domain={queue.domain}>
                    <td>{queue.domain}</td>
                    <td>{queue.length}</td>
                    <td title={queue.oldestQueuedAt ?? undefined}>{age(queue.oldestQueuedAt, now)}</td>
                    <td title={queue.agentLastSeenAt ?? undefined}>{queue.agentLastSeenAt ? age(queue.agentLastSeenAt, now) : 'never'}</td>
                    <td data-field="queue-state" data-state={queueState(queue).state}>
                      {queueState(queue).label}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section className="card" aria-labelledby="phases-title">
          <h2 id="phases-title">Workflows by phase</h2>
          {counts && (
            <>
              <dl className="counts">
                {counts.byPhase.map(({ phase, count }) => (
                  <div key={phase} data-phase={phase}>
                    <dt>{phase}</dt>
                    <dd>{count}</dd>
                  </div>
                ))}
              </dl>
              <p className="hint">
                {counts.counted === counts.total
                  ? `All ${counts.total} workflows.`
                  : `The newest ${counts.counted} of ${counts.total} workflows.`}
              </p>
            </>
          )}
        </section>
        <section className="card" aria-labelledby="kinds-title">
          <h2 id="kinds-title">Stuck by kind</h2>
          <dl className="counts">
            {STUCK_KINDS.map((kind) => (
              <div key={kind} data-kind={kind}>
                <dt>{KIND_LABELS[kind]}</dt>
                <dd>
                  <a href={`#/workflows?kind=${kind}`}>{counts ? (byKind.get(kind) ?? 0) : '…'}</a>
                </dd>
              </div>
            ))}
          </dl>
        </section>
      </div>
      <section aria-labelledby="stuck-title">
        <h2 id="stuck-title">Stuck workflows</h2>
        {data && (
          <WorkflowTable
            workflows={stuck}
            now={now}
            caption={
              data.stuckWorkflows.pageInfo.hasNextPage ? 'The first 100 stuck workflows (more in Workflows)' : 'Every stuck workflow'
            }
          />
        )}
      </section>
    </section>
  );
}
