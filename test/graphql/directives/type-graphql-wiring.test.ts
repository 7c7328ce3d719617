import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { graphql } from 'graphql';
import { Directive, Field, ObjectType, Query, Resolver, buildSchema } from 'type-graphql';
import { authDirectiveTransformer, declareAuthDirective, securityDirectives } from '../../../src/graphql/directives';
import { rootFieldsMissingAuth } from '../../helpers/schema-audits';

@ObjectType()
@Directive('@auth(requires: ADMIN)')
class Vault {
  @Field()
  code!: string;
}

@Resolver()
class WiringResolver {
  @Query(() => String)
  @Directive('@auth(requires: OPERATOR)')
  @Directive('@rateLimit(window: "1m", max: 5)')
  status(): string {
    return 'ok';
  }

  @Query(() => Vault)
  @Directive('@auth')
  vault(): Vault {
    return { code: '1234' };
  }
}

const build = async () => declareAuthDirective(await buildSchema({ resolvers: [WiringResolver], directives: [...securityDirectives] }));
const as = (...roles: ('viewer' | 'operator' | 'admin')[]) => ({
  auth: { kind: 'authenticated', identity: { sub: 'someone', roles } },
});

describe('the directives in a type-graphql schema', () => {
  it('bring the Role enum into a schema that has none through the @auth argument', async () => {
    const printed = printSchemaWithDirectives(await build());
    expect(printed).toContain('enum Role {\n  VIEWER\n  OPERATOR\n  ADMIN\n}');
    expect(printed).toContain('directive @auth(requires: Role = VIEWER) on FIELD_DEFINITION | OBJECT');
    expect(printed).toContain('status: String! @auth(requires: OPERATOR) @rateLimit(window: "1m", max: 5)');
    expect(printed).toContain('type Vault @auth(requires: ADMIN)');
  });

  it('enforce @Directive on resolver fields and object types', async () => {
    const schema = authDirectiveTransformer(await build());
    const asViewer = await graphql({ schema, source: '{ status }', contextValue: as('viewer') });
    expect(asViewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asOperator = await graphql({ schema, source: '{ status }', contextValue: as('operator') });
    expect(asOperator).toEqual({ data: { status: 'ok' } });
    const vaultAsOperator = await graphql({ schema, source: '{ vault { code } }', contextValue: as('operator') });
    expect(vaultAsOperator.errors?.[0]?.path).toEqual(['vault', 'code']);
    expect(vaultAsOperator.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const vaultAsAdmin = await graphql({ schema, source: '{ vault { code } }', contextValue: as('admin') });
    expect(vaultAsAdmin).toEqual({ data: { vault: { code: '1234' } } });
  });

  it('let rootFieldsMissingAuth see the @auth type-graphql attached', async () => {
    expect(rootFieldsMissingAuth(await build())).toEqual([]);
  });
});
