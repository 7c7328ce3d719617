/**
 * GraphQL over WebSocket (the graphql-ws protocol, `graphql-transport-ws`) on the HTTP server's
 * `/graphql`, for subscriptions only: queries and mutations keep the HTTP pipeline (Apollo, CSRF
 * prevention, rate-limit status). Every operation is parsed with the same token limit and validated with
 * the same query limits as over HTTP, runs with the same request context built from the connection's
 * token (`authorization` in `connection_init`, else the upgrade request's Authorization header), and its errors go through the same formatter. A connection, and a caller
 * over all its connections, hold a bounded number of subscriptions (SubscriptionQuota).
 */
import type { IncomingMessage, Server } from 'node:http';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  specifiedRules,
  subscribe,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SubscriptionLimits } from '../config';
import { ErrorCode } from '../error-codes';
import { SubscriptionQuota } from './subscription-quota';
import { endingWithReason, expiryOfToken, observed } from './subscription-streams';
import type { ResolvedOperation } from '../graphql/security/query-limits';
import type { TrustedDocumentsPolicy } from './trusted-documents';

/** A subscribe message is one small document and its variables; ws would otherwise accept 100 MiB. */
const MAX_MESSAGE_BYTES = 64 * 1024;

export interface GraphQLWebSocketOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  parseOptions: ParseOptions;
  validationRules: readonly ValidationRule[];
  /** What validation cannot tell without the variables (page sizes, cost): the same check as over HTTP. */
  refuseResolved(operation: ResolvedOperation): GraphQLError | undefined;
  /**
   * The operation's context, from the Authorization value the client sent and its address, until
   * when the credentials it carries hold (the connection is closed then; none: never), and who the
   * caller is (the token's subject; none: anonymous), whose subscriptions count together.
   */
  createContext(authorization: string | undefined, clientIp: string): Promise<{ context: object; validUntil?: Date; caller?: string }>;
  limits: SubscriptionLimits;
  /** Apollo's formatError, so a client sees the same codes and masking as over HTTP. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  observer?: SubscriptionObserver;
  /**
   * Absent (TRUSTED_DOCUMENTS=off): any document. Else a subscribe may name its document by id
   * (`documentId` or `extensions.persistedQuery`, with `query: ""` as graphql-ws needs a string), and
   * the same refusals as over HTTP apply.
   */
  trustedDocuments?: TrustedDocumentsPolicy;
}

/** Hears about each subscription (for logs and metrics), never about its events. */
export interface SubscriptionObserver {
  /** It started streaming; the function returned is called once when it ends, however it ends. */
  started(context: object, operationName: string | null): () => void;
  /** It was refused before streaming (@auth, Redis unreachable), with the errors the client got. */
  refused(context: object, operationName: string | null, errors: readonly GraphQLFormattedError[]): void;
}

export interface GraphQLWebSocketServer {
  /** Closes every client socket (1001 Going away), which ends their subscriptions, and stops accepting. */
  dispose(): Promise<void>;
}

/**
 * The bearer value of a connection, in the form of the HTTP header (`Bearer <token>`): what the client put
 * in its `connection_init` payload (`authorization`, else `Authorization`), else the Authorization header
 * of its upgrade request (what gateways and many clients send). Anything but a string reads as an
 * invalid token; either way it goes through the same checks as over HTTP.
 */
function authorizationOf(connectionParams: Readonly<Record<string, unknown>> | undefined, upgrade: IncomingMessage): string | undefined {
  const value = connectionParams?.authorization ?? connectionParams?.Authorization;
  if (value === undefined || value === null) return upgrade.headers.authorization;
  return typeof value === 'string' ? value : '';
}

/**
 * What graphql-js answered instead of an event stream (@auth refused it, or Redis was unreachable),
 * already formatted for the client: formatting logs unexpected errors, so it happens once.
 */
class SubscriptionRefused extends Error {
  constructor(readonly formatted: GraphQLFormattedError[]) {
    super(formatted[0]?.message ?? 'Subscription refused');
  }
}

/** What an event stream threw (a domain error such as SUBSCRIBER_TOO_SLOW), as the formatter takes it. */
function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  return new GraphQLError(error instanceof Error ? error.message : String(error), {
    originalError: error instanceof Error ? error : undefined,
  });
}

function parseFailure(error: unknown): GraphQLError {
  const message = error instanceof Error ? error.message : String(error);
  return new GraphQLError(message, {
    originalError: error instanceof Error ? error : undefined,
    extensions: { code: ErrorCode.GRAPHQL_PARSE_FAILED },
  });
}

/**
 * As Apollo files them: a rule's error (a query limit's) as GRAPHQL_VALIDATION_FAILED, a variable's that
 * does not coerce as BAD_USER_INPUT, each with graphql-js's error as the original.
 */
const filedAs =
  (code: ErrorCode) =>
  (error: GraphQLError): GraphQLError =>
    new GraphQLError(error.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      originalError: error,
      extensions: { code },
    });

/** Stands in for an operation refused before it runs; never executed (see refusedOperation). */
const REFUSED_DOCUMENT = parse('subscription { __typename }');

/** Already formatted: the code is this module's, not a domain error for the formatter to map. */
const tooManySubscriptions = (reason: string) =>
  new SubscriptionRefused([{ message: reason, extensions: { code: ErrorCode.TOO_MANY_SUBSCRIPTIONS } }]);

const notASubscription = () =>
  new GraphQLError('Send one subscription over WebSocket; queries and mutations go to /graphql over HTTP.', {
    extensions: { code: ErrorCode.BAD_REQUEST },
  });

function clientIpOf(request: IncomingMessage): string {
  return request.socket.remoteAddress ?? 'unknown';
}

export function serveGraphQLOverWebSocket(options: GraphQLWebSocketOptions): GraphQLWebSocketServer {
  const { httpServer, path, schema, parseOptions, validationRules, refuseResolved, createContext, formatError } = options;
  const rules = [...specifiedRules, ...validationRules];
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => formatError(error.toJSON(), error));

  /**
   * graphql-ws wraps what an event stream throws (a domain error such as a subscriber too slow) in a
   * GraphQLError without a path, where Apollo's unwrapResolverError would not find it: the formatter
   * gets the original, so its code is kept or, if unexpected, it is logged and masked as over HTTP.
   */
  const formatOperationError = (error: GraphQLError): GraphQLFormattedError[] => {
    const original = error.originalError;
    if (original instanceof SubscriptionRefused) return original.formatted;
    return [formatError(error.toJSON(), original && !(original instanceof GraphQLError) ? original : error)];
  };

  const operationNameOf = (args: ExecutionArgs) =>
    args.operationName ?? getOperationAST(args.document, args.operationName)?.name?.value ?? null;

  /**
   * A refusal (@auth, a quota, Redis unreachable) is answered as one `next` holding the errors, then
   * `complete`, as graphql-js reports a `subscribe` that fails: unlike a protocol `error` message, that
   * reaches a client behind a gateway with its code. The connection stays open for other operations.
   */
  async function subscribeOrRefuse(args: ExecutionArgs) {
    const context = args.contextValue as object;
    const refused = refusedBeforeExecution.get(args.rootValue as object);
    if (refused) return refuse(context, args, refused);
    const { socket, caller } = connectionOf.get(context)!;
    const slot = quota.acquire(socket, caller);
    if (!slot.granted) return refuse(context, args, tooManySubscriptions(slot.reason));
    const result = await subscribe(args).catch((error: unknown) => {
      slot.release();
      throw error;
    });
    if (Symbol.asyncIterator in result) {
      const ended = options.observer?.started(context, operationNameOf(args));
      const failure = (error: unknown) => formatOperationError(asGraphQLError(error));
      const stream = endingWithReason(result, failure, expiryOf.get(socket));
      return observed(stream, () => {
        slot.release();
        ended?.();
      });
    }
    slot.release();
    return refuse(context, args, new SubscriptionRefused(format(result.errors ?? [])));
  }

  function refuse(context: object, args: ExecutionArgs, refusal: SubscriptionRefused): ExecutionResult {
    options.observer?.refused(context, operationNameOf(args), refusal.formatted);
    return { errors: refusal.formatted as unknown as GraphQLError[] };
  }

  /**
   * An operation refused before it runs (it does not parse or validate, is no subscription, or its
   * variables do not coerce): onSubscribe hands subscribe a stand-in document with these errors under
   * its root value, so they too are answered as `next` + `complete`, formatted as over HTTP.
   */
  const refusedBeforeExecution = new WeakMap<object, SubscriptionRefused>();
  const refusedOperation = (errors: readonly GraphQLError[]): ExecutionArgs => {
    const rootValue = {};
    refusedBeforeExecution.set(rootValue, new SubscriptionRefused(format(errors)));
    return { schema, document: REFUSED_DOCUMENT, rootValue };
  };

  const wsServer = new WebSocketServer({ server: httpServer, path, maxPayload: MAX_MESSAGE_BYTES });
  /** Each socket's token expiry, which ends its event streams. */
  const expiryOf = new WeakMap<WebSocket, Promise<void>>();
  const quota = new SubscriptionQuota(options.limits);
  /** Each operation's context to the socket and caller its subscription counts for. */
  const connectionOf = new WeakMap<object, { socket: WebSocket; caller?: string }>();
  const server = useServer(
    {
      schema,
      // Never put an internal error's message in a close reason.
      isProd: true,
      onSubscribe: (_ctx, _id, payload) => {
        const admission = options.trustedDocuments?.admit(payload) ?? { query: payload.query };
        if (admission.refusal) {
          return refusedOperation([new GraphQLError(admission.refusal.message, { extensions: { code: admission.refusal.code } })]);
        }
        let document: DocumentNode;
        try {
          document = parse(admission.query ?? payload.query, parseOptions);
        } catch (error) {
          return refusedOperation([parseFailure(error)]);
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return refusedOperation(errors.map(filedAs(ErrorCode.GRAPHQL_VALIDATION_FAILED)));
        const operation = getOperationAST(document, payload.operationName);
        if (operation?.operation !== 'subscription') return refusedOperation([notASubscription()]);
        // Coerced here, as Apollo does before executing: in subscribe() a bad variable would be an internal error.
        const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {});
        if (coerced.errors) return refusedOperation(coerced.errors.map(filedAs(ErrorCode.BAD_USER_INPUT)));
        const refusal = refuseResolved({ schema, document, operationName: payload.operationName, variables: payload.variables });
        if (refusal) return refusedOperation([refusal]);
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      context: async (ctx) => {
        const { context, validUntil, caller } = await createContext(
          authorizationOf(ctx.connectionParams, ctx.extra.request),
          clientIpOf(ctx.extra.request),
        );
        connectionOf.set(context, { socket: ctx.extra.socket, caller });
        // One token per connection, so one deadline: armed by its first operation.
        if (validUntil && !expiryOf.has(ctx.extra.socket)) expiryOf.set(ctx.extra.socket, expiryOfToken(ctx.extra.socket, validUntil));
        return context;
      },
      subscribe: subscribeOrRefuse,
      // Refusals and the expiry arrive formatted (plain objects); a stream's own errors are GraphQLErrors.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.flatMap((error) => (error instanceof GraphQLError ? format([error]) : [error])) }
          : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.flatMap(formatOperationError),
    },
    wsServer,
  );

  let disposed: Promise<void> | undefined;
  return {
    dispose: () => (disposed ??= server.dispose() as Promise<void>),
  };
}
