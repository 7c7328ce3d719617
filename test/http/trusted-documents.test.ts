import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import manifest from '../../generated/persisted-documents.json';
import { documentIdOf } from '../../src/config/trusted-documents';
import { GATEWAY_SECRET_HEADER } from '../../src/http/trusted-gateway';
import { useTestApps, type TestApp } from '../helpers/app';
import { listening, refusalOf, within, wsClient, bearer as wsBearer } from '../subscriptions/support';
import { postJson, send } from './support';

/** The id of the bundled manifest's document of `operationName`. */
function idOf(operationName: string): string {
  const entry = Object.entries(manifest).find(([, text]) => new RegExp(`^(query|mutation|subscription) ${operationName}\\b`).test(text));
  if (!entry) throw new Error(`no document ${operationName} in generated/persisted-documents.json`);
  return entry[0];
}

const CALLER = idOf('ConsoleCaller');
const EVENTS = idOf('ConsoleWorkflowEvents');
const UNKNOWN_ID = documentIdOf('query Unknown { caller { subject } }');
const START = 'mutation { startWorkflow(input: { threadId: "wf-untrusted" }) { threadId } }';
const GATEWAY_SECRET = 'a-secret-only-the-gateway-and-this-subgraph-know';

/** A deployment's own frontend document, in a manifest of its own (TRUSTED_DOCUMENTS_FILE). */
const OWN_DOCUMENT = 'query OwnFrontend { queues { domain } }';
const ownManifest = join(mkdtempSync(join(tmpdir(), 'trusted-documents-')), 'manifest.json');
writeFileSync(ownManifest, JSON.stringify({ [documentIdOf(OWN_DOCUMENT)]: OWN_DOCUMENT }));

const persistedQuery = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

describe('trusted documents (TRUSTED_DOCUMENTS)', () => {
  const fixture = useTestApps({
    off: {},
    allow: { TRUSTED_DOCUMENTS: 'allow' },
    require: { TRUSTED_DOCUMENTS: 'require', ALLOW_BATCHED_REQUESTS: 'true', GATEWAY_SECRET, TRUSTED_DOCUMENTS_FILE: ownManifest },
    requireWithoutIntrospection: { TRUSTED_DOCUMENTS: 'require', INTROSPECTION: 'false' },
  });
  const viewer = (app: TestApp) => ({ authorization: `Bearer ${app.token(['viewer'], 'viewer-1')}` });
  const operator = (app: TestApp) => ({ authorization: `Bearer ${app.token(['operator'])}` });
  const get = (app: TestApp, params: Record<string, string>) =>
    send(`${app.url}?${new URLSearchParams(params).toString()}`, { headers: viewer(app) });
  const callerAnswer = {
    data: { caller: { subject: 'viewer-1', roles: ['VIEWER'], validUntil: expect.any(String), __typename: 'Caller' } },
  };

  describe('in require', () => {
    const app = () => fixture.apps.require;

    it.each([
      ['documentId', { documentId: CALLER }],
      ['documentId with the sha256: prefix', { documentId: `sha256:${CALLER}` }],
      ["Apollo's extensions.persistedQuery", { extensions: persistedQuery(CALLER) }],
    ])('runs a manifest document named by %s over POST', async (_label, body) => {
      const response = await postJson(app().url, body, viewer(app()));
      expect(response.status).toBe(200);
      expect(response.json).toEqual(callerAnswer);
    });

    it.each([
      ['documentId', { documentId: CALLER }],
      ["Apollo's extensions.persistedQuery", { extensions: JSON.stringify(persistedQuery(CALLER)) }],
    ])('runs a manifest document named by %s over GET', async (_label, params) => {
      const response = await get(app(), params);
      expect(response.status).toBe(200);
      expect(response.json).toEqual(callerAnswer);
    });

    it('runs a manifest document sent as its exact text, and one of TRUSTED_DOCUMENTS_FILE by id', async () => {
      expect((await postJson(app().url, { query: manifest[CALLER as keyof typeof manifest] }, viewer(app()))).json).toEqual(callerAnswer);
      const own = await postJson(app().url, { documentId: documentIdOf(OWN_DOCUMENT) }, viewer(app()));
      expect(own.json).toEqual({ data: { queues: expect.any(Array) } });
    });

    it('refuses a mutation not in the manifest with 400 PERSISTED_QUERY_REQUIRED, and Redis is unchanged', async () => {
      const response = await postJson(app().url, { query: START }, operator(app()));
      expect(response.status).toBe(400);
      expect(response.json).toEqual({
        errors: [{ message: expect.stringContaining('trusted documents only'), extensions: { code: 'PERSISTED_QUERY_REQUIRED' } }],
      });
      expect(await fixture.redis.dbsize()).toBe(0);
    });

    it('refuses a document that differs from a manifest document by one character', async () => {
      const altered = `${manifest[CALLER as keyof typeof manifest]} `;
      expect((await postJson(app().url, { query: altered }, viewer(app()))).json.errors[0].extensions.code).toBe(
        'PERSISTED_QUERY_REQUIRED',
      );
    });

    it("answers an unknown id PERSISTED_QUERY_NOT_FOUND, and refuses Apollo's resend with the document", async () => {
      const miss = await postJson(app().url, { extensions: persistedQuery(UNKNOWN_ID) }, viewer(app()));
      expect(miss.status).toBe(400);
      expect(miss.json).toEqual({ errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
      const resend = await postJson(app().url, { query: START, extensions: persistedQuery(documentIdOf(START)) }, operator(app()));
      expect(resend.status).toBe(400);
      expect(resend.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_REQUIRED');
      expect(await fixture.redis.dbsize()).toBe(0);
    });

    it('refuses an arbitrary document over GET', async () => {
      const response = await get(app(), { query: '{ queues { domain } }' });
      expect(response.status).toBe(400);
      expect(response.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_REQUIRED');
    });

    it('runs a batch of manifest ids, and refuses a whole batch holding one arbitrary document, running none of it', async () => {
      const ran = await postJson(app().url, [{ documentId: CALLER }, { extensions: persistedQuery(CALLER) }], viewer(app()));
      expect(ran.json).toEqual([callerAnswer, callerAnswer]);
      const refused = await postJson(app().url, [{ documentId: idOf('ConsoleCaller') }, { query: START }], operator(app()));
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual([
        { errors: [{ message: expect.stringContaining('another operation'), extensions: { code: 'BAD_REQUEST' } }] },
        { errors: [{ message: expect.any(String), extensions: { code: 'PERSISTED_QUERY_REQUIRED' } }] },
      ]);
      expect(await fixture.redis.dbsize()).toBe(0);
    });

    it('answers introspection where INTROSPECTION is on (the IDE loads its schema), and refuses it where it is off', async () => {
      const introspection = '{ __schema { queryType { name } } }';
      expect((await postJson(app().url, { query: introspection })).json).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
      const closed = await postJson(fixture.apps.requireWithoutIntrospection.url, { query: introspection });
      expect(closed.status).toBe(400);
      expect(closed.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_REQUIRED');
    });

    it("serves the trusted gateway's rewritten documents, which no manifest holds, and holds a wrong secret to the manifest", async () => {
      const headers = { ...operator(app()) };
      const gateway = await postJson(app().url, { query: START }, { ...headers, [GATEWAY_SECRET_HEADER]: GATEWAY_SECRET });
      expect(gateway.json).toEqual({ data: { startWorkflow: { threadId: 'wf-untrusted' } } });
      await fixture.redis.flushall();
      const guess = await postJson(app().url, { query: START }, { ...headers, [GATEWAY_SECRET_HEADER]: 'x'.repeat(48) });
      expect(guess.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_REQUIRED');
      expect(await fixture.redis.dbsize()).toBe(0);
    });
  });

  describe('in allow', () => {
    const app = () => fixture.apps.allow;

    it('runs a manifest document by id over POST and GET, and an arbitrary document', async () => {
      expect((await postJson(app().url, { documentId: CALLER }, viewer(app()))).json).toEqual(callerAnswer);
      expect((await get(app(), { documentId: CALLER })).json).toEqual(callerAnswer);
      const arbitrary = await postJson(app().url, { query: START }, operator(app()));
      expect(arbitrary.json).toEqual({ data: { startWorkflow: { threadId: 'wf-untrusted' } } });
    });

    it("answers an unknown id PERSISTED_QUERY_NOT_FOUND and runs Apollo's resend with the document", async () => {
      expect((await postJson(app().url, { extensions: persistedQuery(UNKNOWN_ID) }, viewer(app()))).json.errors[0].extensions.code).toBe(
        'PERSISTED_QUERY_NOT_FOUND',
      );
      const resend = await postJson(app().url, { query: START, extensions: persistedQuery(documentIdOf(START)) }, operator(app()));
      expect(resend.json).toEqual({ data: { startWorkflow: { threadId: 'wf-untrusted' } } });
    });
  });

  describe('in off (the default outside production)', () => {
    it('runs arbitrary documents and knows no documentId', async () => {
      const app = fixture.apps.off;
      expect((await postJson(app.url, { query: START }, operator(app))).json.data).toEqual({ startWorkflow: { threadId: 'wf-untrusted' } });
      const byId = await postJson(app.url, { documentId: CALLER }, viewer(app));
      expect(byId.status).toBe(400);
      expect(byId.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    });
  });

  describe('over graphql-ws', () => {
    const clients: Client[] = [];
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.dispose()));
    });
    const socketOf = (app: TestApp) => {
      const client = wsClient(app, wsBearer(app.token(['viewer'])));
      clients.push(client);
      return client;
    };
    const arbitrarySubscription = 'subscription { workflowEvents(threadId: "wf-ws") { type } }';

    it('subscribes to a manifest document named by documentId in require', async () => {
      const app = fixture.apps.require;
      const ready = listening(app, 'wf-ws-id');
      const events = socketOf(app).iterate({ query: '', documentId: EVENTS, variables: { threadId: 'wf-ws-id' } } as never);
      await within(ready, 'the server to listen to wf-ws-id');
      await events.return!();
    });

    it("subscribes with Apollo's GraphQLWsLink payload (the manifest text and its hash) in require", async () => {
      const app = fixture.apps.require;
      const ready = listening(app, 'wf-ws-text');
      const query = manifest[EVENTS as keyof typeof manifest];
      const events = socketOf(app).iterate({ query, variables: { threadId: 'wf-ws-text' }, extensions: persistedQuery(EVENTS) });
      await within(ready, 'the server to listen to wf-ws-text');
      await events.return!();
    });

    it('refuses an arbitrary subscription in require with PERSISTED_QUERY_REQUIRED, and an unknown id with PERSISTED_QUERY_NOT_FOUND', async () => {
      const app = fixture.apps.require;
      expect(await refusalOf(socketOf(app), { query: arbitrarySubscription })).toEqual([
        { message: expect.any(String), extensions: { code: 'PERSISTED_QUERY_REQUIRED' } },
      ]);
      expect(await refusalOf(socketOf(app), { query: '', extensions: persistedQuery(UNKNOWN_ID) })).toEqual([
        { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
      ]);
      expect(app.eventListeners.of('wf-ws')).toBe(0);
    });

    it('subscribes to an arbitrary subscription in allow', async () => {
      const app = fixture.apps.allow;
      const ready = listening(app, 'wf-ws');
      const events = socketOf(app).iterate({ query: arbitrarySubscription });
      await within(ready, 'the server to listen to wf-ws');
      await events.return!();
    });
  });
});
