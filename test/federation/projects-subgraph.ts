import type { IncomingHttpHeaders } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

export interface Project {
  id: string;
  name: string;
  workflowIds: string[];
}

export interface ProjectsSubgraph extends RunningServer {
  /** The thread ids of every Workflow representation the gateway asked this subgraph to resolve. */
  resolvedWorkflows: string[];
  /** Headers of every request this subgraph received. */
  received: IncomingHttpHeaders[];
}

/**
 * A second subgraph, as another team would write it, with entity fetches both ways: a Project holds
 * workflows by key (the gateway asks our subgraph for their fields), and it adds `Workflow.project`
 * (the gateway asks this subgraph's `_entities` with representations from ours).
 */
export async function startProjectsSubgraph(projects: Project[]): Promise<ProjectsSubgraph> {
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

    type Workflow @key(fields: "threadId") {
      threadId: ID!
      project: Project
    }
  `);
  const resolvedWorkflows: string[] = [];
  const projectOf = (threadId: string) => projects.find((project) => project.workflowIds.includes(threadId)) ?? null;
  const resolvers = {
    Query: { project: (_: unknown, { id }: { id: string }) => projects.find((project) => project.id === id) ?? null },
    Project: {
      workflows: (project: Project) => project.workflowIds.map((threadId) => ({ __typename: 'Workflow', threadId })),
    },
    Workflow: {
      __resolveReference: ({ threadId }: { threadId: string }) => {
        resolvedWorkflows.push(threadId);
        return { threadId };
      },
      project: ({ threadId }: { threadId: string }) => projectOf(threadId),
    },
  };
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs, resolvers }),
    // Apollo Studio's traces are of no use here, and announcing them is noise in the test output.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const received: IncomingHttpHeaders[] = [];
  const { url } = await startStandaloneServer(server, {
    listen: { host: '127.0.0.1', port: 0 },
    context: async ({ req }) => {
      received.push(req.headers);
      return {};
    },
  });
  return { url, resolvedWorkflows, received, stop: () => server.stop() };
}
