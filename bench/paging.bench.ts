/** 4. Paging at scale: workflows(first: 50, after:) over 100k workflows, first page against last page. */
import { loadConfig } from '../src/config';
import { connectRedis } from '../src/redis/client';
import { RedisKeys } from '../src/redis/keys';
import { encodeCursor } from '../src/workflows/workflow.cursor';
import { WorkflowReads } from '../src/workflows/workflow-reads';
import { seedDashboard } from '../test/perf/dashboard-seed';
import { RedisServer } from './support/redis';
import type { BenchOptions, Figure } from './support/report';
import { latencyOf, ms, timed, type Latency } from './support/stats';

const WORKFLOWS = 100_000;
const PAGE = 50;

export async function pagingBenchmark({ quick, log }: BenchOptions): Promise<Figure[]> {
  const runs = quick ? 50 : 300;
  const server = await RedisServer.start();
  const redis = connectRedis(server.url, loadConfig({}).redis);
  const keys = new RedisKeys('wave');
  const service = new WorkflowReads(redis, keys);
  try {
    await seedDashboard(redis, WORKFLOWS, 0);
    const [threadId, score] = await redis.zrange(keys.workflowIndex, -(PAGE + 1), -(PAGE + 1), 'WITHSCORES');
    const lastAfter = encodeCursor({ threadId, score: Number(score) });
    const last = await service.listWorkflows({ first: PAGE, after: lastAfter });
    if (last.nodes.length !== PAGE || last.hasNextPage) throw new Error('the last-page cursor does not lead to the last page');
    const page = (after: string | undefined) => timed(() => service.listWorkflows({ first: PAGE, after }));
    // First and last page alternate, so a burst of load from elsewhere on the machine hits both alike.
    const alternating = async (): Promise<[Latency, Latency]> => {
      const [firstSamples, lastSamples]: number[][] = [[], []];
      for (let i = 0; i < runs; i += 1) {
        firstSamples.push(await page(undefined));
        lastSamples.push(await page(lastAfter));
      }
      return [latencyOf(firstSamples), latencyOf(lastSamples)];
    };
    await alternating();
    const [first, lastPage] = await alternating();
    log(`paging: first ${ms(first.median)}, last ${ms(lastPage.median)}`);
    const ratio = lastPage.median / first.median;
    return [
      {
        benchmark: '4 paging',
        measure: `first page of ${WORKFLOWS.toLocaleString('en')} (median / p99, n=${runs})`,
        value: `${ms(first.median)} / ${ms(first.p99)}`,
      },
      { benchmark: '4 paging', measure: 'last page (median / p99)', value: `${ms(lastPage.median)} / ${ms(lastPage.p99)}` },
      { benchmark: '4 paging', measure: 'last / first (median)', value: `${ratio.toFixed(2)}x`, target: '≤ 2x', met: ratio <= 2 },
    ];
  } finally {
    redis.disconnect();
    await server.dispose();
  }
}
