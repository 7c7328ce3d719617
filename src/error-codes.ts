/**
 * Every code a client can see, as `extensions.code` or as a batch member's `error.code`, with what it
 * means: the one list. The README's and docs/SECURITY.md's code tables are checked against it
 * (test/error-codes.test.ts). No GraphQL here, so the domain throws these codes too.
 */
export const ERROR_CODES = {
  // Who may call (the @auth directive).
  UNAUTHENTICATED: 'no valid bearer token: missing, malformed, expired or signed by an unknown key',
  FORBIDDEN: "the caller's role is below the field's `@auth` role",
  // What the domain refuses (WorkflowError).
  BAD_USER_INPUT: 'an argument or variable is not valid; `extensions.field` names the argument when one is to blame',
  NOT_FOUND: 'no workflow or task with that id',
  CONFLICT: 'the workflow exists already, or its phase does not allow the move',
  CONFIRMATION_REQUIRED: 'a real reset without the `planToken` of a preview while confirmation is required',
  STALE_PLAN: 'the workflow changed since the preview that issued the `planToken`, or the token expired',
  PRECONDITION_FAILED: '`expectedGate` or `expectedPhase` did not hold',
  IDEMPOTENCY_CONFLICT: 'a `requestId` reused for a different reset',
  SUBSCRIBER_TOO_SLOW: "a subscriber fell too far behind its workflow's events; its subscription was ended",
  // Why one workflow of a batch reset was not reset (its outcome's `error.code`, not an `extensions.code`).
  NOT_STUCK: "a batch member's error only: a planned workflow no longer stuck as the batch asks, left untouched",
  RESET_FAILED: "a batch member's error only: its reset failed unexpectedly; repeat the batch with its `requestId`",
  // Budgets and limits.
  RATE_LIMITED: 'past a rate-limit budget; wait `extensions.retryAfter` seconds (HTTP 429 with `Retry-After` when nothing ran)',
  TOO_MANY_SUBSCRIPTIONS: 'past the subscriptions a connection or a caller may hold',
  QUERY_TOO_DEEP: 'the operation nests deeper than `MAX_DEPTH`',
  TOO_MANY_ALIASES:
    'the operation asks for a field again, under another alias, more than `MAX_ALIASES` times (an alias that only renames is free)',
  TOO_MANY_TOKENS: 'the document has more tokens than `MAX_TOKENS`',
  TOO_MANY_DIRECTIVES: 'the operation has more directives than `MAX_DIRECTIVES`',
  QUERY_TOO_COMPLEX: 'the estimated cost, page sizes included, is above `MAX_COST`',
  // The request itself (Express, graphql-ws and Apollo Server's own codes).
  PAYLOAD_TOO_LARGE: 'the request body is larger than `BODY_LIMIT` (HTTP 413)',
  BAD_REQUEST: 'the request is not a GraphQL request this transport serves',
  GRAPHQL_PARSE_FAILED: 'the document is not valid GraphQL syntax',
  GRAPHQL_VALIDATION_FAILED: 'the document is not valid against the schema',
  PERSISTED_QUERY_NOT_FOUND:
    'no trusted document (or automatic persisted query) has that id; send the document with it, which `TRUSTED_DOCUMENTS=require` refuses (HTTP 400)',
  PERSISTED_QUERY_REQUIRED:
    'a document sent as text that is not in the manifest while `TRUSTED_DOCUMENTS=require`; send the id of a trusted document (HTTP 400, nothing ran)',
  PERSISTED_QUERY_NOT_SUPPORTED: 'persisted queries are not served',
  OPERATION_RESOLUTION_FAILURE: 'the `operationName` names no operation of the document, or a document of several has none',
  // Ours to fix or wait out.
  SERVICE_UNAVAILABLE: 'Redis is unreachable; retry shortly (HTTP 503 with `Retry-After` when nothing ran)',
  INTERNAL_SERVER_ERROR: 'anything unexpected; the details are only in the server log',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes by name: `ErrorCode.NOT_FOUND` rather than a string written again. */
export const ErrorCode = Object.fromEntries(Object.keys(ERROR_CODES).map((code) => [code, code])) as {
  readonly [C in ErrorCode]: C;
};

/** A union of codes of this list; a code not in it does not compile. */
type Codes<C extends ErrorCode> = C;

/** Expected failures of the domain (WorkflowError); the GraphQL layer maps them to `extensions.code`. */
export type WorkflowErrorCode = Codes<
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'CONFIRMATION_REQUIRED'
  | 'STALE_PLAN'
  | 'PRECONDITION_FAILED'
  | 'IDEMPOTENCY_CONFLICT'
  | 'SUBSCRIBER_TOO_SLOW'
>;

/** Why one workflow of a batch was not reset: its reset's WorkflowError code, NOT_STUCK or RESET_FAILED. */
export type StuckResetErrorCode = WorkflowErrorCode | Codes<'NOT_STUCK' | 'RESET_FAILED'>;

/** The refusals of the query limits (src/graphql/security/query-limits.ts). */
export type QueryLimitCode = Codes<'QUERY_TOO_DEEP' | 'TOO_MANY_ALIASES' | 'TOO_MANY_TOKENS' | 'TOO_MANY_DIRECTIVES' | 'QUERY_TOO_COMPLEX'>;
