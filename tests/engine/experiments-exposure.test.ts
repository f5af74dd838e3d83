import fc from 'fast-check';

import { applyConversions, applyExposures, countedValue, GOAL_VALUE_LIMITS, referencedExperiments } from '../../engine/src/experiments';
import type { AcceptedEvent } from '../../engine/src/profile/events';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 25, 12);

const trackAt = (name: string, at: number, value?: number): AcceptedEvent => ({
  id: `t_${name}_${at}_${value ?? ''}`.padEnd(16, 'x'),
  ts: at,
  at,
  type: 'track',
  name,
  ...(value !== undefined ? { value } : {}),
});

const goals = [
  { key: 'exp', goals: [{ event: 'checkout', kind: 'conversion' as const, windowHours: 2 }, { event: 'revenue', kind: 'mean' as const, windowHours: 2 }] },
];

describe('applyExposures', () => {
  it("keeps a contextual draw's cell, leaf, model version and propensity, and its conversions carry them", () => {
    const contextual = { c: '%5B%22mobile%22%5D', l: 'leaf-1', m: 'v1', w: 0.25 };
    const { exposures, units } = applyExposures({}, [{ key: 'exp', arm: 'b', period: 0, contextual }], T0);
    expect(exposures.exp).toEqual({ arm: 'b', at: T0, cx: contextual });
    expect(units).toEqual([{ experiment: 'exp', arm: 'b', at: T0, period: 0, contextual }]);
    const converted = applyConversions(exposures, [trackAt('checkout', T0 + HOUR)], goals);
    expect(converted.increments).toEqual([
      { experiment: 'exp', arm: 'b', at: T0, period: 0, contextual, goal: 'checkout', primary: true, conversions: 1, sum: 1, sumSquares: 1 },
    ]);
  });

  it('records a first exposure with its arm, time and period, and counts one unit', () => {
    const { exposures, units } = applyExposures({}, [{ key: 'exp', arm: 'b', period: 2 }], T0);
    expect(exposures).toEqual({ exp: { arm: 'b', at: T0, p: 2 } });
    expect(units).toEqual([{ experiment: 'exp', arm: 'b', at: T0, period: 2 }]);
  });

  it('never moves or recounts a visitor already exposed', () => {
    const before = { exp: { arm: 'a', at: T0 } };
    const { exposures, units } = applyExposures(before, [{ key: 'exp', arm: 'b', period: 0 }], T0 + HOUR);
    expect(exposures).toEqual(before);
    expect(units).toEqual([]);
  });

  it('does not read inherited properties as exposures', () => {
    const { units } = applyExposures({}, [{ key: 'constructor', arm: 'a', period: 0 }], T0);
    expect(units).toHaveLength(1);
  });
});

describe('applyConversions', () => {
  const exposed = { exp: { arm: 'b', at: T0, p: 1 } };

  it('counts a conversion once per visitor, in the cohort of the first exposure', () => {
    const first = applyConversions(exposed, [trackAt('checkout', T0 + HOUR), trackAt('checkout', T0 + HOUR + 1)], goals);
    expect(first.increments).toEqual([
      { experiment: 'exp', arm: 'b', at: T0, period: 1, goal: 'checkout', primary: true, conversions: 1, sum: 1, sumSquares: 1 },
    ]);
    expect(first.exposures.exp.y).toEqual({ checkout: 1 });
    const again = applyConversions(first.exposures, [trackAt('checkout', T0 + HOUR + 2)], goals);
    expect(again.increments).toEqual([]);
  });

  it('sums values for a mean goal, moving Σy² by the change of the visitor’s square', () => {
    const first = applyConversions(exposed, [trackAt('revenue', T0 + 1, 10)], goals);
    expect(first.increments[0]).toMatchObject({ goal: 'revenue', primary: false, conversions: 1, sum: 10, sumSquares: 100 });
    const second = applyConversions(first.exposures, [trackAt('revenue', T0 + 2, 5), trackAt('revenue', T0 + 3)], goals);
    // y: 10 → 15 → 15 (no value counts 0): Σy += 5, Σy² += 225 − 100.
    expect(second.increments.map(({ conversions, sum, sumSquares }) => [conversions, sum, sumSquares])).toEqual([
      [0, 5, 125],
      [0, 0, 0],
    ]);
    expect(second.exposures.exp.y).toEqual({ revenue: 15 });
  });

  it('ignores events before the exposure, after the window, of other names, and of experiments not listed', () => {
    const events = [trackAt('checkout', T0 - 1), trackAt('checkout', T0 + 2 * HOUR + 1), trackAt('signup', T0 + 1)];
    expect(applyConversions(exposed, events, goals).increments).toEqual([]);
    expect(applyConversions(exposed, [trackAt('checkout', T0 + 1)], []).increments).toEqual([]);
    expect(applyConversions({}, [trackAt('checkout', T0 + 1)], goals).increments).toEqual([]);
  });

  it('counts the window’s last instant', () => {
    expect(applyConversions(exposed, [trackAt('checkout', T0 + 2 * HOUR)], goals).increments).toHaveLength(1);
  });

  it('returns the same exposures when nothing converts', () => {
    const result = applyConversions(exposed, [trackAt('other', T0 + 1)], goals);
    expect(result.exposures).toBe(exposed);
  });
});

describe('goal values: caps and bounds', () => {
  const exposed = { exp: { arm: 'a', at: T0 } };
  const capped = [{ key: 'exp', goals: [{ event: 'revenue', kind: 'mean' as const, windowHours: 2, cap: 100 }] }];
  const uncapped = [{ key: 'exp', goals: [{ event: 'revenue', kind: 'mean' as const, windowHours: 2 }] }];
  const totals = (increments: { sum: number; sumSquares: number }[]) =>
    increments.reduce((acc, { sum, sumSquares }) => ({ sum: acc.sum + sum, sumSquares: acc.sumSquares + sumSquares }), { sum: 0, sumSquares: 0 });

  it('counts a visitor’s total as the cap when above it, and as −cap when below −cap', () => {
    expect(countedValue(130, 100)).toBe(100);
    expect(countedValue(-130, 100)).toBe(-100);
    expect(countedValue(42, 100)).toBe(42);
    expect(countedValue(5e12)).toBe(GOAL_VALUE_LIMITS.visitorTotal);
    expect(countedValue(-5e12)).toBe(-GOAL_VALUE_LIMITS.visitorTotal);
    // A cap above the hard bound cannot loosen it.
    expect(countedValue(5e12, 1e15)).toBe(GOAL_VALUE_LIMITS.visitorTotal);
  });

  it('caps the visitor’s total (not each event): Σy and Σy² move by the change of the capped total', () => {
    const first = applyConversions(exposed, [trackAt('revenue', T0 + 1, 60), trackAt('revenue', T0 + 2, 70)], capped);
    // Raw total 60 → 130; counted 60 → 100.
    expect(first.increments.map(({ conversions, sum, sumSquares }) => [conversions, sum, sumSquares])).toEqual([
      [1, 60, 3600],
      [0, 40, 6400],
    ]);
    // The profile keeps the raw total, so a refund counts from it: 130 − 50 = 80, under the cap again.
    expect(first.exposures.exp.y).toEqual({ revenue: 130 });
    const refund = applyConversions(first.exposures, [trackAt('revenue', T0 + 3, -50)], capped);
    expect(refund.increments.map(({ sum, sumSquares }) => [sum, sumSquares])).toEqual([[-20, -3600]]);
    expect(totals([...first.increments, ...refund.increments])).toEqual({ sum: 80, sumSquares: 6400 });
    const below = applyConversions(refund.exposures, [trackAt('revenue', T0 + 4, -1000)], capped);
    expect(totals([...first.increments, ...refund.increments, ...below.increments])).toEqual({ sum: -100, sumSquares: 10_000 });
  });

  it('keeps an uncapped total within ±1e12 and every increment finite, whatever the values', () => {
    const huge = applyConversions(exposed, [trackAt('revenue', T0 + 1, 1e308), trackAt('revenue', T0 + 2, 1e308)], uncapped);
    expect(huge.exposures.exp.y).toEqual({ revenue: GOAL_VALUE_LIMITS.visitorTotal });
    expect(totals(huge.increments)).toEqual({ sum: 1e12, sumSquares: 1e24 });
    const back = applyConversions(huge.exposures, [trackAt('revenue', T0 + 3, -1e308)], uncapped);
    expect(back.exposures.exp.y).toEqual({ revenue: -GOAL_VALUE_LIMITS.visitorTotal });
    expect(totals([...huge.increments, ...back.increments])).toEqual({ sum: -1e12, sumSquares: 1e24 });
    for (const value of [Number.NaN, Infinity, -Infinity]) {
      const result = applyConversions(exposed, [trackAt('revenue', T0 + 1, value)], uncapped);
      expect(result.increments.map(({ sum, sumSquares }) => [sum, sumSquares])).toEqual([[0, 0]]);
    }
  });

  it('adds up, over any sequence of events, to the capped total: finite, whatever the values', () => {
    const value = fc.oneof(
      fc.double({ noNaN: false }),
      fc.integer({ min: -1000, max: 1000 }),
      fc.constantFrom(1e9, -1e9, 1e308, -1e308, Number.MAX_VALUE, -Number.MAX_VALUE)
    );
    fc.assert(
      fc.property(fc.array(fc.array(value, { maxLength: 8 }), { minLength: 1, maxLength: 6 }), fc.option(fc.integer({ min: 1, max: 1e6 })), (batches, cap) => {
        const goals = [{ key: 'exp', goals: [{ event: 'revenue', kind: 'mean' as const, windowHours: 2, ...(cap === null ? {} : { cap }) }] }];
        let exposures: Record<string, { arm: string; at: number; y?: Record<string, number> }> = exposed;
        const all: { sum: number; sumSquares: number }[] = [];
        let at = T0;
        for (const batch of batches) {
          const result = applyConversions(exposures, batch.map((v) => trackAt('revenue', (at += 1), v)), goals);
          exposures = result.exposures;
          all.push(...result.increments);
        }
        const raw = exposures.exp.y?.revenue ?? 0;
        expect(Number.isFinite(raw)).toBe(true);
        expect(Math.abs(raw)).toBeLessThanOrEqual(GOAL_VALUE_LIMITS.visitorTotal);
        const bound = cap ?? GOAL_VALUE_LIMITS.visitorTotal;
        for (const { sum, sumSquares } of all) {
          expect(Number.isFinite(sum) && Number.isFinite(sumSquares)).toBe(true);
          expect(Math.abs(sum)).toBeLessThanOrEqual(2 * bound);
          expect(Math.abs(sumSquares)).toBeLessThanOrEqual(bound * bound);
        }
        const counted = countedValue(raw, cap ?? undefined);
        const total = totals(all);
        expect(Math.abs(total.sum - counted)).toBeLessThanOrEqual(bound * 1e-12);
        expect(Math.abs(total.sumSquares - counted * counted)).toBeLessThanOrEqual(bound * bound * 1e-12);
      })
    );
  });
});

describe('referencedExperiments', () => {
  it('finds experiment keys in conditions and through the audiences they name, once each', () => {
    const audiences = { testers: { experiment: ['beta', 'on'] }, loop: { audience: 'loop' } };
    const keys = referencedExperiments(
      [{ and: [{ experiment: ['banner', 'b'] }, { audience: 'testers' }] }, { audience: 'loop' }, { experiment: ['banner', 'a'] }, null],
      audiences
    );
    expect([...keys].sort()).toEqual(['banner', 'beta']);
  });

  it('ignores audiences that are not the library’s own properties', () => {
    expect([...referencedExperiments([{ audience: 'toString' }], {})]).toEqual([]);
  });
});
