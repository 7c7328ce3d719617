import { Client, fetchExchange } from '@urql/core';
import { GraphQLClient } from 'graphql-request';
import { useTestApps } from '../helpers/app';
import { postJson, send } from './support';

const QUEUES = '{ queues { domain length } }';
const START = 'mutation { startWorkflow(input: { threadId: "wf-csrf" }) { threadId } }';

/** What a stack trace looks like in any error body. */
const STACK = /stacktrace|\n\s+at |\.ts:\d+/;

describe('the HTTP transport of /graphql', () => {
  const fixture = useTestApps({
    defaults: {},
    batching: { ALLOW_BATCHED_REQUESTS: 'true' },
    development: { NODE_ENV: 'development' },
    production: { NODE_ENV: 'production' },
  });
  const bearer = (roles: Array<'viewer' | 'operator'> = ['viewer']) => ({
    authorization: `Bearer ${fixture.apps.defaults.token(roles)}`,
  });

  describe('body size', () => {
    it('answers a body over BODY_LIMIT with 413 and a JSON PAYLOAD_TOO_LARGE error', async () => {
      const response = await postJson(
        fixture.apps.defaults.url,
        { query: QUEUES, variables: { padding: 'x'.repeat(101 * 1024) } },
        bearer(),
      );
      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.json).toEqual({
        errors: [{ message: 'The request body is larger than the 100kb limit.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
      });
    });

    it('answers malformed JSON with 400 and a JSON BAD_REQUEST error', async () => {
      const response = await send(fixture.apps.defaults.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer() },
        body: '{"query": "{ queues { length } }"',
      });
      expect(response.status).toBe(400);
      expect(response.json).toEqual({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
    });
  });

  describe('CSRF prevention', () => {
    it('refuses a simple POST (text/plain, no Authorization: what a cross-site form sends) without running it', async () => {
      const response = await send(fixture.apps.defaults.url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ query: START }),
      });
      expect(response.status).toBe(400);
      expect(response.json.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(response.json.errors[0].message).toMatch(/Cross-Site Request Forgery/);
      expect(await fixture.redis.exists('wave:workflow:wf-csrf')).toBe(0);
    });

    it('refuses a simple GET, one a browser sends without a preflight, without running it', async () => {
      const simpleHeaders: Array<Record<string, string>> = [{}, { accept: 'application/json' }, { 'content-type': 'text/plain' }];
      for (const headers of simpleHeaders) {
        const response = await send(`${fixture.apps.defaults.url}?query=${encodeURIComponent(QUEUES)}`, { headers });
        expect(response.status).toBe(400);
        expect(response.json.errors[0].message).toMatch(/Cross-Site Request Forgery/);
      }
    });

    it('answers a GET that carries Authorization, which a browser never sends without a preflight', async () => {
      const response = await send(`${fixture.apps.defaults.url}?query=${encodeURIComponent(QUEUES)}`, { headers: bearer() });
      expect(response.status).toBe(200);
      expect(response.json.data.queues).toBeDefined();
    });

    it("answers urql's default client, which sends queries as GET, when it carries a token", async () => {
      const methods: Array<string | undefined> = [];
      const client = new Client({
        url: fixture.apps.defaults.url,
        exchanges: [fetchExchange],
        fetchOptions: { headers: bearer() },
        fetch: (input, init) => {
          methods.push(init?.method);
          return fetch(input, init);
        },
      });
      const result = await client.query(QUEUES, {}).toPromise();
      expect(methods).toEqual(['GET']);
      expect(result.error).toBeUndefined();
      expect(result.data.queues).toEqual(expect.any(Array));
    });

    it("answers graphql-request's default client (POST application/json) when it carries a token", async () => {
      const client = new GraphQLClient(fixture.apps.defaults.url, { headers: bearer() });
      await expect(client.request<{ queues: unknown[] }>(QUEUES)).resolves.toEqual({ queues: expect.any(Array) });
    });

    it('answers a GET that carries apollo-require-preflight', async () => {
      const response = await send(`${fixture.apps.defaults.url}?query=${encodeURIComponent(QUEUES)}`, {
        headers: { 'apollo-require-preflight': 'true', ...bearer() },
      });
      expect(response.status).toBe(200);
      expect(response.json.data.queues).toBeDefined();
    });
  });

  describe('caching', () => {
    it('tells browsers and proxies not to store an answer, even one to a GET', async () => {
      const response = await send(`${fixture.apps.defaults.url}?query=${encodeURIComponent(QUEUES)}`, {
        headers: { 'apollo-require-preflight': 'true', ...bearer() },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
    });
  });

  describe('HTTP batching', () => {
    it('refuses an array of operations by default, running none of them', async () => {
      const response = await postJson(fixture.apps.defaults.url, [{ query: START }, { query: QUEUES }], bearer(['operator']));
      expect(response.status).toBe(400);
      expect(response.json.errors[0]).toMatchObject({ message: 'Operation batching disabled.', extensions: { code: 'BAD_REQUEST' } });
      expect(await fixture.redis.exists('wave:workflow:wf-csrf')).toBe(0);
    });

    it('answers each operation of an array when ALLOW_BATCHED_REQUESTS is true', async () => {
      const response = await postJson(fixture.apps.batching.url, [{ query: START }, { query: QUEUES }], bearer(['operator']));
      expect(response.status).toBe(200);
      expect(response.json).toEqual([{ data: { startWorkflow: { threadId: 'wf-csrf' } } }, { data: { queues: expect.any(Array) } }]);
    });
  });

  describe('introspection and field suggestions', () => {
    it('hides field suggestions and refuses introspection in production by default', async () => {
      const production = fixture.apps.production;
      const typo = await production.request('{ queus { length } }', {}, production.token(['viewer']));
      expect(typo.body.errors?.[0].message).toBe('Cannot query field "queus" here.');
      expect(typo.body.errors?.[0].message).not.toMatch(/Did you mean|"queues"/);
      const introspection = await production.request('{ __schema { types { name } } }', {}, production.token(['viewer']));
      expect(introspection.status).toBe(400);
      expect(introspection.body.errors?.[0].message).toMatch(/introspection is not allowed/);
    });

    it('suggests fields and answers introspection outside production', async () => {
      const typo = await fixture.apps.defaults.request('{ queus { length } }');
      expect(typo.body.errors?.[0].message).toMatch(/Did you mean "queues"\?/);
      const introspection = await fixture.apps.defaults.request('{ __schema { queryType { name } } }');
      expect(introspection.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    });
  });

  describe.each(['development', 'production'] as const)('in %s', (mode) => {
    it.each([
      ['a syntax error', { query: '{ queues { ' }],
      ['a validation error', { query: '{ nope }' }],
      [
        'a malformed variable',
        { query: 'query Q($first: Int!) { workflows(first: $first) { nodes { threadId } } }', variables: { first: 'many' } },
      ],
      ['an operation that is no string', { query: 42 }],
    ])('shows no stack trace for %s', async (_label, body) => {
      const response = await postJson(fixture.apps[mode].url, body);
      expect(response.status).toBe(400);
      expect(response.json.errors.length).toBeGreaterThan(0);
      expect(response.text).not.toMatch(STACK);
    });

    it('shows no stack trace for malformed JSON', async () => {
      const response = await send(fixture.apps[mode].url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
      expect(response.status).toBe(400);
      expect(response.text).not.toMatch(STACK);
    });
  });
});
