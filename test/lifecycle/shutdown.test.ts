import type Redis from 'ioredis';
import { eventually } from '../helpers/eventually';
import { listeningAddresses } from '../helpers/listening-sockets';
import { RedisServer } from '../helpers/redis-server';
import { ServerProcess } from '../helpers/server-process';
import { RESET, SECRET, type Answer, blockedClient, connectionFailure, post, writeWorkflowWithTasks } from './support';

const SHUTTING_DOWN = /"msg":"shutting down"/;

describe('a server process told to stop', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  const env = (extra: NodeJS.ProcessEnv = {}) => ({
    REDIS_URL: redisServer.url,
    JWT_SECRET: SECRET,
    // Long enough that a paused Redis holds a request as long as a test wants it to.
    REDIS_COMMAND_TIMEOUT: '15s',
    ...extra,
  });

  beforeAll(async () => {
    redisServer = await RedisServer.start();
    redis = redisServer.client();
  });

  afterEach(async () => {
    await redis.call('CLIENT', 'UNPAUSE');
  });

  afterAll(async () => {
    redis.disconnect();
    await redisServer.dispose();
  });

  /** A reset that has reached Redis and waits there, because Redis writes are paused. */
  async function resetInFlight(server: ServerProcess, threadId: string): Promise<{ answer: Promise<Answer> }> {
    await writeWorkflowWithTasks(redis, threadId);
    await redis.call('CLIENT', 'PAUSE', '15000', 'WRITE');
    const answer = post(server.url, RESET, { input: { threadId, reason: 'shutdown test' } });
    answer.catch(() => undefined); // read by the test, after the signal
    await blockedClient(redis);
    return { answer };
  }

  it('finishes a reset that was in flight at SIGTERM, refuses new connections meanwhile, then exits 0', async () => {
    const server = await ServerProcess.start(env());
    const inFlight = await resetInFlight(server, 'wf-in-flight');
    const exited = server.signal('SIGTERM');
    await server.printedMatch(SHUTTING_DOWN);
    // The listener closes a moment after that log line; a connection made in between is reset, not refused.
    const port = Number(new URL(server.url).port);
    await eventually('the listening socket closed', async () => listeningAddresses(port).length === 0);

    expect(await connectionFailure(post(server.url, '{ __typename }'))).toBe('ECONNREFUSED');
    expect(server.alive).toBe(true);
    await redis.call('CLIENT', 'UNPAUSE');

    const answer = await inFlight.answer;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { resetWorkflow: { success: true, threadId: 'wf-in-flight' } } });
    expect(await exited).toBe(0);
    expect(await redis.exists('wave:task:wf-in-flight-a', 'wave:task:wf-in-flight-b')).toBe(0);
  });

  it('stops on SIGINT as on SIGTERM', async () => {
    const server = await ServerProcess.start(env());
    const code = await server.signal('SIGINT');
    expect({ code, output: server.allOutput }).toEqual({ code: 0, output: expect.stringMatching(/"msg":"stopped"/) });
  });

  it('cuts a request still running after SHUTDOWN_TIMEOUT and exits 0', async () => {
    const server = await ServerProcess.start(env({ SHUTDOWN_TIMEOUT: '300ms' }));
    const inFlight = await resetInFlight(server, 'wf-too-slow');
    const exited = server.signal('SIGTERM');

    // Redis stays paused: only the timeout can end the request.
    await connectionFailure(inFlight.answer);
    await redis.call('CLIENT', 'UNPAUSE');
    expect(await exited).toBe(0);
  });

  it('exits at once, as killed by the signal (143), on a second SIGTERM during shutdown', async () => {
    const server = await ServerProcess.start(env());
    const inFlight = await resetInFlight(server, 'wf-impatient');
    const firstExit = server.signal('SIGTERM');
    await server.printedMatch(SHUTTING_DOWN);

    expect(await server.signal('SIGTERM')).toBe(143);
    expect(await firstExit).toBe(143);
    await connectionFailure(inFlight.answer);
  });
});
