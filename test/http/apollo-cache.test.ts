import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import type Redis from 'ioredis';
import { useTestApp } from '../helpers/app';
import { writeWorkflow } from '../workflows/support';

const RESETS_OF = gql`
  query ResetsOf($threadId: ID!) {
    workflow(threadId: $threadId) {
      threadId
      resets(first: 10) {
        nodes {
          id
          threadId
          actor
          reason
        }
      }
    }
  }
`;
const AUDIT = gql`
  query Audit($threadId: ID) {
    resetAudit(threadId: $threadId, first: 10) {
      nodes {
        id
        threadId
        actor
        reason
      }
    }
  }
`;

/** An audit entry with the stream id it got in its own workflow's stream: every workflow's stream starts at the same ids. */
async function writeAuditEntry(redis: Redis, threadId: string, streamId: string, actor: string, reason: string): Promise<void> {
  const fields = ['kind', 'reset', 'thread_id', threadId, 'actor', actor, 'reason', reason, 'at', '1000', 'gate', '0'];
  await redis.xadd(`wave:audit:${threadId}`, streamId, ...fields);
  await redis.xadd('wave:audit', '*', ...fields);
}

describe("Apollo Client's normalised cache reading two workflows' audits, over real HTTP on a real Redis", () => {
  const fixture = useTestApp();

  function apolloClient(): ApolloClient {
    const headers = { authorization: `Bearer ${fixture.app.token(['operator'])}` };
    return new ApolloClient({ link: new HttpLink({ uri: fixture.app.url, headers, fetch }), cache: new InMemoryCache() });
  }

  beforeEach(async () => {
    for (const threadId of ['wf-a', 'wf-b']) await writeWorkflow(fixture.redis, threadId);
    await writeAuditEntry(fixture.redis, 'wf-a', '1-0', 'ana', 'agent died');
    await writeAuditEntry(fixture.redis, 'wf-b', '1-0', 'ben', 'safety review done');
  });

  it('shows each workflow its own resets, with its own actor and reason, however many were cached before', async () => {
    const client = apolloClient();
    await client.query({ query: RESETS_OF, variables: { threadId: 'wf-a' } });
    await client.query({ query: RESETS_OF, variables: { threadId: 'wf-b' } });
    const nodesOf = (threadId: string) =>
      client
        .readQuery<{ workflow: { resets: { nodes: Array<{ threadId: string; actor: string; reason: string }> } } }>({
          query: RESETS_OF,
          variables: { threadId },
        })!
        .workflow.resets.nodes.map(({ threadId: owner, actor, reason }) => ({ owner, actor, reason }));
    expect(nodesOf('wf-a')).toEqual([{ owner: 'wf-a', actor: 'ana', reason: 'agent died' }]);
    expect(nodesOf('wf-b')).toEqual([{ owner: 'wf-b', actor: 'ben', reason: 'safety review done' }]);
  });

  it('gives every entry of the all-workflows trail and of each workflow trail an id no other entry has', async () => {
    const client = apolloClient();
    const lists = await Promise.all(
      [undefined, 'wf-a', 'wf-b'].map(async (threadId) => {
        const { data } = await client.query<{ resetAudit: { nodes: Array<{ id: string }> } }>({ query: AUDIT, variables: { threadId } });
        return data!.resetAudit.nodes.map((node) => node.id);
      }),
    );
    const ids = lists.flat();
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
