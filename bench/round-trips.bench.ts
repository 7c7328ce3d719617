/** 3. Redis round trips of one dashboard operation (documents/dashboard.graphql), counted at the server's socket. */
import { print } from 'graphql';
import { DashboardDocument } from '../generated/operations';
import { TestApp } from '../test/helpers/app';
import { seedDashboard } from '../test/perf/dashboard-seed';
import { RoundTripCounter } from '../test/perf/round-trips';
import { RedisServer } from './support/redis';
import type { BenchOptions, Figure } from './support/report';

const DASHBOARD = print(DashboardDocument);

export async function roundTripsBenchmark({ log }: BenchOptions): Promise<Figure[]> {
  const server = await RedisServer.start();
  const seeding = server.client();
  await seedDashboard(seeding, 60);
  seeding.disconnect();
  const app = await TestApp.start(server.url);
  try {
    const counter = await RoundTripCounter.attach(app.redis);
    const token = app.token(['viewer']);
    const tripsFor = (first: number, after?: string) => counter.during(() => app.request(DASHBOARD, { first, after }, token));
    await tripsFor(50);
    const [five, fifty] = [await tripsFor(5), await tripsFor(50)];
    const firstPage = await app.request(DASHBOARD, { first: 5 }, token);
    const afterCursor = await tripsFor(50, firstPage.body.data!.workflows.pageInfo.endCursor as string);
    log(`round trips: ${five} for 5 workflows, ${fifty} for 50, ${afterCursor} for 50 after a cursor`);
    return [
      { benchmark: '3 round trips', measure: 'dashboard, 5 workflows', value: String(five), target: 'same as for 50', met: five === fifty },
      { benchmark: '3 round trips', measure: 'dashboard, 50 workflows', value: String(fifty), target: '≤ 4', met: fifty <= 4 },
      {
        benchmark: '3 round trips',
        measure: 'dashboard, 50 workflows after a cursor',
        value: String(afterCursor),
        target: 'same as the first page',
        met: afterCursor === fifty,
      },
    ];
  } finally {
    await app.stop();
    await server.dispose();
  }
}
