/**
 * 2. Dashboard throughput: documents/dashboard.graphql (50 workflows with their tasks and health) over
 * HTTP with autocannon against the real server (`node dist/main.js`, production settings, @auth on),
 * and in the same rounds against two hand-written handlers of the same answer: the bare one (the same
 * reads, bench/support/bare-dashboard.ts) and the tight one (merged reads, tight-dashboard.ts). Each
 * costs what its process spends and what the bench's redis-server spends, per request.
 * 5. Memory: the server's resident set once it has served that load (a minute of it in full mode).
 * `--node-options '<flags>,<flags>'` runs our server once more per variant of NODE_OPTIONS, each its
 * own process in the same rounds; full mode (or `--tracing on`) adds our server with tracing on, every
 * trace exported to a local OTLP receiver; `--rounds` and `--seconds` change the plan.
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { print } from 'graphql';
import type Redis from 'ioredis';
import { DashboardDocument } from '../generated/operations';
import { issueToken } from '../src/auth/tokens';
import { seedDashboard } from '../test/perf/dashboard-seed';
import { RedisServer } from './support/redis';
import { redisUsage } from './support/redis-usage';
import type { BenchOptions, Figure } from './support/report';
import { OtlpSink } from './support/otlp-sink';
import { ServedProcess } from './support/served-process';
import { ms } from './support/stats';

const WORKFLOWS = 50;
const CONNECTIONS = 10;
const MEMORY_TARGET_BYTES = 150 * 2 ** 20;
const DASHBOARD_REQUEST = JSON.stringify({ query: print(DashboardDocument), variables: { first: WORKFLOWS } });

interface Plan {
  /** Rounds of every target in turn, each `seconds` long: alternating keeps the machine's noise on all. */
  rounds: number;
  seconds: number;
  warmUpSeconds: number;
}

// Full: 3 × 20 s on our server, after the warm-up: the minute of load benchmark 5 asks for.
const QUICK: Plan = { rounds: 2, seconds: 4, warmUpSeconds: 1 };
const FULL: Plan = { rounds: 3, seconds: 20, warmUpSeconds: 3 };

interface Target {
  name: string;
  server: ServedProcess;
  headers: Record<string, string>;
}

interface Throughput {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** The server process's CPU time per answered request, in milliseconds. */
  cpuPerRequest: number;
  /** The redis-server's CPU time per answered request, in milliseconds. */
  redisCpuPerRequest: number;
  redisCommandsPerRequest: number;
}

async function post(target: Target): Promise<unknown> {
  const response = await fetch(target.server.url, { method: 'POST', headers: target.headers, body: DASHBOARD_REQUEST });
  if (!response.ok) throw new Error(`${target.name} answered ${response.status}`);
  return response.json();
}

/** The answer with its durations (seconds since a stuck condition began) blanked: they follow the clock. */
function comparable(answer: unknown): string {
  return JSON.stringify(answer, (key, value: unknown) => (key === 'durationSeconds' ? 0 : value));
}

/** `seconds` of load on one target while the others idle, so the shared redis-server's use is its alone. */
async function load(target: Target, seconds: number, redis: Redis): Promise<Throughput> {
  const cpuBefore = target.server.cpuMilliseconds();
  const redisBefore = await redisUsage(redis);
  const result = await autocannon({
    url: target.server.url,
    method: 'POST',
    headers: target.headers,
    body: DASHBOARD_REQUEST,
    connections: CONNECTIONS,
    duration: seconds,
  });
  const redisAfter = await redisUsage(redis);
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${target.name}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  }
  const answered = result.requests.total;
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuPerRequest: (target.server.cpuMilliseconds() - cpuBefore) / answered,
    redisCpuPerRequest: (redisAfter.cpuMilliseconds - redisBefore.cpuMilliseconds) / answered,
    redisCommandsPerRequest: (redisAfter.commands - redisBefore.commands) / answered,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

function planOf({ quick, argument }: BenchOptions): Plan {
  const plan = quick ? QUICK : FULL;
  const rounds = argument('rounds');
  const seconds = argument('seconds');
  return { ...plan, rounds: rounds ? Number(rounds) : plan.rounds, seconds: seconds ? Number(seconds) : plan.seconds };
}

/**
 * Our server's runs: as `npm start` runs it, then once per `--node-options` variant, then (full mode,
 * or `--tracing on`) with every trace sampled and exported to a local receiver (`sink`).
 */
function oursVariants({ argument }: BenchOptions, sink: OtlpSink | undefined): Array<{ name: string; env: NodeJS.ProcessEnv }> {
  const variants =
    argument('node-options')
      ?.split(',')
      .map((flags) => flags.trim()) ?? [];
  return [
    { name: 'ours', env: {} },
    ...variants.map((flags) => ({ name: `ours NODE_OPTIONS="${flags}"`, env: { NODE_OPTIONS: flags } })),
    ...(sink
      ? [
          {
            name: 'ours traced (100% sampled, OTLP to a local receiver)',
            env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint, OTEL_TRACES_SAMPLER: 'always_on' },
          },
        ]
      : []),
  ];
}

export async function dashboardThroughputBenchmark(options: BenchOptions): Promise<Figure[]> {
  const { log } = options;
  const plan = planOf(options);
  const redis = await RedisServer.start();
  const meter = redis.client();
  const sink = options.quick && !options.argument('tracing') ? undefined : await OtlpSink.start();
  const secret = randomBytes(32).toString('hex');
  const servers: ServedProcess[] = [];
  const serve = async (started: Promise<ServedProcess>): Promise<ServedProcess> => {
    const server = await started;
    servers.push(server);
    return server;
  };
  try {
    await seedDashboard(meter, WORKFLOWS);
    const json = { 'content-type': 'application/json' };
    const token = issueToken(secret, { sub: 'bench-dashboard', roles: ['viewer'] }, '1h');
    const ours: Target[] = [];
    for (const variant of oursVariants(options, sink)) {
      const { name } = variant;
      const env = { NODE_ENV: 'production', PORT: '0', REDIS_URL: redis.url, JWT_SECRET: secret, ...variant.env };
      ours.push({ name, server: await serve(ServedProcess.api(env)), headers: { ...json, authorization: `Bearer ${token}` } });
    }
    const handWritten = async (name: string, module: 'bare-dashboard' | 'tight-dashboard', env = {}): Promise<Target> => ({
      name,
      server: await serve(ServedProcess.handWritten(module, { REDIS_URL: redis.url, ...env })),
      headers: json,
    });
    const bare = await handWritten('bare handler', 'bare-dashboard');
    const tight = await handWritten('tight handler (merged reads)', 'tight-dashboard', { TIGHT_READS: 'merged' });
    const sorted = await handWritten('tight handler (SORT GET per workflow)', 'tight-dashboard', { TIGHT_READS: 'sort' });
    const targets = [...ours, bare, tight, sorted];

    const expected = comparable(await post(ours[0]));
    if (expected.includes('"errors"')) throw new Error(`our server answered errors: ${expected.slice(0, 500)}`);
    for (const target of targets.slice(1)) {
      if (comparable(await post(target)) !== expected) throw new Error(`${target.name} does not answer what our server answers`);
    }
    for (const target of targets) await load(target, plan.warmUpSeconds, meter);

    const runs = new Map<Target, Throughput[]>(targets.map((target) => [target, []]));
    for (let round = 1; round <= plan.rounds; round += 1) {
      const figures: string[] = [];
      for (const target of targets) {
        const run = await load(target, plan.seconds, meter);
        runs.get(target)!.push(run);
        figures.push(`${target.name} ${run.requestsPerSecond.toFixed(0)} req/s, ${run.cpuPerRequest.toFixed(2)} ms CPU`);
      }
      log(`dashboard round ${round}: ${figures.join('; ')}`);
    }
    const loadedSeconds = plan.warmUpSeconds + plan.rounds * plan.seconds;
    const memory = ours.map((target) => target.server.memory());
    // Still the same answer after the load: no refusal (rate limit, expired token) was measured instead.
    for (const target of ours)
      if (comparable(await post(target)) !== expected) throw new Error(`${target.name} answers differently after the load`);

    /** The median over rounds of `figure(a) / figure(b)`, each round's pair measured side by side. */
    const ratio = (a: Target, b: Target, figure: (run: Throughput) => number): number =>
      median(runs.get(a)!.map((run, round) => figure(run) / figure(runs.get(b)![round])));
    const speed = (run: Throughput): number => run.requestsPerSecond;
    const cpu = (run: Throughput): number => run.cpuPerRequest;
    const redisCpu = (run: Throughput): number => run.redisCpuPerRequest;
    const setting = `${CONNECTIONS} connections, ${plan.rounds} × ${plan.seconds} s`;
    const row = (target: Target): Figure => {
      const of = (figure: (run: Throughput) => number): number => median(runs.get(target)!.map(figure));
      return {
        benchmark: '2 dashboard',
        measure: `${target.name}: req/s / p50 / p99 / server CPU per request / Redis CPU per request / Redis commands per request (${setting}, medians)`,
        value: [
          of(speed).toFixed(0),
          ms(of((run) => run.p50)),
          ms(of((run) => run.p99)),
          ms(of(cpu)),
          ms(of(redisCpu)),
          of((run) => run.redisCommandsPerRequest).toFixed(0),
        ].join(' / '),
      };
    };
    const versus = (a: Target, b: Target): Figure => ({
      benchmark: '2 dashboard',
      measure: `${a.name} / ${b.name}: req/s · server CPU per request · Redis CPU per request (median of rounds)`,
      value: [speed, cpu, redisCpu].map((figure) => ratio(a, b, figure).toFixed(2)).join(' · '),
    });
    const targetRow = (measure: string, value: number, goal: string, met: boolean): Figure => ({
      benchmark: '2 dashboard',
      measure,
      value: value.toFixed(2),
      target: goal,
      met,
    });
    const [speedRatio, cpuRatio, redisRatio] = [speed, cpu, redisCpu].map((figure) => ratio(ours[0], bare, figure));
    return [
      ...targets.map(row),
      targetRow('ours / bare req/s (median of rounds)', speedRatio, '≥ 1.0', speedRatio >= 1),
      targetRow('ours / bare server CPU per request (median of rounds)', cpuRatio, '≤ 1.0', cpuRatio <= 1),
      targetRow('ours / bare Redis CPU per request (median of rounds)', redisRatio, '≤ 0.5', redisRatio <= 0.5),
      versus(ours[0], tight),
      versus(ours[0], sorted),
      versus(tight, bare),
      versus(sorted, bare),
      ...ours.slice(1).map((variant) => versus(variant, ours[0])),
      ...ours.map((variant, i) => ({
        benchmark: '5 memory',
        measure: `${variant.name === 'ours' ? 'server' : variant.name}: RSS after ${loadedSeconds} s of dashboard load (peak)`,
        value: `${mib(memory[i].resident)} (${mib(memory[i].peak)})`,
        target: '< 150 MB',
        met: memory[i].resident < MEMORY_TARGET_BYTES,
      })),
    ];
  } finally {
    meter.disconnect();
    for (const server of servers) await server.stop();
    await Promise.all([redis.dispose(), sink?.stop()]);
  }
}
