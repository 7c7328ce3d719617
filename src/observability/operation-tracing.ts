import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { ErrorCode } from '../error-codes';
import type { RequestContext } from '../graphql/context';
import type { SubscriptionObserver } from '../http/graphql-ws';
import { subOf } from './operations.plugin';

/** The tracer of our own spans (operations, subscriptions); the provider is tracing.ts's. */
const TRACER_NAME = 'wave-control-api';

/** What the server wraps when traces are on (src/observability/tracing.ts hands these out). */
export interface OperationTracing {
  withOperationSpans: typeof withOperationSpans;
  withSubscriptionSpans: typeof withSubscriptionSpans;
}

/** What an operation's span says of it: never its document, variables or data. */
interface TracedOperation {
  type: 'query' | 'mutation' | 'subscription';
  name: string | null | undefined;
  /** The HTTP request's id (`x-request-id`), as its log lines carry it. */
  requestId?: string;
  /** The caller's token subject; none for an anonymous caller. */
  subject?: string;
}

/** graphql.operation.* as OpenTelemetry's GraphQL semantic conventions name them. */
const ATTR_OPERATION_TYPE = 'graphql.operation.type';
const ATTR_OPERATION_NAME = 'graphql.operation.name';
/** The caller, as the (incubating) general conventions name it. */
const ATTR_ENDUSER_ID = 'enduser.id';
const ATTR_REQUEST_ID = 'wave.request.id';
const ATTR_ERROR_CODES = 'wave.graphql.error_codes';

function startOperationSpan(operation: TracedOperation): Span {
  const attributes: Attributes = { [ATTR_OPERATION_TYPE]: operation.type };
  if (operation.name) attributes[ATTR_OPERATION_NAME] = operation.name;
  if (operation.requestId) attributes[ATTR_REQUEST_ID] = operation.requestId;
  if (operation.subject) attributes[ATTR_ENDUSER_ID] = operation.subject;
  // "query Dashboard", as the conventions name a GraphQL span; "query" for an anonymous one.
  const name = operation.name ? `${operation.type} ${operation.name}` : operation.type;
  return trace.getTracer(TRACER_NAME).startSpan(name, { kind: SpanKind.INTERNAL, attributes });
}

/** Records the error codes an operation answered with (the messages stay in the answer). */
function endOperationSpan(span: Span, errors: readonly { extensions?: Record<string, unknown> }[] | undefined): void {
  const codes = [...new Set((errors ?? []).map((error) => String(error.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR)))];
  if (codes.length > 0) {
    span.setAttribute(ATTR_ERROR_CODES, codes);
    span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(',') });
  }
  span.end();
}

/**
 * Runs an operation's execution inside its span, so the resolvers' Redis commands and scripts are its
 * children (the active context follows the execution's promises).
 */
async function traceOperation<Result extends { errors?: readonly { extensions?: Record<string, unknown> }[] }>(
  operation: TracedOperation,
  execute: () => Promise<Result>,
): Promise<Result> {
  const span = startOperationSpan(operation);
  try {
    const result = await context.with(trace.setSpan(context.active(), span), execute);
    endOperationSpan(span, result.errors);
    return result;
  } catch (error) {
    span.recordException(error instanceof Error ? { name: error.name, message: 'execution failed' } : 'execution failed');
    endOperationSpan(span, [{ extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }]);
    throw error;
  }
}

/**
 * A span per subscription, from its subscribe until it ends (however it ends), or for its refusal,
 * beside what `observer` already does. Its events are not spans: a long subscription would be one
 * unbounded trace.
 */
export function withSubscriptionSpans(observer: SubscriptionObserver): SubscriptionObserver {
  const describe = (operationContext: object, name: string | null): TracedOperation => ({
    type: 'subscription',
    name,
    subject: subOf(operationContext as RequestContext),
  });
  return {
    started(operationContext, operationName) {
      const span = startOperationSpan(describe(operationContext, operationName));
      const ended = observer.started(operationContext, operationName);
      return () => {
        endOperationSpan(span, undefined);
        ended();
      };
    },
    refused(operationContext, operationName, errors) {
      endOperationSpan(startOperationSpan(describe(operationContext, operationName)), errors);
      observer.refused(operationContext, operationName, errors);
    },
  };
}

/** The part of an executor's request (Apollo's gateway interface) a span is named and labelled from. */
interface ExecutedRequest {
  operation?: { operation: TracedOperation['type'] } | null;
  operationName?: string | null;
  /** Our RequestContext, as Apollo passes it untyped. */
  context: object;
}

/** Runs every operation an executor executes in its span (traceOperation). */
export function withOperationSpans<
  Request extends ExecutedRequest,
  Result extends { errors?: readonly { extensions?: Record<string, unknown> }[] },
>(execute: (request: Request) => Promise<Result>): (request: Request) => Promise<Result> {
  return (request) => {
    const requestContext = request.context as RequestContext;
    return traceOperation(
      {
        type: request.operation?.operation ?? 'query',
        name: request.operationName,
        requestId: requestContext.scope?.requestId,
        subject: subOf(requestContext),
      },
      () => execute(request),
    );
  };
}
