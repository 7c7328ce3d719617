import { RedisClusterSetup } from '../helpers/redis-cluster';
import { ServerProcess } from '../helpers/server-process';
import { SECRET, expectRefusedCredentials, expectWorksWithPassword } from './support';

const PASSWORD = 'cluster-data-pw-7f3a';
const WRONG_PASSWORD = 'not-the-cluster-pw-91c2';

describe('a server process on a Redis Cluster whose nodes require a password', () => {
  let cluster: RedisClusterSetup;
  const servers: ServerProcess[] = [];

  async function startServer(password: string): Promise<ServerProcess> {
    const server = await ServerProcess.start({ REDIS_CLUSTER_NODES: cluster.nodes, REDIS_PASSWORD: password, JWT_SECRET: SECRET });
    servers.push(server);
    return server;
  }

  beforeAll(async () => {
    cluster = await RedisClusterSetup.start({ password: PASSWORD });
  }, 60_000);

  afterAll(async () => {
    for (const server of servers) await server.stop();
    await cluster?.dispose();
  });

  it('enqueues and reads with REDIS_PASSWORD, never printing it', async () => {
    await expectWorksWithPassword(await startServer(PASSWORD), 'wf-cluster-auth', [PASSWORD]);
  });

  it('stays up with a wrong REDIS_PASSWORD: /readyz 503, SERVICE_UNAVAILABLE at once, no password printed', async () => {
    await expectRefusedCredentials(await startServer(WRONG_PASSWORD), [WRONG_PASSWORD, PASSWORD]);
  });
});
