import type Redis from 'ioredis';
import { TestApp } from '../helpers/app';
import { RedisServer } from '../helpers/redis-server';

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

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

/** A request exactly as given: no content type or body added, for probing the HTTP layer. */
export async function send(url: string, init: RequestInit = {}): Promise<RawResponse> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A JSON POST of any body (an operation, a batch, anything), with extra headers. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return send(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}
