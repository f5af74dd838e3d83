import { createHealthRecorder, LATENCY_BOUNDS_MS, MINUTE_MS, percentileMs } from '../../server/src/platform/health';

/** The Health page's ring of sixty one-minute buckets (docs/observability.md, "The Health page"). */

const T0 = Date.UTC(2026, 11, 6, 10, 0, 0);

describe('health recorder', () => {
  it('counts into the minute in progress and lists sixty minutes, oldest first', () => {
    let now = T0 + 5_000;
    const recorder = createHealthRecorder(() => now);
    recorder.decisions(2);
    recorder.events('accepted', 3);
    now += MINUTE_MS;
    recorder.decisions(1);
    recorder.cacheLookup('l1', 'hit');
    recorder.cacheLookup('l1', 'miss');
    recorder.cacheLookup('l2', 'hit');
    recorder.exposure();

    const hour = recorder.lastHour();
    expect(hour).toHaveLength(60);
    expect(hour[59].start).toBe(new Date(T0 + MINUTE_MS).toISOString());
    expect(hour[0].start).toBe(new Date(T0 + MINUTE_MS - 59 * MINUTE_MS).toISOString());
    expect(hour[58]).toMatchObject({ decisions: 2, exposures: 0, events: expect.objectContaining({ accepted: 3, bot: 0 }) });
    expect(hour[59]).toMatchObject({ decisions: 1, exposures: 1, cache: { l1Hits: 1, l1Misses: 1, l2Hits: 1, l2Misses: 0 } });
    expect(hour.slice(0, 58).every((minute) => minute.decisions === 0 && minute.latency.p95Ms === null)).toBe(true);
  });

  it('forgets a minute an hour old when its slot comes round again', () => {
    let now = T0;
    const recorder = createHealthRecorder(() => now);
    recorder.decisions(7);
    now += 59 * MINUTE_MS;
    expect(recorder.lastHour()[0].decisions).toBe(7);
    now += MINUTE_MS;
    // Read only: the old minute is out of the hour even before its slot is written.
    expect(recorder.lastHour().reduce((sum, minute) => sum + minute.decisions, 0)).toBe(0);
    recorder.decisions(1);
    const hour = recorder.lastHour();
    expect(hour[59]).toMatchObject({ start: new Date(T0 + 60 * MINUTE_MS).toISOString(), decisions: 1 });
    expect(hour.reduce((sum, minute) => sum + minute.decisions, 0)).toBe(1);
  });

  it('keeps the latency count and sum, and a p95 from its buckets', () => {
    const now = T0;
    const recorder = createHealthRecorder(() => now);
    // 19 requests at 0.3 ms and one at 40 ms: the 95th percentile falls in the (0.25, 0.5] bucket.
    for (let index = 0; index < 19; index += 1) recorder.decisionTime(0.0003);
    recorder.decisionTime(0.04);
    const { latency } = recorder.lastHour()[59];
    expect(latency.count).toBe(20);
    expect(latency.sumMs).toBeCloseTo(19 * 0.3 + 40, 6);
    expect(latency.p95Ms).toBeCloseTo(0.25 + (0.25 * 19) / 19, 6);
  });

  it('interpolates inside the bucket and caps an overflow at the highest bound', () => {
    const buckets = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
    expect(percentileMs(buckets, 0.95)).toBeNull();
    buckets[3] = 10; // (0.5, 1] ms
    expect(percentileMs(buckets, 0.5)).toBeCloseTo(0.75, 9);
    buckets[LATENCY_BOUNDS_MS.length] = 90; // above 1 s
    expect(percentileMs(buckets, 0.95)).toBe(1000);
  });
});
