import type { HealthMinute } from '../../contracts/src/admin/health';
import { hitRatio, hourTotals, meanMs } from '../../admin/src/pages/healthView';

const minute = (overrides: Partial<HealthMinute> = {}): HealthMinute => ({
  start: '2026-12-06T10:00:00.000Z',
  decisions: 0,
  latency: { count: 0, sumMs: 0, p95Ms: null },
  cache: { l1Hits: 0, l1Misses: 0, l2Hits: 0, l2Misses: 0 },
  events: { accepted: 0, rejected: 0, duplicate: 0, no_consent: 0, suppressed: 0, bot: 0, rate_limited: 0, store_unavailable: 0 },
  exposures: 0,
  ...overrides,
});

describe('health page figures', () => {
  it('counts an L2 hit after an L1 miss as a cached response', () => {
    expect(hitRatio(minute())).toBeNull();
    // Four lookups: one L1 hit, three L1 misses of which L2 answered one.
    expect(hitRatio(minute({ cache: { l1Hits: 1, l1Misses: 3, l2Hits: 1, l2Misses: 2 } }))).toBe(0.5);
  });

  it('means the decision time over requests and totals the hour', () => {
    expect(meanMs(minute())).toBeNull();
    expect(meanMs(minute({ latency: { count: 4, sumMs: 2, p95Ms: 0.9 } }))).toBe(0.5);
    const totals = hourTotals([
      minute({
        decisions: 3,
        latency: { count: 2, sumMs: 1, p95Ms: 1 },
        cache: { l1Hits: 1, l1Misses: 1, l2Hits: 0, l2Misses: 1 },
        exposures: 2,
      }),
      minute({ events: { ...minute().events, accepted: 5, bot: 2, rate_limited: 1 } }),
    ]);
    expect(totals).toEqual({ decisions: 3, requests: 2, hitRatio: 0.5, events: 8, eventsRefused: 3, exposures: 2 });
  });
});
