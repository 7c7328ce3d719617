import { print } from 'graphql';
import { DashboardDocument } from '../../generated/operations';
import { RedisServer } from '../helpers/redis-server';
import { TestApp } from '../helpers/app';
import { seedDashboard } from './dashboard-seed';
import { RoundTripCounter } from './round-trips';

const DASHBOARD = print(DashboardDocument);

describe('the dashboard query against a real redis-server', () => {
  let server: RedisServer;
  let app: TestApp;
  let counter: RoundTripCounter;

  beforeAll(async () => {
    server = await RedisServer.start();
    const seeding = server.client();
    await seedDashboard(seeding, 60);
    seeding.disconnect();
    app = await TestApp.start(server.url);
    counter = await RoundTripCounter.attach(app.redis);
  });

  afterAll(async () => {
    await app?.stop();
    await server?.dispose();
  });

  async function roundTripsFor(first: number, after?: string): Promise<number> {
    const token = app.token(['viewer']);
    let answer: Awaited<ReturnType<TestApp['request']>> | undefined;
    const trips = await counter.during(async () => {
      answer = await app.request(DASHBOARD, { first, after }, token);
    });
    expect(answer!.body.errors).toBeUndefined();
    expect(answer!.body.data!.workflows.nodes).toHaveLength(first);
    return trips;
  }

  it('takes at most 4 Redis round trips for 50 workflows with their tasks and health', async () => {
    await roundTripsFor(50); // the first call loads the scripts, if it uses any
    expect(await roundTripsFor(50)).toBeLessThanOrEqual(4);
  });

  it('takes as many round trips for 5 workflows as for 50', async () => {
    expect(await roundTripsFor(5)).toBe(await roundTripsFor(50));
  });

  it('takes as many round trips for a page after a cursor as for the first page', async () => {
    const firstPage = await app.request(DASHBOARD, { first: 5 }, app.token(['viewer']));
    const after = firstPage.body.data!.workflows.pageInfo.endCursor as string;
    expect(await roundTripsFor(50, after)).toBe(await roundTripsFor(50));
  });
});
