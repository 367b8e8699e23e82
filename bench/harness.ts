/**
 * Benchmarks report ratios measured in one run (the machines are noisy, so absolute times are context, not
 * gates). Each `bench/*.bench.ts` default-exports a function returning results; `npm run bench` prints them.
 */
export interface BenchResult {
  readonly name: string;
  /** The headline number, e.g. resources/s, ms, bytes. */
  readonly value: number;
  readonly unit: string;
  /** A ratio to a baseline measured in the same run, when the benchmark has one. */
  readonly ratio?: { readonly value: number; readonly against: string; readonly target?: string };
  readonly target?: string;
  readonly ok?: boolean;
}

export type Bench = () => Promise<BenchResult[]>;

/** Median of `runs` timings of `fn` in ms, after one warm-up. */
export function timeMedian(fn: () => void, runs = 5): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function timeMedianAsync(fn: () => Promise<void>, runs = 5): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
