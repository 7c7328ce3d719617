import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { Client, fetchExchange, type Exchange } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { getOperationAST, print, type DocumentNode } from 'graphql';
import { of } from 'rxjs';
import * as consoleOperations from '../../generated/console-operations';
import * as operations from '../../generated/operations';
import { DashboardDocument, PreviewResetDocument } from '../../generated/operations';
import manifest from '../../generated/persisted-documents.json';
import { useTestApps } from '../helpers/app';
import { writeWorkflow } from '../workflows/support';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** As the README shows it: a client that does not print as Apollo does looks its id up by operation name. */
const idByOperationName = new Map(Object.entries(manifest).map(([id, text]) => [/^\w+ (\w+)/.exec(text)![1], id]));
const manifestIdOf = (document: DocumentNode) => idByOperationName.get(getOperationAST(document)?.name?.value ?? '') ?? '';

const operationDocuments = [operations, consoleOperations].flatMap((module) =>
  Object.entries(module).filter(([name]) => name.endsWith('Document')),
) as Array<[string, DocumentNode]>;

/** Every request a client sent: method, and the operation's fields (GET parameters read back as JSON). */
function recordingFetch(sent: Array<{ method: string; query?: unknown; extensions?: unknown; documentId?: unknown }>): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    if (method === 'GET') {
      const extensions = url.searchParams.get('extensions');
      sent.push({ method, query: url.searchParams.get('query') ?? undefined, extensions: extensions ? JSON.parse(extensions) : undefined });
    } else sent.push({ method, ...JSON.parse(String(init?.body)) });
    return fetch(input, init);
  };
}

describe("Apollo Client's persisted-queries link and the manifest", () => {
  it.each(operationDocuments)('hashes %s as its manifest id, the exact text Apollo sends', async (_name, document) => {
    const seen: Array<{ hash: string; text: string }> = [];
    const recording = new ApolloLink((operation) => {
      seen.push({ hash: (operation.extensions.persistedQuery as { sha256Hash: string }).sha256Hash, text: print(operation.query) });
      return of({ data: null });
    });
    const client = new ApolloClient({ link: new PersistedQueryLink({ sha256 }).concat(recording), cache: new InMemoryCache() });
    const kind = getOperationAST(document)!.operation;
    if (kind === 'query') await client.query({ query: document, errorPolicy: 'all' });
    else if (kind === 'mutation') await client.mutate({ mutation: document, errorPolicy: 'all' });
    else
      await new Promise<void>((resolve) => client.subscribe({ query: document }).subscribe({ complete: resolve, error: () => resolve() }));
    expect(seen).toHaveLength(1);
    expect(manifest[seen[0].hash as keyof typeof manifest]).toBe(seen[0].text);
  });

  it('names each operation once over both outputs, so a lookup by operation name is unambiguous', () => {
    expect(idByOperationName.size).toBe(Object.keys(manifest).length);
  });
});

describe('persisted-operations clients against the real server, TRUSTED_DOCUMENTS=require', () => {
  const fixture = useTestApps({ require: { TRUSTED_DOCUMENTS: 'require' }, allow: { TRUSTED_DOCUMENTS: 'allow' } });
  const authorization = () => `Bearer ${fixture.apps.require.token(['operator'])}`;

  beforeEach(async () => {
    await writeWorkflow(fixture.redis, 'wf-persisted');
  });

  it("runs Apollo Client's queries and mutations by id alone (the setup the README shows)", async () => {
    const sent: Parameters<typeof recordingFetch>[0] = [];
    const client = new ApolloClient({
      link: new PersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(
        new HttpLink({ uri: fixture.apps.require.url, headers: { authorization: authorization() }, fetch: recordingFetch(sent) }),
      ),
      cache: new InMemoryCache({ typePolicies: { Workflow: { keyFields: ['threadId'] } } }),
    });
    const dashboard = await client.query({ query: DashboardDocument, variables: { first: 10 } });
    expect(dashboard.data?.workflows.nodes.map((workflow) => workflow.threadId)).toEqual(['wf-persisted']);
    const preview = await client.mutate({ mutation: PreviewResetDocument, variables: { threadId: 'wf-persisted', reason: 'by id' } });
    expect(preview.data?.resetWorkflow?.plan?.planToken).toEqual(expect.any(String));
    expect(sent.map(({ method, query }) => [method, query])).toEqual([
      ['GET', undefined],
      ['POST', undefined],
    ]);
  });

  const urqlClient = (url: string, sent: Parameters<typeof recordingFetch>[0], persisted: Exchange) =>
    new Client({
      url,
      exchanges: [persisted, fetchExchange],
      fetchOptions: { headers: { authorization: authorization() } },
      fetch: recordingFetch(sent),
    });

  it("runs urql's queries (as GET) and mutations by the manifest id of their operation name", async () => {
    const sent: Parameters<typeof recordingFetch>[0] = [];
    const persisted = persistedExchange({
      enforcePersistedQueries: true,
      enableForMutation: true,
      generateHash: async (_text, document) => manifestIdOf(document),
    });
    const client = urqlClient(fixture.apps.require.url, sent, persisted);
    const dashboard = await client.query(DashboardDocument, { first: 10 }).toPromise();
    expect(dashboard.error).toBeUndefined();
    expect(dashboard.data?.workflows.nodes.map((workflow) => workflow.threadId)).toEqual(['wf-persisted']);
    const preview = await client.mutation(PreviewResetDocument, { threadId: 'wf-persisted', reason: 'by id' }).toPromise();
    expect(preview.data?.resetWorkflow?.plan?.planToken).toEqual(expect.any(String));
    expect(sent.map(({ method, query }) => [method, query])).toEqual([
      ['GET', undefined],
      ['POST', undefined],
    ]);
  });

  it("refuses urql's own hash (of its whitespace-collapsed text) in require, and serves its resend in allow", async () => {
    const refusedSent: Parameters<typeof recordingFetch>[0] = [];
    const refused = await urqlClient(fixture.apps.require.url, refusedSent, persistedExchange())
      .query(DashboardDocument, { first: 10 })
      .toPromise();
    expect(refused.error?.graphQLErrors.map((error) => error.extensions.code)).toEqual(['PERSISTED_QUERY_REQUIRED']);
    expect(refusedSent.map(({ query }) => query === undefined)).toEqual([true, false]);

    const allowed = await urqlClient(fixture.apps.allow.url, [], persistedExchange()).query(DashboardDocument, { first: 10 }).toPromise();
    expect(allowed.data?.workflows.nodes).toHaveLength(1);
  });
});
