import type Redis from 'ioredis';
import { RedisServer } from '../helpers/redis-server';
import { ServerProcess } from '../helpers/server-process';
import { TestCertificates } from '../helpers/tls-certificates';
import { RESET, SECRET, WORKFLOW, eventually, expectUnavailable, post, readiness, startWithTask } from './support';

describe('a server process on a Redis that serves TLS only', () => {
  let certificates: TestCertificates;
  let redisServer: RedisServer;
  let redis: Redis;
  const servers: ServerProcess[] = [];

  const startServer = async (env: NodeJS.ProcessEnv): Promise<ServerProcess> => {
    const server = await ServerProcess.start({ JWT_SECRET: SECRET, ...env });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    certificates = TestCertificates.create();
    redisServer = await RedisServer.start({ tls: certificates });
    redis = redisServer.client();
  });

  afterAll(async () => {
    for (const server of servers) await server.stop();
    redis?.disconnect();
    await redisServer?.dispose();
    certificates?.dispose();
  });

  it('works over rediss:// when Node trusts the CA (NODE_EXTRA_CA_CERTS): queries and a reset', async () => {
    const server = await startServer({ REDIS_URL: redisServer.url, NODE_EXTRA_CA_CERTS: certificates.caFile });
    await eventually('/readyz answers 200', async () => (await readiness(server.url)).status === 200);

    const taskId = await startWithTask(server.url, 'wf-tls');
    const read = await post(server.url, WORKFLOW, { threadId: 'wf-tls' });
    expect(read.body.data?.workflow).toMatchObject({ threadId: 'wf-tls', tasks: [{ id: taskId, status: 'PENDING' }] });

    const reset = await post(server.url, RESET, { input: { threadId: 'wf-tls', reason: 'tls check' } });
    expect(reset.body).toEqual({ data: { resetWorkflow: { success: true, threadId: 'wf-tls' } } });
    expect(await redis.exists(`wave:task:${taskId}`)).toBe(0);
    expect(await redis.hget('wave:workflow:wf-tls', 'attempt')).toBe('1');
  });

  it('stays up and unready, answering SERVICE_UNAVAILABLE, when it does not trust the certificate', async () => {
    const server = await startServer({ REDIS_URL: redisServer.url });
    await expectUnavailable(server);
  });

  it('stays up and unready, answering SERVICE_UNAVAILABLE, when told redis:// for the TLS port', async () => {
    const server = await startServer({ REDIS_URL: redisServer.url.replace('rediss://', 'redis://') });
    await expectUnavailable(server);
  });
});
