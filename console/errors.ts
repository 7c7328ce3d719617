// What the operator reads when the server refuses: chosen by `extensions.code`, never by a message.
import { CombinedGraphQLErrors } from '@apollo/client/errors';

export interface Refusal {
  code: string;
  /** What to do about it, in the operator's words. */
  explanation: string;
  /** RATE_LIMITED: seconds until the budget allows the call again. */
  retryAfter?: number;
}

const EXPLANATIONS: Record<string, string> = {
  UNAUTHENTICATED: 'The token was not accepted (missing, malformed, expired or signed by an unknown key). Sign in again.',
  FORBIDDEN: 'Your role does not allow this; the server refused it.',
  BAD_USER_INPUT: 'The server found an argument not valid.',
  NOT_FOUND: 'No workflow with that thread id.',
  CONFLICT: 'The workflow is not in a phase that allows this.',
  CONFIRMATION_REQUIRED: 'The server requires a preview first: confirm the preview’s plan.',
  STALE_PLAN:
    'The workflow changed since this preview (or the preview expired): nothing was reset. Preview again to see what a reset would do now.',
  PRECONDITION_FAILED: 'The workflow is no longer at the gate or phase expected.',
  IDEMPOTENCY_CONFLICT: 'This request id was already used for a different reset: preview again.',
  NOT_STUCK: 'No longer stuck as the batch asked: left untouched.',
  RESET_FAILED: 'Its reset failed unexpectedly; repeat the batch to finish it.',
  RATE_LIMITED: 'Too many calls: the server asks you to wait.',
  SERVICE_UNAVAILABLE: 'The server cannot reach Redis right now; retry shortly.',
  INTERNAL_SERVER_ERROR: 'The server failed unexpectedly; its log has the details.',
};

export function explain(code: string): string {
  return EXPLANATIONS[code] ?? `The server refused with ${code}.`;
}

type FormattedError = CombinedGraphQLErrors['errors'][number];

function refusalOf({ extensions }: FormattedError): Refusal {
  const code = typeof extensions?.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
  const retryAfter = typeof extensions?.retryAfter === 'number' ? extensions.retryAfter : undefined;
  return { code, explanation: explain(code), retryAfter };
}

/**
 * The refusals in an Apollo error, one per GraphQL error, less those at `ignoredPath` (a field the page
 * explains itself); a failure with no GraphQL answer is CONNECTION_LOST.
 */
export function refusalsOf(error: unknown, ignoredPath?: string): Refusal[] {
  if (!error) return [];
  if (CombinedGraphQLErrors.is(error)) {
    return error.errors.filter((entry) => ignoredPath === undefined || entry.path?.join('.') !== ignoredPath).map(refusalOf);
  }
  return [{ code: 'CONNECTION_LOST', explanation: 'The server could not be reached. Check the connection and try again.' }];
}
