import { applyConversions, applyExposures, referencedExperiments } from '../../engine/src/experiments';
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
      { experiment: 'exp', arm: 'b', at: T0, period: 1, goal: 'checkout', conversions: 1, sum: 1, sumSquares: 1 },
    ]);
    expect(first.exposures.exp.y).toEqual({ checkout: 1 });
    const again = applyConversions(first.exposures, [trackAt('checkout', T0 + HOUR + 2)], goals);
    expect(again.increments).toEqual([]);
  });

  it('sums values for a mean goal, moving Σy² by the change of the visitor’s square', () => {
    const first = applyConversions(exposed, [trackAt('revenue', T0 + 1, 10)], goals);
    expect(first.increments[0]).toMatchObject({ goal: 'revenue', conversions: 1, sum: 10, sumSquares: 100 });
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
