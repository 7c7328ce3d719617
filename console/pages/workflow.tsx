// One workflow: its record, health with suggested fixes, tasks with results, reset history, the reset
// controls, and its events followed live.
import { useQuery, useSubscription } from '@apollo/client/react';
import { useContext, useEffect, useRef, useState } from 'react';
import {
  ConsoleWorkflowDocument,
  ConsoleWorkflowEventsDocument,
  type ConsoleWorkflowEventsSubscription,
  type ConsoleWorkflowQuery,
} from '../../generated/console-operations';
import { KIND_LABELS, Phase, Refusals } from '../components';
import { refusalsOf } from '../errors';
import { age, clock, dateTime, duration, readableJson } from '../format';
import { ConnectionContext, ROLE_FOR, refusalFor, useSession } from '../session';
import { AuditTable } from './audit';
import { ResetPanel } from './reset';

type WorkflowEvent = ConsoleWorkflowEventsSubscription['workflowEvents'];
type Workflow = NonNullable<ConsoleWorkflowQuery['workflow']>;

export function WorkflowPage({ threadId, now }: { threadId: string; now: number }) {
  const session = useSession();
  const connection = useContext(ConnectionContext);
  const { data, error, refetch } = useQuery(ConsoleWorkflowDocument, { variables: { threadId } });
  const [events, setEvents] = useState<WorkflowEvent[]>([]);
  useSubscription(ConsoleWorkflowEventsDocument, {
    variables: { threadId },
    onData: ({ data: event }) => {
      const pushed = event.data?.workflowEvents;
      if (!pushed) return;
      setEvents((shown) => [pushed, ...shown].slice(0, 20));
      void refetch();
    },
  });
  // Events sent while the socket was down are lost (at most once): read the workflow again once it is back.
  const wasLost = useRef(false);
  useEffect(() => {
    if (connection.live === false) wasLost.current = true;
    if (connection.live === true && wasLost.current) {
      wasLost.current = false;
      void refetch();
    }
  }, [connection.live, refetch]);
  const resetsRefusal = refusalFor(session, ROLE_FOR.audit);
  const workflow = data?.workflow;

  return (
    <section aria-labelledby="workflow-title">
      <h1 id="workflow-title">
        Workflow <code>{threadId}</code>
      </h1>
      <p className="live-state" role="status" data-live={connection.live === null ? 'connecting' : connection.live ? 'open' : 'lost'}>
        {connection.live === null && 'Live: connecting…'}
        {connection.live === true && 'Live: following this workflow’s results and resets.'}
        {connection.live === false && 'Live connection lost: reconnecting; re-read the workflow once it is back.'}
      </p>
      <Refusals refusals={refusalsOf(error, 'workflow.resets')} />
      {data && !workflow && <p className="empty">No workflow with thread id {threadId}.</p>}
      {workflow && (
        <>
          <WorkflowRecord workflow={workflow} now={now} />
          <Health workflow={workflow} />
          <Tasks workflow={workflow} now={now} />
          <ResetPanel workflow={workflow} />
          <section aria-labelledby="events-title">
            <h2 id="events-title">Live events</h2>
            {events.length === 0 ? (
              <p className="empty">No event since this page opened.</p>
            ) : (
              <ul className="events">
                {events.map((event, index) => (
                  <li key={index} data-event={event.type}>
                    {clock(event.at)} ·{' '}
                    {'taskId' in event
                      ? `result of ${event.taskId}: ${event.status}`
                      : `reset to gate ${event.gate}, attempt ${event.attempt}`}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="history-title">
            <h2 id="history-title">Reset history</h2>
            {workflow.resets ? <AuditTable entries={workflow.resets.nodes} /> : <p className="disabled-reason">{resetsRefusal}</p>}
          </section>
        </>
      )}
    </section>
  );
}

function WorkflowRecord({ workflow, now }: { workflow: Workflow; now: number }) {
  return (
    <dl className="record">
      <div>
        <dt>Phase</dt>
        <dd data-field="phase">
          <Phase phase={workflow.phase} />
        </dd>
      </div>
      <div>
        <dt>Gate</dt>
        <dd data-field="gate">{workflow.gate}</dd>
      </div>
      <div>
        <dt>Attempt</dt>
        <dd data-field="attempt">{workflow.attempt}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd title={workflow.createdAt}>{age(workflow.createdAt, now)}</dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd title={workflow.updatedAt}>{age(workflow.updatedAt, now)}</dd>
      </div>
    </dl>
  );
}

function Health({ workflow }: { workflow: Workflow }) {
  return (
    <section aria-labelledby="health-title">
      <h2 id="health-title">Health</h2>
      {workflow.health.reasons.length === 0 ? (
        <p data-health="ok">Not stuck.</p>
      ) : (
        <ul className="reasons">
          {workflow.health.reasons.map((reason) => (
            <li key={`${reason.kind}-${reason.taskId}`} data-kind={reason.kind}>
              <strong>{KIND_LABELS[reason.kind]}</strong>
              {reason.taskId && (
                <>
                  {' '}
                  (task <code>{reason.taskId}</code>)
                </>
              )}{' '}
              for {duration(reason.durationSeconds)}, since {dateTime(reason.since)}.
              <p className="fix">Suggested fix: {reason.suggestedFix}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Tasks({ workflow, now }: { workflow: Workflow; now: number }) {
  return (
    <section aria-labelledby="tasks-title">
      <h2 id="tasks-title">Tasks</h2>
      {workflow.tasks.length === 0 ? (
        <p className="empty">No indexed task.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">Domain</th>
                <th scope="col">Status</th>
                <th scope="col">Agent</th>
                <th scope="col">Heartbeat</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {workflow.tasks.map((task) => (
                <tr key={task.id} data-task-id={task.id}>
                  <td>
                    <code>{task.id}</code>
                    <details>
                      <summary>data</summary>
                      <pre>{readableJson(task.data)}</pre>
                    </details>
                  </td>
                  <td>{task.domain ?? '—'}</td>
                  <td data-field="status">{task.status}</td>
                  <td>{task.agent ?? '—'}</td>
                  <td title={task.heartbeatAt ?? undefined}>{age(task.heartbeatAt, now)}</td>
                  <td>
                    <pre data-field="result">{readableJson(task.result)}</pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
