import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type Redis from 'ioredis';
import pino, { type Logger } from 'pino';
import { issueToken, TokenVerifier } from '../../src/auth/tokens';
import type { Role } from '../../src/auth/roles';
import { loadConfig } from '../../src/config';
import { connectRedis, type RedisClient } from '../../src/redis/client';
import { createApp, type App } from '../../src/server';
import { ListenerCount } from './listener-count';
import { RedisServer } from './redis-server';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, any> | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
  };
}

/** The real server over real HTTP, on a Redis the test owns. */
export class TestApp {
  private constructor(
    readonly app: App,
    readonly url: string,
    /** The server's own client, to wait for its reconnection. */
    readonly redis: RedisClient,
    /** The listeners of the server's event stream, per thread id. */
    readonly eventListeners: ListenerCount,
  ) {}

  /** `logger`: silent unless a test reads what the server logs. */
  static async start(redisUrl: string, env: NodeJS.ProcessEnv = {}, logger: Logger = pino({ level: 'silent' })): Promise<TestApp> {
    const config = loadConfig({ NODE_ENV: 'test', REDIS_URL: redisUrl, JWT_SECRET: TEST_SECRET, ...env });
    const redis = connectRedis(redisUrl, config.redis);
    const app = await createApp({ config, redis, tokens: new TokenVerifier(config.auth), logger });
    const eventListeners = new ListenerCount(app.workflowEvents);
    return new TestApp(app, await app.listen(0), redis, eventListeners);
  }

  token(roles: Role[], sub = `user-${roles.join('-') || 'none'}`): string {
    return issueToken(TEST_SECRET, { sub, roles }, '5m');
  }

  async request(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse['body'] };
  }

  /** A generated typed document (generated/operations.ts): the answer is typed as the operation's result. */
  async execute<Result, Variables>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
    token?: string,
  ): Promise<{ data?: Result | null; errors?: GraphQLResponse['body']['errors'] }> {
    const { body } = await this.request(print(document), variables as Record<string, unknown>, token);
    return body as { data?: Result | null; errors?: GraphQLResponse['body']['errors'] };
  }

  async stop(): Promise<void> {
    await this.app.stop();
    this.redis.disconnect();
  }
}

/**
 * Registers hooks that run one server per named configuration, all on one real redis-server of the
 * file's own, and a plain client on it. Read inside tests.
 */
export function useTestApps<Name extends string>(
  configurations: Record<Name, NodeJS.ProcessEnv>,
): { apps: Record<Name, TestApp>; redis: Redis } {
  const fixture = { apps: {} as Record<Name, TestApp> } as { apps: Record<Name, TestApp>; redis: Redis; server: RedisServer };
  beforeAll(async () => {
    fixture.server = await RedisServer.start();
    fixture.redis = fixture.server.client();
    for (const [name, env] of Object.entries(configurations) as Array<[Name, NodeJS.ProcessEnv]>) {
      fixture.apps[name] = await TestApp.start(fixture.server.url, env);
    }
  });
  beforeEach(async () => {
    await fixture.redis.flushall();
  });
  afterAll(async () => {
    for (const app of Object.values(fixture.apps) as TestApp[]) await app.stop();
    fixture.redis?.disconnect();
    await fixture.server?.dispose();
  });
  return fixture;
}

/** useTestApps with a single configuration: the server and a plain client on its Redis. */
export function useTestApp(env: NodeJS.ProcessEnv = {}): { readonly app: TestApp; readonly redis: Redis } {
  const fixture = useTestApps({ app: env });
  return {
    get app() {
      return fixture.apps.app;
    },
    get redis() {
      return fixture.redis;
    },
  };
}
