/**
 * ioredis messages that mean Redis was not reached, or did not answer in time (commandTimeout); the
 * Cluster ones when no node holds the slot, the slot map cannot be read, or redirections ran out.
 */
const UNAVAILABLE_MESSAGES = new RegExp(
  [
    'Connection is closed',
    "Stream isn't writeable",
    'connect ETIMEDOUT',
    'Command timed out',
    "Cluster isn't ready",
    'Cluster is ended',
    'Too many Cluster redirections',
    'None of startup nodes is available',
    'Failed to refresh slots cache',
  ].join('|'),
);

/**
 * Redis replies that mean "not now" rather than "wrong command": a failover in progress (a demoted
 * master refusing writes, a replica still loading, a master without its replicas, a slot without a
 * master or being moved), or a connection Redis has not let in (wrong or missing password: the
 * server's configuration, never the caller's request), or a script of another client running longer
 * than Redis's busy threshold (BUSY: Redis serves nobody until it ends or is killed).
 */
const UNAVAILABLE_REPLIES = /^(READONLY|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOAUTH|WRONGPASS|BUSY) /;

/** True when a Redis call failed because Redis could not be reached in time, rather than because of a command. */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError' || error.name === 'ClusterAllFailedError') return true;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'EPIPE') return true;
  return UNAVAILABLE_MESSAGES.test(error.message) || UNAVAILABLE_REPLIES.test(error.message);
}

/** True when Redis refused a command because the key holds another type (a set read as a hash). */
export function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('WRONGTYPE ');
}
