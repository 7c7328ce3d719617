// Who is signed in, what the role allows, and the page's connection state, shared by every view.
import { createContext, useContext } from 'react';
import type { Role } from '../generated/console-operations';

export interface Session {
  subject: string;
  roles: readonly Role[];
  validUntil: string;
}

/** The least role each kind of control needs, as the schema's @auth says. */
export const ROLE_FOR = { reset: 'OPERATOR', audit: 'OPERATOR', bulk: 'ADMIN' } as const satisfies Record<string, Role>;

export function highestRole(session: Session): Role {
  return (['ADMIN', 'OPERATOR', 'VIEWER'] as const).find((role) => session.roles.includes(role)) ?? 'VIEWER';
}

/** Null when the session may; else why not, to show beside the disabled control. */
export function refusalFor(session: Session, needed: Role): string | null {
  return session.roles.includes(needed)
    ? null
    : `Needs the ${needed} role: you are signed in as ${session.subject} (${highestRole(session)}), so the server would refuse it.`;
}

export interface Connection {
  /** When an HTTP answer last arrived. */
  lastReadAt: Date | null;
  /** The last HTTP request found no server. */
  httpLost: boolean;
  /** The live connection: null before any subscription opened it. */
  live: boolean | null;
}

export interface Refresh {
  paused: boolean;
  setPaused(paused: boolean): void;
  /** Re-reads every query on the page now. */
  refreshNow(): void;
}

export const SessionContext = createContext<Session | null>(null);
export const ConnectionContext = createContext<Connection>({ lastReadAt: null, httpLost: false, live: null });
export const RefreshContext = createContext<Refresh>({ paused: false, setPaused: () => undefined, refreshNow: () => undefined });

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}
