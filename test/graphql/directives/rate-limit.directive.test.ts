import { makeExecutableSchema } from '@graphql-tools/schema';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { type ExecutionResult, graphql, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Role } from '../../../src/auth/roles';
import type { RateLimitPolicy } from '../../../src/config';
import { applySecurityDirectives } from '../../../src/graphql/directives';
import { rateLimitDirectiveTransformer } from '../../../src/graphql/directives/rate-limit.directive';
import type { RedisClient } from '../../../src/redis/client';
import type { RedisKeys } from '../../../src/redis/keys';
import { authDirectiveTypeDefs, rateLimitDirectiveTypeDefs } from '../../helpers/directive-type-defs';
import { redisBackends } from './backends';

const RESET_MAX = 5;
const PING_MAX = 3;
const PUBLIC_MAX = 2;

const typeDefs = /* GraphQL */ `
  ${authDirectiveTypeDefs}
  ${rateLimitDirectiveTypeDefs}
  type Query {
    ping: String @auth(requires: VIEWER) @rateLimit(window: "1m", max: ${PING_MAX})
    publicPing: String @rateLimit(window: "1m", max: ${PUBLIC_MAX})
  }
  type Mutation {
    resetWorkflow: String @auth(requires: OPERATOR) @rateLimit(window: "1m", max: ${RESET_MAX})
  }
`;

function buildApi(redis: RedisClient, keys: RedisKeys, overrides?: Record<string, RateLimitPolicy>) {
  const resolvers = {
    Query: { ping: () => 'pong', publicPing: () => 'pong' },
    Mutation: { resetWorkflow: jest.fn(() => 'reset') },
  };
  const schema = applySecurityDirectives(makeExecutableSchema({ typeDefs, resolvers }), { redis, keys, overrides });
  return { schema, resetWorkflow: resolvers.Mutation.resetWorkflow };
}

const user = (sub: string, roles: Role[] = ['operator'], clientIp = '10.0.0.1') => ({
  auth: { kind: 'authenticated' as const, identity: { sub, roles } },
  clientIp,
});
const anonymous = (clientIp: string) => ({ auth: { kind: 'anonymous' as const }, clientIp });

type Context = ReturnType<typeof user> | ReturnType<typeof anonymous>;

const run = (schema: GraphQLSchema, source: string, context: Context): Promise<ExecutionResult> =>
  graphql({ schema, source, contextValue: context });

async function runSequentially(times: number, call: () => Promise<ExecutionResult>): Promise<ExecutionResult[]> {
  const results: ExecutionResult[] = [];
  for (let i = 0; i < times; i += 1) results.push(await call());
  return results;
}

const codes = (results: ExecutionResult[]): unknown[] => results.map((result) => result.errors?.[0]?.extensions?.code ?? 'ok');
const count = (values: unknown[], value: unknown): number => values.filter((v) => v === value).length;

const RESET = 'mutation { resetWorkflow }';

describe('@rateLimit', () => {
  const { backends, connectReal, freshKeys } = redisBackends();
  afterEach(() => jest.restoreAllMocks());

  describe.each(backends)('on %s', (_name, connect) => {
    it('lets exactly max calls of a sequential burst through and refuses the rest with RATE_LIMITED', async () => {
      const { schema, resetWorkflow } = buildApi(connect(), freshKeys());
      const results = await runSequentially(RESET_MAX + 3, () => run(schema, RESET, user('alice')));
      expect(codes(results)).toEqual([...Array(RESET_MAX).fill('ok'), 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
      expect(resetWorkflow).toHaveBeenCalledTimes(RESET_MAX);
    });

    it('lets exactly max of 50 parallel executions through', async () => {
      const { schema, resetWorkflow } = buildApi(connect(), freshKeys());
      const results = await Promise.all(Array.from({ length: 50 }, () => run(schema, RESET, user('alice'))));
      expect(count(codes(results), 'ok')).toBe(RESET_MAX);
      expect(count(codes(results), 'RATE_LIMITED')).toBe(50 - RESET_MAX);
      expect(resetWorkflow).toHaveBeenCalledTimes(RESET_MAX);
    });

    it('lets exactly max of 50 aliased fields of one operation through (query fields resolve in parallel)', async () => {
      const { schema } = buildApi(connect(), freshKeys());
      const aliases = Array.from({ length: 50 }, (_, i) => `p${i}: ping`).join(' ');
      const result = await run(schema, `{ ${aliases} }`, user('alice'));
      expect(Object.values(result.data ?? {}).filter((value) => value === 'pong')).toHaveLength(PING_MAX);
      expect(result.errors).toHaveLength(50 - PING_MAX);
      expect(result.errors?.every((error) => error.extensions?.code === 'RATE_LIMITED')).toBe(true);
    });

    it('gives every token subject its own budget', async () => {
      const { schema } = buildApi(connect(), freshKeys());
      await runSequentially(RESET_MAX + 1, () => run(schema, RESET, user('alice')));
      expect(codes([await run(schema, RESET, user('bob'))])).toEqual(['ok']);
    });

    it('counts an authenticated caller by token subject, whatever address it calls from', async () => {
      const { schema } = buildApi(connect(), freshKeys());
      let address = 0;
      const fromNextAddress = () => run(schema, RESET, user('alice', ['operator'], `10.0.0.${++address}`));
      const results = await runSequentially(RESET_MAX + 1, fromNextAddress);
      expect(codes(results).at(-1)).toBe('RATE_LIMITED');
    });

    it('limits anonymous callers by client IP', async () => {
      const redis = connect();
      const keys = freshKeys();
      const { schema } = buildApi(redis, keys);
      const fromA = await runSequentially(PUBLIC_MAX + 1, () => run(schema, '{ publicPing }', anonymous('192.0.2.1')));
      expect(codes(fromA)).toEqual([...Array(PUBLIC_MAX).fill('ok'), 'RATE_LIMITED']);
      expect(codes([await run(schema, '{ publicPing }', anonymous('192.0.2.2'))])).toEqual(['ok']);
      expect(await redis.exists(keys.rateLimit('ip:192.0.2.1', 'Query.publicPing'))).toBe(1);
    });

    it('tells the refused caller in whole seconds when to retry, in extensions and in the message', async () => {
      const { schema } = buildApi(connect(), freshKeys());
      const results = await runSequentially(RESET_MAX + 1, () => run(schema, RESET, user('alice')));
      const refusal = results.at(-1)!.errors![0] as GraphQLFormattedError;
      const retryAfter = refusal.extensions?.retryAfter as number;
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refusal.message).toBe(
        `Rate limit reached for Mutation.resetWorkflow: at most ${RESET_MAX} calls per 1m. Retry in ${retryAfter} s.`,
      );
    });

    it('leaves the HTTP status to the server: the refusal carries only its code and retryAfter', async () => {
      const { schema } = buildApi(connect(), freshKeys());
      const results = await runSequentially(RESET_MAX + 1, () => run(schema, RESET, user('alice')));
      expect(Object.keys(results.at(-1)!.errors![0].extensions!).sort()).toEqual(['code', 'retryAfter']);
    });

    it('lets the caller through again once the oldest call has left the window', async () => {
      const { schema } = buildApi(connect(), freshKeys());
      const now = jest.spyOn(Date, 'now');
      const start = Date.now();
      now.mockReturnValue(start);
      const burst = await runSequentially(RESET_MAX + 1, () => run(schema, RESET, user('alice')));
      expect(burst.at(-1)!.errors![0].extensions?.retryAfter).toBe(60);
      now.mockReturnValue(start + 60_000);
      expect(codes([await run(schema, RESET, user('alice'))])).toEqual(['ok']);
    });

    it('puts a TTL of at most the window on its keys', async () => {
      const redis = connect();
      const keys = freshKeys();
      const { schema } = buildApi(redis, keys);
      await run(schema, RESET, user('alice'));
      const ttl = await redis.pttl(keys.rateLimit('sub:alice', 'Mutation.resetWorkflow'));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });

    it('applies an override instead of the declared limit', async () => {
      const { schema } = buildApi(connect(), freshKeys(), { 'Mutation.resetWorkflow': { max: 2, window: '1m' } });
      const results = await runSequentially(4, () => run(schema, RESET, user('alice')));
      expect(codes(results)).toEqual(['ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
      expect(results.at(-1)!.errors![0].message).toMatch(/at most 2 calls per 1m/);
    });

    it('checks @auth first: refused callers spend no budget', async () => {
      const redis = connect();
      const keys = freshKeys();
      const { schema } = buildApi(redis, keys);
      const asViewer = await runSequentially(10, () => run(schema, RESET, user('alice', ['viewer'])));
      expect(new Set(codes(asViewer))).toEqual(new Set(['FORBIDDEN']));
      const asAnonymous = await runSequentially(10, () => run(schema, RESET, anonymous('192.0.2.7')));
      expect(new Set(codes(asAnonymous))).toEqual(new Set(['UNAUTHENTICATED']));
      expect(await redis.exists(keys.rateLimit('ip:192.0.2.7', 'Mutation.resetWorkflow'))).toBe(0);
      const asOperator = await runSequentially(RESET_MAX, () => run(schema, RESET, user('alice')));
      expect(count(codes(asOperator), 'ok')).toBe(RESET_MAX);
    });
  });

  describe('with several server instances on one real Redis', () => {
    it('shares one budget between two instances, each with its own connection', async () => {
      const keys = freshKeys();
      const first = buildApi(connectReal(), keys);
      const second = buildApi(connectReal(), keys);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => run(i % 2 === 0 ? first.schema : second.schema, RESET, user('alice'))),
      );
      expect(count(codes(results), 'ok')).toBe(RESET_MAX);
      expect(first.resetWorkflow.mock.calls.length + second.resetWorkflow.mock.calls.length).toBe(RESET_MAX);
    });
  });

  describe('schema build', () => {
    const [[, connectMock]] = backends;
    const schemaFrom = (sdl: string) => makeExecutableSchema({ typeDefs: `${rateLimitDirectiveTypeDefs}\n${sdl}`, resolvers: {} });
    const transform = (schema: GraphQLSchema, overrides?: Record<string, RateLimitPolicy>) =>
      rateLimitDirectiveTransformer(schema, { redis: connectMock(), keys: freshKeys(), overrides });

    it('keeps the declared default in the printed schema when an override applies', () => {
      const { schema } = buildApi(connectMock(), freshKeys(), { 'Mutation.resetWorkflow': { max: 1, window: '10s' } });
      expect(printSchemaWithDirectives(schema)).toContain(
        `resetWorkflow: String @auth(requires: OPERATOR) @rateLimit(window: "1m", max: ${RESET_MAX})`,
      );
    });

    it('refuses an override naming a field without @rateLimit', () => {
      const schema = schemaFrom('type Query { ping: String @rateLimit(window: "1m", max: 1) }');
      expect(() => transform(schema, { 'Mutation.resetWorkflw': { max: 1, window: '1m' } })).toThrow(/Mutation\.resetWorkflw/);
    });

    it.each(['1 minute', '1w', '0s', ''])('refuses the window "%s"', (window) => {
      const schema = schemaFrom(`type Query { ping: String @rateLimit(window: "${window}", max: 1) }`);
      expect(() => transform(schema)).toThrow(/Query\.ping: window/);
    });

    it('refuses a max below 1, which graphql-rate-limit would silently read as 5', () => {
      const schema = schemaFrom('type Query { ping: String @rateLimit(window: "1m", max: 0) }');
      expect(() => transform(schema)).toThrow(/max must be a positive integer/);
    });
  });
});
