import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode } from '../error-codes';
import { isRedisUnavailable } from '../redis/errors';
import { WorkflowError } from '../workflows/workflow.types';
import { queryLimitCode } from './security/query-limits';
import { maskSchemaDetails, withoutSuggestions } from './security/schema-details';

/** Codes a client may see as-is; anything else is an internal error and is masked. */
const PUBLIC_CODES = new Set<string>([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.NOT_FOUND,
  ErrorCode.CONFLICT,
  ErrorCode.RATE_LIMITED,
  ErrorCode.SERVICE_UNAVAILABLE,
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_REQUEST,
  ErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  ErrorCode.PERSISTED_QUERY_REQUIRED,
  ErrorCode.OPERATION_RESOLUTION_FAILURE,
]);

export interface ErrorFormatOptions {
  /**
   * Keep graphql-js's messages whole (FIELD_SUGGESTIONS); off, a validation or coercion error names only
   * what the caller wrote (no guess, no type, no field left out) and no message guesses at a name.
   */
  suggestions: boolean;
}

/**
 * Apollo's formatError, and graphql-ws's through it: domain errors get their stable code, query-limit
 * refusals theirs (QUERY_TOO_DEEP, TOO_MANY_ALIASES, ...), Redis outages SERVICE_UNAVAILABLE, and
 * everything unexpected is logged and masked so no stack or Redis detail reaches a client.
 */
export function createErrorFormatter(logger: Logger, { suggestions }: ErrorFormatOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const lateArgument = isLateArgumentError(original);
    const message = suggestions ? formatted.message : withoutSchemaDetails(formatted, error, lateArgument);
    const base = { message, locations: formatted.locations, path: formatted.path };
    if (lateArgument) {
      return { ...base, extensions: { code: ErrorCode.BAD_USER_INPUT } };
    }
    if (original instanceof WorkflowError) {
      const field = original.field ? { field: original.field } : {};
      return { ...base, message: original.message, extensions: { code: original.code, ...field } };
    }
    const limit = queryLimitCode(error);
    if (limit) {
      return { ...base, extensions: { code: limit } };
    }
    if (isRedisUnavailable(original)) {
      logger.warn({ err: original, path: formatted.path }, 'redis unavailable');
      return {
        ...base,
        message: 'The workflow store is unavailable; retry shortly.',
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
      // `http` (status, headers) is for the transport: Apollo takes it out, graphql-ws would send it.
      const { stacktrace: _stacktrace, http: _http, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, message, extensions };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error');
    return { ...base, message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}

/**
 * Validation errors, and the request-level BAD_USER_INPUT of variable coercion (a field's own refusal
 * has a path; a domain error's message is its own), in words that name only what the caller wrote;
 * any other message without guesses.
 */
function withoutSchemaDetails(formatted: GraphQLFormattedError, error: unknown, lateArgument: boolean): string {
  const code = formatted.extensions?.code;
  const checksTheSchema =
    lateArgument || code === ErrorCode.GRAPHQL_VALIDATION_FAILED || (code === ErrorCode.BAD_USER_INPUT && formatted.path === undefined);
  return checksTheSchema ? maskSchemaDetails(formatted.message, documentTextOf(error)) : withoutSuggestions(formatted.message);
}

/** The text of the operation an error is about, where graphql-js keeps it. */
function documentTextOf(error: unknown): string | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  return error.source?.body ?? error.nodes?.find((node) => node.loc)?.loc?.source.body;
}

/** graphql-js's execution/values wording for an argument whose value only the variables made wrong. */
const LATE_ARGUMENT = new RegExp(
  '^Argument "[^"]*" (?:' +
    [
      'of non-null type "[^"]*" must not be null',
      'of required type "[^"]*" was (?:not provided|provided the variable)',
      'has invalid value ',
    ].join('|') +
    ')',
);

/**
 * An argument graphql-js refused while executing: validation lets a nullable variable fill a non-null
 * argument that has a default, so an explicit null (or a bad value for a default-bearing input field)
 * is only found then, as a bare GraphQLError with no code. The caller's mistake, not ours.
 */
function isLateArgumentError(original: unknown): boolean {
  return (
    original instanceof GraphQLError &&
    original.originalError === undefined &&
    original.extensions.code === undefined &&
    LATE_ARGUMENT.test(original.message)
  );
}
