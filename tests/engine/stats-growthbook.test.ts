/**
 * GrowthBook's own numbers: the cases of GrowthBook's test files, asserted to the digits those tests assert.
 * All files read at growthbook/growthbook commit 8f1db4456915a8e7b7faf23d5632ca7219d2f469.
 * CUPED's cases are in stats-cuped.test.ts. Not ported (no counterpart here): ratio-metric / post-stratification
 * cases, one-sided sequential tests, Bayesian power and proper priors, mid-experiment power.
 */
import {
  absoluteLift,
  benjaminiHochberg,
  chanceToWin,
  compareArms,
  holmBonferroni,
  mdeAt,
  normalQuantile,
  powerAt,
  powerPlan,
  relativeLift,
  srmCheck,
  srmCheckByPeriod,
  studentTCdf,
  studentTQuantile,
} from '../../engine/src/stats';
import type { Comparison, GoalKind, NoResult, PowerMetric, SufficientStats } from '../../engine/src/stats';

/** gbstats' SampleMeanStatistic(sum, sum_squares, n) / ProportionStatistic(sum, n). */
const sampleMean = (sum: number, sumSquares: number, units: number): SufficientStats => ({ units, sum, sumSquares });
const proportion = (sum: number, units: number): SufficientStats => ({ units, sum, sumSquares: sum });

const ok = (result: Comparison | NoResult): Comparison => {
  if (!result.ok) throw new Error(`no result: ${result.reason}`);
  return result;
};

const arm = (mean: number, variance = 1, units = 100) => ({ units, mean, variance });

// packages/stats/tests/test_utils.py (8f1db4456915a8e7b7faf23d5632ca7219d2f469): TestFrequentistDiff (assertEqual / assertAlmostEqual: 7 places).
describe('gbstats test_utils.py: TestFrequentistDiff', () => {
  it('test_absolute_is_plain_difference', () => {
    expect(absoluteLift(arm(-10), arm(-5)).lift).toBe(5);
    expect(absoluteLift(arm(10), arm(15)).lift).toBe(5);
  });
  it('test_relative_positive_baseline', () => {
    expect(relativeLift(arm(10), arm(15)).lift).toBeCloseTo(0.5, 7);
    expect(relativeLift(arm(10), arm(5)).lift).toBeCloseTo(-0.5, 7);
  });
  it('test_relative_negative_baseline_keeps_direction', () => {
    expect(relativeLift(arm(-10), arm(-5)).lift).toBeCloseTo(0.5, 7);
    expect(relativeLift(arm(-10), arm(-15)).lift).toBeCloseTo(-0.5, 7);
    expect(relativeLift(arm(-2), arm(3)).lift).toBeCloseTo(2.5, 7);
  });
});

// packages/shared/test/power.test.ts (8f1db4456915a8e7b7faf23d5632ca7219d2f469): frequentistVariance(2, 7, 4, 0.5, 5, 15, ...), toFixed(5).
describe('GrowthBook shared power.test.ts: delta method', () => {
  const control = arm(7, 2, 4);
  const treatment = arm(5, 0.5, 15);
  it('delta method variance absolute correct', () => {
    expect(Number(absoluteLift(control, treatment).variance.toFixed(5))).toBe(0.53333);
  });
  it('delta method variance relative correct', () => {
    expect(Number(relativeLift(control, treatment).variance.toFixed(5))).toBe(0.00589);
  });
});

// packages/stats/tests/frequentist/test_tests.py (8f1db4456915a8e7b7faf23d5632ca7219d2f469): results rounded to DECIMALS = 5.
describe('gbstats frequentist/test_tests.py: TestTwoSidedTTest', () => {
  const statA = sampleMean(1396.87, 52377.9767, 3407);
  const statB = sampleMean(2422.7, 134698.29, 3461);

  it('test_two_sided_ttest (relative)', () => {
    const { relative } = ok(compareArms('mean', statA, statB));
    expect(relative.lift).toBeCloseTo(0.70732, 5);
    expect(relative.ci[0]).toBeCloseTo(-0.03526, 5);
    expect(relative.ci[1]).toBeCloseTo(1.44989, 5);
    expect(relative.standardError).toBeCloseTo(0.37879, 5);
    expect(relative.pValue).toBeCloseTo(0.06191, 5);
  });

  it('test_two_sided_ttest_absolute', () => {
    const { absolute } = ok(compareArms('mean', statA, statB));
    expect(absolute.lift).toBeCloseTo(0.7 - 0.41, 5);
    expect(absolute.ci[0]).toBeCloseTo(0.04538, 5);
    expect(absolute.ci[1]).toBeCloseTo(0.53462, 5);
    expect(absolute.standardError).toBeCloseTo(0.12478, 5);
    expect(absolute.pValue).toBeCloseTo(0.02016, 5);
  });

  it('test_two_sided_ttest_binom', () => {
    const { relative } = ok(compareArms('conversion', proportion(14, 28), proportion(16, 30)));
    expect(relative.lift).toBeCloseTo((16 / 30 - 0.5) / 0.5, 5);
    expect(relative.ci[0]).toBeCloseTo(-0.47767, 5);
    expect(relative.ci[1]).toBeCloseTo(0.61101, 5);
    expect(relative.standardError).toBeCloseTo(0.2717, 5);
    expect(relative.pValue).toBeCloseTo(0.80707, 5);
  });

  it('test_two_sided_ttest_missing_variance: no result', () => {
    expect(compareArms('mean', sampleMean(1396.87, 52377.9767, 2), statB)).toEqual({ ok: false, reason: 'zero-variance' });
  });
});

// packages/stats/tests/frequentist/test_tests.py (8f1db4456915a8e7b7faf23d5632ca7219d2f469): TestSequentialTTest (DECIMALS = 5).
describe('gbstats frequentist/test_tests.py: TestSequentialTTest', () => {
  const statA = sampleMean(1396.87, 52377.9767, 3000);
  const statB = sampleMean(2422.7, 134698.29, 3461);

  it('test_sequential_test_runs (N* = 1000)', () => {
    const { relative } = ok(compareArms('mean', statA, statB, { sequentialNStar: 1000 }));
    expect(relative.lift).toBeCloseTo(0.50336, 5);
    expect(relative.sequential.ci[0]).toBeCloseTo(-0.55844, 5);
    expect(relative.sequential.ci[1]).toBeCloseTo(1.56516, 5);
    expect(relative.standardError).toBeCloseTo(0.33341, 5);
    expect(relative.sequential.pValue).toBe(1);
  });

  it('test_sequential_test_runs_prop (default N* = 5000)', () => {
    const { relative } = ok(compareArms('conversion', proportion(1396, 3000), proportion(2422, 3461)));
    expect(relative.lift).toBeCloseTo(0.50386, 5);
    expect(relative.sequential.ci[0]).toBeCloseTo(0.40098, 5);
    expect(relative.sequential.ci[1]).toBeCloseTo(0.60675, 5);
    expect(relative.standardError).toBeCloseTo(0.03386, 5);
    expect(relative.sequential.pValue).toBeCloseTo(0, 5);
  });

  it('test_sequential_test_tuning_as_expected: N* far below n is widest, N* near n narrowest', () => {
    const ci = (nStar: number) => ok(compareArms('mean', statA, statB, { sequentialNStar: nStar })).relative.sequential.ci;
    const below = ci(10);
    const near = ci(6461);
    const above = ci(10000);
    expect(below[0] < above[0] && below[1] > above[1]).toBe(true);
    expect(below[0] < near[0] && below[1] > near[1]).toBe(true);
    expect(above[0] < near[0] && above[1] > near[1]).toBe(true);
  });
});

// packages/stats/tests/frequentist/test_tests.py (8f1db4456915a8e7b7faf23d5632ca7219d2f469): TestOneSidedGreaterTTest / TestOneSidedLesserTTest
// print their expectations at full precision (scipy's t.cdf / t.ppf); the one-sided test is not exposed here,
// but its numbers are the Welch t CDF and quantile at the Welch–Satterthwaite dof, so they check those.
describe('gbstats frequentist/test_tests.py: one-sided t (full-precision values)', () => {
  const statA = sampleMean(1396.87, 52377.9767, 3000);
  const statB = sampleMean(2422.7, 134698.29, 3461);
  const result = ok(compareArms('mean', statA, statB));
  const dof = result.degreesOfFreedom;

  it('relative: expected, stddev, p-values and bounds', () => {
    const { lift, standardError } = result.relative;
    expect(lift).toBeCloseTo(0.5033610858562358, 12);
    expect(standardError).toBeCloseTo(0.3334122146400735, 12);
    expect(1 - studentTCdf(lift / standardError, dof)).toBeCloseTo(0.06558262868467746, 12);
    expect(studentTCdf(lift / standardError, dof)).toBeCloseTo(0.9344173713153225, 12);
    expect(lift - studentTQuantile(0.95, dof) * standardError).toBeCloseTo(-0.045136675850396046, 12);
    expect(lift + studentTQuantile(0.95, dof) * standardError).toBeCloseTo(1.0518588475628676, 12);
  });

  it('absolute: expected, stddev, p-values and bounds', () => {
    const { lift, standardError } = result.absolute;
    expect(lift).toBeCloseTo(0.23437666666666668, 12);
    expect(standardError).toBeCloseTo(0.12983081254184736, 12);
    expect(1 - studentTCdf(lift / standardError, dof)).toBeCloseTo(0.03554272489873023, 12);
    expect(studentTCdf(lift / standardError, dof)).toBeCloseTo(0.9644572751012698, 12);
    expect(lift - studentTQuantile(0.95, dof) * standardError).toBeCloseTo(0.020791480063255735, 12);
    expect(lift + studentTQuantile(0.95, dof) * standardError).toBeCloseTo(0.44796185327007765, 12);
  });
});

// packages/stats/tests/bayesian/test_tests.py (8f1db4456915a8e7b7faf23d5632ca7219d2f469): EffectBayesianABTest with the default (improper, flat)
// prior: chance to win Φ(Δ/se), credible interval Δ ± Φ⁻¹(1 − α/2)·se. DECIMALS = 5.
describe('gbstats bayesian/test_tests.py: flat prior', () => {
  const z = normalQuantile(0.975);
  const check = (kind: GoalKind, a: SufficientStats, b: SufficientStats, expected: [number, number, number, number, number]) => {
    const result = ok(compareArms(kind, a, b));
    const { lift, standardError } = result.relative;
    expect(lift).toBeCloseTo(expected[0], 5);
    expect(lift - z * standardError).toBeCloseTo(expected[1], 5);
    expect(lift + z * standardError).toBeCloseTo(expected[2], 5);
    expect(standardError).toBeCloseTo(expected[3], 5);
    expect(result.chanceToWin).toBeCloseTo(expected[4], 5);
  };

  it('TestBinom.test_bayesian_binomial_ab_test', () => {
    check('conversion', proportion(49, 100), proportion(51, 100), [0.04082, -0.24779, 0.32943, 0.14725, 0.60918]);
  });

  it('TestNorm.test_bayesian_gaussian_ab_test', () => {
    check('mean', sampleMean(100, 1002.25, 10), sampleMean(105, 1111.5, 10), [0.05, -0.02, 0.12, 0.03572, 0.91923]);
  });

  it('test_missing_data: no result (gbstats answers chanceToWin 0.5, expected 0)', () => {
    expect(compareArms('conversion', proportion(0, 0), proportion(0, 0))).toEqual({ ok: false, reason: 'no-units' });
    expect(compareArms('mean', sampleMean(0, 0, 0), sampleMean(0, 0, 0))).toEqual({ ok: false, reason: 'no-units' });
  });
});

// packages/shared/test/experiments.test.ts (8f1db4456915a8e7b7faf23d5632ca7219d2f469): "chanceToWinFlatPrior", 7 decimals.
describe('GrowthBook shared experiments.test.ts: chanceToWinFlatPrior', () => {
  it('chance to win flat prior correct', () => {
    expect(Number(chanceToWin(Math.sqrt(Math.PI), Math.PI).toFixed(7))).toBe(Number((0.7136874).toFixed(7)));
    expect(chanceToWin(0, 1)).toBe(0.5);
  });
});

// packages/back-end/test/stats.test.ts (8f1db4456915a8e7b7faf23d5632ca7219d2f469): "calculates SRM correctly", 9 decimals.
describe('GrowthBook back-end stats.test.ts: checkSrm', () => {
  const p = (units: number[], weights: number[]) => Number(srmCheck(units, weights).pValue.toFixed(9));
  it.each([
    ['simple 2-way test', [1000, 1200], [0.5, 0.5], 0.000020079],
    ['another 2-way test', [135, 115], [0.5, 0.5], 0.205903211],
    ['uneven weights', [310, 98], [0.75, 0.25], 0.647434186],
    ['not enough valid variations', [1000], [0.5, 0.5], 1],
    ['not enough valid weights', [1000, 900, 800], [1, 0, 0], 1],
    ['skip empty weights', [1000, 1200, 900], [0.5, 0.5, 0], 0.000020079],
    ['skip if all users are 0', [0, 0, 0], [0.34, 0.33, 0.33], 1],
    ['use empty users in the test', [0, 10, 10], [0.34, 0.33, 0.33], 0.005790624],
    ['more than 2 variations', [500, 500, 600], [0.34, 0.33, 0.33], 0.000592638],
    ['completely equal', [500, 500], [0.5, 0.5], 1],
  ])('%s', (_name, units, weights, expected) => {
    expect(p(units, weights)).toBe(expected);
  });

  it('flags below 0.001 (GrowthBook DEFAULT_SRM_THRESHOLD)', () => {
    expect(srmCheck([1000, 1200], [0.5, 0.5]).ok).toBe(false);
    expect(srmCheck([500, 500, 600], [0.34, 0.33, 0.33]).ok).toBe(false);
    expect(srmCheck([135, 115], [0.5, 0.5]).ok).toBe(true);
    expect(srmCheck([1000, 1200], [0.5, 0.5], { threshold: 1e-5 }).ok).toBe(true);
  });

  it('a bandit with one period is the plain check (both methods)', () => {
    const plain = srmCheck([500, 500, 600], [0.34, 0.33, 0.33]);
    expect(srmCheckByPeriod([{ units: [500, 500, 600], weights: [0.34, 0.33, 0.33] }])).toEqual(plain);
    expect(srmCheckByPeriod([{ units: [500, 500, 600], weights: [0.34, 0.33, 0.33] }], { method: 'pooled' }).pValue).toBeCloseTo(
      plain.pValue,
      15
    );
  });
});

// packages/shared/test/experiments.test.ts (8f1db4456915a8e7b7faf23d5632ca7219d2f469): "pvalue correction method", exact equality.
describe('GrowthBook shared experiments.test.ts: p-value corrections', () => {
  it('does HB procedure correctly', () => {
    expect(holmBonferroni([0.01, 0.04, 0.03, 0.005, 0.55, 0.6])).toEqual([0.05, 0.12, 0.12, 0.03, 1, 1]);
  });
  it('does BH procedure correctly (8 decimals)', () => {
    expect(benjaminiHochberg([0.898, 0.138, 0.007, 0.964, 0.538, 0.006, 0.138]).map((p) => Number(p.toFixed(8)))).toEqual([
      0.964, 0.2415, 0.0245, 0.964, 0.7532, 0.0245, 0.2415,
    ]);
  });
  it('pvals adjusted in place (setAdjustedPValuesOnResults)', () => {
    expect(holmBonferroni([0.025, 0.03])).toEqual([0.05, 0.05]);
    expect(benjaminiHochberg([0.025, 0.03])).toEqual([0.03, 0.03]);
  });
});

// packages/shared/test/power.test.ts (8f1db4456915a8e7b7faf23d5632ca7219d2f469): frequentist and sequential power and MDE, 5 decimals
// (toFixed(5)); GrowthBook's weeks are this calculator's days (any period with the same units works).
describe('GrowthBook shared power.test.ts', () => {
  const meanMetric: PowerMetric = { kind: 'mean', mean: 10, standardDeviation: Math.sqrt(3909.9997749994377) };
  const fixed5 = (x: number) => Number(x.toFixed(5));

  it('calculates power correctly', () => {
    expect(fixed5(powerAt(meanMetric, 0.05, 400000, { arms: 3, alpha: 0.05 }))).toBe(0.52144);
  });
  it('calculates two-tailed mde correctly', () => {
    const mde = mdeAt(meanMetric, 0.8, 400000, { arms: 3, alpha: 0.05 });
    expect(mde.ok && fixed5(mde.mde)).toBe(0.07027);
  });
  it('calculates sequential power correctly', () => {
    expect(fixed5(powerAt(meanMetric, 0.05, 400000, { arms: 3, alpha: 0.05, sequentialNStar: 5000 }))).toBe(0.20596);
  });
  it('calculates sequential mde correctly', () => {
    const mde = mdeAt(meanMetric, 0.8, 400000, { arms: 3, alpha: 0.05, sequentialNStar: 5000 });
    expect(mde.ok && fixed5(mde.mde)).toBe(0.12821);
  });

  const clickThroughRate: PowerMetric = { kind: 'conversion', rate: 0.1 };
  const revenue: PowerMetric = { kind: 'mean', mean: 0.1, standardDeviation: Math.sqrt(0.5) };
  const plans = (sequentialNStar: number | false) => {
    const common = { unitsPerDay: 4500, days: 9, arms: 3, alpha: 0.05, targetPower: 0.8, sequentialNStar };
    return [powerPlan({ ...common, metric: clickThroughRate, mde: 0.05 }), powerPlan({ ...common, metric: revenue, mde: 0.3 })];
  };
  // GrowthBook lists the two metrics' values week after week: [ctr week 1, revenue week 1, ctr week 2, ...].
  const interleave = (
    values: (plan: ReturnType<typeof powerPlan>, index: number) => number | undefined,
    both: ReturnType<typeof plans>
  ) => both[0].days.flatMap((_, index) => both.map((plan) => values(plan, index))).map((x) => (x === undefined ? x : fixed5(x)));

  it('checks power', () => {
    const both = plans(false);
    expect(interleave((plan, index) => plan.days[index].power, both)).toEqual([
      0.073, 0.17053, 0.0965, 0.29389, 0.1204, 0.41122, 0.14458, 0.51749, 0.16895, 0.61037, 0.19342, 0.68938, 0.21791, 0.75513,
      0.24235, 0.80886, 0.26666, 0.85213,
    ]);
    expect(interleave((plan, index) => plan.days[index].mde, both)).toEqual([
      0.36767, 1.26769, 0.24505, 0.71941, 0.19525, 0.54299, 0.16673, 0.4506, 0.14774, 0.39208, 0.13394, 0.35099, 0.12336, 0.32018,
      0.11491, 0.29603, 0.10796, 0.27647,
    ]);
    expect(both[0].daysToPower).toBeUndefined();
    expect(both[1].daysToPower).toBe(8);
    expect(both[1].unitsToPower).toBe(8 * 4500);
  });

  it('checks sequential power', () => {
    const both = plans(5000);
    expect(interleave((plan, index) => plan.days[index].power, both)).toEqual([
      0.05936, 0.09832, 0.06912, 0.14992, 0.07849, 0.19972, 0.08761, 0.24784, 0.09657, 0.29426, 0.10541, 0.33888, 0.11415,
      0.38165, 0.12282, 0.42249, 0.13142, 0.46136,
    ]);
    expect(interleave((plan, index) => plan.days[index].mde, both)).toEqual([
      0.65545, 4.33868, 0.4112, 1.51846, 0.32394, 1.04943, 0.27607, 0.84084, 0.24484, 0.71862, 0.22241, 0.63663, 0.20532, 0.577,
      0.19172, 0.53123, 0.18058, 0.49473,
    ]);
    expect(both[0].daysToPower).toBeUndefined();
    expect(both[1].daysToPower).toBeUndefined();
  });
});

// Beyond the published cases: gbstats itself (packages/stats/gbstats at 8f1db4456915a8e7b7faf23d5632ca7219d2f469, run here under Python 3.11 with
// scipy 1.17.1 and numpy 2.4.6; pandas, used only for DataFrame outputs, stubbed) on further inputs:
// TwoSidedTTest and SequentialTwoSidedTTest (relative and absolute), EffectBayesianABTest.chanceToWin and
// utils.check_srm, at full precision. Agreement to 1e-9 (observed: within 1e-13).
const GBSTATS_RUNS = [
  {
    kind: 'conversion',
    control: { units: 1200, sum: 96, sumSquares: 96 },
    treatment: { units: 1180, sum: 112, sumSquares: 112 },
    nStar: 5000,
    relative: {
      lift: 0.1864406779661017,
      se: 0.15768705891542684,
      ci: [-0.1227790530826312, 0.4956604090148346],
      pValue: 0.23718765301738798,
      seqCi: [-0.3009999415195614, 0.6738812974517647],
      seqPValue: 1.0,
    },
    absolute: {
      lift: 0.014915254237288136,
      se: 0.011581680525715572,
      ci: [-0.007796084041745189, 0.03762659251632146],
      pValue: 0.1979309998419243,
      seqCi: [-0.0208859178371283, 0.050716426311704574],
      seqPValue: 1.0,
    },
    chanceToWin: 0.8814657982130871,
  },
  {
    kind: 'conversion',
    control: { units: 50000, sum: 1550, sumSquares: 1550 },
    treatment: { units: 50210, sum: 1682, sumSquares: 1682 },
    nStar: 5000,
    relative: {
      lift: 0.08062267508721435,
      se: 0.03743036200804937,
      ci: [0.007259626525076446, 0.15398572364935226],
      pValue: 0.031247422300873406,
      seqCi: [-0.04428805622147876, 0.20553340639590745],
      seqPValue: 1.0,
    },
    absolute: {
      lift: 0.002499302927703645,
      se: 0.0011160706479065444,
      ci: [0.0003118182027753457, 0.0046867876526319446],
      pValue: 0.02513358432884827,
      seqCi: [-0.0012251921971950558, 0.006223798052602345],
      seqPValue: 1.0,
    },
    chanceToWin: 0.9843774786071591,
  },
  {
    kind: 'conversion',
    control: { units: 300, sum: 60, sumSquares: 60 },
    treatment: { units: 310, sum: 53, sumSquares: 53 },
    nStar: 1000,
    relative: {
      lift: -0.14516129032258074,
      se: 0.1455121593007201,
      ci: [-0.430933710127985, 0.1406111294828235],
      pValue: 0.318879135353783,
      seqCi: [-0.5903092151716822, 0.2999866345265207],
      seqPValue: 1.0,
    },
    absolute: {
      lift: -0.029032258064516148,
      se: 0.03147303538598424,
      ci: [-0.09084238805019167, 0.03277787192115937],
      pValue: 0.35666370306246575,
      seqCi: [-0.12531394653715702, 0.06724943040812473],
      seqPValue: 1.0,
    },
    chanceToWin: 0.1592394139051716,
  },
  {
    kind: 'mean',
    control: { units: 800, sum: 2173.694433493298, sumSquares: 34623.840488780785 },
    treatment: { units: 820, sum: 2325.6022280419334, sumSquares: 45749.232126739415 },
    nStar: 5000,
    relative: {
      lift: 0.04378986646879603,
      se: 0.12052810116602083,
      ci: [-0.19262014710332373, 0.2801998800409158],
      pValue: 0.7164164661076509,
      seqCi: [-0.33905655629671183, 0.42663628923430386],
      seqPValue: 1.0,
    },
    absolute: {
      lift: 0.11898223623329596,
      se: 0.32129146788415,
      ci: [-0.5112153653905133, 0.7491798378571052],
      pValue: 0.7111895469084752,
      seqCi: [-0.9015705473461355, 1.1395350198127274],
      seqPValue: 1.0,
    },
    chanceToWin: 0.6418158231144128,
  },
  {
    kind: 'mean',
    control: { units: 15000, sum: -17656.279240754353, sumSquares: 191912.83768319563 },
    treatment: { units: 14800, sum: -15531.56007519645, sumSquares: 158173.83075212865 },
    nStar: 20000,
    relative: {
      lift: 0.10845055135829276,
      se: 0.030064536020241887,
      ci: [0.04952273705248838, 0.16737836566409714],
      pValue: 0.0003099579824739074,
      seqCi: [0.016937251622167193, 0.19996385109441833],
      seqPValue: 0.00888708842446101,
    },
    absolute: {
      lift: 0.1276555479063859,
      se: 0.037528422045763336,
      ci: [0.05409818836444394, 0.20121290744832784],
      pValue: 0.000670884620037171,
      seqCi: [0.013422960615317114, 0.24188813519745467],
      seqPValue: 0.017274179652347836,
    },
    chanceToWin: 0.999845275299836,
  },
  {
    kind: 'mean',
    control: { units: 40, sum: 447.7754379789285, sumSquares: 23837.84517413245 },
    treatment: { units: 45, sum: 687.1293364448957, sumSquares: 31981.588937557197 },
    nStar: 5000,
    relative: {
      lift: 0.36403558701718064,
      se: 0.5155377788178472,
      ci: [-0.6615434389840572, 1.3896146130184186],
      pValue: 0.48211141997398244,
      seqCi: [-3.3344002516519597, 4.062471425686321],
      seqPValue: 1.0,
    },
    absolute: {
      lift: 4.07515486041336,
      se: 4.787560513286575,
      ci: [-5.44892242330646, 13.599232144133179],
      pValue: 0.3971407324632332,
      seqCi: [-30.270505360139463, 38.42081508096618],
      seqPValue: 1.0,
    },
    chanceToWin: 0.7599456853218267,
  },
];
const GBSTATS_SRM = [
  { units: [1000, 1200], weights: [0.5, 0.5], pValue: 2.007865612426481e-5 },
  {
    units: [5021, 4979, 5120],
    weights: [0.3333333333333333, 0.3333333333333333, 0.3333333333333333],
    pValue: 0.3534967624018471,
  },
  { units: [7400, 2600], weights: [0.75, 0.25], pValue: 0.020921335337794035 },
  { units: [100, 95, 130, 90], weights: [0.25, 0.25, 0.25, 0.25], pValue: 0.02512615327585958 },
];

describe('gbstats run on further inputs (full precision)', () => {
  const close = (actual: number, expected: number) =>
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
  it.each(
    GBSTATS_RUNS.map(
      (run, index) =>
        [`${run.kind} #${index + 1}, ${run.control.units} vs ${run.treatment.units} units, N* ${run.nStar}`, run] as const
    )
  )('%s', (_label, run) => {
    const result = ok(compareArms(run.kind as GoalKind, run.control, run.treatment, { sequentialNStar: run.nStar }));
    for (const scale of ['relative', 'absolute'] as const) {
      const mine = result[scale];
      const theirs = run[scale];
      close(mine.lift, theirs.lift);
      close(mine.standardError, theirs.se);
      close(mine.ci[0], theirs.ci[0]);
      close(mine.ci[1], theirs.ci[1]);
      close(mine.pValue, theirs.pValue);
      close(mine.sequential.ci[0], theirs.seqCi[0]);
      close(mine.sequential.ci[1], theirs.seqCi[1]);
      close(mine.sequential.pValue, theirs.seqPValue);
    }
    close(result.chanceToWin, run.chanceToWin);
  });
  it.each(GBSTATS_SRM.map((run) => [run.units.join('/'), run] as const))('check_srm %s', (_label, run) => {
    close(srmCheck(run.units, run.weights).pValue, run.pValue);
  });
});
