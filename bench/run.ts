/**
 * `npm run bench` (full, under 15 minutes) or `npm run bench -- --quick` (under 3 minutes).
 * `--only reset,paging` runs some. Each benchmark starts its own redis-server on a free port; the
 * build runs first (prebench) because benchmark 2 starts dist/main.js.
 * Figures are printed as a markdown table for bench/README.md; nothing here asserts on time.
 */
import 'reflect-metadata';
import { cpus, totalmem } from 'node:os';
import { dashboardThroughputBenchmark } from './dashboard-throughput.bench';
import { pagingBenchmark } from './paging.bench';
import { resetDepthBenchmark } from './reset-depth.bench';
import { resetBenchmark } from './reset.bench';
import { roundTripsBenchmark } from './round-trips.bench';
import { markdownTable, type Benchmark, type Figure } from './support/report';

const BENCHMARKS: Record<string, Benchmark> = {
  reset: resetBenchmark,
  dashboard: dashboardThroughputBenchmark,
  'round-trips': roundTripsBenchmark,
  paging: pagingBenchmark,
  'reset-depth': resetDepthBenchmark,
};

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const only = argument('only')?.split(',');
  const started = Date.now();
  const log = (message: string): void => console.error(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
  const figures: Figure[] = [];
  for (const [name, benchmark] of Object.entries(BENCHMARKS)) {
    if (only && !only.includes(name)) continue;
    log(`${name}…`);
    figures.push(...(await benchmark({ quick, log, argument })));
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
  console.log(
    `\nMode: ${quick ? 'quick' : 'full'} · ${new Date().toISOString()} · ${machine} · ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  console.log(markdownTable(figures));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
