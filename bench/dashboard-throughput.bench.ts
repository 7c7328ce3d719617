/**
 * 2. Dashboard throughput: documents/dashboard.graphql (50 workflows with their tasks and health) over
 * HTTP with autocannon against the real server (`node dist/main.js`, production settings, @auth on),
 * and in the same run against the bare handler of the same reads (bench/support/bare-dashboard.ts).
 * 5. Memory: the server's resident set once it has served that load (a minute of it in full mode).
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { print } from 'graphql';
import { DashboardDocument } from '../generated/operations';
import { issueToken } from '../src/auth/tokens';
import { seedDashboard } from '../test/perf/dashboard-seed';
import { RedisServer } from './support/redis';
import type { BenchOptions, Figure } from './support/report';
import { ServedProcess } from './support/served-process';
import { ms } from './support/stats';

const WORKFLOWS = 50;
const CONNECTIONS = 10;
const MEMORY_TARGET_BYTES = 200 * 2 ** 20;
const DASHBOARD_REQUEST = JSON.stringify({ query: print(DashboardDocument), variables: { first: WORKFLOWS } });

interface Plan {
  /** Rounds of ours then bare, each `seconds` long: alternating keeps the machine's noise on both. */
  rounds: number;
  seconds: number;
  warmUpSeconds: number;
}

// Full: 3 × 20 s on our server, after the warm-up: the minute of load benchmark 5 asks for.
const QUICK: Plan = { rounds: 2, seconds: 4, warmUpSeconds: 1 };
const FULL: Plan = { rounds: 3, seconds: 20, warmUpSeconds: 3 };

interface Target {
  server: ServedProcess;
  headers: Record<string, string>;
}

interface Throughput {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** The server process's CPU time per answered request, in milliseconds. */
  cpuPerRequest: number;
}

async function post(target: Target): Promise<unknown> {
  const response = await fetch(target.server.url, { method: 'POST', headers: target.headers, body: DASHBOARD_REQUEST });
  if (!response.ok) throw new Error(`${target.server.url} answered ${response.status}`);
  return response.json();
}

/** The answer with its durations (seconds since a stuck condition began) blanked: they follow the clock. */
function comparable(answer: unknown): string {
  return JSON.stringify(answer, (key, value: unknown) => (key === 'durationSeconds' ? 0 : value));
}

async function load(target: Target, seconds: number): Promise<Throughput> {
  const cpuBefore = target.server.cpuMilliseconds();
  const result = await autocannon({
    url: target.server.url,
    method: 'POST',
    headers: target.headers,
    body: DASHBOARD_REQUEST,
    connections: CONNECTIONS,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${target.server.url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  }
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuPerRequest: (target.server.cpuMilliseconds() - cpuBefore) / result.requests.total,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summary(runs: readonly Throughput[]): Throughput {
  return {
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    p50: median(runs.map((run) => run.p50)),
    p99: median(runs.map((run) => run.p99)),
    cpuPerRequest: median(runs.map((run) => run.cpuPerRequest)),
  };
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

export async function dashboardThroughputBenchmark({ quick, log }: BenchOptions): Promise<Figure[]> {
  const plan = quick ? QUICK : FULL;
  const redis = await RedisServer.start();
  const secret = randomBytes(32).toString('hex');
  const servers: ServedProcess[] = [];
  try {
    const seeding = redis.client();
    await seedDashboard(seeding, WORKFLOWS);
    seeding.disconnect();
    const json = { 'content-type': 'application/json' };
    const token = issueToken(secret, { sub: 'bench-dashboard', roles: ['viewer'] }, '1h');
    const apiServer = await ServedProcess.api({ NODE_ENV: 'production', PORT: '0', REDIS_URL: redis.url, JWT_SECRET: secret });
    servers.push(apiServer);
    const ours: Target = { server: apiServer, headers: { ...json, authorization: `Bearer ${token}` } };
    const bareServer = await ServedProcess.bareDashboard(redis.url);
    servers.push(bareServer);
    const bare: Target = { server: bareServer, headers: json };

    const expected = comparable(await post(ours));
    if (expected !== comparable(await post(bare))) throw new Error('the bare handler does not answer what our server answers');
    if (expected.includes('"errors"')) throw new Error(`our server answered errors: ${expected.slice(0, 500)}`);
    await load(ours, plan.warmUpSeconds);
    await load(bare, plan.warmUpSeconds);

    const runs: Array<{ ours: Throughput; bare: Throughput }> = [];
    for (let round = 1; round <= plan.rounds; round += 1) {
      const run = { ours: await load(ours, plan.seconds), bare: await load(bare, plan.seconds) };
      log(
        `dashboard round ${round}: ours ${run.ours.requestsPerSecond.toFixed(0)} req/s, bare ${run.bare.requestsPerSecond.toFixed(0)} req/s`,
      );
      runs.push(run);
    }
    const loadedSeconds = plan.warmUpSeconds + plan.rounds * plan.seconds;
    const memory = apiServer.memory();
    // Still the same answer after the load: no refusal (rate limit, expired token) was measured instead.
    if (comparable(await post(ours)) !== expected) throw new Error('our server answers differently after the load');

    const [oursSummary, bareSummary] = [summary(runs.map((run) => run.ours)), summary(runs.map((run) => run.bare))];
    const ratio = median(runs.map((run) => run.ours.requestsPerSecond / run.bare.requestsPerSecond));
    // The same comparison by cost rather than speed, the steadier of the two on a shared machine.
    const cpuRatio = median(runs.map((run) => run.bare.cpuPerRequest / run.ours.cpuPerRequest));
    const setting = `${CONNECTIONS} connections, ${plan.rounds} × ${plan.seconds} s`;
    const row = (who: string, figures: Throughput): Figure => ({
      benchmark: '2 dashboard',
      measure: `${who}: req/s / p50 / p99 / server CPU per request (${setting}, medians)`,
      value: `${figures.requestsPerSecond.toFixed(0)} / ${ms(figures.p50)} / ${ms(figures.p99)} / ${ms(figures.cpuPerRequest)}`,
    });
    return [
      row('ours', oursSummary),
      row('bare handler', bareSummary),
      {
        benchmark: '2 dashboard',
        measure: 'ours / bare req/s (median of rounds)',
        value: `${ratio.toFixed(2)}`,
        target: '≥ 0.5',
        met: ratio >= 0.5,
      },
      { benchmark: '2 dashboard', measure: 'bare / ours server CPU per request (median of rounds)', value: `${cpuRatio.toFixed(2)}` },
      {
        benchmark: '5 memory',
        measure: `server RSS after ${loadedSeconds} s of dashboard load (peak)`,
        value: `${mib(memory.resident)} (${mib(memory.peak)})`,
        target: '< 200 MB',
        met: memory.resident < MEMORY_TARGET_BYTES,
      },
    ];
  } finally {
    for (const server of servers) await server.stop();
    await redis.dispose();
  }
}
