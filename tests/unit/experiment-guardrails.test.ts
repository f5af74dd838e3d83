/**
 * Guardrails on the server (server/src/experiments/results.ts): the results' verdict per guardrail and arm, and the
 * bandit input marking an arm that harms a guardrail, so that nextBanditWeights gives it no more weight. The
 * verdicts are checked against the engine's compareArms on the same counts.
 */
import { nextBanditWeights } from '../../engine/src/experiments';
import { compareArms, compareArmsCuped, guardrailVerdict } from '../../engine/src/stats';
import type { CountsCell } from '../../server/src/storage/experiment-counts';
import { banditInputOf, buildResults, harmfulArms, type ResultsExperiment } from '../../server/src/experiments/results';

const OPTIONS = { alpha: 0.05, sequentialNStar: 5000, srmThreshold: 0.001 };
const NOW = Date.UTC(2025, 2, 10, 12, 0, 0);

const experiment: ResultsExperiment = {
  key: 'guarded',
  status: 'running',
  mode: 'bandit',
  arms: [
    { key: 'control', weight: 1 / 3 },
    { key: 'b', weight: 1 / 3 },
    { key: 'c', weight: 1 / 3 },
  ],
  goal: { event: 'signup', kind: 'conversion' },
  guardrails: [
    { event: 'refund', kind: 'conversion', direction: 'decrease' },
    { event: 'time', kind: 'mean', direction: 'increase' },
  ],
  startedAt: '2025-03-01T00:00:00.000Z',
  banditHistory: [{ at: '2025-03-01T00:00:00.000Z', weights: [1 / 3, 1 / 3, 1 / 3], pBest: [] }],
  bandit: { burnInMinutes: 0, minUnitsPerArm: 100 },
};

/** 2000 units per arm; b converts best on signup but sends refunds 3× as often; c is like control. */
const counts = { control: { signup: 200, refund: 100 }, b: { signup: 300, refund: 300 }, c: { signup: 210, refund: 95 } };
const cells: CountsCell[] = Object.entries(counts).map(([arm, { signup, refund }]) => ({
  date: '2025-03-02',
  period: 0,
  arm,
  units: 2000,
  goals: {
    signup: { conversions: signup, sum: signup, sumSquares: signup },
    refund: { conversions: refund, sum: refund, sumSquares: refund },
    time: { conversions: 2000, sum: 2000 * 30, sumSquares: 2000 * 30 * 30 + 2000 * 100 },
  },
}));

describe('guardrails in results and bandit updates', () => {
  it('marks each guardrail result with its direction and whether the arm harms it, as compareArms says', () => {
    const results = buildResults({ experiment, cells, options: OPTIONS, now: NOW, nextBanditUpdateAt: null });
    expect(results.goals.map((goal) => goal.goal)).toEqual(['signup', 'refund', 'time']);
    for (const arm of ['b', 'c'] as const) {
      const expected = compareArms(
        'conversion',
        { units: 2000, sum: counts.control.refund, sumSquares: counts.control.refund },
        { units: 2000, sum: counts[arm].refund, sumSquares: counts[arm].refund },
        OPTIONS
      );
      if (!expected.ok) throw new Error('no result');
      const result = results.results.find((entry) => entry.goal === 'refund' && entry.arm === arm)!;
      expect(result.sequential!.ci[0]).toBeCloseTo(expected.relative.sequential.ci[0], 12);
      expect(result.guardrail).toEqual({ direction: 'decrease', harmful: expected.relative.sequential.ci[0] > 0 });
    }
    expect(results.results.find((entry) => entry.goal === 'refund' && entry.arm === 'b')!.guardrail!.harmful).toBe(true);
    expect(results.results.find((entry) => entry.goal === 'refund' && entry.arm === 'c')!.guardrail!.harmful).toBe(false);
    // Equal means: not harmful; the primary goal carries no verdict.
    expect(results.results.filter((entry) => entry.goal === 'time').map((entry) => entry.guardrail)).toEqual([
      { direction: 'increase', harmful: false },
      { direction: 'increase', harmful: false },
    ]);
    expect(results.results.filter((entry) => entry.goal === 'signup').every((entry) => entry.guardrail === undefined)).toBe(true);
  });

  it('marks the harmful arm in the bandit input, and the update gives it no more weight', () => {
    expect(harmfulArms(experiment, cells, OPTIONS)).toEqual([false, true, false]);
    const marked = banditInputOf(experiment, cells, NOW, {}, OPTIONS);
    expect(marked.arms.map((arm) => arm.harmful === true)).toEqual([false, true, false]);
    const unmarked = banditInputOf(experiment, cells, NOW, {});
    expect(unmarked.arms.some((arm) => arm.harmful)).toBe(false);

    const free = nextBanditWeights(unmarked);
    const capped = nextBanditWeights(marked);
    expect(free.updated && capped.updated).toBe(true);
    // Without the guardrail, b (best on signup) would gain; marked harmful, it keeps at most its current weight.
    expect(free.weights[1]).toBeGreaterThan(1 / 3);
    expect(capped.weights[1]).toBeCloseTo(1 / 3, 12);
    expect(capped.weights.reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(1, 12);
    // What b would have gained goes to the others in proportion to their new weights.
    const excess = free.weights[1] - 1 / 3;
    const receiving = free.weights[0] + free.weights[2];
    expect(capped.weights[0]).toBeCloseTo(free.weights[0] + (excess * free.weights[0]) / receiving, 12);
    expect(capped.weights[2]).toBeCloseTo(free.weights[2] + (excess * free.weights[2]) / receiving, 12);
  });

  it('reads a guardrail on the CUPED-adjusted interval when CUPED adjusted it, in the results and for the bandit', () => {
    // Time on page: y = x + 20 + noise, the pre-exposure value x (mean 10, var 100) explaining most of y's variance
    // (noise var 4); b lowers y by 0.5 s (−1.7 %).
    const n = 2000;
    const arm = (mean: number) => ({
      units: n,
      sum: n * mean,
      sumSquares: n * (104 + mean * mean),
      preSum: n * 10,
      preSumSquares: n * (100 + 100),
      crossSum: n * (100 + 10 * mean),
    });
    const stats = { control: arm(30), b: arm(29.5) };
    const cuped: ResultsExperiment = {
      ...experiment,
      mode: 'ab',
      arms: [
        { key: 'control', weight: 0.5 },
        { key: 'b', weight: 0.5 },
      ],
      guardrails: [{ event: 'time', kind: 'mean', direction: 'increase' }],
      cuped: { lookbackDays: 14 },
    };
    const timeCells: CountsCell[] = (['control', 'b'] as const).map((key) => ({
      date: '2025-03-02',
      period: 0,
      arm: key,
      units: n,
      goals: {
        signup: { conversions: 200, sum: 200, sumSquares: 200 },
        time: { conversions: n, sum: stats[key].sum, sumSquares: stats[key].sumSquares, preSum: stats[key].preSum, preSumSquares: stats[key].preSumSquares, crossSum: stats[key].crossSum },
      },
    }));
    // The premise: the raw interval does not show the harm, the adjusted one does.
    const raw = compareArms('mean', stats.control, stats.b, OPTIONS);
    const adjusted = compareArmsCuped('mean', stats.control, stats.b, OPTIONS);
    if (!raw.ok || !adjusted.ok) throw new Error('no result');
    expect(guardrailVerdict(raw, 'increase')).toBe('ok');
    expect(adjusted.adjusted).toBe(true);
    expect(guardrailVerdict(adjusted, 'increase')).toBe('harmful');

    const results = buildResults({ experiment: cuped, cells: timeCells, options: OPTIONS, now: NOW, nextBanditUpdateAt: null });
    const time = results.results.find((entry) => entry.goal === 'time' && entry.arm === 'b')!;
    expect(time.sequential!.ci[1]).toBeGreaterThan(0);
    expect(time.cuped!.sequential.ci[1]).toBeCloseTo(adjusted.relative.sequential.ci[1], 12);
    expect(time.guardrail).toEqual({ direction: 'increase', harmful: true });
    expect(harmfulArms(cuped, timeCells, OPTIONS)).toEqual([false, true]);
    // With CUPED off, the raw interval decides: not harmful.
    const off = { ...cuped, cuped: { enabled: false } };
    expect(buildResults({ experiment: off, cells: timeCells, options: OPTIONS, now: NOW, nextBanditUpdateAt: null }).results.find((entry) => entry.goal === 'time')!.guardrail).toEqual({
      direction: 'increase',
      harmful: false,
    });
    expect(harmfulArms(off, timeCells, OPTIONS)).toEqual([false, false]);
  });
});
