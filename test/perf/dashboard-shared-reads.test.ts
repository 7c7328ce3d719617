import { print } from 'graphql';
import type Redis from 'ioredis';
import { DashboardDocument } from '../../generated/operations';
import { ReadWatch } from '../helpers/read-watch';
import { RedisServer } from '../helpers/redis-server';
import { TestApp } from '../helpers/app';
import { seedDashboard } from './dashboard-seed';

const DASHBOARD = print(DashboardDocument);

type Answer = Awaited<ReturnType<TestApp['request']>>;

describe('concurrent dashboard requests against a real redis-server', () => {
  let server: RedisServer;
  let admin: Redis;
  let app: TestApp;
  let watch: ReadWatch;

  beforeAll(async () => {
    server = await RedisServer.start();
    admin = server.client();
    app = await TestApp.start(server.url);
    watch = new ReadWatch(app.redis);
  });

  beforeEach(async () => {
    await admin.flushall();
    await seedDashboard(admin, 50);
  });

  afterAll(async () => {
    admin?.disconnect();
    await app?.stop();
    await server?.dispose();
  });

  /** Every command Redis ran since its stats were reset, but the test's own INFO and CONFIG. */
  async function commandsRun(): Promise<number> {
    const stats = await admin.info('commandstats');
    return [...stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)]
      .filter(([, name]) => !name.startsWith('info') && !name.startsWith('config'))
      .reduce((sum, [, , calls]) => sum + Number(calls), 0);
  }

  const dashboard = () => app.request(DASHBOARD, { first: 50 }, app.token(['viewer']));
  const phaseIn = (answer: Answer, threadId: string) =>
    (answer.body.data!.workflows as { nodes: Array<{ threadId: string; phase: string }> }).nodes.find((node) => node.threadId === threadId)
      ?.phase;

  it('sends fewer commands for two concurrent dashboards than twice one, and gives both the same answer', async () => {
    await dashboard(); // the first call loads the scripts, if it uses any
    await admin.config('RESETSTAT');
    const single = await dashboard();
    const singleCommands = await commandsRun();

    await admin.config('RESETSTAT');
    // The second request begins once the first one's index read was sent, so it cannot share that
    // read; their replies are handed over together, so both go on reading at the same time.
    const sentBefore = watch.sent;
    watch.hold(2);
    const first = dashboard();
    await watch.untilSent(sentBefore + 1);
    const second = dashboard();
    await watch.untilSent(sentBefore + 2);
    await watch.release();
    const answers = await Promise.all([first, second]);

    for (const answer of answers) expect(answer.body).toEqual(single.body);
    expect(await commandsRun()).toBeLessThan(1.2 * singleCommands);
  });

  it('shows a request a write acknowledged before it began, though an identical read sent earlier is unanswered', async () => {
    await dashboard();
    const sentBefore = watch.sent;
    // The first request's second round trip reads the page's workflow hashes: its reply is withheld.
    const earlier = dashboard();
    await watch.untilSent(sentBefore + 1);
    watch.hold();
    await watch.untilSent(sentBefore + 2);
    await admin.hset('wave:workflow:wf-000048', 'phase', 'completed');
    const later = await dashboard();
    await watch.release();
    expect(phaseIn(later, 'wf-000048')).toBe('COMPLETED');
    expect(phaseIn(await earlier, 'wf-000048')).toBe('PENDING');
  });
});
