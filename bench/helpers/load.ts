/** Load generation shared by the HTTP benchmarks: autocannon as a promise, runs combined, work spread over workers. */
import autocannon from 'autocannon';

export interface RunTotals {
  /** Requests over the runs' total duration. */
  rps: number;
  /** The worst p50 and p99 of the runs, in ms. */
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export const runAutocannon = (options: autocannon.Options) =>
  new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });

/** Several runs as one: requests over time, the worst p50 and p99, errors summed. */
export const combineRuns = (results: readonly autocannon.Result[]): RunTotals => ({
  rps: results.reduce((sum, result) => sum + result.requests.total, 0) / results.reduce((sum, result) => sum + result.duration, 0),
  p50: Math.max(...results.map((result) => result.latency.p50)),
  p99: Math.max(...results.map((result) => result.latency.p99)),
  errors: results.reduce((sum, result) => sum + result.errors + result.timeouts, 0),
  non2xx: results.reduce((sum, result) => sum + result.non2xx, 0),
});

/** Runs `task` over `items`, `width` at a time. */
export const inParallel = async <T>(items: readonly T[], width: number, task: (item: T) => Promise<unknown>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await task(items[next++]);
    })
  );
};
