/**
 * `@auth(requires: Role = VIEWER)` on a field or an object type, enforced by a schema transform.
 *
 * Wiring (type-graphql 2):
 *   declareAuthDirective(await buildSchema({ resolvers, directives: [rateLimitDirective] }))
 *   and `@Directive('@auth(requires: OPERATOR)')` on a field or an `@ObjectType` class.
 * The directive is declared over the schema's own `Role` enum when a field uses one (`Caller.roles`,
 * registered in ../enums.ts), else over RoleEnum, which then enters the schema through it: declared
 * before the build, it would be a second type named `Role`.
 * Then apply the transforms with `applySecurityDirectives` (./index.ts), which fixes their order.
 *
 * Context: `context.auth` (an `Authentication`); a context without it is treated as anonymous.
 */
import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  DirectiveLocation,
  GraphQLDirective,
  GraphQLEnumType,
  GraphQLError,
  type GraphQLFieldConfig,
  GraphQLObjectType,
  GraphQLSchema,
} from 'graphql';
import type { Authentication } from '../../auth/identity';
import { hasRole, isRole, type Role, ROLES } from '../../auth/roles';
import { ErrorCode } from '../../error-codes';
import { ROLES_DESCRIPTION } from '../enums';

const AUTH = 'auth';

/** `enum Role { VIEWER OPERATOR ADMIN }`, for a schema without its own; its internal values are the token's role strings. */
const RoleEnum = new GraphQLEnumType({
  name: 'Role',
  description: ROLES_DESCRIPTION,
  values: Object.fromEntries(ROLES.map((role) => [role.toUpperCase(), { value: role }])),
});

const authDirectiveOver = (role: GraphQLEnumType) =>
  new GraphQLDirective({
    name: AUTH,
    description: 'The least role a caller needs; on an object type it applies to every field without its own @auth.',
    locations: [DirectiveLocation.FIELD_DEFINITION, DirectiveLocation.OBJECT],
    args: { requires: { type: role, defaultValue: 'viewer' satisfies Role } },
  });

/** The directive over RoleEnum, for schemas built from SDL. */
export const authDirective = authDirectiveOver(RoleEnum);

/** Declares @auth on a built schema, over the schema's `Role` enum if it has one. */
export function declareAuthDirective(schema: GraphQLSchema): GraphQLSchema {
  const declared = schema.getType(RoleEnum.name);
  if (declared && !(declared instanceof GraphQLEnumType)) throw new Error(`${RoleEnum.name} must be an enum for @auth`);
  const directive = declared ? authDirectiveOver(declared) : authDirective;
  return new GraphQLSchema({ ...schema.toConfig(), directives: [...schema.getDirectives(), directive] });
}

/** Anything getDirective reads: a field, a field config or a type. */
type Directable = Parameters<typeof getDirective>[1];

/**
 * The role an @auth names. `RoleEnum` gives `operator`; a schema built from SDL has its own `Role`
 * enum whose values are the names (`OPERATOR`): both are accepted, anything else fails the build.
 */
function declaredRole(schema: GraphQLSchema, node: Directable | undefined): Role | undefined {
  const usage = node && getDirective(schema, node, AUTH)?.[0];
  if (!usage) return undefined;
  const role = String(usage.requires).toLowerCase();
  if (!isRole(role)) throw new Error(`@auth names an unknown role: ${String(usage.requires)}`);
  return role;
}

/** The field's own @auth, else its object type's. */
function requiredRole(schema: GraphQLSchema, field: Directable, type: Directable | undefined): Role | undefined {
  return declaredRole(schema, field) ?? declaredRole(schema, type);
}

function unauthenticated(auth: Authentication | undefined): GraphQLError {
  const message =
    auth?.kind === 'rejected'
      ? `Authentication failed (${auth.reason}): send a valid bearer token in the Authorization header.`
      : 'Authentication required: send a bearer token in the Authorization header.';
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

function forbidden(coordinate: string, required: Role): GraphQLError {
  return new GraphQLError(`${coordinate} requires the ${required} role, which your token does not grant.`, {
    extensions: { code: ErrorCode.FORBIDDEN },
  });
}

/** Throws unless the caller holds `required`; runs before the resolver so a refused call touches nothing. */
function assertAllowed(context: unknown, coordinate: string, required: Role): void {
  const auth = (context as { auth?: Authentication } | null | undefined)?.auth;
  if (auth?.kind !== 'authenticated') throw unauthenticated(auth);
  if (!hasRole(auth.identity.roles, required)) throw forbidden(coordinate, required);
}

function guardField(field: GraphQLFieldConfig<unknown, unknown>, coordinate: string, required: Role): GraphQLFieldConfig<unknown, unknown> {
  const { resolve = defaultFieldResolver, subscribe } = field;
  return {
    ...field,
    resolve: (source, args, context, info) => {
      assertAllowed(context, coordinate, required);
      return resolve(source, args, context, info);
    },
    // A subscription's events come from `subscribe`: guarding only `resolve` would let it open.
    ...(subscribe && {
      subscribe: (source, args, context, info) => {
        assertAllowed(context, coordinate, required);
        return subscribe(source, args, context, info);
      },
    }),
  };
}

/** Where @apollo/subgraph keeps a type's `__resolveReference`, the entry point of `_entities`. */
interface SubgraphTypeExtensions {
  apollo?: { subgraph?: { resolveReference?: (reference: unknown, context: unknown, info: unknown) => unknown } };
}

/**
 * An entity type with object-level @auth: its `__resolveReference` checks the role first, so `_entities`
 * neither loads nor reveals (not even by existence) what the type's fields would refuse.
 */
function guardEntity(type: GraphQLObjectType, required: Role): GraphQLObjectType {
  const config = type.toConfig();
  const extensions = config.extensions as SubgraphTypeExtensions;
  const resolveReference = extensions.apollo?.subgraph?.resolveReference;
  if (!resolveReference) return type;
  return new GraphQLObjectType({
    ...config,
    extensions: {
      ...config.extensions,
      apollo: {
        ...extensions.apollo,
        subgraph: {
          ...extensions.apollo?.subgraph,
          resolveReference: (reference: unknown, context: unknown, info: unknown) => {
            assertAllowed(context, `${type.name} entity`, required);
            return resolveReference(reference, context, info);
          },
        },
      },
    },
  });
}

/** Wraps every field carrying @auth (directly or through its object type), and entity fetches, with the role check. */
export function authDirectiveTransformer(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_TYPE]: (type) => {
      const required = declaredRole(schema, type);
      return required ? guardEntity(type, required) : type;
    },
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const required = requiredRole(schema, field, schema.getType(typeName));
      return required ? guardField(field, `${typeName}.${fieldName}`, required) : field;
    },
  });
}
