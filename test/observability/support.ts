import { Writable } from 'node:stream';
import pino from 'pino';
import { issueToken, TokenVerifier } from '../../src/auth/tokens';
import type { Role } from '../../src/auth/roles';
import { loadConfig, type RedisConfig } from '../../src/config';
import { connectRedis, type RedisClient } from '../../src/redis/client';
import { createApp, type App } from '../../src/server';
import { TEST_SECRET } from '../helpers/app';
import type { RedisServer } from '../helpers/redis-server';

export interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  [field: string]: unknown;
}

export const INFO = 30;

export const START = `mutation Start($threadId: ID) { startWorkflow(input: { threadId: $threadId }) { threadId } }`;
export const ENQUEUE = `mutation Enqueue($input: EnqueueTaskInput!) { enqueueTask(input: $input) { id } }`;
export const RESET = `mutation Reset($input: ResetWorkflowInput!) {
  resetWorkflow(input: $input) { success cleared { tasks results } newState { attempt } }
}`;
export const DASHBOARD = `query Dashboard { workflows(first: 5) { nodes { threadId } } }`;

/** Everything the server logged, as written (JSON lines), for asserting on fields and on absences. */
export class LogCapture extends Writable {
  text = '';
  private waiters: Array<{ matches: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    for (const text of chunk.toString().split('\n').filter(Boolean)) {
      const line = JSON.parse(text) as LogLine;
      this.waiters = this.waiters.filter((waiter) => !(waiter.matches(line) && (waiter.resolve(line), true)));
    }
    done();
  }

  /** The first line (already written or still to come) that matches: for lines written after the response. */
  line(matches: (line: LogLine) => boolean): Promise<LogLine> {
    const written = this.lines.find(matches);
    return written ? Promise.resolve(written) : new Promise((resolve) => this.waiters.push({ matches, resolve }));
  }

  get lines(): LogLine[] {
    return this.text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogLine);
  }

  withMessage(msg: string): LogLine[] {
    return this.lines.filter((line) => line.msg === msg);
  }
}

// connectRedis gains the Redis settings in the life-cycle work; an extra argument is harmless before.
const connect = connectRedis as (url: string, settings: RedisConfig) => RedisClient;

/** The real app over HTTP on a real Redis, logging at info into a capture (no redaction of its own). */
export class ObservedApp {
  private constructor(
    readonly app: App,
    readonly url: string,
    readonly redis: RedisClient,
    readonly logs: LogCapture,
  ) {}

  static async start(server: RedisServer, env: NodeJS.ProcessEnv = {}): Promise<ObservedApp> {
    const config = loadConfig({ NODE_ENV: 'test', REDIS_URL: server.url, JWT_SECRET: TEST_SECRET, ...env });
    const redis = connect(server.url, config.redis);
    const logs = new LogCapture();
    const logger = pino({ level: 'info' }, logs);
    const app = await createApp({ config, redis, tokens: new TokenVerifier(config.auth), logger });
    const url = await app.listen(0);
    // Until its first connection is ready the server is rightly not ready: tests start from ready.
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    return new ObservedApp(app, url, redis, logs);
  }

  get origin(): string {
    return new URL(this.url).origin;
  }

  token(roles: Role[], sub = `user-${roles.join('-')}`): string {
    return issueToken(TEST_SECRET, { sub, roles }, '5m');
  }

  async graphql(
    query: string,
    variables: Record<string, unknown> = {},
    { token, headers = {} }: { token?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; headers: Headers; body: any }> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  }

  async get(path: string): Promise<{ status: number; headers: Headers; text: string }> {
    const response = await fetch(this.origin + path);
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  async stop(): Promise<void> {
    await this.app.stop();
    this.redis.disconnect();
  }
}
