import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { print } from 'graphql';
import type Redis from 'ioredis';
import { ConfirmResetDocument, PreviewResetDocument } from '../../generated/operations';
import { TestApp } from '../helpers/app';
import { writeIndexedWorkflows } from '../helpers/keyspace';
import { RedisServer } from '../helpers/redis-server';
import { type GatewayKind, type GatewaySettings, type RunningGateway, startGateway, WAVE_SUBGRAPH } from './gateways';
import { type ProjectsSubgraph, startProjectsSubgraph } from './projects-subgraph';

export { FORWARDED_HEADERS, type GatewayKind } from './gateways';

/** What our subgraph is told a trusted gateway sends (GATEWAY_SECRET, at least 32 characters). */
export const GATEWAY_SECRET = 'gateway-secret-of-the-federation-tests';
/** The client's token limit: our MAX_TOKENS default, enforced by the gateway on the client's document. */
export const CLIENT_MAX_TOKENS = 1000;

/** The settings README "Federation" documents for each gateway. */
export const DOCUMENTED_SETTINGS: GatewaySettings = { gatewaySecret: GATEWAY_SECRET, maxTokens: CLIENT_MAX_TOKENS, keepRefusals: true };

/**
 * The test app's configuration behind the gateways: confirmation required, two previews a minute, and a
 * token valid exactly until its `exp` (so a subscription's token expires when the test says).
 */
export const FEDERATED_APP_ENV: NodeJS.ProcessEnv = {
  GATEWAY_SECRET,
  JWT_CLOCK_TOLERANCE: '0',
  REQUIRE_RESET_CONFIRMATION: 'true',
  RESET_PREVIEW_RATE_LIMIT: '2/1m',
};

/** What a client behind a gateway gets of one of our refusals: its HTTP status, its Retry-After header, its codes. */
export interface KeptOfRefusal {
  status: boolean;
  retryAfterHeader: boolean;
  /** `extensions.code` (and `retryAfter` on RATE_LIMITED) of our errors, rather than a gateway's error of its own. */
  codes: boolean;
}

/**
 * What each gateway keeps of our 429 (RATE_LIMITED) and 503 (SERVICE_UNAVAILABLE), alike for both,
 * by default (`plain`) and with DOCUMENTED_SETTINGS; measured by the suite, listed in README "Federation".
 */
export const KEPT_OF_REFUSALS: Record<GatewayKind, Record<'plain' | 'documented', KeptOfRefusal>> = {
  'apollo-gateway': {
    plain: { status: false, retryAfterHeader: false, codes: true },
    documented: { status: true, retryAfterHeader: true, codes: true },
  },
  'hive-gateway': {
    plain: { status: false, retryAfterHeader: false, codes: true },
    documented: { status: false, retryAfterHeader: true, codes: true },
  },
};

export const PROJECTS = [{ id: 'p-1', name: 'Checkout revamp', workflowIds: ['wf-1', 'wf-2'] }];

export interface Federation {
  app: TestApp;
  redis: Redis;
  redisServer: RedisServer;
  projects: ProjectsSubgraph;
  /** The gateway with the documented settings. */
  gateway: RunningGateway;
  /**
   * The same gateway with its defaults, sending only what a gateway must (the headers every subgraph
   * needs, and our GATEWAY_SECRET): none of the settings that keep a refusal's status or Retry-After.
   */
  plainGateway: RunningGateway;
  /** Headers of every request our subgraph received since the test started. */
  received: IncomingHttpHeaders[];
}

/**
 * Registers hooks that run our server (on a redis-server of the file's own), the projects subgraph and
 * two gateways of `kind` composing both, on loopback; wf-1 and wf-2 are written before each test.
 */
export function useFederation(kind: GatewayKind): Federation {
  const fixture = { received: [] as IncomingHttpHeaders[] } as Federation;
  beforeAll(async () => {
    fixture.redisServer = await RedisServer.start();
    fixture.redis = fixture.redisServer.client();
    fixture.app = await TestApp.start(fixture.redisServer.url, FEDERATED_APP_ENV);
    fixture.app.app.httpServer.on('request', (req: IncomingMessage) => fixture.received.push(req.headers));
    fixture.projects = await startProjectsSubgraph(PROJECTS);
    const subgraphs = [
      { name: WAVE_SUBGRAPH, url: fixture.app.url },
      { name: 'projects', url: fixture.projects.url },
    ];
    fixture.gateway = await startGateway(kind, subgraphs, DOCUMENTED_SETTINGS);
    fixture.plainGateway = await startGateway(kind, subgraphs, { gatewaySecret: GATEWAY_SECRET });
  });
  beforeEach(async () => {
    await fixture.redis.flushall();
    await writeIndexedWorkflows(fixture.redis);
    fixture.received.length = 0;
    fixture.projects.resolvedWorkflows.length = 0;
    fixture.projects.received.length = 0;
  });
  afterAll(async () => {
    await fixture.gateway?.stop();
    await fixture.plainGateway?.stop();
    await fixture.projects?.stop();
    await fixture.app?.stop();
    fixture.redis?.disconnect();
    await fixture.redisServer?.dispose();
  });
  return fixture;
}

export interface GatewayResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, any> | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
  };
}

export interface RequestOptions {
  variables?: Record<string, unknown>;
  token?: string;
  requestId?: string;
}

/** A client's POST of `query` to `url` (a gateway or our server), as JSON. */
export async function post(url: string, query: string, { variables, token, requestId }: RequestOptions = {}): Promise<GatewayResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(requestId ? { 'x-request-id': requestId } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GatewayResponse['body'] };
}

let resetsThroughGateway = 0;

/** Previews then confirms a reset of `threadId` through the gateway, as an operator would (each a fresh one, with a full budget). */
export async function resetThroughGateway(fixture: Federation, threadId: string): Promise<void> {
  resetsThroughGateway += 1;
  const operator = fixture.app.token(['operator'], `operator-${resetsThroughGateway}-of-${threadId}`);
  const variables = { threadId, reason: 'agent crashed' };
  const preview = await post(fixture.gateway.url, print(PreviewResetDocument), { variables, token: operator });
  const planToken = preview.body.data?.resetWorkflow.plan.planToken;
  const confirm = await post(fixture.gateway.url, print(ConfirmResetDocument), { variables: { ...variables, planToken }, token: operator });
  expect(confirm.body.data?.resetWorkflow.success).toBe(true);
}
