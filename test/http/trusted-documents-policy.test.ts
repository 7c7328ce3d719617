import { documentIdOf } from '../../src/config/trusted-documents';
import { trustedDocumentsPolicy } from '../../src/http/trusted-documents';

const TRUSTED = 'query Trusted { queues { domain } }';
const documents = new Map([[documentIdOf(TRUSTED), TRUSTED]]);
const requirePolicy = (introspection: boolean) =>
  trustedDocumentsPolicy({ mode: 'require', documents }, { introspection, maxTokens: 1000 });

describe('the trusted documents policy in require', () => {
  it.each([
    ['a mutation of __typename alone', 'mutation { __typename }'],
    ['introspection beside a field of the schema', '{ __schema { queryType { name } } queues { domain } }'],
    ['introspection behind a fragment spread at the root', 'query { ...Probe } fragment Probe on Query { queues { domain } }'],
    ['a document that does not parse', '{ __schema { '],
    ['a document past the token limit', `{ __schema { ${'queryType { name } '.repeat(300)} } }`],
  ])('refuses %s as PERSISTED_QUERY_REQUIRED even with introspection on', (_label, query) => {
    expect(requirePolicy(true).admit({ query }).refusal?.code).toBe('PERSISTED_QUERY_REQUIRED');
  });

  it('admits an introspection-only query with introspection on, and refuses it with introspection off', () => {
    const query = 'query IntrospectionQuery { __schema { types { ...T } } } fragment T on __Type { name }';
    expect(requirePolicy(true).admit({ query })).toEqual({ query });
    expect(requirePolicy(false).admit({ query }).refusal?.code).toBe('PERSISTED_QUERY_REQUIRED');
  });

  it('answers a persistedQuery of another version BAD_REQUEST, and a request naming no document with nothing to run', () => {
    expect(
      requirePolicy(false).admit({ extensions: { persistedQuery: { version: 2, sha256Hash: documentIdOf(TRUSTED) } } }).refusal?.code,
    ).toBe('BAD_REQUEST');
    expect(requirePolicy(false).admit({ variables: {} } as never)).toEqual({});
  });

  it('prefers documentId to extensions.persistedQuery and resolves either to the manifest text', () => {
    const id = documentIdOf(TRUSTED);
    expect(
      requirePolicy(false).admit({
        documentId: `sha256:${id}`,
        extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } },
      }),
    ).toEqual({
      query: TRUSTED,
    });
  });
});
