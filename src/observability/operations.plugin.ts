import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode } from '../error-codes';
import type { RequestContext } from '../graphql/context';
import type { Metrics } from './metrics';

/** An error the formatter left without a code is an internal one. */
const UNCODED = ErrorCode.INTERNAL_SERVER_ERROR;
/** Outcomes that mean the server (or its Redis) failed rather than the caller. */
const SERVER_FAILURES = new Set<string>([ErrorCode.INTERNAL_SERVER_ERROR, ErrorCode.SERVICE_UNAVAILABLE]);

function errorsOf(requestContext: GraphQLRequestContextWillSendResponse<RequestContext>): readonly GraphQLFormattedError[] {
  const { body } = requestContext.response;
  return (body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors) ?? [];
}

export function codeOf(error: GraphQLFormattedError): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : UNCODED;
}

export function subOf(contextValue: RequestContext | undefined): string | undefined {
  const auth = contextValue?.auth;
  return auth?.kind === 'authenticated' ? auth.identity.sub : undefined;
}

/**
 * One log line and one set of metrics per GraphQL operation: its name and type, the caller's `sub`,
 * the duration, the outcome and the error codes. Never the query text, the variables or the data.
 */
export function operationsPlugin(logger: Logger, metrics: Metrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const startedAt = process.hrtime.bigint();
      // Absent for a subscription's or a test's executeOperation: no HTTP request, no access line.
      const scope = contextValue?.scope;
      let resolved = false;
      return {
        async didResolveOperation() {
          resolved = true;
        },
        async willSendResponse(requestContext) {
          const durationSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
          const errors = errorsOf(requestContext);
          const codes = [...new Set(errors.map(codeOf))];
          const outcome = codes[0] ?? 'ok';
          const operation = metrics.operationLabel(requestContext.operationName, resolved);

          metrics.operations.inc({ operation, outcome });
          metrics.operationDuration.observe({ operation }, durationSeconds);
          const refusals = errors.filter((error) => codeOf(error) === ErrorCode.RATE_LIMITED).length;
          if (refusals > 0) metrics.rateLimitRejections.inc({ operation }, refusals);

          const log = scope?.log ?? logger;
          if (scope) scope.operationsLogged += 1;
          const level = codes.some((code) => SERVER_FAILURES.has(code)) ? 'warn' : 'info';
          log[level](
            {
              operation: resolved ? (requestContext.operationName ?? null) : null,
              operationType: requestContext.operation?.operation ?? null,
              sub: subOf(requestContext.contextValue) ?? null,
              durationMs: Math.round(durationSeconds * 1e4) / 10,
              outcome: codes.length === 0 ? 'ok' : 'error',
              errorCodes: codes,
              status: requestContext.response.http.status ?? 200,
            },
            'graphql operation',
          );
        },
      };
    },
  };
}
