/**
 * CUPED (regression adjustment) against GrowthBook's own numbers: the CUPED cases of GrowthBook's test files,
 * asserted to the digits those tests assert. All files read at growthbook/growthbook commit
 * 8f1db4456915a8e7b7faf23d5632ca7219d2f469:
 * - packages/stats/tests/test_shared_models.py: TestRegressionAdjustedStatistic, TestComputeTheta,
 *   TestEffectMomentsResult (RASTAT_A, RASTAT_B);
 * - packages/stats/tests/frequentist/test_tests.py: TestSequentialTTest.test_sequential_test_runs_ra (DECIMALS = 5);
 * - packages/stats/tests/test_gbstats.py: TestAnalyzeMetricDfRegressionAdjustment (RA_STATISTICS_DF, mean and
 *   proportion) and TestThreeArmedCuped (THREE_ARMED_CUPED_DF), DECIMALS = 9.
 * Not ported: ratio-metric CUPED (RegressionAdjustedRatioStatistic), post-stratification, Bayesian proper priors.
 */
import { addCupedStats, compareArms, compareArmsCuped, cupedArmStatistic, cupedTheta } from '../../engine/src/stats';
import type { CupedComparison, CupedSufficientStats, GoalKind, NoResult } from '../../engine/src/stats';

const ok = (result: CupedComparison | NoResult): CupedComparison => {
  if (!result.ok) throw new Error(`no result: ${result.reason}`);
  return result;
};

/** numpy.round(x, decimals), as the Python tests compare. */
const round = (x: number, decimals: number) => Number(x.toFixed(decimals));

/** gbstats RegressionAdjustedStatistic(n, post, pre, post_pre_sum_of_products) from sums. */
const ra = (
  units: number,
  post: { sum: number; sumSquares: number },
  pre: { sum: number; sumSquares: number },
  crossSum: number
): CupedSufficientStats => ({
  units,
  sum: post.sum,
  sumSquares: post.sumSquares,
  preSum: pre.sum,
  preSumSquares: pre.sumSquares,
  crossSum,
});

/** gbstats' ProportionStatistic has sum_squares = sum. */
const proportion = (units: number, sum: number, preSum: number, crossSum: number): CupedSufficientStats =>
  ra(units, { sum, sumSquares: sum }, { sum: preSum, sumSquares: preSum }, crossSum);

// test_shared_models.py: N = 4, METRIC_1 (pre) and METRIC_3 (post).
const METRIC_1 = [0.3, 0.5, 0.9, 22];
const METRIC_3 = [2, 1, 5, 3];
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const squares = (values: readonly number[]) => sum(values.map((value) => value * value));
const SHARED = ra(
  4,
  { sum: sum(METRIC_3), sumSquares: squares(METRIC_3) },
  { sum: sum(METRIC_1), sumSquares: squares(METRIC_1) },
  sum(METRIC_1.map((value, index) => value * METRIC_3[index]))
);

describe('gbstats test_shared_models.py: TestRegressionAdjustedStatistic', () => {
  it('test_regression_adjusted_statistic: θ = 0 gives the post mean and variance; θ = 0.23 does not', () => {
    const plain = cupedArmStatistic('mean', SHARED, 0);
    expect(plain.mean).toBe(2.75); // np.mean(METRIC_3)
    expect(plain.variance).toBe(plain.unadjustedVariance);
    const adjusted = cupedArmStatistic('mean', SHARED, 0.23);
    expect(adjusted.unadjustedMean).not.toBe(adjusted.mean);
    expect(adjusted.variance).not.toBe(adjusted.unadjustedVariance);
    expect(adjusted.unadjustedMean).toBe(2.75);
  });

  it('test_regression_adjusted_small_n: the variance is 0 with one unit', () => {
    expect(cupedArmStatistic('mean', { ...SHARED, units: 1 }, 0.3).variance).toBe(0);
  });
});

describe('gbstats test_shared_models.py: TestComputeTheta', () => {
  it('test_returns_0_no_variance: θ = 0.01864 (5 places), and 0 when the covariate does not vary', () => {
    expect(round(cupedTheta('mean', SHARED, SHARED), 5)).toBe(0.01864);
    const flat = { ...SHARED, preSum: 0, preSumSquares: 0, crossSum: 0 };
    expect(cupedTheta('mean', flat, flat)).toBe(0);
  });
});

describe('gbstats test_shared_models.py: TestEffectMomentsResult', () => {
  it('test_negative_variance: the absolute variance is −1.1023019547325101 and there is no result', () => {
    // RASTAT_A with post_statistic ProportionStatistic(n=4, sum=-7); RASTAT_B.
    const a = proportion(4, -7, 0, 0);
    const b = proportion(3, 1, 1, 1);
    const theta = cupedTheta('conversion', a, b);
    const armA = cupedArmStatistic('conversion', a, theta);
    const armB = cupedArmStatistic('conversion', b, theta);
    expect(armB.variance / armB.units + armA.variance / armA.units).toBeCloseTo(-1.1023019547325101, 15);
    expect(compareArmsCuped('conversion', a, b)).toEqual({ ok: false, reason: 'zero-variance' });
  });
});

describe('gbstats frequentist/test_tests.py: TestSequentialTTest.test_sequential_test_runs_ra', () => {
  it('expected 0.50338, ci (−0.50969, 1.51646), stddev 0.33341, p 1 (5 places)', () => {
    const a = ra(3000, { sum: 1396.87, sumSquares: 52377.9767 }, { sum: 16.87, sumSquares: 527.9767 }, 1);
    const b = ra(3461, { sum: 2422.7, sumSquares: 134698.29 }, { sum: 22.7, sumSquares: 1348.29 }, 1);
    const { relative } = ok(compareArmsCuped('mean', a, b));
    expect(round(relative.lift, 5)).toBe(0.50338);
    expect(round(relative.sequential.ci[0], 5)).toBe(-0.50969);
    expect(round(relative.sequential.ci[1], 5)).toBe(1.51646);
    expect(round(relative.standardError, 5)).toBe(0.33341);
    expect(relative.sequential.pValue).toBe(1);
  });
});

// test_gbstats.py RA_STATISTICS_DF: variation "zero" is the baseline.
const RA_ZERO = ra(3001, { sum: 300, sumSquares: 600 }, { sum: 210, sumSquares: 415 }, -20);
const RA_ONE = ra(3000, { sum: 222, sumSquares: 555 }, { sum: 120, sumSquares: 405 }, -10);
const asProportion = (stats: CupedSufficientStats): CupedSufficientStats =>
  proportion(stats.units, stats.sum, stats.preSum, stats.crossSum);

describe('gbstats test_gbstats.py: TestAnalyzeMetricDfRegressionAdjustment (9 places)', () => {
  it('test_analyze_metric_df_ra: means unadjusted 0.099966678 and 0.074, lift −0.281707154, p 0.003732549', () => {
    const result = ok(compareArmsCuped('mean', RA_ZERO, RA_ONE));
    expect(round(result.control.unadjustedMean, 9)).toBe(0.099966678);
    expect(round(result.treatment.unadjustedMean, 9)).toBe(0.074);
    expect(round(result.relative.lift, 9)).toBe(-0.281707154);
    expect(round(result.relative.pValue, 9)).toBe(0.003732549);
    // "But difference is not just DIM / control mean, like it used to be"
    expect(round(result.relative.lift, 3)).not.toBe(round((0.074 - 0.110963012) / 0.110963012, 3));
  });

  it('test_analyze_metric_df_ra_proportion: lift −0.31620216, p 0.000000353', () => {
    const result = ok(compareArmsCuped('conversion', asProportion(RA_ZERO), asProportion(RA_ONE)));
    expect(round(result.control.unadjustedMean, 9)).toBe(0.099966678);
    expect(round(result.treatment.unadjustedMean, 9)).toBe(0.074);
    expect(round(result.relative.lift, 9)).toBe(-0.31620216);
    expect(round(result.relative.pValue, 9)).toBe(0.000000353);
  });
});

describe('gbstats test_gbstats.py: TestThreeArmedCuped (9 places)', () => {
  const zero = RA_ZERO;
  const one = RA_ONE;
  const two = ra(4000, { sum: 450, sumSquares: 900 }, { sum: 300, sumSquares: 600 }, -30);
  it('each arm’s adjusted stddev with θ of its comparison (the baseline’s from 0 vs 2, the last one)', () => {
    const zeroVsOne = ok(compareArmsCuped('mean', zero, one));
    const zeroVsTwo = ok(compareArmsCuped('mean', zero, two));
    expect(round(Math.sqrt(zeroVsTwo.control.variance), 9)).toBe(0.434288923);
    expect(round(Math.sqrt(zeroVsOne.treatment.variance), 9)).toBe(0.423529598);
    expect(round(Math.sqrt(zeroVsTwo.treatment.variance), 9)).toBe(0.458953951);
    expect(round(zeroVsTwo.control.unadjustedMean, 9)).toBe(0.099966678);
    expect(round(zeroVsTwo.treatment.unadjustedMean, 9)).toBe(0.1125);
  });
  it('test_three_armed_cuped_baseline_stddev_different_from_no_cuped: the baseline stddev differs, the mean does not', () => {
    const cuped = ok(compareArmsCuped('mean', zero, two));
    const plain = compareArms('mean', zero, two);
    if (!plain.ok) throw new Error('no plain result');
    expect(round(Math.sqrt(cuped.control.variance), 9)).not.toBe(round(Math.sqrt(plain.control.variance), 9));
    expect(cuped.control.unadjustedMean).toBe(plain.control.mean);
  });
});

/** Per-unit (x, y) pairs to counters, for the checks below against a direct computation. */
const fromUnits = (units: ReadonlyArray<readonly [number, number]>): CupedSufficientStats =>
  addCupedStats(
    ...units.map(([x, y]) => ({ units: 1, sum: y, sumSquares: y * y, preSum: x, preSumSquares: x * x, crossSum: x * y }))
  );

describe('CUPED against a direct computation from unit data', () => {
  // Two small arms of (x, y): θ by least squares over the pooled units, adjusted means by hand.
  const control: Array<[number, number]> = [
    [0, 1],
    [2, 3],
    [1, 1],
    [4, 6],
    [3, 2],
    [0, 0],
    [5, 7],
    [1, 2],
  ];
  const treatment: Array<[number, number]> = [
    [1, 3],
    [0, 1],
    [2, 4],
    [3, 5],
    [4, 5],
    [2, 2],
    [0, 2],
  ];
  const mean = (values: readonly number[]) => sum(values) / values.length;
  const pooled = [...control, ...treatment];
  const mx = mean(pooled.map(([x]) => x));
  const my = mean(pooled.map(([, y]) => y));
  const sxy = sum(pooled.map(([x, y]) => (x - mx) * (y - my)));
  const sxx = sum(pooled.map(([x]) => (x - mx) ** 2));
  const theta = sxy / sxx;

  it('θ is the pooled least-squares slope; the adjusted means are ȳ − θx̄; the absolute lift is their difference', () => {
    const result = ok(compareArmsCuped('mean', fromUnits(control), fromUnits(treatment)));
    expect(result.theta).toBeCloseTo(theta, 12);
    const adjusted = (arm: ReadonlyArray<readonly [number, number]>) =>
      mean(arm.map(([, y]) => y)) - theta * mean(arm.map(([x]) => x));
    expect(result.control.mean).toBeCloseTo(adjusted(control), 12);
    expect(result.treatment.mean).toBeCloseTo(adjusted(treatment), 12);
    expect(result.absolute.lift).toBeCloseTo(adjusted(treatment) - adjusted(control), 12);
    // The adjusted variance is the sample variance of y − θx within the arm.
    const residualVariance = (arm: ReadonlyArray<readonly [number, number]>) => {
      const r = arm.map(([x, y]) => y - theta * x);
      const m = mean(r);
      return sum(r.map((value) => (value - m) ** 2)) / (r.length - 1);
    };
    expect(result.control.variance).toBeCloseTo(residualVariance(control), 12);
    expect(result.treatment.variance).toBeCloseTo(residualVariance(treatment), 12);
    expect(result.relative.lift).toBeCloseTo((adjusted(treatment) - adjusted(control)) / mean(control.map(([, y]) => y)), 12);
  });

  it('a covariate that explains y reduces the variance; the raw comparison is kept beside it', () => {
    const result = ok(compareArmsCuped('mean', fromUnits(control), fromUnits(treatment)));
    expect(result.adjusted).toBe(true);
    expect(result.raw.ok).toBe(true);
    if (!result.raw.ok) return;
    expect(result.varianceReduction).toBeCloseTo(
      1 - result.relative.standardError ** 2 / result.raw.relative.standardError ** 2,
      12
    );
    expect(result.varianceReduction).toBeGreaterThan(0.5);
    // p < α exactly when 0 is outside the sequential CI, on the adjusted statistics too.
    const { ci, pValue } = result.relative.sequential;
    expect(pValue < 0.05).toBe(ci[0] > 0 || ci[1] < 0);
  });

  it('θ = 0 (no pre-exposure variation) gives exactly the unadjusted comparison', () => {
    const kinds: GoalKind[] = ['mean', 'conversion'];
    for (const kind of kinds) {
      const a = proportion(1000, 100, 0, 0);
      const b = proportion(1000, 120, 0, 0);
      const result = ok(compareArmsCuped(kind, a, b));
      const plain = compareArms(kind, a, b);
      if (!plain.ok) throw new Error('no plain result');
      expect(result.adjusted).toBe(false);
      expect(result.theta).toBe(0);
      expect(result.varianceReduction).toBe(0);
      expect(result.relative).toEqual(plain.relative);
      expect(result.absolute).toEqual(plain.absolute);
      expect(result.chanceToWin).toBe(plain.chanceToWin);
    }
  });

  it('no result without units or with a zero baseline, as compareArms', () => {
    const empty = proportion(0, 0, 0, 0);
    expect(compareArmsCuped('conversion', empty, proportion(10, 2, 1, 1))).toEqual({ ok: false, reason: 'no-units' });
    expect(compareArmsCuped('conversion', proportion(10, 0, 3, 0), proportion(10, 2, 1, 1))).toEqual({
      ok: false,
      reason: 'zero-baseline',
    });
  });
});
