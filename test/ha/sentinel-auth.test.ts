import { RedisSentinelSetup } from '../helpers/redis-sentinel';
import { ServerProcess } from '../helpers/server-process';
import { SECRET, expectRefusedCredentials, expectWorksWithPassword } from './support';

const PASSWORD = 'sentinel-data-pw-4b8e';
const SENTINEL_PASSWORD = 'sentinel-own-pw-d21f';
const WRONG_PASSWORD = 'not-the-pw-6a0c';

describe('a server process on a master and Sentinel that require passwords', () => {
  let setup: RedisSentinelSetup;
  const servers: ServerProcess[] = [];
  const everyPassword = [PASSWORD, SENTINEL_PASSWORD, WRONG_PASSWORD];

  async function startServer(credentials: { REDIS_PASSWORD: string; REDIS_SENTINEL_PASSWORD: string }): Promise<ServerProcess> {
    const server = await ServerProcess.start({
      REDIS_SENTINELS: setup.sentinels,
      REDIS_SENTINEL_NAME: setup.masterName,
      JWT_SECRET: SECRET,
      ...credentials,
    });
    servers.push(server);
    return server;
  }

  beforeAll(async () => {
    setup = await RedisSentinelSetup.start('wave-auth', { password: PASSWORD, sentinelPassword: SENTINEL_PASSWORD });
  }, 60_000);

  afterAll(async () => {
    for (const server of servers) await server.stop();
    await setup?.dispose();
  });

  it('enqueues and reads with REDIS_PASSWORD and REDIS_SENTINEL_PASSWORD, never printing them', async () => {
    const server = await startServer({ REDIS_PASSWORD: PASSWORD, REDIS_SENTINEL_PASSWORD: SENTINEL_PASSWORD });
    await expectWorksWithPassword(server, 'wf-sentinel-auth', everyPassword);
  });

  it('stays up with a wrong REDIS_PASSWORD for the master: /readyz 503, SERVICE_UNAVAILABLE at once, no password printed', async () => {
    const server = await startServer({ REDIS_PASSWORD: WRONG_PASSWORD, REDIS_SENTINEL_PASSWORD: SENTINEL_PASSWORD });
    await expectRefusedCredentials(server, everyPassword);
  });

  it('stays up with a wrong REDIS_SENTINEL_PASSWORD: /readyz 503, SERVICE_UNAVAILABLE at once, no password printed', async () => {
    const server = await startServer({ REDIS_PASSWORD: PASSWORD, REDIS_SENTINEL_PASSWORD: WRONG_PASSWORD });
    await expectRefusedCredentials(server, everyPassword);
  });
});
