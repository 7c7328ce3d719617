/**
 * Limits on what one operation may ask for, checked before anything executes (GraphQL Armor).
 *
 * Codes a client sees, all with HTTP 400 and nothing executed:
 *   QUERY_TOO_DEEP       more nested selections than MAX_DEPTH
 *   TOO_MANY_ALIASES     more aliases than MAX_ALIASES
 *   TOO_MANY_TOKENS      a document of more lexical tokens than MAX_TOKENS (parsing stops there)
 *   TOO_MANY_DIRECTIVES  more directive uses than MAX_DIRECTIVES
 *   QUERY_TOO_COMPLEX    an estimated cost above MAX_COST (see COST_WEIGHTS)
 *
 * Apollo files every validation failure under GRAPHQL_VALIDATION_FAILED; `queryLimitCode` recovers
 * the specific code for the error formatter.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  validate,
  visit,
  type DocumentNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import type { QueryLimits } from '../../config';

export type QueryLimitCode =
  | 'QUERY_TOO_DEEP'
  | 'TOO_MANY_ALIASES'
  | 'TOO_MANY_TOKENS'
  | 'TOO_MANY_DIRECTIVES'
  | 'QUERY_TOO_COMPLEX';

/**
 * The cost estimate: every field costs `scalarCost` or `objectCost`, a child selection counts
 * `depthCostFactor` times its own cost, and a selection with `first: n` (or `last`) counts n times,
 * whether n is written in the document or given as a variable (see variablePageSizeCost).
 * With these weights the dashboard page (workflows(first: 50) with every workflow's tasks) costs
 * about 1400 and a full page of 100 about 2800, while two full pages in one operation are refused.
 */
export const COST_WEIGHTS = { objectCost: 2, scalarCost: 1, depthCostFactor: 1.2 } as const;

/**
 * A limit refused the operation: carried through Apollo as the original error of its ValidationError,
 * or thrown by variablePageSizeCost (then with HTTP 400 itself, as Apollo answers validation errors).
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
  if (error.extensions.code === 'GRAPHQL_PARSE_FAILED' && TOKEN_LIMIT_MESSAGE.test(error.message)) return 'TOO_MANY_TOKENS';
  return undefined;
}

export interface QueryProtection {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  /** Apollo's parse options: the token limit lives in graphql-js's parser. */
  parseOptions: { maxTokens: number };
}

/**
 * Armor's depth, alias, directive and cost rules, from the config (suggestions are cut in the error
 * formatter, which every transport's errors pass through).
 * The token limit is graphql-js's `maxTokens` parse option rather than Armor's Apollo plugin, which
 * throws from a parsing hook and so turns every over-long document (and every syntax error) into an
 * HTTP 500 (graphql-armor issues #571, #751); the parser option stops at the same token, with a 400.
 */
export function createQueryProtection(limits: QueryLimits): QueryProtection {
  const costLimit = { maxCost: limits.maxCost, flattenFragments: true, ...COST_WEIGHTS, ...reportAs('QUERY_TOO_COMPLEX') };
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...reportAs('QUERY_TOO_DEEP') },
    maxAliases: { n: limits.maxAliases, ...reportAs('TOO_MANY_ALIASES') },
    maxDirectives: { n: limits.maxDirectives, ...reportAs('TOO_MANY_DIRECTIVES') },
    costLimit,
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  const costRules = new ApolloArmor({
    costLimit,
    maxDepth: { enabled: false },
    maxAliases: { enabled: false },
    maxDirectives: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect().validationRules;
  return {
    plugins: [...plugins, variablePageSizeCost(costRules)],
    validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

const PAGE_SIZE_ARGUMENTS = new Set(['first', 'last']);

/**
 * `document` with every `first: $var` / `last: $var` replaced by the integer the request gives
 * (the variable's value, else its default), or null when no page size comes from a variable.
 */
function withPageSizesInlined(document: DocumentNode, variables: Record<string, unknown>): DocumentNode | null {
  const defaults = new Map<string, ValueNode>();
  visit(document, {
    VariableDefinition: (definition) => {
      if (definition.defaultValue) defaults.set(definition.variable.name.value, definition.defaultValue);
    },
  });
  let inlined = false;
  const sized = visit(document, {
    Argument: (argument) => {
      if (!PAGE_SIZE_ARGUMENTS.has(argument.name.value) || argument.value.kind !== Kind.VARIABLE) return undefined;
      const name = argument.value.name.value;
      const given = variables[name];
      const size: ValueNode | undefined = Number.isSafeInteger(given) ? { kind: Kind.INT, value: String(given) } : defaults.get(name);
      if (size?.kind !== Kind.INT) return undefined;
      inlined = true;
      return { ...argument, value: size };
    },
  });
  return inlined ? sized : null;
}

/**
 * Armor's cost rule sees only the document, where `first: $n` counts as one item; variables arrive
 * after validation. This runs the same rule again once the operation is resolved, with the page sizes
 * the variables give written in, and refuses like validation does (QUERY_TOO_COMPLEX, HTTP 400).
 */
function variablePageSizeCost(costRules: ValidationRule[]): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, schema }) {
          const sized = withPageSizesInlined(document, request.variables ?? {});
          if (!sized) return;
          const [refusal] = validate(schema, sized, costRules);
          // The rule reports a QueryLimitError (reportAs), which carries its code and HTTP status.
          if (refusal) throw refusal;
        },
      };
    },
  };
}
