// The console's frame: sign-in, who is signed in, navigation, the refresh and connection bar, and the
// views by the page's #hash.
import { ApolloProvider } from '@apollo/client/react';
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { ConsoleCallerDocument, type StuckKind } from '../generated/console-operations';
import { createConsoleClient, type ConsoleClient } from './client';
import { Refusals, STUCK_KINDS } from './components';
import { refusalsOf, type Refusal } from './errors';
import { clock, dateTime } from './format';
import { AuditPage } from './pages/audit';
import { BulkPage } from './pages/bulk';
import { OverviewPage } from './pages/overview';
import { WorkflowPage } from './pages/workflow';
import { WorkflowsPage } from './pages/workflows';
import { ConnectionContext, highestRole, RefreshContext, SessionContext, type Connection, type Session } from './session';

/** How often the lists are read again while refreshing is not paused. */
export const REFRESH_INTERVAL_MS = 10_000;

interface SignedIn {
  session: Session;
  console: ConsoleClient;
}

export function App({ developmentToken }: { developmentToken?: string }) {
  const [signedIn, setSignedIn] = useState<SignedIn | null>(null);
  const [connection, setConnection] = useState<Connection>({ lastReadAt: null, httpLost: false, live: null });

  const signIn = async (token: string): Promise<Refusal[]> => {
    const created = createConsoleClient(token, {
      read: (at) => setConnection((current) => ({ ...current, lastReadAt: at, httpLost: false })),
      lost: () => setConnection((current) => ({ ...current, httpLost: true })),
      live: (open) => setConnection((current) => ({ ...current, live: open })),
    });
    const { data, error } = await created.client.query({ query: ConsoleCallerDocument, fetchPolicy: 'network-only' });
    if (!data?.caller) {
      created.dispose();
      return error ? refusalsOf(error) : [{ code: 'UNAUTHENTICATED', explanation: 'The token proves no caller.' }];
    }
    setSignedIn({ session: data.caller, console: created });
    return [];
  };

  const signOut = () => {
    signedIn?.console.dispose();
    setSignedIn(null);
    setConnection({ lastReadAt: null, httpLost: false, live: null });
  };

  if (!signedIn) return <SignIn developmentToken={developmentToken} signIn={signIn} />;
  return (
    <ApolloProvider client={signedIn.console.client}>
      <SessionContext.Provider value={signedIn.session}>
        <ConnectionContext.Provider value={connection}>
          <Frame session={signedIn.session} client={signedIn.console} signOut={signOut} />
        </ConnectionContext.Provider>
      </SessionContext.Provider>
    </ApolloProvider>
  );
}

function SignIn({ developmentToken, signIn }: { developmentToken?: string; signIn(token: string): Promise<Refusal[]> }) {
  const [token, setToken] = useState('');
  const [refusals, setRefusals] = useState<Refusal[]>([]);
  const [busy, setBusy] = useState(false);
  const submit = async (value: string) => {
    setBusy(true);
    setRefusals(await signIn(value.trim().replace(/^Bearer\s+/i, '')));
    setBusy(false);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(token);
  };
  return (
    <main className="sign-in">
      <h1>WAVE operator console</h1>
      <form onSubmit={onSubmit} className="card">
        <label>
          Bearer token
          <textarea
            name="token"
            value={token}
            onChange={(event) => setToken(event.target.value)}
            rows={4}
            autoComplete="off"
            spellCheck={false}
            required
          />
        </label>
        <p className="hint">Kept in this page’s memory only: reloading the page signs you out.</p>
        <button type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
        {developmentToken && (
          <button type="button" disabled={busy} onClick={() => void submit(developmentToken)}>
            Use the development token
          </button>
        )}
      </form>
      <Refusals refusals={refusals} />
    </main>
  );
}

type Route =
  | { view: 'overview' }
  | { view: 'workflows'; kind?: StuckKind }
  | { view: 'workflow'; threadId: string }
  | { view: 'audit' }
  | { view: 'bulk' };

function routeOf(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'workflows' && parts[1]) return { view: 'workflow', threadId: decodeURIComponent(parts[1]) };
  if (parts[0] === 'workflows') {
    const kind = new URLSearchParams(query).get('kind');
    return { view: 'workflows', kind: STUCK_KINDS.find((known) => known === kind) };
  }
  if (parts[0] === 'audit') return { view: 'audit' };
  if (parts[0] === 'bulk') return { view: 'bulk' };
  return { view: 'overview' };
}

function useRoute(): Route {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const changed = () => setHash(window.location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return useMemo(() => routeOf(hash), [hash]);
}

const NAVIGATION: Array<{ view: Route['view']; href: string; label: string }> = [
  { view: 'overview', href: '#/', label: 'Overview' },
  { view: 'workflows', href: '#/workflows', label: 'Workflows' },
  { view: 'audit', href: '#/audit', label: 'Audit' },
  { view: 'bulk', href: '#/bulk', label: 'Bulk reset' },
];

function Frame({ session, client, signOut }: { session: Session; client: ConsoleClient; signOut(): void }) {
  const route = useRoute();
  const [paused, setPaused] = useState(false);
  const [now, setNow] = useState(Date.now());
  const refreshNow = useCallback(() => {
    // A failed read is shown by the connection bar (the observed fetch) and by each view's refusals.
    client.client.refetchQueries({ include: 'active' }).catch(() => undefined);
  }, [client]);

  useEffect(() => {
    const ticking = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(ticking);
  }, []);
  useEffect(() => {
    if (paused) return;
    const refreshing = window.setInterval(refreshNow, REFRESH_INTERVAL_MS);
    return () => window.clearInterval(refreshing);
  }, [paused, refreshNow]);

  const refresh = useMemo(() => ({ paused, setPaused, refreshNow }), [paused, refreshNow]);
  const role = highestRole(session);
  return (
    <RefreshContext.Provider value={refresh}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="frame">
        <span className="brand">WAVE console</span>
        <nav aria-label="Views">
          {NAVIGATION.map((item) => (
            <a key={item.view} href={item.href} aria-current={route.view === item.view ? 'page' : undefined}>
              {item.label}
            </a>
          ))}
        </nav>
        <p className="who" data-testid="who">
          Signed in as <strong>{session.subject}</strong> · role <strong data-role={role}>{role}</strong> · token valid until{' '}
          {dateTime(session.validUntil)}
        </p>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <StatusBar />
      <main id="main" tabIndex={-1}>
        {route.view === 'overview' && <OverviewPage now={now} />}
        {route.view === 'workflows' && <WorkflowsPage now={now} kind={route.kind} key={route.kind ?? ''} />}
        {route.view === 'workflow' && <WorkflowPage threadId={route.threadId} now={now} key={route.threadId} />}
        {route.view === 'audit' && <AuditPage />}
        {route.view === 'bulk' && <BulkPage />}
      </main>
    </RefreshContext.Provider>
  );
}

function StatusBar() {
  return (
    <RefreshContext.Consumer>
      {(refresh) => (
        <ConnectionContext.Consumer>
          {(connection) => (
            <div className="status-bar" role="status" data-connection={connection.httpLost ? 'lost' : 'ok'}>
              <span data-testid="last-read">
                {connection.httpLost
                  ? `Server unreachable: last read ${connection.lastReadAt ? clock(connection.lastReadAt) : 'never'}`
                  : `Last read ${connection.lastReadAt ? clock(connection.lastReadAt) : '—'}`}
              </span>
              <span>{refresh.paused ? 'Auto-refresh paused' : `Auto-refresh every ${REFRESH_INTERVAL_MS / 1000} s`}</span>
              <button type="button" aria-pressed={refresh.paused} onClick={() => refresh.setPaused(!refresh.paused)}>
                {refresh.paused ? 'Resume auto-refresh' : 'Pause auto-refresh'}
              </button>
              <button type="button" onClick={refresh.refreshNow}>
                Refresh now
              </button>
            </div>
          )}
        </ConnectionContext.Consumer>
      )}
    </RefreshContext.Consumer>
  );
}
