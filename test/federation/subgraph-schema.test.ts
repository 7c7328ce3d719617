import { getDirective } from '@graphql-tools/utils';
import { isUnionType } from 'graphql';
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

  it('is printed in schema/schema.graphql under the federation @link, with the Workflow key', async () => {
    const printed = await printDeclaredSchema();
    expect(printed).toContain('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])');
    expect(printed).toContain('type Workflow @key(fields: "threadId") @auth(requires: VIEWER) {');
  });
});
