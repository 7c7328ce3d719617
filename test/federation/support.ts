import type { IncomingHttpHeaders } from 'node:http';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

/** The headers a gateway in front of us must pass on (README, "Federation"). */
export const FORWARDED_HEADERS = ['authorization', 'x-request-id'] as const;

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

export interface Project {
  id: string;
  name: string;
  workflowIds: string[];
}

/**
 * A second subgraph, as another team would write it: projects that hold workflows by key only
 * (`resolvable: false`: it never resolves a Workflow itself, the gateway asks our subgraph).
 */
export async function startProjectsSubgraph(projects: Project[]): Promise<RunningServer> {
  const typeDefs = parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      project(id: ID!): Project
    }

    type Project @key(fields: "id") {
      id: ID!
      name: String!
      workflows: [Workflow!]!
    }

    type Workflow @key(fields: "threadId", resolvable: false) {
      threadId: ID!
    }
  `);
  const resolvers = {
    Query: { project: (_: unknown, { id }: { id: string }) => projects.find((project) => project.id === id) ?? null },
    Project: {
      workflows: (project: Project) => project.workflowIds.map((threadId) => ({ __typename: 'Workflow', threadId })),
    },
  };
  const server = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs, resolvers }) });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return { url, stop: () => server.stop() };
}

interface GatewayContext {
  headers: IncomingHttpHeaders;
}

/**
 * A real @apollo/gateway composing the subgraphs from their `_service { sdl }` (IntrospectAndCompose),
 * forwarding the caller's Authorization and X-Request-Id to each, served over HTTP.
 */
export async function startGateway(subgraphs: Array<{ name: string; url: string }>): Promise<RunningServer> {
  const gateway = new ApolloGateway({
    supergraphSdl: new IntrospectAndCompose({ subgraphs }),
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url,
        willSendRequest({ request, context }) {
          for (const name of FORWARDED_HEADERS) {
            const value = context.headers?.[name];
            if (typeof value === 'string') request.http!.headers.set(name, value);
          }
        },
      }),
  });
  const server = new ApolloServer<GatewayContext>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { host: '127.0.0.1', port: 0 },
    context: async ({ req }) => ({ headers: req.headers }),
  });
  return { url, stop: () => server.stop() };
}

export interface GatewayResponse {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
}

export async function queryGateway(url: string, query: string, token?: string, requestId?: string): Promise<GatewayResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(requestId ? { 'x-request-id': requestId } : {}),
    },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as GatewayResponse;
}
