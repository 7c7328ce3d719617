/**
 * Limits on what one operation may ask for, checked before anything executes (GraphQL Armor).
 *
 * Codes a client sees, all with HTTP 400 and nothing executed:
 *   QUERY_TOO_DEEP       more nested selections than MAX_DEPTH
 *   TOO_MANY_ALIASES     more aliases that run a field again than MAX_ALIASES (repeated-fields.rule.ts)
 *   TOO_MANY_TOKENS      a document of more lexical tokens than MAX_TOKENS (parsing stops there)
 *   TOO_MANY_DIRECTIVES  more directive uses than MAX_DIRECTIVES
 *   QUERY_TOO_COMPLEX    an estimated cost above MAX_COST (see COST_WEIGHTS), page sizes as they coerce
 *   BAD_USER_INPUT       a page size (`field: "first"`) above MAX_PAGE_SIZE, which no cost could excuse
 *
 * Apollo files every validation failure under GRAPHQL_VALIDATION_FAILED; `queryLimitCode` recovers
 * the specific code for the error formatter.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { QueryLimits } from '../../config';
import { ErrorCode, type QueryLimitCode } from '../../error-codes';
import { MAX_PAGE_SIZE } from '../../defaults';
import { pageSizeMessage } from '../../workflows/workflow.validation';
import { repeatedFieldsRule } from './repeated-fields.rule';

/**
 * The cost estimate: every field costs `scalarCost` or `objectCost`, a child selection counts
 * `depthCostFactor` times its own cost, and a selection with `first: n` (or `last`) counts n times,
 * whether n is written in the document, given as a variable or left to the schema default (see
 * withPageSizesInlined).
 * With these weights the dashboard page (workflows(first: 50) with every workflow's tasks) costs
 * about 1400 and a full page of 100 about 2800, while two full pages in one operation are refused.
 */
const COST_WEIGHTS = { objectCost: 2, scalarCost: 1, depthCostFactor: 1.2 } as const;

/**
 * A limit refused the operation: carried through Apollo as the original error of its ValidationError,
 * or returned by refuseResolved (then with HTTP 400 itself, as Apollo answers validation errors).
 */
export class QueryLimitError extends GraphQLError {
  constructor(
    readonly code: QueryLimitCode,
    message: string,
  ) {
    super(message, { extensions: { code, http: { status: 400 } } });
    this.name = 'QueryLimitError';
  }
}

/** Armor prefixes every rejection with "Syntax Error: " although none is one; the rest reads well. */
const ARMOR_PREFIX = /^Syntax Error: /;

/** Reports to the validation context, so Apollo answers 400 and executes nothing (throwing would be a 500). */
function reportAs(code: QueryLimitCode) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(new QueryLimitError(code, error.message.replace(ARMOR_PREFIX, ''))),
    ],
  };
}

/** graphql-js's own message when `parseOptions.maxTokens` stops the parser ("more that" is theirs). */
const TOKEN_LIMIT_MESSAGE = /Document contains more tha[nt] \d+ tokens\. Parsing aborted\./;

/**
 * The stable code of an error a query limit raised, or undefined. `error` is what Apollo hands
 * formatError: a ValidationError around a QueryLimitError, or the SyntaxError of the token limit.
 */
export function queryLimitCode(error: unknown): QueryLimitCode | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  if (error instanceof QueryLimitError) return error.code;
  if (error.originalError instanceof QueryLimitError) return error.originalError.code;
  if (error.extensions.code === ErrorCode.GRAPHQL_PARSE_FAILED && TOKEN_LIMIT_MESSAGE.test(error.message)) return ErrorCode.TOO_MANY_TOKENS;
  return undefined;
}

/** What a request resolved to: the operation to run (by name when the document holds several) and its variables. */
export interface ResolvedOperation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Readonly<Record<string, unknown>> | null;
}

export interface QueryProtection {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  /** Apollo's parse options: the token limit lives in graphql-js's parser. */
  parseOptions: { maxTokens: number };
  /**
   * The refusal of a validated operation that only its variables can tell (a page size above
   * MAX_PAGE_SIZE, a cost above MAX_COST), or undefined: the plugins run it for HTTP, graphql-ws calls it.
   */
  refuseResolved(operation: ResolvedOperation): GraphQLError | undefined;
}

/**
 * Armor's depth and directive rules and our alias rule, from the config, in validation. The cost is estimated once
 * the request's variables are known (refuseResolved), since page sizes decide it (suggestions are cut
 * in the error formatter, which every transport's errors pass through).
 * The token limit is graphql-js's `maxTokens` parse option rather than Armor's Apollo plugin, which
 * throws from a parsing hook and so turns every over-long document (and every syntax error) into an
 * HTTP 500 (graphql-armor issues #571, #751); the parser option stops at the same token, with a 400.
 */
export function createQueryProtection(limits: QueryLimits): QueryProtection {
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...reportAs(ErrorCode.QUERY_TOO_DEEP) },
    maxDirectives: { n: limits.maxDirectives, ...reportAs(ErrorCode.TOO_MANY_DIRECTIVES) },
    maxAliases: { enabled: false },
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  const costRules = new ApolloArmor({
    costLimit: { maxCost: limits.maxCost, flattenFragments: true, ...COST_WEIGHTS, ...reportAs(ErrorCode.QUERY_TOO_COMPLEX) },
    maxDepth: { enabled: false },
    maxAliases: { enabled: false },
    maxDirectives: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect().validationRules;
  const refuseResolved = (operation: ResolvedOperation) => refusalOfResolved(operation, costRules);
  const repeatedFields = repeatedFieldsRule(limits.maxAliases, (context, found) =>
    context.reportError(new QueryLimitError(ErrorCode.TOO_MANY_ALIASES, `Aliases limit of ${limits.maxAliases} exceeded, found ${found}.`)),
  );
  return {
    plugins: [...plugins, refuseResolvedOperations(refuseResolved)],
    validationRules: [...validationRules, repeatedFields],
    parseOptions: { maxTokens: limits.maxTokens },
    refuseResolved,
  };
}

const PAGE_SIZE_ARGUMENTS = new Set(['first', 'last']);

/** A page size above what the service serves: refused whole, before its cost (which it would inflate) is told. */
class PageSizeTooLarge extends GraphQLError {
  constructor(argument: string, nodes: ArgumentNode | FieldNode) {
    super(pageSizeMessage(argument), {
      nodes,
      extensions: { code: ErrorCode.BAD_USER_INPUT, field: argument, http: { status: 400 } },
    });
  }
}

/**
 * The operation that runs, with its fragments, and every page size argument written in as the integer
 * it coerces to: the caller's literal or variable, else the variable's default, else the argument's
 * schema default (`first: Int! = 20`). Throws PageSizeTooLarge; null when the variables do not coerce,
 * which execution reports as usual.
 */
function withPageSizesInlined({ schema, document, operationName, variables }: ResolvedOperation): DocumentNode | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], { ...variables });
  if (coerced.errors) return null;
  const typeInfo = new TypeInfo(schema);
  const runs: DocumentNode = {
    ...document,
    definitions: document.definitions.filter((definition) => definition === operation || definition.kind === Kind.FRAGMENT_DEFINITION),
  };
  return visit(
    runs,
    visitWithTypeInfo(typeInfo, {
      Field: (field) => {
        const definition = typeInfo.getFieldDef();
        const pageSizes = definition?.args.filter((argument) => PAGE_SIZE_ARGUMENTS.has(argument.name)) ?? [];
        if (!definition || pageSizes.length === 0) return undefined;
        const values = argumentValuesOf(definition, field, coerced.coerced);
        if (!values) return undefined;
        const sized = pageSizes.flatMap((argument) => {
          const size = values[argument.name];
          if (typeof size !== 'number') return [];
          const written = field.arguments?.find((node) => node.name.value === argument.name);
          if (size > MAX_PAGE_SIZE) throw new PageSizeTooLarge(argument.name, written ?? field);
          return [
            {
              kind: Kind.ARGUMENT,
              name: { kind: Kind.NAME, value: argument.name },
              value: { kind: Kind.INT, value: String(size) },
            } as const,
          ];
        });
        const others = (field.arguments ?? []).filter((node) => !PAGE_SIZE_ARGUMENTS.has(node.name.value));
        return { ...field, arguments: [...others, ...sized] };
      },
    }),
  );
}

/** The field's coerced arguments, or undefined when one does not coerce (an explicit null): execution reports that. */
function argumentValuesOf(definition: GraphQLField<unknown, unknown>, field: FieldNode, variables: Record<string, unknown>) {
  try {
    return getArgumentValues(definition, field, variables);
  } catch (error) {
    if (error instanceof GraphQLError) return undefined;
    throw error;
  }
}

/**
 * Armor's cost rule sees only the document, where `first: $n` counts as one item and a left-out
 * `first` as none, although the field then serves its default page. So the rule runs on the operation
 * with its page sizes written in, once its variables are known.
 */
function refusalOfResolved(operation: ResolvedOperation, costRules: ValidationRule[]): GraphQLError | undefined {
  try {
    const sized = withPageSizesInlined(operation);
    // The rule reports a QueryLimitError (reportAs), which carries its code and HTTP status.
    return sized ? validate(operation.schema, sized, costRules)[0] : undefined;
  } catch (error) {
    if (error instanceof PageSizeTooLarge) return error;
    throw error;
  }
}

/** For Apollo: refuses like validation does (HTTP 400, nothing executed) once the operation is resolved. */
function refuseResolvedOperations(refuse: QueryProtection['refuseResolved']): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, schema }) {
          const refusal = refuse({ schema, document, operationName: request.operationName, variables: request.variables });
          if (refusal) throw refusal;
        },
      };
    },
  };
}
