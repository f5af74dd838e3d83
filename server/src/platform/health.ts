import { HEALTH_EVENT_RESULTS, type HealthEventResult, type HealthMinute } from '../../../contracts/src/admin/health';

/**
 * The Health page's last hour (docs/observability.md, "The Health page"): sixty one-minute buckets
 * in a ring, fed by the same calls as the Prometheus metrics, on every instance whatever
 * `metrics.enabled` says. A bucket whose minute has passed an hour ago is reset when its slot is
 * written again, so the ring never grows and needs no timer.
 */

export const MINUTE_MS = 60_000;
export const MINUTES = 60;

/** Upper bounds (ms) of the latency histogram, the metrics' buckets; an overflow bucket follows. */
export const LATENCY_BOUNDS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000];

interface Bucket {
  /** Minutes since the epoch this bucket counts; -1 when never written. */
  minute: number;
  decisions: number;
  latencyCount: number;
  latencySumMs: number;
  /** Counts per LATENCY_BOUNDS_MS bucket (not cumulative), the last one above every bound. */
  latencyBuckets: number[];
  l1Hits: number;
  l1Misses: number;
  l2Hits: number;
  l2Misses: number;
  events: Record<HealthEventResult, number>;
  exposures: number;
}

const noEvents = (): Record<HealthEventResult, number> =>
  Object.fromEntries(HEALTH_EVENT_RESULTS.map((result) => [result, 0])) as Record<HealthEventResult, number>;

const emptyBucket = (minute: number): Bucket => ({
  minute,
  decisions: 0,
  latencyCount: 0,
  latencySumMs: 0,
  latencyBuckets: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
  l1Hits: 0,
  l1Misses: 0,
  l2Hits: 0,
  l2Misses: 0,
  events: noEvents(),
  exposures: 0,
});

/**
 * The 95th percentile from bucket counts, by linear interpolation inside the bucket that holds it
 * (Prometheus' histogram_quantile); in the overflow bucket, the highest bound.
 */
export const percentileMs = (buckets: readonly number[], quantile: number): number | null => {
  const total = buckets.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = quantile * total;
  let below = 0;
  for (let index = 0; index < buckets.length; index += 1) {
    const count = buckets[index];
    if (below + count >= rank && count > 0) {
      if (index === LATENCY_BOUNDS_MS.length) return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
      const lower = index === 0 ? 0 : LATENCY_BOUNDS_MS[index - 1];
      const upper = LATENCY_BOUNDS_MS[index];
      return lower + ((upper - lower) * (rank - below)) / count;
    }
    below += count;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
};

export const createHealthRecorder = (now: () => number = Date.now) => {
  const ring: Bucket[] = Array.from({ length: MINUTES }, () => emptyBucket(-1));

  /** The bucket of the minute in progress, reset if it still holds the minute an hour ago. */
  const current = (): Bucket => {
    const minute = Math.floor(now() / MINUTE_MS);
    const slot = minute % MINUTES;
    let bucket = ring[slot];
    if (bucket.minute !== minute) ring[slot] = bucket = emptyBucket(minute);
    return bucket;
  };

  return {
    decisions(count: number) {
      current().decisions += count;
    },
    decisionTime(seconds: number) {
      const bucket = current();
      const ms = seconds * 1000;
      bucket.latencyCount += 1;
      bucket.latencySumMs += ms;
      let index = 0;
      while (index < LATENCY_BOUNDS_MS.length && ms > LATENCY_BOUNDS_MS[index]) index += 1;
      bucket.latencyBuckets[index] += 1;
    },
    cacheLookup(layer: 'l1' | 'l2', result: 'hit' | 'miss') {
      const bucket = current();
      if (layer === 'l1') {
        if (result === 'hit') bucket.l1Hits += 1;
        else bucket.l1Misses += 1;
      } else if (result === 'hit') bucket.l2Hits += 1;
      else bucket.l2Misses += 1;
    },
    events(result: HealthEventResult, count: number) {
      current().events[result] += count;
    },
    exposure() {
      current().exposures += 1;
    },

    /** The last sixty minutes, oldest first, the minute in progress last. */
    lastHour(): HealthMinute[] {
      const last = Math.floor(now() / MINUTE_MS);
      const minutes: HealthMinute[] = [];
      for (let minute = last - MINUTES + 1; minute <= last; minute += 1) {
        const stored = ring[minute % MINUTES];
        const bucket = stored.minute === minute ? stored : emptyBucket(minute);
        minutes.push({
          start: new Date(minute * MINUTE_MS).toISOString(),
          decisions: bucket.decisions,
          latency: {
            count: bucket.latencyCount,
            sumMs: Math.round(bucket.latencySumMs * 1000) / 1000,
            p95Ms: percentileMs(bucket.latencyBuckets, 0.95),
          },
          cache: { l1Hits: bucket.l1Hits, l1Misses: bucket.l1Misses, l2Hits: bucket.l2Hits, l2Misses: bucket.l2Misses },
          events: { ...bucket.events },
          exposures: bucket.exposures,
        });
      }
      return minutes;
    },
  };
};

export type HealthRecorder = ReturnType<typeof createHealthRecorder>;
