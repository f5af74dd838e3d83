/**
 * server/src/experiments/results.ts: the results payload and the bandit input from the counts cells, and
 * counts.ts's parser. Numbers are checked against the engine's compareArms / srmCheck / srmCheckByPeriod on
 * the same counts, against hand-computed Holm and bandit-SRM values, and against two of GrowthBook's own
 * test vectors (the ones tests/engine/stats-growthbook.test.ts cites) run through buildResults.
 */
import { nextBanditWeights } from '../../engine/src/experiments';
import { compareArms, normalCdf, srmCheck, srmCheckByPeriod } from '../../engine/src/stats';
import type { Comparison, NoResult } from '../../engine/src/stats';
import { cellsOf, counterField, type CountsCell, type GoalCounts } from '../../server/src/storage/experiment-counts';
import { banditInputOf, buildResults, type ResultsExperiment, type ResultsOptions } from '../../server/src/experiments/results';

const NOW = Date.UTC(2025, 2, 10, 12, 0, 0);
const OPTIONS: ResultsOptions = { alpha: 0.05, sequentialNStar: 5000, srmThreshold: 0.001 };

const experiment = (overrides: Partial<ResultsExperiment> = {}): ResultsExperiment => ({
  key: 'cta',
  status: 'running',
  mode: 'ab',
  arms: [
    { key: 'control', weight: 0.4 },
    { key: 'b', weight: 0.3 },
    { key: 'c', weight: 0.3 },
  ],
  goal: { event: 'signup', kind: 'conversion' },
  startedAt: '2025-03-01T00:00:00.000Z',
  ...overrides,
});

const cell = (
  date: string,
  period: number,
  arm: string,
  units: number,
  goals: Record<string, Partial<GoalCounts>> = {}
): CountsCell => ({
  date,
  period,
  arm,
  units,
  goals: Object.fromEntries(
    Object.entries(goals).map(([event, counts]) => {
      const conversions = counts.conversions ?? 0;
      return [event, { conversions, sum: counts.sum ?? conversions, sumSquares: counts.sumSquares ?? conversions }];
    })
  ),
});

const ok = (result: Comparison | NoResult): Comparison => {
  if (!result.ok) throw new Error(`no result: ${result.reason}`);
  return result;
};

const build = (
  exp: ResultsExperiment,
  cells: CountsCell[],
  options: ResultsOptions = OPTIONS,
  nextBanditUpdateAt: string | null = null
) => buildResults({ experiment: exp, cells, options, now: NOW, nextBanditUpdateAt });

describe('cellsOf (counts.ts)', () => {
  it('parses a flat counter map (numbers or strings, as Redis returns them) and ignores junk fields', () => {
    const cohort = { date: '2025-03-02', period: 1 };
    const counters: Record<string, number | string> = {
      [counterField.units(cohort, 'b')]: '40',
      [counterField.conversions(cohort, 'b', 'signup')]: 3,
      [counterField.sum(cohort, 'b', 'signup')]: '3',
      [counterField.sumSquares(cohort, 'b', 'signup')]: 3,
      [counterField.units({ date: '2025-03-01', period: 0 }, 'control')]: 7,
      [counterField.sum({ date: '2025-03-01', period: 0 }, 'control', 'revenue')]: 12.5,
      [counterField.sumSquares({ date: '2025-03-01', period: 0 }, 'control', 'revenue')]: 80.25,
      [counterField.units({ date: '2025-03-02', period: 0 }, 'b')]: 5,
      // junk
      hello: 1,
      'not-a-date|0|b|u': 9,
      '2025-03-02|-1|b|u': 9,
      '2025-03-02|1.5|b|u': 9,
      '2025-03-02|x|b|u': 9,
      '2025-03-02|1|b': 9,
      [counterField.units({ date: '2025-03-03', period: 0 }, 'b')]: 'NaN',
      [counterField.units({ date: '2025-03-04', period: 0 }, 'b')]: 'twelve',
    };
    expect(cellsOf(counters)).toEqual([
      {
        date: '2025-03-01',
        period: 0,
        arm: 'control',
        units: 7,
        goals: { revenue: { conversions: 0, sum: 12.5, sumSquares: 80.25 } },
      },
      { date: '2025-03-02', period: 0, arm: 'b', units: 5, goals: {} },
      { date: '2025-03-02', period: 1, arm: 'b', units: 40, goals: { signup: { conversions: 3, sum: 3, sumSquares: 3 } } },
    ]);
  });

  it('ignores fields with an extra part or an empty period', () => {
    const counters = {
      '2025-03-02|1|b|u': 4,
      '2025-03-02|1|b|signup|c': 2,
      '2025-03-02|1|b|signup|c|extra': 9,
      '2025-03-02||b|u': 9,
    };
    expect(cellsOf(counters)).toEqual([
      { date: '2025-03-02', period: 1, arm: 'b', units: 4, goals: { signup: { conversions: 2, sum: 0, sumSquares: 0 } } },
    ]);
  });

  it('sorts by date, period, then arm', () => {
    const cells = cellsOf({ '2025-03-02|0|a|u': 1, '2025-03-01|1|a|u': 1, '2025-03-01|0|b|u': 1, '2025-03-01|0|a|u': 1 });
    expect(cells.map((c) => `${c.date}/${c.period}/${c.arm}`)).toEqual([
      '2025-03-01/0/a',
      '2025-03-01/0/b',
      '2025-03-01/1/a',
      '2025-03-02/0/a',
    ]);
  });
});

describe('buildResults: totals, arm order, daily', () => {
  const cells = [
    cell('2025-03-02', 1, 'b', 60, { signup: { conversions: 9 } }),
    cell('2025-03-01', 0, 'b', 100, { signup: { conversions: 12 }, other: { conversions: 50 } }),
    cell('2025-03-01', 0, 'control', 120, { signup: { conversions: 10 } }),
    cell('2025-03-02', 0, 'control', 30, { signup: { conversions: 2 } }),
    cell('2025-03-02', 1, 'control', 50, { signup: { conversions: 5 } }),
    cell('2025-03-01', 0, 'gone', 999, { signup: { conversions: 999 } }),
  ];
  const results = build(experiment(), cells);

  it('sums every cohort of each arm on the primary goal, in the arms order, with zeros for an arm without cells', () => {
    expect(results.arms).toEqual([
      { key: 'control', weight: 0.4, units: 200, conversions: 17, sum: 17, sumSquares: 17, mean: 17 / 200 },
      { key: 'b', weight: 0.3, units: 160, conversions: 21, sum: 21, sumSquares: 21, mean: 21 / 160 },
      { key: 'c', weight: 0.3, units: 0, conversions: 0, sum: 0, sumSquares: 0, mean: null },
    ]);
  });

  it('copies key, status and mode; updatedAt is now; no bandit section for an A/B test', () => {
    expect(results).toMatchObject({ key: 'cta', status: 'running', mode: 'ab', updatedAt: '2025-03-10T12:00:00.000Z' });
    expect(results).not.toHaveProperty('bandit');
  });

  it("daily: one entry per date (oldest first), each arm in arm order, summed over the date's periods", () => {
    expect(results.daily).toEqual([
      {
        date: '2025-03-01',
        arms: [
          { key: 'control', units: 120, conversions: 10 },
          { key: 'b', units: 100, conversions: 12 },
          { key: 'c', units: 0, conversions: 0 },
        ],
      },
      {
        date: '2025-03-02',
        arms: [
          { key: 'control', units: 80, conversions: 7 },
          { key: 'b', units: 60, conversions: 9 },
          { key: 'c', units: 0, conversions: 0 },
        ],
      },
    ]);
    // The days add up to the totals.
    results.arms.forEach((arm, index) => {
      expect(results.daily.reduce((sum, day) => sum + day.arms[index].units, 0)).toBe(arm.units);
      expect(results.daily.reduce((sum, day) => sum + day.arms[index].conversions, 0)).toBe(arm.conversions);
    });
  });

  it('no cells at all: zeros, no results, no days, SRM not computed', () => {
    const empty = build(experiment({ secondary: [{ event: 'other', kind: 'mean' }] }), []);
    expect(empty.arms.map((arm) => [arm.key, arm.units, arm.mean])).toEqual([
      ['control', 0, null],
      ['b', 0, null],
      ['c', 0, null],
    ]);
    expect(empty.daily).toEqual([]);
    expect(empty.srm).toEqual({ pValue: null, ok: true });
    expect(empty.results).toHaveLength(4);
    for (const result of empty.results) {
      expect(result).toMatchObject({ relative: null, absolute: null, sequential: null, chanceToWin: null });
    }
  });
});

describe('buildResults: comparisons', () => {
  it('one result per goal (primary first) and non-baseline arm, equal to compareArms on the same counts', () => {
    const exp = experiment({ secondary: [{ event: 'revenue', kind: 'mean' }] });
    const cells = [
      cell('2025-03-01', 0, 'control', 800, {
        signup: { conversions: 80 },
        revenue: { conversions: 70, sum: 2100, sumSquares: 90000 },
      }),
      cell('2025-03-02', 0, 'control', 400, {
        signup: { conversions: 44 },
        revenue: { conversions: 30, sum: 950, sumSquares: 41000 },
      }),
      cell('2025-03-01', 0, 'b', 900, {
        signup: { conversions: 110 },
        revenue: { conversions: 90, sum: 2900, sumSquares: 130000 },
      }),
      cell('2025-03-02', 0, 'b', 300, { signup: { conversions: 40 }, revenue: { conversions: 25, sum: 700, sumSquares: 30000 } }),
      cell('2025-03-01', 0, 'c', 1150, {
        signup: { conversions: 100 },
        revenue: { conversions: 95, sum: 2800, sumSquares: 120000 },
      }),
    ];
    const { results } = build(exp, cells);
    expect(results.map((result) => [result.goal, result.arm, result.baseline])).toEqual([
      ['signup', 'b', 'control'],
      ['signup', 'c', 'control'],
      ['revenue', 'b', 'control'],
      ['revenue', 'c', 'control'],
    ]);
    const primaryB = ok(
      compareArms('conversion', { units: 1200, sum: 124, sumSquares: 124 }, { units: 1200, sum: 150, sumSquares: 150 }, OPTIONS)
    );
    expect(results[0]).toEqual({
      goal: 'signup',
      arm: 'b',
      baseline: 'control',
      relative: { lift: primaryB.relative.lift, ci: primaryB.relative.ci, pValue: primaryB.relative.pValue },
      absolute: { lift: primaryB.absolute.lift, ci: primaryB.absolute.ci, pValue: primaryB.absolute.pValue },
      sequential: { ci: primaryB.relative.sequential.ci, pValue: primaryB.relative.sequential.pValue },
      chanceToWin: primaryB.chanceToWin,
    });
    // A single secondary goal: Holm over one p-value is the identity.
    const revenueC = ok(
      compareArms('mean', { units: 1200, sum: 3050, sumSquares: 131000 }, { units: 1150, sum: 2800, sumSquares: 120000 }, OPTIONS)
    );
    expect(results[3]).toEqual({
      goal: 'revenue',
      arm: 'c',
      baseline: 'control',
      relative: { lift: revenueC.relative.lift, ci: revenueC.relative.ci, pValue: revenueC.relative.pValue },
      absolute: { lift: revenueC.absolute.lift, ci: revenueC.absolute.ci, pValue: revenueC.absolute.pValue },
      sequential: { ci: revenueC.relative.sequential.ci, pValue: revenueC.relative.sequential.pValue },
      chanceToWin: revenueC.chanceToWin,
    });
  });

  it("each goal's conversions, sums and mean per arm beside the units (primary first), and N* for the admin's power maths", () => {
    const exp = experiment({ secondary: [{ event: 'revenue', kind: 'mean' }] });
    const cells = [
      cell('2025-03-01', 0, 'control', 800, { signup: { conversions: 80 }, revenue: { conversions: 70, sum: 2100, sumSquares: 90000 } }),
      cell('2025-03-02', 0, 'control', 400, { signup: { conversions: 44 }, revenue: { conversions: 30, sum: 950, sumSquares: 41000 } }),
      cell('2025-03-01', 0, 'b', 900, { signup: { conversions: 110 } }),
    ];
    const results = build(exp, cells);
    expect(results.sequentialNStar).toBe(OPTIONS.sequentialNStar);
    expect(results.goals).toEqual([
      {
        goal: 'signup',
        kind: 'conversion',
        arms: [
          { key: 'control', conversions: 124, sum: 124, sumSquares: 124, mean: 124 / 1200 },
          { key: 'b', conversions: 110, sum: 110, sumSquares: 110, mean: 110 / 900 },
          { key: 'c', conversions: 0, sum: 0, sumSquares: 0, mean: null },
        ],
      },
      {
        goal: 'revenue',
        kind: 'mean',
        arms: [
          { key: 'control', conversions: 100, sum: 3050, sumSquares: 131000, mean: 3050 / 1200 },
          { key: 'b', conversions: 0, sum: 0, sumSquares: 0, mean: 0 },
          { key: 'c', conversions: 0, sum: 0, sumSquares: 0, mean: null },
        ],
      },
    ]);
    // The primary goal's counts are arms[]'s.
    results.arms.forEach((arm, index) => expect(results.goals[0].arms[index]).toEqual({ key: arm.key, conversions: arm.conversions, sum: arm.sum, sumSquares: arm.sumSquares, mean: arm.mean }));
  });

  it('passes alpha and N* through', () => {
    const cells = [
      cell('2025-03-01', 0, 'control', 3000, { signup: { conversions: 300 } }),
      cell('2025-03-01', 0, 'b', 3000, { signup: { conversions: 345 } }),
    ];
    const options = { alpha: 0.1, sequentialNStar: 800, srmThreshold: 0.001 };
    const [result] = build(experiment(), cells, options).results;
    const expected = ok(
      compareArms('conversion', { units: 3000, sum: 300, sumSquares: 300 }, { units: 3000, sum: 345, sumSquares: 345 }, options)
    );
    expect(result.relative?.ci).toEqual(expected.relative.ci);
    expect(result.sequential).toEqual(expected.relative.sequential);
  });

  it('for conversion goals Σy and Σy² are the conversions, whatever the sum counters hold', () => {
    const cells = [
      cell('2025-03-01', 0, 'control', 100, { signup: { conversions: 10, sum: 999, sumSquares: 5 } }),
      cell('2025-03-01', 0, 'b', 100, { signup: { conversions: 15, sum: 0, sumSquares: 0 } }),
    ];
    const results = build(experiment(), cells);
    expect(results.arms[0]).toMatchObject({ conversions: 10, sum: 10, sumSquares: 10, mean: 0.1 });
    expect(results.results[0].relative?.lift).toBeCloseTo(0.5, 12);
  });

  it('no result (all null) while an arm has no units or the baseline has no conversions', () => {
    const cells = [
      cell('2025-03-01', 0, 'control', 500, { signup: { conversions: 0 }, other: { conversions: 20 } }),
      cell('2025-03-01', 0, 'b', 500, { signup: { conversions: 12 }, other: { conversions: 25 } }),
    ];
    const exp = experiment({ secondary: [{ event: 'other', kind: 'conversion' }] });
    const { results } = build(exp, cells);
    const empty = { relative: null, absolute: null, sequential: null, chanceToWin: null };
    expect(results[0]).toEqual({ goal: 'signup', arm: 'b', baseline: 'control', ...empty }); // zero baseline
    expect(results[1]).toEqual({ goal: 'signup', arm: 'c', baseline: 'control', ...empty }); // no units
    expect(results[2].relative).not.toBeNull(); // the secondary goal has a baseline
    expect(results[3]).toEqual({ goal: 'other', arm: 'c', baseline: 'control', ...empty });
    expect(compareArms('conversion', { units: 500, sum: 0, sumSquares: 0 }, { units: 500, sum: 12, sumSquares: 12 })).toEqual({
      ok: false,
      reason: 'zero-baseline',
    });
  });
});

// GrowthBook's numbers through buildResults (packages/stats/tests/frequentist/test_tests.py at
// growthbook/growthbook 8f1db4456915a8e7b7faf23d5632ca7219d2f469, DECIMALS = 5; tests/engine/stats-growthbook.test.ts).
describe("buildResults on GrowthBook's test vectors", () => {
  const twoArms = (goal: ResultsExperiment['goal']) =>
    experiment({
      arms: [
        { key: 'a', weight: 0.5 },
        { key: 'b', weight: 0.5 },
      ],
      goal,
    });

  it('TestTwoSidedTTest.test_two_sided_ttest (+ _absolute): a mean goal split over two days', () => {
    // SampleMeanStatistic(sum=1396.87, sum_squares=52377.9767, n=3407) vs (2422.7, 134698.29, 3461).
    const cells = [
      cell('2025-03-01', 0, 'a', 2000, { revenue: { conversions: 500, sum: 800, sumSquares: 30000 } }),
      cell('2025-03-02', 0, 'a', 1407, { revenue: { conversions: 400, sum: 596.87, sumSquares: 22377.9767 } }),
      cell('2025-03-01', 0, 'b', 3461, { revenue: { conversions: 1000, sum: 2422.7, sumSquares: 134698.29 } }),
    ];
    const [result] = build(twoArms({ event: 'revenue', kind: 'mean' }), cells).results;
    expect(result.relative?.lift).toBeCloseTo(0.70732, 5);
    expect(result.relative?.ci[0]).toBeCloseTo(-0.03526, 5);
    expect(result.relative?.ci[1]).toBeCloseTo(1.44989, 5);
    expect(result.relative?.pValue).toBeCloseTo(0.06191, 5);
    expect(result.absolute?.lift).toBeCloseTo(0.7 - 0.41, 5);
    expect(result.absolute?.ci[0]).toBeCloseTo(0.04538, 5);
    expect(result.absolute?.ci[1]).toBeCloseTo(0.53462, 5);
    expect(result.absolute?.pValue).toBeCloseTo(0.02016, 5);
  });

  it('TestSequentialTTest.test_sequential_test_runs_prop: a conversion goal, N* = 5000', () => {
    // ProportionStatistic(sum=1396, n=3000) vs (2422, 3461).
    const cells = [
      cell('2025-03-01', 0, 'a', 3000, { signup: { conversions: 1396 } }),
      cell('2025-03-01', 0, 'b', 3461, { signup: { conversions: 2422 } }),
    ];
    const [result] = build(twoArms({ event: 'signup', kind: 'conversion' }), cells).results;
    expect(result.relative?.lift).toBeCloseTo(0.50386, 5);
    expect(result.sequential?.ci[0]).toBeCloseTo(0.40098, 5);
    expect(result.sequential?.ci[1]).toBeCloseTo(0.60675, 5);
    expect(result.sequential?.pValue).toBeCloseTo(0, 5);
  });
});

describe('buildResults: Holm–Bonferroni across secondary goals', () => {
  // Three secondary conversion goals with a strong, a moderate and no effect for arm b; arm c is its own family.
  const exp = experiment({
    arms: [
      { key: 'control', weight: 0.5 },
      { key: 'b', weight: 0.25 },
      { key: 'c', weight: 0.25 },
    ],
    secondary: [
      { event: 'moderate', kind: 'conversion' },
      { event: 'strong', kind: 'conversion' },
      { event: 'none', kind: 'conversion' },
    ],
  });
  const counts = {
    control: { signup: 100, moderate: 100, strong: 100, none: 100 },
    b: { signup: 120, moderate: 140, strong: 170, none: 101 },
    c: { signup: 90, moderate: 130, strong: 0, none: 95 },
  };
  const cells = Object.entries(counts).map(([arm, goals]) =>
    cell(
      '2025-03-01',
      0,
      arm,
      1000,
      Object.fromEntries(Object.entries(goals).map(([goal, conversions]) => [goal, { conversions }]))
    )
  );
  const { results } = build(exp, cells);
  const find = (goal: string, arm: string) => {
    const found = results.find((result) => result.goal === goal && result.arm === arm);
    if (!found) throw new Error(`no ${goal}/${arm}`);
    return found;
  };
  const raw = (goal: 'signup' | 'moderate' | 'strong' | 'none', arm: 'b' | 'c') =>
    ok(
      compareArms(
        'conversion',
        { units: 1000, sum: counts.control[goal], sumSquares: counts.control[goal] },
        { units: 1000, sum: counts[arm][goal], sumSquares: counts[arm][goal] },
        OPTIONS
      )
    );

  it('adjusts the fixed relative, fixed absolute and sequential p-values of arm b (hand-computed Holm, m = 3)', () => {
    const strong = raw('strong', 'b');
    const moderate = raw('moderate', 'b');
    const none = raw('none', 'b');
    const pick = {
      relative: (c: Comparison) => c.relative.pValue,
      absolute: (c: Comparison) => c.absolute.pValue,
      sequential: (c: Comparison) => c.relative.sequential.pValue,
    };
    for (const [scale, p] of Object.entries(pick)) {
      // The order the step-down uses: strong < moderate < none.
      expect(p(strong)).toBeLessThan(p(moderate));
      expect(p(moderate)).toBeLessThan(p(none));
      const first = Math.min(1, 3 * p(strong));
      const second = Math.max(first, Math.min(1, 2 * p(moderate)));
      const third = Math.max(second, Math.min(1, 1 * p(none)));
      const adjusted = (goal: string) => {
        const result = find(goal, 'b');
        return scale === 'relative'
          ? result.relative?.pValue
          : scale === 'absolute'
            ? result.absolute?.pValue
            : result.sequential?.pValue;
      };
      expect(adjusted('strong')).toBeCloseTo(first, 14);
      expect(adjusted('moderate')).toBeCloseTo(second, 14);
      expect(adjusted('none')).toBeCloseTo(third, 14);
    }
  });

  it('leaves lifts, intervals and chance to win as they are', () => {
    const moderate = raw('moderate', 'b');
    const result = find('moderate', 'b');
    expect(result.relative?.lift).toBe(moderate.relative.lift);
    expect(result.relative?.ci).toEqual(moderate.relative.ci);
    expect(result.absolute?.ci).toEqual(moderate.absolute.ci);
    expect(result.sequential?.ci).toEqual(moderate.relative.sequential.ci);
    expect(result.chanceToWin).toBe(moderate.chanceToWin);
  });

  it('never adjusts the primary goal', () => {
    const signup = raw('signup', 'b');
    expect(find('signup', 'b').relative?.pValue).toBe(signup.relative.pValue);
    expect(find('signup', 'b').sequential?.pValue).toBe(signup.relative.sequential.pValue);
  });

  it("a goal without a result counts as p = 1 in its arm's family (m stays 3), and stays null", () => {
    // Arm c: 'strong' has no conversions in c (zero variance: no result).
    expect(find('strong', 'c')).toMatchObject({ relative: null, absolute: null, sequential: null, chanceToWin: null });
    const moderate = raw('moderate', 'c').relative.pValue;
    const none = raw('none', 'c').relative.pValue;
    const [low, high] = moderate < none ? [moderate, none] : [none, moderate];
    const lowAdjusted = Math.min(1, 3 * low);
    const highAdjusted = Math.max(lowAdjusted, Math.min(1, 2 * high));
    const adjusted = (goal: string) => find(goal, 'c').relative?.pValue;
    expect(moderate < none ? adjusted('moderate') : adjusted('none')).toBeCloseTo(lowAdjusted, 14);
    expect(moderate < none ? adjusted('none') : adjusted('moderate')).toBeCloseTo(highAdjusted, 14);
  });
});

describe('buildResults: SRM', () => {
  it('A/B: srmCheck of the total units against the current weights', () => {
    const exp = experiment({
      arms: [
        { key: 'control', weight: 0.5 },
        { key: 'b', weight: 0.5 },
      ],
    });
    const balanced = build(exp, [
      cell('2025-03-01', 0, 'control', 5040),
      cell('2025-03-02', 0, 'control', 10),
      cell('2025-03-01', 0, 'b', 4950),
    ]);
    const expected = srmCheck([5050, 4950], [0.5, 0.5]);
    expect(balanced.srm).toEqual({ pValue: expected.pValue, ok: true });
    expect(balanced.srm.pValue).toBeCloseTo(0.3173105, 6); // χ² = 1, 1 dof
    const skewed = build(exp, [cell('2025-03-01', 0, 'control', 5300), cell('2025-03-01', 0, 'b', 4700)]);
    expect(skewed.srm.ok).toBe(false);
    expect(skewed.srm.pValue).toBe(srmCheck([5300, 4700], [0.5, 0.5]).pValue);
  });

  it('uses the configured threshold', () => {
    const exp = experiment({
      arms: [
        { key: 'control', weight: 0.5 },
        { key: 'b', weight: 0.5 },
      ],
    });
    const cells = [cell('2025-03-01', 0, 'control', 5150), cell('2025-03-01', 0, 'b', 4850)]; // χ² = 9, p ≈ 0.0027
    expect(build(exp, cells).srm.ok).toBe(true);
    expect(build(exp, cells, { ...OPTIONS, srmThreshold: 0.01 }).srm.ok).toBe(false);
  });

  describe('bandit: each period against the weights in force then (pooled-adjusted)', () => {
    const history = [
      { at: '2025-03-01T00:00:00.000Z', weights: [0.5, 0.5], pBest: [] },
      { at: '2025-03-02T00:00:00.000Z', weights: [0.8, 0.2], pBest: [0.9, 0.1] },
    ];
    const bandit = experiment({
      mode: 'bandit',
      arms: [
        { key: 'control', weight: 0.8 },
        { key: 'b', weight: 0.2 },
      ],
      banditHistory: history,
    });

    it('matches srmCheckByPeriod and the hand-computed statistic', () => {
      // Period 0 (0.5/0.5): 520/480; period 1 (0.8/0.2): 810/190. Control: O = 1330, E = 500 + 800 = 1300;
      // Var(O − E) = 1000·0.5·0.5 + 1000·0.8·0.2 = 410; χ² = 30²/410 (1 dof); p = 2(1 − Φ(√χ²)).
      const cells = [
        cell('2025-03-01', 0, 'control', 520),
        cell('2025-03-01', 0, 'b', 480),
        cell('2025-03-02', 1, 'control', 700),
        cell('2025-03-03', 1, 'control', 110),
        cell('2025-03-02', 1, 'b', 190),
      ];
      const { srm } = build(bandit, cells);
      const chiSquare = 900 / 410;
      expect(srm.pValue).toBeCloseTo(2 * (1 - normalCdf(Math.sqrt(chiSquare))), 12);
      expect(srm.pValue).toBe(
        srmCheckByPeriod(
          [
            { units: [520, 480], weights: [0.5, 0.5] },
            { units: [810, 190], weights: [0.8, 0.2] },
          ],
          { method: 'pooled-adjusted' }
        ).pValue
      );
      expect(srm.ok).toBe(true);
      // Against the current weights alone the same units would look badly skewed.
      expect(srmCheck([1330, 670], [0.8, 0.2]).ok).toBe(false);
    });

    it('flags a period whose split ignores its weights', () => {
      const cells = [
        cell('2025-03-01', 0, 'control', 500),
        cell('2025-03-01', 0, 'b', 500),
        cell('2025-03-02', 1, 'control', 500),
        cell('2025-03-02', 1, 'b', 500),
      ];
      expect(build(bandit, cells).srm.ok).toBe(false);
    });

    it('a period beyond the history uses the current weights', () => {
      const short = { ...bandit, banditHistory: [history[0]] };
      const cells = [
        cell('2025-03-01', 0, 'control', 500),
        cell('2025-03-01', 0, 'b', 500),
        cell('2025-03-02', 1, 'control', 800),
        cell('2025-03-02', 1, 'b', 200),
      ];
      expect(build(short, cells).srm.pValue).toBe(
        srmCheckByPeriod(
          [
            { units: [500, 500], weights: [0.5, 0.5] },
            { units: [800, 200], weights: [0.8, 0.2] },
          ],
          { method: 'pooled-adjusted' }
        ).pValue
      );
    });
  });
});

describe('buildResults: the bandit section', () => {
  const history = [
    { at: '2025-03-01T00:00:00.000Z', weights: [0.5, 0.5], pBest: [] },
    { at: '2025-03-02T00:00:00.000Z', weights: [0.3, 0.7], pBest: [0.25, 0.75] },
    { at: '2025-03-03T00:00:00.000Z', weights: [0.2, 0.8], pBest: [0.15, 0.85] },
  ];
  const bandit = experiment({
    mode: 'bandit',
    arms: [
      { key: 'control', weight: 0.2 },
      { key: 'b', weight: 0.8 },
    ],
    banditHistory: history,
  });

  it('current weights, the last P(best), the history and the next update', () => {
    const results = build(bandit, [], OPTIONS, '2025-03-04T00:00:00.000Z');
    expect(results.bandit).toEqual({
      weights: [0.2, 0.8],
      pBest: [0.15, 0.85],
      history,
      nextUpdateAt: '2025-03-04T00:00:00.000Z',
    });
  });

  it('no history yet: pBest [] and history []', () => {
    const results = build({ ...bandit, banditHistory: null }, []);
    expect(results.bandit).toEqual({ weights: [0.2, 0.8], pBest: [], history: [], nextUpdateAt: null });
  });
});

describe('banditInputOf', () => {
  const exp = experiment({
    mode: 'bandit',
    arms: [
      { key: 'control', weight: 0.5 },
      { key: 'b', weight: 0.3 },
      { key: 'c', weight: 0.2 },
    ],
    goal: { event: 'signup', kind: 'conversion' },
    bandit: { burnInMinutes: 60 },
  });
  const cells = [
    cell('2025-03-01', 0, 'control', 150, { signup: { conversions: 15, sum: 77, sumSquares: 77 } }),
    cell('2025-03-02', 0, 'control', 50, { signup: { conversions: 6 } }),
    cell('2025-03-01', 0, 'b', 200, { signup: { conversions: 30 } }),
    cell('2025-03-02', 2, 'b', 120, { signup: { conversions: 20 } }),
    cell('2025-03-02', 2, 'c', 130, { signup: { conversions: 9 } }),
    cell('2025-03-02', 1, 'other', 1000, { signup: { conversions: 1000 } }),
  ];
  const input = banditInputOf(exp, cells, NOW, {
    cadenceMinutes: 1440,
    burnInMinutes: 1440,
    minUnitsPerArm: 100,
    minWeight: 0.01,
  });

  it('per arm, the primary goal per period 0..P−1 (zeros where missing), the current weights, startedAt in ms', () => {
    expect(input.arms).toEqual([
      {
        key: 'control',
        weight: 0.5,
        periods: [
          { units: 200, sum: 21, sumSquares: 21 },
          { units: 0, sum: 0, sumSquares: 0 },
          { units: 0, sum: 0, sumSquares: 0 },
        ],
      },
      {
        key: 'b',
        weight: 0.3,
        periods: [
          { units: 200, sum: 30, sumSquares: 30 },
          { units: 0, sum: 0, sumSquares: 0 },
          { units: 120, sum: 20, sumSquares: 20 },
        ],
      },
      {
        key: 'c',
        weight: 0.2,
        periods: [
          { units: 0, sum: 0, sumSquares: 0 },
          { units: 0, sum: 0, sumSquares: 0 },
          { units: 130, sum: 9, sumSquares: 9 },
        ],
      },
    ]);
    expect(input.now).toBe(NOW);
    expect(input.startedAt).toBe(Date.UTC(2025, 2, 1));
  });

  it("applies the experiment's overrides over the config (absent ones keep the config's)", () => {
    expect(input.config).toEqual({ cadenceMinutes: 1440, burnInMinutes: 60, minUnitsPerArm: 100, minWeight: 0.01 });
  });

  it('mean goals use Σy and Σy²; not started → startedAt null; no cells → no periods', () => {
    const mean = banditInputOf(
      { ...exp, goal: { event: 'revenue', kind: 'mean' }, startedAt: null, bandit: null },
      [cell('2025-03-01', 0, 'b', 10, { revenue: { conversions: 4, sum: 55.5, sumSquares: 900 } })],
      NOW
    );
    expect(mean.arms.map((arm) => arm.periods)).toEqual([
      [{ units: 0, sum: 0, sumSquares: 0 }],
      [{ units: 10, sum: 55.5, sumSquares: 900 }],
      [{ units: 0, sum: 0, sumSquares: 0 }],
    ]);
    expect(mean.startedAt).toBeNull();
    expect(mean.config).toEqual({});
    expect(banditInputOf(exp, [], NOW).arms.map((arm) => arm.periods)).toEqual([[], [], []]);
  });

  it('ignores a period index no bandit can reach (corrupt counters), in the input and in SRM', () => {
    const corrupt = [...cells, cell('2025-03-02', 5_000_000_000, 'b', 7, { signup: { conversions: 1 } })];
    expect(banditInputOf(exp, corrupt, NOW).arms.map((arm) => arm.periods.length)).toEqual([3, 3, 3]);
    expect(build(exp, corrupt).srm.pValue).not.toBeNull();
  });

  it('feeds nextBanditWeights', () => {
    const update = nextBanditWeights(input);
    expect(update.updated).toBe(true);
    expect(update.weights.reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(1, 12);
    expect(update.posteriors.map((posterior) => posterior.units)).toEqual([200, 320, 130]);
    const early = nextBanditWeights(banditInputOf(exp, cells, Date.UTC(2025, 2, 1, 0, 30), {}));
    expect(early).toMatchObject({ updated: false, reason: 'burn-in', weights: [0.5, 0.3, 0.2] });
  });
});
