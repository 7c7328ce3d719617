// One Apollo client per signed-in token: the token lives in this closure only (never in storage).
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';

/** What the page shows about its connection: when data was last read, and whether HTTP and the socket are up. */
export interface ConnectionObserver {
  /** An HTTP answer arrived (any status: the server was reached). */
  read(at: Date): void;
  /** An HTTP request failed before any answer: the server is out of reach. */
  lost(): void;
  /** The live (WebSocket) connection opened or closed. */
  live(open: boolean): void;
}

export interface ConsoleClient {
  client: ApolloClient;
  dispose(): void;
}

/**
 * Every type's cache key, checked against schema/schema.graphql: a Workflow is its threadId, a Task and
 * an audit entry their id, a queue its domain; every other type has no identity of its own and stays
 * inside its parent (keyFields false), so two answers never merge into one object by accident.
 */
const typePolicies = {
  Workflow: { keyFields: ['threadId'] },
  Task: { keyFields: ['id'] },
  ResetAuditEntry: { keyFields: ['id'] },
  QueueLength: { keyFields: ['domain'] },
  Caller: { keyFields: false },
  WorkflowCounts: { keyFields: false },
  PhaseCount: { keyFields: false },
  StuckKindCount: { keyFields: false },
  WorkflowHealth: { keyFields: false },
  StuckReason: { keyFields: false },
  WorkflowState: { keyFields: false },
  ClearedItems: { keyFields: false },
  CleanupSummary: { keyFields: false },
  ResetPlan: { keyFields: false },
  QueueEntries: { keyFields: false },
  BatchResetResult: { keyFields: false },
  BatchResetOutcome: { keyFields: false },
  BatchResetError: { keyFields: false },
  PageInfo: { keyFields: false },
  WorkflowConnection: { keyFields: false },
  WorkflowEdge: { keyFields: false },
  StuckWorkflowConnection: { keyFields: false },
  ResetAuditConnection: { keyFields: false },
  TaskResultEvent: { keyFields: false },
  WorkflowResetEvent: { keyFields: false },
} as const;

// Declared for the types as well: every query's `error` may come with partial `data`. Apollo's way to
// declare a default option is merging into its namespace.
/* eslint-disable @typescript-eslint/no-namespace */
declare module '@apollo/client' {
  export namespace ApolloClient {
    export namespace DeclareDefaultOptions {
      interface WatchQuery {
        errorPolicy: 'all';
      }
      interface Query {
        errorPolicy: 'all';
      }
    }
  }
}
/* eslint-enable @typescript-eslint/no-namespace */

/** Hex SHA-256, what the server's manifest (generated/persisted-documents.json) is keyed by. */
async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Each query and mutation goes by id first (TRUSTED_DOCUMENTS=require serves nothing else), and with its
 * document only when the server knows no such id. Web Crypto exists only in a secure context (https,
 * localhost): served over plain http elsewhere, the console sends documents.
 */
const trustedDocuments = (http: ApolloLink) => (crypto.subtle ? new PersistedQueryLink({ sha256 }).concat(http) : http);

export function createConsoleClient(token: string, observer: ConnectionObserver): ConsoleClient {
  const authorization = `Bearer ${token}`;
  const observedFetch: typeof fetch = async (input, init) => {
    try {
      const response = await fetch(input, init);
      observer.read(new Date());
      return response;
    } catch (error) {
      observer.lost();
      throw error;
    }
  };
  const http = new HttpLink({ uri: '/graphql', headers: { authorization }, fetch: observedFetch });
  const socketScheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const sockets = createClient({
    url: `${socketScheme}://${window.location.host}/graphql`,
    connectionParams: { authorization },
    lazy: true,
    retryAttempts: Number.POSITIVE_INFINITY,
    on: { connected: () => observer.live(true), closed: () => observer.live(false) },
  });
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    // Over the socket Apollo sends each subscription's document: the server admits one of its manifest.
    new GraphQLWsLink(sockets),
    trustedDocuments(http),
  );
  const client = new ApolloClient({
    link,
    cache: new InMemoryCache({
      typePolicies,
      possibleTypes: { WorkflowEvent: ['TaskResultEvent', 'WorkflowResetEvent'] },
    }),
    // Every view shows what the server said, partial answers included (a viewer's FORBIDDEN resets).
    defaultOptions: {
      watchQuery: { errorPolicy: 'all', fetchPolicy: 'cache-and-network' },
      query: { errorPolicy: 'all' },
    },
  });
  return {
    client,
    dispose: () => {
      client.stop();
      void client.clearStore();
      void sockets.dispose();
    },
  };
}
