import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { createGatewayRuntime, getGraphQLWSOptions } from '@graphql-hive/gateway';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { RunningServer } from './projects-subgraph';

/** The headers a gateway in front of us must pass on (README, "Federation"). */
export const FORWARDED_HEADERS = ['authorization', 'x-request-id'] as const;
/** Our subgraph's name in the supergraph: the one that gets `x-gateway-secret`. */
export const WAVE_SUBGRAPH = 'wave';

export type GatewayKind = 'apollo-gateway' | 'hive-gateway';

export interface Subgraph {
  name: string;
  url: string;
}

/** How a gateway is set up beyond forwarding FORWARDED_HEADERS to every subgraph (which each needs). */
export interface GatewaySettings {
  /** Sent as `x-gateway-secret` to our subgraph only, for its gateway token budget. */
  gatewaySecret?: string;
  /** The client's token limit, enforced by the gateway on the client's document. */
  maxTokens?: number;
  /** Copy what the gateway can of our 429/503 answers (status, Retry-After) back to its client. */
  keepRefusals?: boolean;
}

export interface RunningGateway extends RunningServer {
  kind: GatewayKind;
  /** The graphql-ws endpoint clients subscribe on; none where the gateway serves no subscriptions. */
  wsUrl?: string;
}

export function startGateway(kind: GatewayKind, subgraphs: Subgraph[], settings: GatewaySettings = {}): Promise<RunningGateway> {
  return kind === 'apollo-gateway' ? startApolloGateway(subgraphs, settings) : startHiveGateway(subgraphs, settings);
}

/** The headers a gateway sends one subgraph on behalf of a client's request. */
function headersFor(subgraph: string, client: (name: string) => string | undefined, settings: GatewaySettings): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = client(name);
    if (value !== undefined) headers[name] = value;
  }
  if (settings.gatewaySecret && subgraph === WAVE_SUBGRAPH) headers['x-gateway-secret'] = settings.gatewaySecret;
  return headers;
}

/** Our codes for an operation of which nothing ran, and the status a direct client gets with each (README, "Errors"). */
const REFUSAL_STATUS_BY_CODE: Record<string, number> = { RATE_LIMITED: 429, SERVICE_UNAVAILABLE: 503 };

interface ApolloGatewayContext {
  headers: IncomingHttpHeaders;
  /** The Retry-After of our subgraph's answers to this request (keepRefusals). */
  retryAfters: number[];
}

/**
 * Answers a client 429/503 with the longest Retry-After when no root field has data and our errors say
 * why (our subgraph answers a trusted gateway 200 with the codes and Retry-After: refusalStatusPlugin).
 */
const keepRefusalStatus: ApolloServerPlugin<ApolloGatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue: { retryAfters } }) {
        if (response.body.kind !== 'single' || retryAfters.length === 0) return;
        const { data, errors = [] } = response.body.singleResult;
        if (data && Object.values(data).some((value) => value != null)) return;
        const statuses = errors.map((error) => REFUSAL_STATUS_BY_CODE[String(error.extensions?.code)]).filter(Boolean);
        if (statuses.length === 0) return;
        response.http.status = Math.max(...statuses);
        response.http.headers.set('retry-after', String(Math.max(...retryAfters)));
      },
    };
  },
};

/**
 * A real @apollo/gateway composing the subgraphs from their `_service { sdl }` (IntrospectAndCompose),
 * forwarding the caller's Authorization and X-Request-Id to each, served over HTTP.
 */
async function startApolloGateway(subgraphs: Subgraph[], settings: GatewaySettings): Promise<RunningGateway> {
  const gateway = new ApolloGateway({
    supergraphSdl: new IntrospectAndCompose({ subgraphs }),
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<ApolloGatewayContext>({
        url,
        willSendRequest({ request, context }) {
          const client = (header: string) => {
            const value = context.headers?.[header];
            return typeof value === 'string' ? value : undefined;
          };
          for (const [header, value] of Object.entries(headersFor(name!, client, settings))) request.http!.headers.set(header, value);
        },
        ...(settings.keepRefusals
          ? {
              didReceiveResponse({ response, context }) {
                const retryAfter = Number(response.http?.headers.get('retry-after') ?? Number.NaN);
                if (Number.isFinite(retryAfter)) context.retryAfters.push(retryAfter);
                return response;
              },
            }
          : {}),
      }),
  });
  const server = new ApolloServer<ApolloGatewayContext>({
    gateway,
    ...(settings.maxTokens ? { parseOptions: { maxTokens: settings.maxTokens } } : {}),
    plugins: settings.keepRefusals ? [keepRefusalStatus] : [],
  });
  const { url } = await startStandaloneServer(server, {
    listen: { host: '127.0.0.1', port: 0 },
    context: async ({ req }) => ({ headers: req.headers, retryAfters: [] }),
  });
  return { kind: 'apollo-gateway', url, stop: () => server.stop() };
}

/** A subgraph's schema as it serves it to gateways. */
async function fetchSubgraphSdl(url: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await response.json()) as { data?: { _service?: { sdl?: string } } };
  const sdl = body.data?._service?.sdl;
  if (!sdl) throw new Error(`no _service.sdl from ${url}: ${JSON.stringify(body)}`);
  return sdl;
}

/** A supergraph composed with The Guild's composition library, from each subgraph's `_service { sdl }`. */
async function composeSupergraph(subgraphs: Subgraph[]): Promise<string> {
  const services = await Promise.all(subgraphs.map(async ({ name, url }) => ({ name, url, typeDefs: parse(await fetchSubgraphSdl(url)) })));
  const result = composeServices(services);
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((error) => error.message).join('; ')}`);
  return result.supergraphSdl;
}

/**
 * A real Hive Gateway runtime on node:http, as its CLI serves it: HTTP (and SSE) through the runtime,
 * graphql-ws on the same path. Subscriptions to our subgraph go over its WebSocket transport, with the
 * client's token as `connectionParams` (the gateway puts a client's connection params in
 * `context.headers`, so the same interpolation serves HTTP and WebSocket clients).
 */
async function startHiveGateway(subgraphs: Subgraph[], settings: GatewaySettings): Promise<RunningGateway> {
  const runtime = createGatewayRuntime({
    supergraph: await composeSupergraph(subgraphs),
    logging: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }) =>
        headersFor(subgraphName, (name) => request.headers.get(name) ?? undefined, settings),
      ...(settings.keepRefusals
        ? { fromSubgraphsToClient: ({ response }) => ({ 'retry-after': response.headers.get('retry-after') }) }
        : {}),
    },
    transportEntries: {
      [WAVE_SUBGRAPH]: {
        options: {
          subscriptions: {
            kind: 'ws',
            location: '/graphql',
            options: { connectionParams: { authorization: '{context.headers.authorization}' } },
          },
        },
      },
    },
    plugins: () => (settings.maxTokens ? [maxTokensPlugin({ n: settings.maxTokens }) as never] : []),
  });
  // As the CLI does before it serves: a graphql-ws subscribe, unlike an HTTP request, does not load the supergraph.
  await runtime.getSchema();
  const server = createServer(runtime);
  const wsServer = new WebSocketServer({ server, path: runtime.graphqlEndpoint });
  const ws = useServer(
    getGraphQLWSOptions<Record<string, unknown>, { request: IncomingMessage }>(runtime, (ctx) => ({
      req: ctx.extra.request,
      request: new Request(`http://${ctx.extra.request.headers.host}${ctx.extra.request.url}`, {
        headers: ctx.extra.request.headers as Record<string, string>,
      }),
    })),
    wsServer,
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}${runtime.graphqlEndpoint}`;
  return {
    kind: 'hive-gateway',
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    async stop() {
      await ws.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}
