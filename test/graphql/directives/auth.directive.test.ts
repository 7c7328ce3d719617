import { makeExecutableSchema } from '@graphql-tools/schema';
import { type ExecutionResult, graphql, type GraphQLSchema } from 'graphql';
import type { Authentication } from '../../../src/auth/identity';
import type { Role } from '../../../src/auth/roles';
import { authDirectiveTransformer } from '../../../src/graphql/directives/auth.directive';
import { authDirectiveTypeDefs } from '../../helpers/directive-type-defs';
import { nonNullFieldsGuardedAboveParent, rootFieldsMissingAuth } from '../../helpers/schema-audits';

const typeDefs = /* GraphQL */ `
  ${authDirectiveTypeDefs}
  type Query {
    workflow: String @auth(requires: VIEWER)
    byDefault: String @auth
    vault: Vault @auth(requires: VIEWER)
  }
  type Mutation {
    resetWorkflow: String @auth(requires: OPERATOR)
    purge: String @auth(requires: ADMIN)
  }
  type Vault @auth(requires: ADMIN) {
    code: String
    label: String @auth(requires: VIEWER)
  }
`;

function buildSchema() {
  const resolvers = {
    Query: { workflow: jest.fn(() => 'wf'), byDefault: jest.fn(() => 'ok'), vault: jest.fn(() => ({})) },
    Mutation: { resetWorkflow: jest.fn(() => 'reset'), purge: jest.fn(() => 'purged') },
    Vault: { code: jest.fn(() => '1234'), label: jest.fn(() => 'vault') },
  };
  return { schema: authDirectiveTransformer(makeExecutableSchema({ typeDefs, resolvers })), resolvers };
}

const as = (...roles: Role[]): Authentication => ({
  kind: 'authenticated',
  identity: { sub: 'someone', roles, validUntil: new Date(Date.now() + 60_000) },
});
const anonymous: Authentication = { kind: 'anonymous' };
const rejected: Authentication = { kind: 'rejected', reason: 'token expired' };

async function run(schema: GraphQLSchema, source: string, auth: Authentication): Promise<ExecutionResult> {
  return graphql({ schema, source, contextValue: { auth, clientIp: '127.0.0.1' } });
}

function errorCode(result: ExecutionResult): unknown {
  return result.errors?.[0]?.extensions?.code;
}

const ALLOWED = 'allowed';
type Outcome = typeof ALLOWED | 'UNAUTHENTICATED' | 'FORBIDDEN';

describe('@auth on fields', () => {
  const callers: [string, Authentication][] = [
    ['anonymous', anonymous],
    ['rejected token', rejected],
    ['token without roles', as()],
    ['viewer', as('viewer')],
    ['operator', as('operator')],
    ['admin', as('admin')],
  ];
  const fields: [string, string, Outcome[]][] = [
    // field, operation, outcome per caller in the order above
    ['Query.workflow', '{ workflow }', ['UNAUTHENTICATED', 'UNAUTHENTICATED', 'FORBIDDEN', ALLOWED, ALLOWED, ALLOWED]],
    ['Query.byDefault', '{ byDefault }', ['UNAUTHENTICATED', 'UNAUTHENTICATED', 'FORBIDDEN', ALLOWED, ALLOWED, ALLOWED]],
    [
      'Mutation.resetWorkflow',
      'mutation { resetWorkflow }',
      ['UNAUTHENTICATED', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', ALLOWED, ALLOWED],
    ],
    ['Mutation.purge', 'mutation { purge }', ['UNAUTHENTICATED', 'UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', ALLOWED]],
  ];
  const cases = fields.flatMap(([field, source, outcomes]) =>
    callers.map(([caller, auth], index) => [field, caller, outcomes[index], source, auth] as const),
  );

  it.each(cases)('%s called by %s: %s', async (field, _caller, outcome, source, auth) => {
    const { schema, resolvers } = buildSchema();
    const [typeName, fieldName] = field.split('.') as ['Query' | 'Mutation', string];
    const resolver = (resolvers[typeName] as Record<string, jest.Mock>)[fieldName];
    const result = await run(schema, source, auth);
    if (outcome === ALLOWED) {
      expect(result.errors).toBeUndefined();
      expect(resolver).toHaveBeenCalledTimes(1);
    } else {
      expect(errorCode(result)).toBe(outcome);
      expect(result.data?.[fieldName]).toBeNull();
      expect(resolver).not.toHaveBeenCalled();
    }
  });

  it('tells a caller with a rejected token why, without echoing anything it sent', async () => {
    const { schema } = buildSchema();
    const result = await run(schema, '{ workflow }', rejected);
    expect(result.errors?.[0]?.message).toMatch(/token expired/);
  });

  it('names the role a forbidden caller lacks', async () => {
    const { schema } = buildSchema();
    const result = await run(schema, 'mutation { resetWorkflow }', as('viewer'));
    expect(result.errors?.[0]?.message).toMatch(/Mutation\.resetWorkflow requires the operator role/);
  });

  it('treats a context without auth as anonymous', async () => {
    const { schema, resolvers } = buildSchema();
    const result = await graphql({ schema, source: '{ workflow }', contextValue: {} });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
    expect(resolvers.Query.workflow).not.toHaveBeenCalled();
  });
});

describe('@auth on an object type', () => {
  it('guards every field of the type that has no @auth of its own', async () => {
    const { schema, resolvers } = buildSchema();
    const result = await run(schema, '{ vault { code } }', as('viewer'));
    expect(errorCode(result)).toBe('FORBIDDEN');
    expect(result.errors?.[0]?.path).toEqual(['vault', 'code']);
    expect(resolvers.Vault.code).not.toHaveBeenCalled();
  });

  it('lets a field-level @auth take precedence over the type-level one', async () => {
    const { schema } = buildSchema();
    const result = await run(schema, '{ vault { label } }', as('viewer'));
    expect(result).toEqual({ data: { vault: { label: 'vault' } } });
  });

  it('lets a caller with the type role read its fields', async () => {
    const { schema } = buildSchema();
    const result = await run(schema, '{ vault { code label } }', as('admin'));
    expect(result).toEqual({ data: { vault: { code: '1234', label: 'vault' } } });
  });
});

describe('rootFieldsMissingAuth', () => {
  it('lists no field when every root field carries @auth', () => {
    expect(rootFieldsMissingAuth(buildSchema().schema)).toEqual([]);
  });

  it('lists the root fields without @auth by coordinate', () => {
    const schema = makeExecutableSchema({
      typeDefs: `${authDirectiveTypeDefs}
        type Query { guarded: String @auth  open: String  _service: String }
        type Mutation { danger: String }`,
    });
    expect(rootFieldsMissingAuth(schema)).toEqual(['Query.open', 'Query._service', 'Mutation.danger']);
  });

  it('exempts only the coordinates it is given', () => {
    const schema = makeExecutableSchema({
      typeDefs: `${authDirectiveTypeDefs}
        type Query { open: String  _service: String }`,
    });
    expect(rootFieldsMissingAuth(schema, ['Query._service'])).toEqual(['Query.open']);
  });

  it('counts an @auth on the root type itself', () => {
    const schema = makeExecutableSchema({
      typeDefs: `${authDirectiveTypeDefs}
        type Query @auth(requires: VIEWER) { a: String  b: String }`,
    });
    expect(rootFieldsMissingAuth(schema)).toEqual([]);
  });

  it('looks at Subscription fields too', () => {
    const schema = makeExecutableSchema({
      typeDefs: `${authDirectiveTypeDefs}
        type Query { a: String @auth }
        type Subscription { events: String }`,
    });
    expect(rootFieldsMissingAuth(schema)).toEqual(['Subscription.events']);
  });
});

describe('nonNullFieldsGuardedAboveParent', () => {
  const offending = (sdl: string) =>
    nonNullFieldsGuardedAboveParent(makeExecutableSchema({ typeDefs: `${authDirectiveTypeDefs}\n${sdl}` }));

  it('lists a non-null field asking more than its type, and a root field asking more than its siblings', () => {
    expect(
      offending(`
        type Query { workflow: Workflow @auth(requires: VIEWER)  audit: [String!]! @auth(requires: OPERATOR) }
        type Workflow @auth(requires: VIEWER) {
          id: ID!  resets: [String!]! @auth(requires: OPERATOR)  notes: String @auth(requires: ADMIN)
        }
      `),
    ).toEqual(['Query.audit', 'Workflow.resets']);
  });

  it('judges a type by the weakest role it is reached with, through interfaces too', () => {
    expect(
      offending(`
        type Query { events: [Event!]! @auth(requires: VIEWER)  secrets: Secret @auth(requires: VIEWER) }
        interface Event { at: String! }
        type Reset implements Event { at: String!  actor: String! @auth(requires: OPERATOR) }
        type Secret @auth(requires: ADMIN) { code: String!  holder: Holder! }
        type Holder { name: String! @auth(requires: ADMIN) }
      `),
    ).toEqual(['Reset.actor', 'Secret.code', 'Secret.holder']);
  });
});
