/**
 * Behaviour of engine/src/stats beyond GrowthBook's cases (stats-growthbook.test.ts), the special functions
 * (stats-special.test.ts) and the simulations (stats-simulation.test.ts): no-result cases, validation, the
 * dualities between intervals and p-values, SRM by period, multiple testing and the power calculator.
 */
import {
  addSufficientStats,
  armStatistic,
  benjaminiHochberg,
  chanceToWin,
  compareArms,
  holmBonferroni,
  mdeAt,
  normalCdf,
  powerAt,
  powerPlan,
  sequentialHalfWidth,
  sequentialPValue,
  srmCheck,
  srmCheckByPeriod,
  unitsForPower,
} from '../../engine/src/stats';
import type { Comparison, NoResult, PowerMetric, SufficientStats } from '../../engine/src/stats';

const conversions = (units: number, converted: number): SufficientStats => ({ units, sum: converted, sumSquares: converted });
const ok = (result: Comparison | NoResult): Comparison => {
  if (!result.ok) throw new Error(`no result: ${result.reason}`);
  return result;
};

describe('arm statistics', () => {
  it('conversions: p(1 − p); means: the sample variance', () => {
    expect(armStatistic('conversion', conversions(200, 50))).toEqual({ units: 200, mean: 0.25, variance: 0.1875 });
    // y = 1, 2, 3, 6: mean 3, sample variance ((4 + 1 + 0 + 9) / 3)
    expect(armStatistic('mean', { units: 4, sum: 12, sumSquares: 50 })).toEqual({ units: 4, mean: 3, variance: 14 / 3 });
    expect(armStatistic('mean', { units: 1, sum: 5, sumSquares: 25 }).variance).toBe(0);
    expect(armStatistic('mean', { units: 0, sum: 0, sumSquares: 0 })).toEqual({ units: 0, mean: 0, variance: 0 });
  });

  it('daily counters add up to the same comparison', () => {
    const days = [conversions(300, 31), conversions(280, 25), conversions(310, 40)];
    const treatmentDays = [conversions(290, 35), conversions(305, 33), conversions(300, 41)];
    const total = addSufficientStats(...days);
    expect(total).toEqual({ units: 890, sum: 96, sumSquares: 96 });
    expect(compareArms('conversion', total, addSufficientStats(...treatmentDays))).toEqual(
      compareArms('conversion', conversions(890, 96), conversions(895, 109))
    );
  });
});

describe('compareArms: no result (not an error)', () => {
  it.each([
    ['control without units', conversions(0, 0), conversions(100, 10), 'no-units'],
    ['treatment without units', conversions(100, 10), conversions(0, 0), 'no-units'],
    ['control with no conversion (zero baseline)', conversions(100, 0), conversions(100, 10), 'zero-baseline'],
    ['treatment with no conversion', conversions(100, 10), conversions(100, 0), 'zero-variance'],
    ['treatment where everybody converted', conversions(100, 10), conversions(100, 100), 'zero-variance'],
  ] as const)('%s', (_name, control, treatment, reason) => {
    expect(compareArms('conversion', control, treatment)).toEqual({ ok: false, reason });
  });

  it('means: zero baseline, one unit, constant values', () => {
    expect(compareArms('mean', { units: 50, sum: 0, sumSquares: 40 }, { units: 50, sum: 10, sumSquares: 40 })).toEqual({
      ok: false,
      reason: 'zero-baseline',
    });
    expect(compareArms('mean', { units: 1, sum: 3, sumSquares: 9 }, { units: 50, sum: 10, sumSquares: 40 })).toEqual({
      ok: false,
      reason: 'zero-variance',
    });
    expect(compareArms('mean', { units: 10, sum: 20, sumSquares: 40 }, { units: 50, sum: 10, sumSquares: 40 })).toEqual({
      ok: false,
      reason: 'zero-variance',
    });
  });

  it('rejects invalid options', () => {
    expect(() => compareArms('conversion', conversions(100, 10), conversions(100, 12), { alpha: 0 })).toThrow(RangeError);
    expect(() => compareArms('conversion', conversions(100, 10), conversions(100, 12), { alpha: 1.5 })).toThrow(RangeError);
    expect(() => compareArms('conversion', conversions(100, 10), conversions(100, 12), { sequentialNStar: 0 })).toThrow(
      RangeError
    );
  });
});

describe('compareArms: intervals, p-values and chance to win agree', () => {
  const cases: [SufficientStats, SufficientStats][] = [
    [conversions(1000, 100), conversions(1000, 130)],
    [conversions(5000, 250), conversions(5100, 240)],
    [conversions(40000, 1200), conversions(40000, 1330)],
    [conversions(300, 90), conversions(320, 70)],
  ];

  it.each(cases)('fixed and sequential: p < α exactly when 0 is outside the (1 − α) interval (%#)', (control, treatment) => {
    for (const alpha of [0.01, 0.05, 0.1, 0.2]) {
      const result = ok(compareArms('conversion', control, treatment, { alpha }));
      for (const estimate of [result.relative, result.absolute]) {
        const outside = (ci: [number, number]) => ci[0] > 0 || ci[1] < 0;
        expect(estimate.pValue < alpha).toBe(outside(estimate.ci));
        expect(estimate.sequential.pValue < alpha).toBe(outside(estimate.sequential.ci));
        // the always-valid interval is the wider one
        expect(estimate.sequential.ci[0]).toBeLessThan(estimate.ci[0]);
        expect(estimate.sequential.ci[1]).toBeGreaterThan(estimate.ci[1]);
      }
    }
  });

  it('the sequential p-value at the interval bound is α (the two formulas are one boundary)', () => {
    for (const [se, n] of [
      [0.05, 800],
      [0.01, 20000],
      [0.2, 100],
    ]) {
      const half = sequentialHalfWidth(se, n, 0.05, 5000);
      expect(sequentialPValue(half, se, n, 0.05, 5000)).toBeCloseTo(0.05, 12);
      expect(sequentialPValue(-half, se, n, 0.05, 5000)).toBeCloseTo(0.05, 12);
    }
  });

  it('relative lift is measured against |baseline| (a negative baseline keeps the direction)', () => {
    const control = { units: 400, sum: -400, sumSquares: 1200 }; // mean −1
    const treatment = { units: 400, sum: -200, sumSquares: 900 }; // mean −0.5: an increase
    const result = ok(compareArms('mean', control, treatment));
    expect(result.relative.lift).toBeCloseTo(0.5, 15);
    expect(result.absolute.lift).toBeCloseTo(0.5, 15);
    expect(result.chanceToWin).toBeGreaterThan(0.5);
  });

  it('chance to win is Φ(Δ/se) on the relative scale, symmetric around 0.5', () => {
    const result = ok(compareArms('conversion', conversions(2000, 200), conversions(2000, 226)));
    expect(result.chanceToWin).toBe(normalCdf(result.relative.lift / result.relative.standardError));
    expect(chanceToWin(0.1, 0.05) + chanceToWin(-0.1, 0.05)).toBeCloseTo(1, 15);
    expect(chanceToWin(0.1, 0.05)).toBeCloseTo(0.9772498680518208, 14);
  });

  it('a larger α gives narrower intervals; more units give narrower intervals', () => {
    const narrow = ok(compareArms('conversion', conversions(4000, 400), conversions(4000, 450), { alpha: 0.1 }));
    const wide = ok(compareArms('conversion', conversions(4000, 400), conversions(4000, 450), { alpha: 0.01 }));
    expect(narrow.relative.ci[1] - narrow.relative.ci[0]).toBeLessThan(wide.relative.ci[1] - wide.relative.ci[0]);
    const more = ok(compareArms('conversion', conversions(40000, 4000), conversions(40000, 4500)));
    const less = ok(compareArms('conversion', conversions(4000, 400), conversions(4000, 450)));
    expect(more.relative.sequential.ci[1] - more.relative.sequential.ci[0]).toBeLessThan(
      less.relative.sequential.ci[1] - less.relative.sequential.ci[0]
    );
  });
});

describe('SRM', () => {
  it('weights need not sum to 1; 0-weight arms are left out', () => {
    expect(srmCheck([310, 98], [3, 1])).toEqual(srmCheck([310, 98], [0.75, 0.25]));
    expect(srmCheck([1000, 1200, 50], [1, 1, 0])).toEqual(srmCheck([1000, 1200], [1, 1]));
    const result = srmCheck([1000, 1200], [0.5, 0.5]);
    expect(result.chiSquare).toBeCloseTo(100 ** 2 / 1100 + 100 ** 2 / 1100, 12);
    expect(result.degreesOfFreedom).toBe(1);
  });

  it('by period: Σ χ² over periods with Σ (arms − 1) degrees of freedom; empty periods count for nothing', () => {
    const periods = [
      { units: [500, 520, 480], weights: [1 / 3, 1 / 3, 1 / 3] },
      { units: [0, 0, 0], weights: [0.6, 0.2, 0.2] },
      { units: [610, 190, 230], weights: [0.6, 0.2, 0.2] },
      { units: [900, 50], weights: [0.9, 0.1] },
    ];
    const parts = periods.map((period) => srmCheck(period.units, period.weights));
    const result = srmCheckByPeriod(periods);
    expect(result.chiSquare).toBeCloseTo(
      parts.reduce((sum, part) => sum + part.chiSquare, 0),
      12
    );
    expect(result.degreesOfFreedom).toBe(2 + 0 + 2 + 1);
  });

  it('with constant weights the pooled and the pooled-adjusted checks are the same Pearson χ²', () => {
    const weights = [0.5, 0.3, 0.2];
    const periods = [
      { units: [510, 290, 205], weights },
      { units: [480, 320, 190], weights },
      { units: [1000, 590, 420], weights },
    ];
    const plain = srmCheck([1990, 1200, 815], weights);
    const pooled = srmCheckByPeriod(periods, { method: 'pooled' });
    const adjusted = srmCheckByPeriod(periods, { method: 'pooled-adjusted' });
    expect(pooled.chiSquare).toBeCloseTo(plain.chiSquare, 10);
    expect(adjusted.chiSquare).toBeCloseTo(plain.chiSquare, 10);
    expect(adjusted.degreesOfFreedom).toBe(2);
    expect(adjusted.pValue).toBeCloseTo(plain.pValue, 10);
  });

  it('no periods, or no units: p = 1, not flagged', () => {
    for (const method of ['periods', 'pooled', 'pooled-adjusted'] as const) {
      expect(srmCheckByPeriod([], { method })).toMatchObject({ pValue: 1, ok: true });
      expect(srmCheckByPeriod([{ units: [0, 0], weights: [0.5, 0.5] }], { method })).toMatchObject({ pValue: 1, ok: true });
    }
  });
});

describe('multiple testing', () => {
  it('Holm and BH: empty, single, never below the raw p-value, never above 1', () => {
    expect(holmBonferroni([])).toEqual([]);
    expect(holmBonferroni([0.03])).toEqual([0.03]);
    expect(benjaminiHochberg([0.03])).toEqual([0.03]);
    const raw = [0.2, 0.001, 0.04, 0.5, 0.011];
    for (const adjusted of [holmBonferroni(raw), benjaminiHochberg(raw)]) {
      adjusted.forEach((p, index) => {
        expect(p).toBeGreaterThanOrEqual(raw[index]);
        expect(p).toBeLessThanOrEqual(1);
      });
    }
    expect(holmBonferroni(raw)).toEqual([0.4, 0.005, 0.12, 0.5, 0.044]);
  });
});

describe('power and duration', () => {
  const metric: PowerMetric = { kind: 'conversion', rate: 0.1 };

  it('unitsForPower is the first whole number of units with 80 % power', () => {
    for (const sequentialNStar of [false, 5000] as const) {
      const units = unitsForPower(metric, 0.05, { sequentialNStar });
      expect(units).toBeDefined();
      expect(powerAt(metric, 0.05, units!, { sequentialNStar })).toBeGreaterThanOrEqual(0.8);
      expect(powerAt(metric, 0.05, units! - 1, { sequentialNStar })).toBeLessThan(0.8);
    }
    // Fixed horizon: the textbook (z₀.₉₇₅ + z₀.₈)² σ² (1 + (1 + Δ)²) / (μ Δ)² per arm (delta method, the
    // treatment's mean in its term), within a percent (the formula ignores the far tail).
    const perArm = ((1.959964 + 0.841621) ** 2 * 0.09 * (1 + 1.05 ** 2)) / (0.1 * 0.05) ** 2;
    expect(unitsForPower(metric, 0.05)! / 2 / perArm).toBeCloseTo(1, 2);
    expect(unitsForPower(metric, 0.05, { sequentialNStar: 5000 })!).toBeGreaterThan(unitsForPower(metric, 0.05)!);
  });

  it('the MDE at 80 % power is the lift whose power is 80 %', () => {
    for (const sequentialNStar of [false, 5000] as const) {
      const mde = mdeAt(metric, 0.8, 30000, { sequentialNStar });
      expect(mde.ok).toBe(true);
      if (mde.ok) expect(powerAt(metric, mde.mde, 30000, { sequentialNStar })).toBeCloseTo(0.8, 5);
    }
    expect(mdeAt(metric, 0.04, 30000)).toEqual({ ok: false, reason: 'power-not-above-alpha' });
    expect(mdeAt(metric, 0.8, 40)).toEqual({ ok: false, reason: 'too-few-units' });
  });

  it('powerPlan: power grows day by day; daysToPower is the first day at (rounded) 80 %', () => {
    const plan = powerPlan({ metric, mde: 0.05, unitsPerDay: 10000, days: 21 });
    for (let index = 1; index < plan.days.length; index += 1) {
      expect(plan.days[index].power).toBeGreaterThan(plan.days[index - 1].power);
      expect(plan.days[index].mde!).toBeLessThan(plan.days[index - 1].mde!);
    }
    const day = plan.daysToPower!;
    expect(Math.round(plan.days[day - 1].power * 100) / 100).toBeGreaterThanOrEqual(0.8);
    expect(Math.round(plan.days[day - 2].power * 100) / 100).toBeLessThan(0.8);
    expect(plan.unitsToPower).toBe(day * 10000);
    expect(day).toBe(Math.ceil(unitsForPower(metric, 0.05)! / 10000));
  });

  it('more arms need more units; invalid settings are refused', () => {
    expect(unitsForPower(metric, 0.05, { arms: 3 })!).toBeGreaterThan(unitsForPower(metric, 0.05)!);
    expect(() => powerAt(metric, 0.05, 1000, { arms: 1 })).toThrow(RangeError);
    expect(() => powerAt(metric, 0.05, 1000, { alpha: 0 })).toThrow(RangeError);
    expect(() => powerAt(metric, 0.05, 1000, { sequentialNStar: -1 })).toThrow(RangeError);
  });
});
