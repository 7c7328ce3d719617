/** ioredis messages that mean Redis was not reached, or did not answer in time (commandTimeout). */
const UNAVAILABLE_MESSAGES = /Connection is closed|Stream isn't writeable|connect ETIMEDOUT|Command timed out/;

/** True when a Redis call failed because Redis could not be reached in time, rather than because of a command. */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'EPIPE') return true;
  return UNAVAILABLE_MESSAGES.test(error.message);
}
