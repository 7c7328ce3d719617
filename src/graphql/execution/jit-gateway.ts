/**
 * Queries executed by graphql-jit, compiled once per document, behind Apollo Server's gateway
 * interface: the only way Apollo Server 5 lets execution be replaced while parsing, validation, every
 * plugin hook, the error formatter and the HTTP status logic stay its own (a gateway's executor gets
 * the parsed, validated document and Apollo formats whatever errors it returns).
 *
 * graphql-js still runs what jit does not do as graphql-js does:
 * - mutations (serial execution that stops after a refused non-null root field) and subscriptions;
 * - introspection (`__schema`, `__type`), rare and not worth a second implementation;
 * - variable coercion: jit ignores defaults of non-null input fields and its errors carry no
 *   locations, so graphql-js coerces and jit receives the coerced values unchanged (see below).
 */
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import {
  execute,
  getVariableValues,
  GraphQLError,
  GraphQLScalarType,
  GraphQLSchema,
  Kind,
  visit,
  BREAK,
  type DocumentNode,
  type ExecutionResult,
  type OperationDefinitionNode,
  type Source,
  type SourceLocation,
} from 'graphql';

type GatewayInterface = NonNullable<ApolloServerOptionsWithGateway<BaseContext>['gateway']>;
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;
type GatewayRequestContext = Parameters<GatewayExecutor>[0];

/** Distinct documents (by hash and operation) kept compiled; a client's variety of queries is small. */
export const MAX_COMPILED_QUERIES = 1000;

/**
 * The type jit is told every variable has: its parse is the identity, so the values graphql-js
 * coerced (enum values as Redis holds them, dates, input objects with their defaults) reach the
 * resolvers as graphql-js would pass them, and jit adds no default of its own.
 */
const COERCED_VARIABLE = new GraphQLScalarType({ name: 'VariableCoercedByGraphQLJs', parseValue: (value) => value });

/** What a document's operation runs on: its compiled query, or graphql-js. */
type Plan = { engine: 'jit'; query: CompiledQuery } | { engine: 'graphql-js' };

export type { GatewayExecutor };

/** Apollo's gateway interface over our own schema, executing with `executor`. */
export function executingGateway(schema: GraphQLSchema, executor: GatewayExecutor): GatewayInterface {
  return {
    onSchemaLoadOrUpdate(callback) {
      // The schema never changes: Apollo hears of it once, as it would of a static `schema`. The SDL
      // only feeds schema reporting, which we do not run; graphql-js's printSchema cannot print the
      // enum defaults of our directives' arguments, graphql-tools' can.
      callback({ apiSchema: schema, coreSupergraphSdl: printSchemaWithDirectives(schema) });
      return () => {};
    },
    load: async () => ({ schema, executor }),
    stop: async () => {},
  };
}

/** graphql-js, as Apollo calls it without a gateway: the operation name the client sent. */
export function graphqlJsExecutor(schema: GraphQLSchema): GatewayExecutor {
  return async (request) =>
    execute({
      schema,
      document: request.document,
      contextValue: request.context,
      variableValues: request.request.variables ?? {},
      operationName: request.request.operationName,
    });
}

/** graphql-jit for queries, graphql-js for the rest (see the module's comment). */
export function jitExecutor(schema: GraphQLSchema): GatewayExecutor {
  const onGraphQLJs = graphqlJsExecutor(schema);
  // The same types (and so resolvers, @auth and @rateLimit wrappers) plus the pass-through variable type.
  const config = schema.toConfig();
  const jitSchema = new GraphQLSchema({ ...config, types: [...config.types, COERCED_VARIABLE] });
  const plans = new Map<string, Plan>();

  const planOf = (request: GatewayRequestContext, operation: OperationDefinitionNode): Plan => {
    const key = `${request.queryHash}:${request.operationName ?? ''}`;
    const cached = plans.get(key);
    if (cached) {
      // Least recently used goes first: re-inserting moves it to the end.
      plans.delete(key);
      plans.set(key, cached);
      return cached;
    }
    const plan = compilePlan(jitSchema, request.document, operation);
    if (plans.size >= MAX_COMPILED_QUERIES) plans.delete(plans.keys().next().value as string);
    plans.set(key, plan);
    return plan;
  };

  return async (request) => {
    const { document, operation, context } = request;
    const rawVariables = request.request.variables ?? {};
    // Apollo resolved the operation before executing; without one, graphql-js reports why.
    if (!operation) return onGraphQLJs(request);
    const plan = planOf(request, operation);
    if (plan.engine === 'graphql-js') return onGraphQLJs(request);
    // graphql-js's own coercion, with graphql-js's limit on reported errors (as `execute` calls it).
    const variables = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables, { maxErrors: 50 });
    if (variables.errors) return { errors: variables.errors };
    const result = await plan.query.query(undefined, context, variables.coerced);
    return withGraphQLJsErrors(result, document.loc?.source);
  };
}

function compilePlan(jitSchema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Plan {
  if (operation.operation !== 'query' || asksForIntrospection(document)) return { engine: 'graphql-js' };
  const compiled = compileQuery(jitSchema, withCoercedVariables(document, operation), operation.name?.value);
  // A document Apollo validated compiles; should jit still refuse one, graphql-js answers it.
  return isCompiledQuery(compiled) ? { engine: 'jit', query: compiled } : { engine: 'graphql-js' };
}

function asksForIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value !== '__schema' && node.name.value !== '__type') return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/** The document with the operation's variables declared as COERCED_VARIABLE, without defaults. */
function withCoercedVariables(document: DocumentNode, operation: OperationDefinitionNode): DocumentNode {
  const coercedOperation: OperationDefinitionNode = {
    ...operation,
    variableDefinitions: operation.variableDefinitions?.map((definition) => ({
      ...definition,
      type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: COERCED_VARIABLE.name } },
      defaultValue: undefined,
    })),
  };
  return { ...document, definitions: document.definitions.map((definition) => (definition === operation ? coercedOperation : definition)) };
}

/**
 * jit's errors are its own class: no `extensions` unless the thrown error had some (Apollo then fails
 * the whole request as internal), no `nodes`, no `source`. Rebuilt as graphql-js builds them (message,
 * path, locations, the thrown error as originalError and its extensions), formatError sees what it sees
 * under graphql-js.
 */
function withGraphQLJsErrors(result: ExecutionResult, source: Source | undefined): ExecutionResult {
  if (!result.errors) return result;
  return { ...result, errors: result.errors.map((error) => asGraphQLJsError(error, source)) };
}

function asGraphQLJsError(error: GraphQLError, source: Source | undefined): GraphQLError {
  if (Object.getPrototypeOf(error) === GraphQLError.prototype) return error;
  const positions = source && error.locations?.map((location) => positionOf(source, location));
  return new GraphQLError(error.message, { source, positions, path: error.path, originalError: error.originalError });
}

/** The offset in the source of a line and column, as graphql-js's getLocation counts them. */
function positionOf(source: Source, { line, column }: SourceLocation): number {
  let lineStart = 0;
  const lineBreak = /\r\n|[\n\r]/g;
  for (let current = 1; current < line; current += 1) {
    const match = lineBreak.exec(source.body);
    if (!match) break;
    lineStart = match.index + match[0].length;
  }
  return lineStart + column - 1;
}
