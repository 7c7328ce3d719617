// Audits of a schema's @auth, for tests: no root field left open, no refusal that would null more than its field.
import { getDirective } from '@graphql-tools/utils';
import { getNamedType, type GraphQLObjectType, type GraphQLSchema, isAbstractType, isNonNullType, isObjectType } from 'graphql';
import { ROLES, type Role } from '../../src/auth/roles';

/** Anything getDirective reads: a field or a type. */
type Directable = Parameters<typeof getDirective>[1];

/** The role an @auth names, read from the schema itself (`operator` from RoleEnum, `OPERATOR` from SDL). */
function declaredRole(schema: GraphQLSchema, node: Directable | undefined): Role | undefined {
  const usage = node && getDirective(schema, node, 'auth')?.[0];
  return usage ? (String(usage.requires).toLowerCase() as Role) : undefined;
}

/** The field's own @auth, else its object type's. */
function requiredRole(schema: GraphQLSchema, field: Directable, type: Directable | undefined): Role | undefined {
  return declaredRole(schema, field) ?? declaredRole(schema, type);
}

/**
 * Root fields (`Query.x`, `Mutation.x`, `Subscription.x`) with no @auth on the field or its root type,
 * except the coordinates in `exempt` (e.g. `Query._service` for federation).
 */
export function rootFieldsMissingAuth(schema: GraphQLSchema, exempt: readonly string[] = []): string[] {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  return roots.flatMap((root) => {
    if (!root) return [];
    return Object.values(root.getFields())
      .filter((field) => requiredRole(schema, field, root) === undefined)
      .map((field) => `${root.name}.${field.name}`)
      .filter((coordinate) => !exempt.includes(coordinate));
  });
}

/**
 * Non-null fields whose @auth asks more than the weakest role their parent type is reached with:
 * their FORBIDDEN would null the parent too, and with it what the caller may see. A root type counts
 * as reached with the weakest role any of its fields asks.
 */
export function nonNullFieldsGuardedAboveParent(schema: GraphQLSchema): string[] {
  const strength = (role: Role | undefined): number => (role === undefined ? -1 : ROLES.indexOf(role));
  const reachedWith = new Map<string, number>();
  const pending: GraphQLObjectType[] = [];
  const reach = (type: GraphQLObjectType, role: number): void => {
    if ((reachedWith.get(type.name) ?? Infinity) <= role) return;
    reachedWith.set(type.name, role);
    pending.push(type);
  };
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    const fields = Object.values(root.getFields());
    reach(root, Math.min(...fields.map((field) => strength(requiredRole(schema, field, root)))));
  }
  const offending = new Set<string>();
  for (let type = pending.shift(); type; type = pending.shift()) {
    const parentRole = reachedWith.get(type.name)!;
    for (const field of Object.values(type.getFields())) {
      const role = Math.max(parentRole, strength(requiredRole(schema, field, type)));
      if (role > parentRole && isNonNullType(field.type)) offending.add(`${type.name}.${field.name}`);
      const child = getNamedType(field.type);
      const objects = isObjectType(child) ? [child] : isAbstractType(child) ? schema.getPossibleTypes(child) : [];
      for (const object of objects) reach(object, role);
    }
  }
  return [...offending];
}
