/**
 * Statistical honesty by simulation (seeded, deterministic; a few seconds in all). What is measured, with the
 * rates these seeds give (docs/statistics.md quotes them):
 * - A/A tests looked at every day for 14 days: the fixed-horizon test declares a winner at some look far more
 *   often than 5 % (21.8 %), the sequential test at most 5 % of the time (2.3 %);
 * - A/B tests with a true +10 % lift: the fixed CI at the final look covers it 95 % ± 1.5 % of the time (95.9 %);
 *   the sequential CI covers it at every look at once at least 95 % of the time (97.95 %: always-valid intervals
 *   are conservative by construction, so 95 % is a floor, not a target);
 * - SRM p-values under correct assignment are uniform (Kolmogorov–Smirnov) and a 52/48 split of 20,000 units is
 *   flagged; for bandits, the per-period and the covariance-adjusted pooled checks are uniform while GrowthBook's
 *   pooled check is conservative once the weights move.
 * `STATS_SIMULATION_REPORT=1 npx jest tests/engine/stats-simulation` prints every measured rate.
 */
import { compareArms, srmCheck, srmCheckByPeriod } from '../../engine/src/stats';
import type { PeriodSrmOptions, SrmPeriod, SufficientStats } from '../../engine/src/stats';
import { binomial, prng, rate } from './simulation';

// Local aliases: global lookups are slow inside Jest's vm sandbox.
const { abs, exp, max, min, sqrt } = Math;

/** Assigns `units` units one by one to arms with probabilities `shares` (exact multinomial). */
const assign = (random: () => number, units: number, shares: readonly number[]): number[] => {
  const counts = new Array<number>(shares.length).fill(0);
  const cumulative: number[] = [];
  shares.reduce((sum, share, index) => (cumulative[index] = sum + share), 0);
  for (let unit = 0; unit < units; unit += 1) {
    const u = random() * cumulative[cumulative.length - 1];
    let arm = 0;
    while (arm < shares.length - 1 && u >= cumulative[arm]) arm += 1;
    counts[arm] += 1;
  }
  return counts;
};

/**
 * One-sample Kolmogorov–Smirnov test against U(0, 1): D = sup |F_n(x) − x| and its p-value from the Kolmogorov
 * distribution, Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²} at λ = (√n + 0.12 + 0.11/√n) D (Stephens 1970;
 * Numerical Recipes §14.3).
 */
const kolmogorovSmirnovUniform = (values: readonly number[]): { d: number; pValue: number } => {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  let d = 0;
  sorted.forEach((x, index) => {
    d = max(d, (index + 1) / n - x, x - index / n);
  });
  const lambda = (sqrt(n) + 0.12 + 0.11 / sqrt(n)) * d;
  let sum = 0;
  for (let k = 1; k <= 100; k += 1) sum += 2 * (k % 2 === 1 ? 1 : -1) * exp(-2 * k * k * lambda * lambda);
  return { d, pValue: min(1, max(0, sum)) };
};

/** The measured rates; `STATS_SIMULATION_REPORT=1 npx jest tests/engine/stats-simulation` prints them. */
const measured: Record<string, number> = {};
const measure = (name: string, value: number) => ((measured[name] = value), value);
afterAll(() => {
  if (process.env.STATS_SIMULATION_REPORT) console.log(JSON.stringify(measured, null, 2));
});

describe('Kolmogorov–Smirnov helper', () => {
  it('accepts uniform draws and rejects skewed ones; critical value at 1 % ≈ 1.628/√n', () => {
    const random = prng(1);
    const uniform = Array.from({ length: 2000 }, random);
    expect(kolmogorovSmirnovUniform(uniform).pValue).toBeGreaterThan(0.01);
    expect(kolmogorovSmirnovUniform(uniform.map((x) => x ** 1.15)).pValue).toBeLessThan(0.001);
    // λ = 1.628 is the 1 % point of the Kolmogorov distribution.
    const n = 10_000;
    const d = 1.628 / (sqrt(n) + 0.12 + 0.11 / sqrt(n));
    const pointsAtD = Array.from({ length: n }, (_, index) => min(1, (index + 0.5) / n + d - 0.5 / n));
    expect(kolmogorovSmirnovUniform(pointsAtD).pValue).toBeCloseTo(0.01, 3);
  });
});

interface DailyExperiment {
  /** Over all looks: did the fixed-horizon / sequential relative p-value ever go below 0.05? */
  fixedEver: boolean;
  sequentialEver: boolean;
  /** At the final look. */
  fixedFinal: boolean;
  fixedCovers: boolean;
  absoluteCovers: boolean;
  sequentialCoversFinal: boolean;
  /** The sequential CI contained the true lift at every look. */
  sequentialCoversAlways: boolean;
  srmPValue: number;
}

const SIMULATIONS = 2000;
const LOOKS = 14;
const UNITS_PER_DAY = 600; // split 50/50 by coin flips: ~300 per arm per day
const CONTROL_RATE = 0.1;

/** 2,000 experiments of 14 days, conversions, looked at after every day. */
const simulateDaily = (treatmentRate: number, seed: number): DailyExperiment[] => {
  const random = prng(seed);
  const trueRelative = (treatmentRate - CONTROL_RATE) / CONTROL_RATE;
  const trueAbsolute = treatmentRate - CONTROL_RATE;
  const covers = (ci: [number, number], truth: number) => ci[0] <= truth && truth <= ci[1];
  const experiments: DailyExperiment[] = [];
  for (let simulation = 0; simulation < SIMULATIONS; simulation += 1) {
    const control: SufficientStats = { units: 0, sum: 0, sumSquares: 0 };
    const treatment: SufficientStats = { units: 0, sum: 0, sumSquares: 0 };
    const experiment = { fixedEver: false, sequentialEver: false, sequentialCoversAlways: true } as DailyExperiment;
    for (let look = 1; look <= LOOKS; look += 1) {
      const [unitsA, unitsB] = assign(random, UNITS_PER_DAY, [0.5, 0.5]);
      const conversionsA = binomial(random, unitsA, CONTROL_RATE);
      const conversionsB = binomial(random, unitsB, treatmentRate);
      control.units += unitsA;
      control.sum += conversionsA;
      control.sumSquares += conversionsA;
      treatment.units += unitsB;
      treatment.sum += conversionsB;
      treatment.sumSquares += conversionsB;
      const result = compareArms('conversion', control, treatment);
      if (!result.ok) throw new Error(`no result: ${result.reason}`);
      const { relative, absolute } = result;
      if (relative.pValue < 0.05) experiment.fixedEver = true;
      if (relative.sequential.pValue < 0.05) experiment.sequentialEver = true;
      if (!covers(relative.sequential.ci, trueRelative)) experiment.sequentialCoversAlways = false;
      if (look === LOOKS) {
        experiment.fixedFinal = relative.pValue < 0.05;
        experiment.fixedCovers = covers(relative.ci, trueRelative);
        experiment.absoluteCovers = covers(absolute.ci, trueAbsolute);
        experiment.sequentialCoversFinal = covers(relative.sequential.ci, trueRelative);
        experiment.srmPValue = srmCheck([control.units, treatment.units], [0.5, 0.5]).pValue;
      }
    }
    experiments.push(experiment);
  }
  return experiments;
};

describe('A/A tests with daily looks (p = 0.1, ~300 units per arm per day, 14 days)', () => {
  const experiments = simulateDaily(CONTROL_RATE, 20240601);

  it('peeking at the fixed-horizon p-value declares a winner far more often than 5 %', () => {
    const everRate = measure('A/A fixed, winner at some look', rate(experiments.map((e) => e.fixedEver)));
    expect(everRate).toBeGreaterThan(0.15); // measured: 0.218
  });

  it('read once, at the planned end, the fixed-horizon test is right: 5 % ± 1.5 %', () => {
    const finalRate = measure('A/A fixed, winner at the final look', rate(experiments.map((e) => e.fixedFinal)));
    expect(abs(finalRate - 0.05)).toBeLessThanOrEqual(0.015); // measured: 0.0445
  });

  it('the sequential test declares a winner at some look at most 5 % of the time', () => {
    const sequentialRate = measure('A/A sequential, winner at some look', rate(experiments.map((e) => e.sequentialEver)));
    expect(sequentialRate).toBeLessThanOrEqual(0.05); // measured: 0.023
  });

  it('SRM p-values under correct assignment are uniform (KS), and almost never flagged', () => {
    const pValues = experiments.map((e) => e.srmPValue);
    expect(measure('A/A SRM p-values, KS p', kolmogorovSmirnovUniform(pValues).pValue)).toBeGreaterThan(0.01);
    expect(rate(pValues.map((p) => p < 0.001))).toBeLessThanOrEqual(0.003);
  });
});

describe('A/B tests with a true +10 % lift (0.10 → 0.11): coverage', () => {
  const experiments = simulateDaily(0.11, 20240602);

  it('the fixed-horizon CI at the final look covers the true relative and absolute lift 95 % ± 1.5 % of the time', () => {
    const relative = measure('A/B fixed CI coverage, relative, final look', rate(experiments.map((e) => e.fixedCovers)));
    const absolute = measure('A/B fixed CI coverage, absolute, final look', rate(experiments.map((e) => e.absoluteCovers)));
    expect(abs(relative - 0.95)).toBeLessThanOrEqual(0.015); // measured: 0.959
    expect(abs(absolute - 0.95)).toBeLessThanOrEqual(0.015); // measured: 0.9615
  });

  it('the sequential CI covers the true lift at every one of the 14 looks at least 95 % (− 1.5 %) of the time', () => {
    const always = measure(
      'A/B sequential CI coverage, all 14 looks at once',
      rate(experiments.map((e) => e.sequentialCoversAlways))
    );
    const final = measure('A/B sequential CI coverage, final look', rate(experiments.map((e) => e.sequentialCoversFinal)));
    expect(always).toBeGreaterThanOrEqual(0.95 - 0.015); // measured: 0.9795 (conservative by construction)
    expect(final).toBeGreaterThanOrEqual(always); // measured: 0.9975
  });

  it('the price of always-valid inference: far fewer detections by day 14', () => {
    const fixed = measure('A/B fixed, detected at the final look', rate(experiments.map((e) => e.fixedFinal)));
    const sequential = measure('A/B sequential, detected at some look', rate(experiments.map((e) => e.sequentialEver)));
    // measured: 0.2785 of fixed-horizon tests read at day 14 detect the lift, 0.0385 of sequential ones by then.
    expect(fixed).toBeGreaterThan(0.2);
    expect(sequential).toBeLessThan(fixed / 3);
  });
});

describe('SRM', () => {
  it('p-values are uniform for 3 arms with weights 0.5/0.3/0.2 and 20,000 units (KS)', () => {
    const random = prng(7);
    const weights = [0.5, 0.3, 0.2];
    const pValues = Array.from({ length: 1000 }, () => srmCheck(assign(random, 20_000, weights), weights).pValue);
    expect(measure('3-arm SRM p-values, KS p', kolmogorovSmirnovUniform(pValues).pValue)).toBeGreaterThan(0.01);
  });

  it('a 2 % imbalance on 20,000 units (52/48 instead of 50/50) is flagged', () => {
    const injected = srmCheck([10_400, 9_600], [0.5, 0.5]);
    expect(injected.ok).toBe(false);
    expect(injected.pValue).toBeCloseTo(1.541725790028002e-8, 15); // χ² = 32, 1 df
    const random = prng(8);
    const flagged = Array.from({ length: 500 }, () => !srmCheck(assign(random, 20_000, [0.52, 0.48]), [0.5, 0.5]).ok);
    expect(measure('52/48 on 20,000 units, flagged', rate(flagged))).toBeGreaterThanOrEqual(0.97); // measured: 0.998
  });

  it('smaller imbalances on 20,000 units are not reliably flagged (what the check can and cannot see)', () => {
    // 51/49: expected χ² ≈ 8, p ≈ 0.005 — flagged about a third of the time.
    const random = prng(9);
    const flagged = Array.from({ length: 500 }, () => !srmCheck(assign(random, 20_000, [0.51, 0.49]), [0.5, 0.5]).ok);
    expect(measure('51/49 on 20,000 units, flagged', rate(flagged))).toBeGreaterThan(0.2);
    expect(rate(flagged)).toBeLessThan(0.45);
    // One arm losing 2 % of its units (10,000 vs 9,800): χ² ≈ 2, p ≈ 0.16.
    expect(srmCheck([10_000, 9_800], [0.5, 0.5]).pValue).toBeCloseTo(0.1552, 4);
  });
});

describe('SRM for bandits (weights moving from 1/3 each to the 0.98/0.01/0.01 floor over 6 of 14 periods)', () => {
  const schedule = (period: number) => {
    const t = min(1, period / 6);
    return [1 / 3 + t * (0.98 - 1 / 3), 1 / 3 + t * (0.01 - 1 / 3), 1 / 3 + t * (0.01 - 1 / 3)];
  };
  /** 500 bandits of 14 periods × 1,000 units; `loss`: share of arm 0's units lost in every period. */
  const simulate = (loss: number, seed: number) => {
    const random = prng(seed);
    return Array.from({ length: 500 }, () =>
      Array.from({ length: 14 }, (_, period): SrmPeriod => {
        const weights = schedule(period);
        const actual = weights.map((weight, arm) => (arm === 0 ? weight * (1 - loss) : weight));
        return { units: assign(random, 1000, actual), weights };
      })
    );
  };
  const pValues = (bandits: SrmPeriod[][], method: PeriodSrmOptions['method']) =>
    bandits.map((periods) => srmCheckByPeriod(periods, { method }).pValue);
  const correct = simulate(0, 11);
  const lossy = simulate(0.03, 12);

  it('per-period (default) and covariance-adjusted pooled p-values are uniform under correct assignment', () => {
    expect(measure('bandit SRM periods, KS p', kolmogorovSmirnovUniform(pValues(correct, 'periods')).pValue)).toBeGreaterThan(
      0.01
    );
    expect(
      measure('bandit SRM pooled-adjusted, KS p', kolmogorovSmirnovUniform(pValues(correct, 'pooled-adjusted')).pValue)
    ).toBeGreaterThan(0.01);
  });

  it("GrowthBook's pooled check is conservative once weights move (p-values not uniform, too large)", () => {
    const pooled = pValues(correct, 'pooled');
    expect(measure('bandit SRM pooled (GrowthBook), KS p', kolmogorovSmirnovUniform(pooled).pValue)).toBeLessThan(0.01);
    expect(measure('bandit SRM pooled (GrowthBook), p < 0.05', rate(pooled.map((p) => p < 0.05)))).toBeLessThan(0.05);
  });

  it('a persistent 3 % loss in one arm: the pooled-adjusted check sees it most often (p < 0.05)', () => {
    const detected = (method: PeriodSrmOptions['method']) =>
      measure(`bandit SRM ${method}, 3 % loss detected (p < 0.05)`, rate(pValues(lossy, method).map((p) => p < 0.05)));
    const periods = detected('periods');
    const pooled = detected('pooled');
    const adjusted = detected('pooled-adjusted');
    expect(adjusted).toBeGreaterThan(periods);
    expect(adjusted).toBeGreaterThan(pooled);
  });
});
