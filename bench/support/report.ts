/** One line of the figures table: what was measured, the figure, the target and whether it holds. */
export interface Figure {
  benchmark: string;
  measure: string;
  value: string;
  target?: string;
  met?: boolean;
}

export interface BenchOptions {
  quick: boolean;
  log: (message: string) => void;
  /** The value given on the command line as `--<name> <value>`, for a benchmark's own settings. */
  argument: (name: string) => string | undefined;
}

export type Benchmark = (options: BenchOptions) => Promise<Figure[]>;

export function markdownTable(figures: readonly Figure[]): string {
  const rows = figures.map(
    (f) =>
      `| ${f.benchmark} | ${f.measure} | ${f.value} | ${f.target ?? ''} | ${f.met === undefined ? '' : f.met ? 'met' : '**missed**'} |`,
  );
  return ['| # | measure | figure | target | |', '|---|---|---|---|---|', ...rows].join('\n');
}
