import { ApolloServer } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError } from 'graphql';
import { compileQuery } from 'graphql-jit';
import { executingGateway, jitExecutor, MAX_COMPILED_QUERIES } from '../../../src/graphql/execution/jit-gateway';

jest.mock('graphql-jit', () => {
  const actual = jest.requireActual<typeof import('graphql-jit')>('graphql-jit');
  return { ...actual, compileQuery: jest.fn(actual.compileQuery) };
});
const compilations = compileQuery as jest.MockedFunction<typeof compileQuery>;

const refusal = new GraphQLError('not you', { extensions: { code: 'FORBIDDEN' } });

function newServer() {
  const calls: string[] = [];
  const schema = makeExecutableSchema({
    typeDefs: `
      type Query { greeting(name: String = "you"): String refused: String }
      type Mutation { first: Int! second: Int! }
    `,
    resolvers: {
      Query: {
        greeting: (_: unknown, { name }: { name: string }) => `hello ${name}`,
        refused: () => {
          throw refusal;
        },
      },
      Mutation: {
        first: () => {
          calls.push('first');
          throw refusal;
        },
        second: () => {
          calls.push('second');
          return 2;
        },
      },
    },
  });
  const formatted: unknown[] = [];
  const server = new ApolloServer({
    gateway: executingGateway(schema, jitExecutor(schema)),
    formatError: (formattedError, error) => {
      formatted.push(unwrapResolverError(error));
      return formattedError;
    },
  });
  return { server, calls, formatted };
}

async function singleResult(server: ApolloServer, query: string, variables?: Record<string, unknown>) {
  const response = await server.executeOperation({ query, variables });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult;
}

describe('the graphql-jit executor behind the gateway interface', () => {
  beforeEach(() => compilations.mockClear());

  it('compiles a query once and answers it again from the compiled function', async () => {
    const { server } = newServer();
    await server.start();
    const query = 'query ($name: String) { greeting(name: $name) }';
    expect((await singleResult(server, query, { name: 'Ada' })).data).toEqual({ greeting: 'hello Ada' });
    expect((await singleResult(server, query)).data).toEqual({ greeting: 'hello you' });
    expect(compilations).toHaveBeenCalledTimes(1);
    await server.stop();
  });

  it(`keeps the last ${MAX_COMPILED_QUERIES} documents compiled and compiles an evicted one again`, async () => {
    const { server } = newServer();
    await server.start();
    const aliased = (n: number) => `{ a${n}: greeting }`;
    for (let n = 0; n <= MAX_COMPILED_QUERIES; n += 1) await singleResult(server, aliased(n));
    await singleResult(server, aliased(MAX_COMPILED_QUERIES));
    expect(compilations).toHaveBeenCalledTimes(MAX_COMPILED_QUERIES + 1);
    await singleResult(server, aliased(0));
    expect(compilations).toHaveBeenCalledTimes(MAX_COMPILED_QUERIES + 2);
    await server.stop();
  });

  it("hands a resolver's error to formatError as the error it threw, code included", async () => {
    const { server, formatted } = newServer();
    await server.start();
    const result = await singleResult(server, '{ refused greeting }');
    expect(result.data).toEqual({ refused: null, greeting: 'hello you' });
    expect(result.errors).toEqual([
      { message: 'not you', path: ['refused'], locations: [{ line: 1, column: 3 }], extensions: { code: 'FORBIDDEN' } },
    ]);
    expect(formatted).toHaveLength(1);
    expect(formatted[0]).toBe(refusal);
    await server.stop();
  });

  it('runs a mutation on graphql-js: after a refused non-null root field, the next one does not run', async () => {
    const { server, calls } = newServer();
    await server.start();
    const result = await singleResult(server, 'mutation { first second }');
    expect(result.data).toBeNull();
    expect(calls).toEqual(['first']);
    expect(compilations).not.toHaveBeenCalled();
    await server.stop();
  });

  it('answers introspection with graphql-js', async () => {
    const { server } = newServer();
    await server.start();
    const result = await singleResult(server, '{ __type(name: "Query") { fields { name } } }');
    expect(result.data).toEqual({ __type: { fields: [{ name: 'greeting' }, { name: 'refused' }] } });
    expect(compilations).not.toHaveBeenCalled();
    await server.stop();
  });
});
