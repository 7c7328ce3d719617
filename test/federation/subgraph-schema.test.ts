import { getDirective } from '@graphql-tools/utils';
import {
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLType,
} from 'graphql';
import { buildSubgraphFromDeclared } from '../../src/graphql/federation';
import { buildDeclaredSchema, printDeclaredSchema } from '../../src/graphql/schema';
import { rootFieldsMissingAuth } from '../helpers/schema-audits';

describe('the Federation 2 subgraph schema', () => {
  it('leaves no root field without @auth except the federation entry points _service and _entities', async () => {
    const subgraph = buildSubgraphFromDeclared(await buildDeclaredSchema());
    expect(rootFieldsMissingAuth(subgraph)).toEqual(['Query._entities', 'Query._service']);
    expect(rootFieldsMissingAuth(subgraph, ['Query._service', 'Query._entities'])).toEqual([]);
  });

  it('guards _entities: every entity type carries a type-level @auth, which also checks its reference resolver', async () => {
    const subgraph = buildSubgraphFromDeclared(await buildDeclaredSchema());
    const entity = subgraph.getType('_Entity');
    if (!isUnionType(entity)) throw new Error('the subgraph has no _Entity union');
    const entities = entity.getTypes();
    expect(entities.map((type) => type.name)).toEqual(['Workflow']);
    for (const type of entities) {
      expect(getDirective(subgraph, type, 'auth')).toEqual([{ requires: 'viewer' }]);
    }
  });

  it("publishes no type that no field or argument uses (a gateway would compose it into every client's schema)", async () => {
    const declared = await buildDeclaredSchema();
    const used = new Set<string>();
    for (const type of Object.values(declared.getTypeMap())) {
      if (isUnionType(type)) type.getTypes().forEach((member) => used.add(member.name));
      // An implementation is reached through its interface, which a field returns.
      if ((isObjectType(type) || isInterfaceType(type)) && type.getInterfaces().length > 0) used.add(type.name);
      if (!isObjectType(type) && !isInterfaceType(type) && !isInputObjectType(type)) continue;
      const nameOf = (wrapped: GraphQLType) => (getNamedType(wrapped) as GraphQLNamedType).name;
      for (const field of Object.values(type.getFields())) {
        used.add(nameOf(field.type));
        for (const argument of 'args' in field ? field.args : []) used.add(nameOf(argument.type));
      }
    }
    const roots = [declared.getQueryType(), declared.getMutationType(), declared.getSubscriptionType()];
    const published = Object.values(declared.getTypeMap()).filter(
      (type: GraphQLNamedType) => !type.name.startsWith('__') && !roots.includes(type as never),
    );
    expect(published.map((type) => type.name).filter((name) => !used.has(name))).toEqual([]);
  });

  it('is printed in schema/schema.graphql under the federation @link, with the Workflow key', async () => {
    const printed = await printDeclaredSchema();
    expect(printed).toContain('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])');
    expect(printed).toContain('type Workflow @key(fields: "threadId") @auth(requires: VIEWER) {');
  });
});
