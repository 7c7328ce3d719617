import { createClient, type Client, type ClientOptions, type FormattedExecutionResult, type SubscribePayload } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestApp } from '../helpers/app';

/** The upper bound on any wait: a failure, never a way to synchronise. */
export const WAIT_LIMIT_MS = 5000;

export const WORKFLOW_EVENTS = `subscription Events($threadId: ID!) {
  workflowEvents(threadId: $threadId) {
    __typename type threadId attempt at
    ... on TaskResultEvent { taskId status }
    ... on WorkflowResetEvent { gate }
  }
}`;

/** Rejects with `what` when `promise` has not settled within WAIT_LIMIT_MS. */
export async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_LIMIT_MS} ms waiting for ${what}`)), WAIT_LIMIT_MS);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A graphql-ws client of the app's /graphql, over a real WebSocket, that never reconnects. `lazy: false`
 * keeps its socket open while no operation runs (a lazy client closes it after the last one).
 */
export function wsClient(
  app: TestApp,
  connectionParams?: Record<string, unknown>,
  options: Pick<ClientOptions, 'lazy' | 'on'> & { upgradeHeaders?: Record<string, string> } = {},
): Client {
  const { upgradeHeaders, ...clientOptions } = options;
  return createClient({
    url: app.url.replace(/^http/, 'ws'),
    webSocketImpl: upgradeHeaders ? withUpgradeHeaders(upgradeHeaders) : WebSocket,
    connectionParams,
    retryAttempts: 0,
    ...clientOptions,
  });
}

/** A WebSocket class that sends `headers` with its upgrade request, as a gateway or a server-side client does. */
function withUpgradeHeaders(headers: Record<string, string>): unknown {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Resolves once the server's event stream reports `activity` (`subscribed` / `unsubscribed`) for `threadId`. */
function streamActivity(app: TestApp, activity: 'subscribed' | 'unsubscribed', threadId: string): Promise<void> {
  const emitter = app.app.workflowEvents.activity;
  return new Promise((resolve) => {
    const onActivity = (subject: string): void => {
      if (subject !== threadId) return;
      emitter.off(activity, onActivity);
      resolve();
    };
    emitter.on(activity, onActivity);
  });
}

/** Resolves once the server has a listener in place for `threadId`'s events (after Redis confirmed). */
export const listening = (app: TestApp, threadId: string) => streamActivity(app, 'subscribed', threadId);

/** Resolves once a listener of `threadId` is removed. */
export const stoppedListening = (app: TestApp, threadId: string) => streamActivity(app, 'unsubscribed', threadId);

export type EventsIterator = AsyncIterableIterator<FormattedExecutionResult<Record<string, any>, unknown>>;

/** Subscribes to `threadId`'s events (iterate() subscribes at once) and resolves once the server listens. */
export async function subscribeToWorkflow(app: TestApp, client: Client, threadId: string): Promise<EventsIterator> {
  const ready = listening(app, threadId);
  const events = client.iterate<Record<string, any>>({ query: WORKFLOW_EVENTS, variables: { threadId } });
  await within(ready, `the server to listen to ${threadId}`);
  return events;
}

/** The next event's payload (`data.workflowEvents`), failing after WAIT_LIMIT_MS. */
export async function nextEvent(events: EventsIterator): Promise<Record<string, any>> {
  const result = await within(events.next(), 'the next workflow event');
  if (result.done) throw new Error('the subscription completed instead of delivering an event');
  return result.value.data!.workflowEvents;
}

/**
 * Reads the end of a subscription whose token expired, as a client behind a gateway reads it (a result
 * with errors, not a closed socket): one result with UNAUTHENTICATED (reason token_expired), then completion.
 */
export async function expectEndedByTokenExpiry(events: AsyncIterator<unknown>): Promise<void> {
  expect(await within(events.next(), 'the expiry')).toMatchObject({
    done: false,
    value: {
      errors: [{ message: expect.stringContaining('fresh token'), extensions: { code: 'UNAUTHENTICATED', reason: 'token_expired' } }],
    },
  });
  expect(await within(events.next(), 'the completion')).toMatchObject({ done: true });
}

/**
 * The errors the server answers a refused operation with: one `next` holding them, then `complete`, as
 * graphql-js reports a failed subscribe (a protocol `error` message would reject here: gateways lose
 * its errors). Anything else comes back as `{ unexpected }`, which no expectation of errors matches.
 */
export async function refusalOf(client: Client, payload: SubscribePayload): Promise<unknown> {
  const events = client.iterate(payload);
  const first = await within(events.next(), 'the refusal');
  if (first.done || first.value.data != null) return { unexpected: first };
  const end = await within(events.next(), 'the completion after the refusal');
  if (!end.done) return { unexpected: end };
  return first.value.errors;
}

/** The errors a subscription to `threadId`'s events is refused with (refusalOf). */
export const refusal = (client: Client, threadId: string) => refusalOf(client, { query: WORKFLOW_EVENTS, variables: { threadId } });

/** The value of one sample on the app's GET /metrics, e.g. `wave_workflow_events_ignored_total{...}`; 0 when absent. */
export async function metricValue(app: TestApp, series: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', app.url))).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}
