/**
 * Federation 2: the declared schema (type-graphql) served as an Apollo subgraph, after type-graphql's
 * `examples/apollo-federation-2` recipe: print it with its directives, add the federation @link, and
 * rebuild it with `buildSubgraphSchema` from that SDL and type-graphql's resolvers plus the reference
 * resolvers. The @auth and @rateLimit transforms are applied to the result (schema.ts).
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { GraphQLError, type GraphQLSchema, parse } from 'graphql';
import { createResolversMap } from 'type-graphql';
import { ErrorCode } from '../error-codes';
import { resolveWorkflowReference } from './workflow.reference';

/** v2.3 is the oldest version with everything we use (@key), so older routers can compose us too. */
const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.3';

/** Federation directives our types use; declared with `@Directive('@key(...)')` on the classes. */
const FEDERATION_IMPORTS = ['@key'];

const FEDERATION_IMPORT_LIST = FEDERATION_IMPORTS.map((name) => JSON.stringify(name)).join(', ');
const FEDERATION_LINK = `extend schema @link(url: "${FEDERATION_SPEC_URL}", import: [${FEDERATION_IMPORT_LIST}])`;

/** The subgraph SDL: the declared schema with its @auth, @rateLimit and @key usages, under the federation @link. */
export function printSubgraphTypeDefs(declared: GraphQLSchema): string {
  return `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(declared)}`;
}

type SubgraphResolvers = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']>;

/** `__resolveReference` of each entity type (each type with a @key). */
const REFERENCE_RESOLVERS = {
  Workflow: { __resolveReference: resolveWorkflowReference },
};

const ENTITY_TYPES = new Set(Object.keys(REFERENCE_RESOLVERS));

/**
 * Makes `_entities` refuse a representation of any type but an entity's as the caller's mistake
 * (BAD_USER_INPUT, naming only what was sent). The subgraph's own resolver throws a plain Error for a
 * type the schema lacks (an internal error, logged with a stack) and passes a known non-entity type
 * on to a union resolution that fails the same way.
 */
function refuseNonEntityRepresentations(subgraph: GraphQLSchema): GraphQLSchema {
  const entities = subgraph.getQueryType()?.getFields()._entities;
  const resolve = entities?.resolve;
  if (!entities || !resolve) return subgraph;
  entities.resolve = (source, args: { representations: ReadonlyArray<{ __typename: string }> }, context, info) => {
    args.representations.forEach(({ __typename }, index) => {
      if (ENTITY_TYPES.has(__typename)) return;
      throw new GraphQLError(`representations[${index}] is of type "${__typename}", which is no entity here.`, {
        extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'representations' },
      });
    });
    return resolve(source, args, context, info);
  };
  return subgraph;
}

/** The declared schema as a Federation 2 subgraph: adds `_service`, `_entities` and the entity resolvers. */
export function buildSubgraphFromDeclared(declared: GraphQLSchema): GraphQLSchema {
  const resolvers = createResolversMap(declared) as SubgraphResolvers;
  for (const [typeName, references] of Object.entries(REFERENCE_RESOLVERS)) {
    resolvers[typeName] = { ...resolvers[typeName], ...references } as SubgraphResolvers[string];
  }
  return refuseNonEntityRepresentations(buildSubgraphSchema({ typeDefs: parse(printSubgraphTypeDefs(declared)), resolvers }));
}
