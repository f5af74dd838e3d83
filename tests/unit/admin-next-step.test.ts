/**
 * The results page's advice (admin/src/experiments/next-step.ts): how chance to win reads against the
 * sequential verdict, and the next step (ship, keep running until N more visitors, stop), on payloads
 * built by the server's own buildResults from counts.
 */
import type { Experiment, ExperimentResult } from '../../contracts/src/experiments';
import {
  BANDIT_SHIP_P_BEST,
  chanceReading,
  MAX_MORE_DAYS,
  nextStep,
  shipSummary,
  visitorsNeeded,
} from '../../admin/src/experiments/next-step';
import { unitsForPower } from '../../engine/src/stats/power';
import type { CountsCell } from '../../server/src/storage/experiment-counts';
import { buildResults } from '../../server/src/experiments/results';

const DAY = 86_400_000;
const STARTED = Date.UTC(2025, 2, 1);
const OPTIONS = { alpha: 0.05, sequentialNStar: 5000, srmThreshold: 0.001 };

type StepExperiment = Pick<Experiment, 'status' | 'mode' | 'target' | 'arms' | 'startedAt'>;

const target = { uid: 'api::article.article', documentId: 'doc1', locale: 'en' };

const experiment = (overrides: Partial<StepExperiment> = {}): StepExperiment => ({
  status: 'running',
  mode: 'ab',
  target,
  arms: [
    { key: 'control', weight: 0.5, variants: [] },
    { key: 'b', weight: 0.5, variants: ['v_b'] },
  ],
  startedAt: new Date(STARTED).toISOString(),
  ...overrides,
});

/** Units and conversions per arm (in arm order), all on the start date. */
const counts = (arms: readonly { key: string }[], perArm: [number, number][]): CountsCell[] =>
  perArm.map(([units, conversions], index) => ({
    date: '2025-03-01',
    period: 0,
    arm: arms[index].key,
    units,
    goals: { signup: { conversions, sum: conversions, sumSquares: conversions } },
  }));

const resultsOf = (exp: StepExperiment, perArm: [number, number][], days = 3, extra: Partial<Parameters<typeof buildResults>[0]['experiment']> = {}) =>
  buildResults({
    experiment: {
      key: 'cta',
      status: exp.status,
      mode: exp.mode,
      arms: exp.arms.map(({ key, weight }) => ({ key, weight })),
      goal: { event: 'signup', kind: 'conversion' },
      startedAt: exp.startedAt,
      ...extra,
    },
    cells: counts(exp.arms, perArm),
    options: OPTIONS,
    now: STARTED + days * DAY,
    nextBanditUpdateAt: null,
  });

describe('chance to win against the sequential verdict', () => {
  const result = (overrides: Partial<ExperimentResult>): ExperimentResult => ({
    goal: 'signup',
    arm: 'b',
    baseline: 'control',
    relative: { lift: 0.1, ci: [0.01, 0.19], pValue: 0.03 },
    absolute: { lift: 0.01, ci: [0.001, 0.019], pValue: 0.03 },
    sequential: { ci: [-0.04, 0.24], pValue: 0.4 },
    chanceToWin: 0.86,
    ...overrides,
  });

  it('a high chance to win with a sequential interval that still includes 0 is not conclusive', () => {
    expect(chanceReading(result({}), 0.05)).toEqual({ kind: 'includes-zero', chance: 0.86 });
  });

  it('agrees with the verdict once the sequential interval excludes 0', () => {
    expect(chanceReading(result({ sequential: { ci: [0.02, 0.18], pValue: 0.01 }, chanceToWin: 0.999 }), 0.05)).toEqual({
      kind: 'conclusive',
      verdict: 'better',
      chance: 0.999,
    });
    expect(chanceReading(result({ sequential: { ci: [-0.3, -0.05], pValue: 0.002 }, chanceToWin: 0.001 }), 0.05)).toEqual({
      kind: 'conclusive',
      verdict: 'worse',
      chance: 0.001,
    });
  });

  it('a secondary goal whose interval excludes 0 but whose Holm-adjusted p is not below alpha says so', () => {
    expect(chanceReading(result({ sequential: { ci: [0.01, 0.2], pValue: 0.09 }, chanceToWin: 0.99 }), 0.05)).toEqual({
      kind: 'adjusted',
      chance: 0.99,
      pValue: 0.09,
      alpha: 0.05,
    });
  });

  it('no estimate: no reading', () => {
    expect(chanceReading(result({ relative: null, absolute: null, sequential: null, chanceToWin: null }), 0.05)).toEqual({ kind: 'no-data' });
    expect(chanceReading(undefined, 0.05)).toEqual({ kind: 'no-data' });
  });
});

describe('the next step', () => {
  it('says nothing to decide before the start, and that a stopped experiment is final', () => {
    expect(nextStep(experiment({ status: 'draft', startedAt: null }), resultsOf(experiment(), [[0, 0], [0, 0]]))).toEqual({ kind: 'not-started' });
    expect(nextStep(experiment({ status: 'stopped' }), resultsOf(experiment(), [[5000, 500], [5000, 800]]))).toEqual({ kind: 'stopped' });
  });

  it('decides nothing while the split is off (SRM), however good the lift looks', () => {
    const results = resultsOf(experiment(), [[5000, 500], [4000, 800]]);
    expect(results.srm.ok).toBe(false);
    expect(nextStep(experiment(), results)).toEqual({ kind: 'fix-srm' });
  });

  it('waits for data while there is no estimate (no conversion in the baseline)', () => {
    expect(nextStep(experiment(), resultsOf(experiment(), [[100, 0], [100, 3]]))).toEqual({ kind: 'wait-for-data' });
  });

  it('ships an arm whose sequential interval lies above 0; a site-wide experiment cannot be shipped', () => {
    const results = resultsOf(experiment(), [[5000, 500], [5000, 650]]);
    expect(results.results[0].sequential?.ci[0]).toBeGreaterThan(0);
    expect(nextStep(experiment(), results)).toEqual({ kind: 'ship', arm: 'b', reason: 'better', canShip: true });
    expect(nextStep(experiment({ target: null }), results)).toEqual({ kind: 'ship', arm: 'b', reason: 'better', canShip: false, blocked: 'site-wide' });
    // A multivariate test's cell merges a variant per factor only while it runs: not shipped as an arm.
    expect(nextStep(experiment({ mode: 'multivariate' }), results)).toEqual({ kind: 'ship', arm: 'b', reason: 'better', canShip: false, blocked: 'multivariate' });
  });

  it('of several better arms, ships the one with the largest lift (an inconclusive arm does not hold it back)', () => {
    const three = experiment({
      arms: [
        { key: 'control', weight: 0.25, variants: [] },
        { key: 'b', weight: 0.25, variants: ['v_b'] },
        { key: 'c', weight: 0.25, variants: ['v_c'] },
        { key: 'd', weight: 0.25, variants: ['v_d'] },
      ],
    });
    const results = resultsOf(three, [[5000, 500], [5000, 650], [5000, 720], [5000, 520]]);
    expect(nextStep(three, results)).toMatchObject({ kind: 'ship', arm: 'c', reason: 'better' });
  });

  it('ships the baseline when every other arm is worse', () => {
    const results = resultsOf(experiment(), [[5000, 650], [5000, 500]]);
    expect(nextStep(experiment(), results)).toEqual({ kind: 'ship', arm: 'control', reason: 'baseline', canShip: true });
  });

  it('keeps running until the visitors the sequential test needs to detect the observed lift with 80 % power', () => {
    // 2 days in: 2,000 visitors, +10 % observed, inconclusive.
    const results = resultsOf(experiment(), [[1000, 100], [1000, 110]], 2);
    expect(chanceReading(results.results[0], results.alpha)).toMatchObject({ kind: 'includes-zero' });
    const needed = unitsForPower({ kind: 'conversion', rate: 0.1 }, 0.1, { arms: 2, sequentialNStar: 5000, alpha: 0.05 }) as number;
    expect(needed).toBeGreaterThan(2000);
    expect(visitorsNeeded(results, 0.1, 'b')).toBe(needed);
    const step = nextStep(experiment(), results);
    expect(step).toEqual({
      kind: 'keep-running',
      arm: 'b',
      lift: expect.closeTo(0.1, 12),
      visitorsNeeded: needed,
      moreVisitors: needed - 2000,
      days: expect.closeTo((needed - 2000) / 1000, 9),
      untilFullWeek: true,
    });
  });

  it('uses the configured alpha and N* of the results', () => {
    const results = { ...resultsOf(experiment(), [[1000, 100], [1000, 110]], 2), alpha: 0.1, sequentialNStar: 20000 };
    expect(visitorsNeeded(results, 0.1, 'b')).toBe(unitsForPower({ kind: 'conversion', rate: 0.1 }, 0.1, { arms: 2, sequentialNStar: 20000, alpha: 0.1 }));
  });

  it("scales the even split's number for the two arms' weights (90/10 needs (1/0.9 + 1/0.1) / 4 times as many)", () => {
    const uneven = experiment({ arms: [{ key: 'control', weight: 0.9, variants: [] }, { key: 'b', weight: 0.1, variants: ['v_b'] }] });
    // 14 days, 100,000 visitors, +10 % observed, still inconclusive: the even split's maths would call it enough.
    const results = resultsOf(uneven, [[90000, 9000], [10000, 1100]], 14);
    const even = unitsForPower({ kind: 'conversion', rate: 0.1 }, 0.1, { arms: 2, sequentialNStar: 5000, alpha: 0.05 }) as number;
    expect(even).toBeLessThan(100000);
    expect(visitorsNeeded(results, 0.1, 'b')).toBe(Math.ceil(even * ((1 / 0.9 + 1 / 0.1) / 4)));
    expect(nextStep(uneven, results)).toMatchObject({ kind: 'keep-running', arm: 'b', untilFullWeek: false });
  });

  it('after a full week with the visitors to detect the observed lift and no verdict, suggests stopping: the lift is likely smaller', () => {
    const results = resultsOf(experiment(), [[50000, 5000], [50000, 5500]], 14);
    // As if the sequential interval still included 0 (e.g. a tighter alpha).
    results.results[0] = { ...results.results[0], sequential: { ci: [-0.01, 0.21], pValue: 0.2 } };
    expect(nextStep(experiment(), results)).toMatchObject({ kind: 'stop', reason: 'likely-smaller', arm: 'b', moreVisitors: 0 });
  });

  it('no pace before a whole day has passed', () => {
    const step = nextStep(experiment(), resultsOf(experiment(), [[1000, 100], [1000, 110]], 0.5));
    expect(step).toMatchObject({ kind: 'keep-running', days: null, untilFullWeek: true });
  });

  it('suggests stopping after a full week when the observed lift would take more than 8 weeks to confirm', () => {
    // 14 days, 10,000 visitors, +1 % observed: the sequential test would need millions.
    const results = resultsOf(experiment(), [[5000, 1000], [5000, 1010]], 14);
    const step = nextStep(experiment(), results);
    expect(step).toMatchObject({ kind: 'stop', reason: 'too-small', arm: 'b' });
    if (step.kind !== 'stop') throw new Error('expected stop');
    expect(step.days).toBeGreaterThan(MAX_MORE_DAYS);
    // The same numbers in the first week: keep running (run whole weeks).
    expect(nextStep(experiment(), resultsOf(experiment(), [[5000, 1000], [5000, 1010]], 3))).toMatchObject({ kind: 'keep-running', untilFullWeek: true });
  });

  it('bandits decide on P(best): ship at 95 %, keep running below', () => {
    const bandit = experiment({ mode: 'bandit' });
    const history = (pBest: number[]) => [
      { at: new Date(STARTED).toISOString(), weights: [0.5, 0.5], pBest: [] },
      { at: new Date(STARTED + DAY).toISOString(), weights: [0.3, 0.7], pBest },
    ];
    const sure = resultsOf(bandit, [[500, 50], [500, 80]], 3, { mode: 'bandit', banditHistory: history([0.02, 0.98]), arms: [{ key: 'control', weight: 0.3 }, { key: 'b', weight: 0.7 }] });
    expect(nextStep(bandit, sure)).toEqual({ kind: 'ship', arm: 'b', reason: 'bandit', canShip: true, pBest: 0.98 });
    expect(0.98).toBeGreaterThanOrEqual(BANDIT_SHIP_P_BEST);
    const unsure = resultsOf(bandit, [[500, 50], [500, 55]], 3, { mode: 'bandit', banditHistory: history([0.4, 0.6]), arms: [{ key: 'control', weight: 0.3 }, { key: 'b', weight: 0.7 }] });
    expect(nextStep(bandit, unsure)).toEqual({ kind: 'keep-running-bandit', leader: 'b', pBest: 0.6 });
    const fresh = resultsOf(bandit, [[10, 1], [10, 1]], 0.2, { mode: 'bandit', banditHistory: history([]).slice(0, 1) });
    expect(nextStep(bandit, fresh)).toEqual({ kind: 'keep-running-bandit', leader: null, pBest: null });
  });
});

describe('what shipping an arm does, from the experiment alone', () => {
  const arms = [
    { key: 'control', variants: [] },
    { key: 'b', variants: ['v1', 'v2'] },
    { key: 'c', variants: ['v2', 'v3'] },
  ];

  it("a treatment: its variants first, the other arms' variants it does not list disabled", () => {
    expect(shipSummary(arms, 'b')).toEqual({ first: ['v1', 'v2'], disabled: ['v3'] });
  });

  it("the control: every treatment's variants disabled", () => {
    expect(shipSummary(arms, 'control')).toEqual({ first: [], disabled: ['v1', 'v2', 'v3'] });
  });
});
