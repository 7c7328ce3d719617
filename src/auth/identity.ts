import type { Role } from './roles';

/** Who is calling, as proven by a verified token. */
export interface Identity {
  sub: string;
  roles: Role[];
  /** The last moment the token is accepted (its `exp` plus the clock tolerance): a long-lived connection ends then. */
  validUntil: Date;
}

/**
 * The outcome of authenticating one request. A bad token does not fail the request outright:
 * each field's @auth decides, so public fields (e.g. federation's `_service`) keep working.
 */
export type Authentication = { kind: 'anonymous' } | { kind: 'authenticated'; identity: Identity } | { kind: 'rejected'; reason: string };

/** The caller recorded in the audit stream; @auth guarantees an identity on the fields that need one. */
export function actorOf(context: { auth: Authentication }): string {
  return context.auth.kind === 'authenticated' ? context.auth.identity.sub : 'anonymous';
}
