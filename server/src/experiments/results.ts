/**
 * An experiment's results (docs/design.md, "Experiments", Results) and its bandit input, from the exact counts
 * (./counts.ts): pure, no Strapi, no I/O. The server reads the counter map, parses it with `cellsOf` and
 * calls these; docs/experiments.md explains every number to editors.
 *
 * - **Arms**: totals over every cohort of the primary goal, in the experiment's arm order; an arm
 *   without cells has zeros. Cells of arms the experiment does not have are ignored.
 * - **Comparisons** (`results`): each non-baseline arm against `arms[0]`, on the primary goal then on
 *   each secondary goal, with `compareArms` (gbstats semantics: relative and absolute lift, Welch t CI
 *   and p, the sequential CI and p of the relative lift, chance to win). No result (all four null)
 *   while an arm has no units, the baseline mean is 0 or a variance is 0.
 * - **Holm** on secondary goals: for each arm, the secondary goals form one family, and three sets of
 *   p-values are adjusted separately with Holm–Bonferroni: the fixed-horizon relative p, the
 *   fixed-horizon absolute p and the sequential p. A secondary goal without a result counts in the
 *   family as p = 1 (so m is always the number of secondary goals: adjusted p-values do not jump when
 *   a goal starts to have data, and the adjustment is never smaller than the plain Holm over the goals
 *   tested). Lifts, intervals and chance to win are not adjusted; the primary goal is never adjusted.
 *   (Holm needs only valid p-values, and always-valid sequential p-values are valid at any look, so
 *   the adjusted sequential p stays valid under peeking.)
 * - **SRM**: A/B, Pearson χ² of the total units against the current weights (`srmCheck`). Bandits: the
 *   units of each period (cohorts with that period index) against the weights in force in it,
 *   `banditHistory[p].weights` (history[0] is the start record), by `srmCheckByPeriod` with
 *   `'pooled-adjusted'` (see `srmOf`). No units: `{ pValue: null, ok: true }`.
 * - **Guardrails**: each guardrail goal is compared as a secondary goal is (not Holm-adjusted: a guardrail is a
 *   stop sign, read one by one), and each of its results carries `guardrail: { direction, harmful }`, harmful when
 *   the sequential relative interval lies wholly on the harmful side of 0 (engine guardrailVerdict). A bandit's
 *   update marks such arms harmful (`banditInputOf`), so guardrailWeights gives them no more weight.
 * - **Goals**: each goal's conversions, Σy, Σy² and mean per arm (primary first), beside the units.
 * - **Multivariate**: the arms are the cells; `factors`, `interactions` and `bestCell` are added from the primary
 *   goal's totals per cell (factorial-results.ts).
 * - **Daily**: per UTC date of first exposure (oldest first), per arm, units and primary-goal
 *   conversions summed over that date's periods (not cumulative across dates).
 *
 * For `conversion` goals the per-visitor value is 0/1, so Σy = Σy² = conversions: every statistic here
 * uses the conversions counter for both (whatever the `s`/`q` counters hold).
 */
import type { CupedSettings } from '../../../contracts/src/cuped';
import type {
  ExperimentFactor,
  BanditHistoryEntry,
  BanditOverrides,
  ExperimentMode,
  ExperimentResult,
  ExperimentResults,
  ExperimentResultsArm,
  ResultLift,
} from '../../../contracts/src/experiments';
import type { BanditArm, BanditConfig, BanditInput, BanditPeriod, ExperimentStatus } from '../../../engine/src/experiments';
import { compareArms, guardrailVerdict, harmsGuardrail, holmBonferroni, srmCheck, srmCheckByPeriod } from '../../../engine/src/stats';
import type { GoalKind, LiftEstimate, SrmPeriod, SufficientStats } from '../../../engine/src/stats';
import type { CountsCell, GoalCounts } from '../storage/experiment-counts';
import { addCuped, cupedOn, cupedResultOf, type CupedTotals } from './cuped-results';
import { factorialResultsOf } from './factorial-results';

export interface ResultsGoal {
  /** The `track` event name. */
  event: string;
  kind: GoalKind;
}

/** What results need of an experiment (a stored `Experiment` fits). */
export interface ResultsExperiment {
  key: string;
  status: ExperimentStatus;
  mode: ExperimentMode;
  /** In order; `arms[0]` is the baseline (control). `weight`: the weights in force now. */
  arms: readonly { key: string; weight: number }[];
  goal: ResultsGoal;
  secondary?: readonly ResultsGoal[] | null;
  /** Goals that must not be harmed, with the direction that is good for each. */
  guardrails?: readonly (ResultsGoal & { direction: 'increase' | 'decrease' })[] | null;
  /** ISO 8601; null before the first start. */
  startedAt: string | null;
  /** Bandits: the start record (weights at start, pBest []) then one entry per update, oldest first. */
  banditHistory?: readonly BanditHistoryEntry[] | null;
  /** Per-experiment overrides of `experiments.bandit` (used by `banditInputOf`). */
  bandit?: BanditOverrides | null;
  /** Multivariate experiments: the factors whose cells are the arms. */
  factors?: readonly ExperimentFactor[] | null;
  /** CUPED's settings (absent or null: on; see cupedOn). */
  cuped?: CupedSettings | null;
}

/** `experiments.*` of the plugin's config. */
export interface ResultsOptions {
  alpha: number;
  sequentialNStar: number;
  srmThreshold: number;
}

export interface BuildResultsInput {
  experiment: ResultsExperiment;
  cells: readonly CountsCell[];
  options: ResultsOptions;
  /** Epoch ms: when the counts were read (`updatedAt`). */
  now: number;
  /** ISO 8601 of the next scheduled bandit update; null when none is scheduled. */
  nextBanditUpdateAt: string | null;
}

const NO_GOAL: GoalCounts = { conversions: 0, sum: 0, sumSquares: 0 };

/** Units, Σy, Σy² of one cell on one goal (`conversion`: Σy = Σy² = conversions), with CUPED's Σx, Σx², Σxy. */
const statsOf = (cell: CountsCell, goal: ResultsGoal): CupedTotals => {
  const counts = cell.goals[goal.event] ?? NO_GOAL;
  const pre = { preSum: counts.preSum ?? 0, preSumSquares: counts.preSumSquares ?? 0, crossSum: counts.crossSum ?? 0 };
  return goal.kind === 'conversion'
    ? { units: cell.units, conversions: counts.conversions, sum: counts.conversions, sumSquares: counts.conversions, ...pre }
    : { units: cell.units, conversions: counts.conversions, sum: counts.sum, sumSquares: counts.sumSquares, ...pre };
};

/** Per arm (in arm order), the totals over `cells` on `goal`. */
const totalsByArm = (
  armIndex: ReadonlyMap<string, number>,
  armCount: number,
  cells: readonly CountsCell[],
  goal: ResultsGoal
): CupedTotals[] => {
  const totals = Array.from({ length: armCount }, () => ({
    units: 0,
    conversions: 0,
    sum: 0,
    sumSquares: 0,
    preSum: 0,
    preSumSquares: 0,
    crossSum: 0,
  }));
  for (const cell of cells) {
    const index = armIndex.get(cell.arm);
    if (index === undefined) continue;
    const stats = statsOf(cell, goal);
    const total = totals[index];
    total.units += stats.units;
    total.conversions += stats.conversions;
    total.sum += stats.sum;
    total.sumSquares += stats.sumSquares;
    total.preSum += stats.preSum;
    total.preSumSquares += stats.preSumSquares;
    total.crossSum += stats.crossSum;
  }
  return totals;
};

const lift = (estimate: LiftEstimate): ResultLift => ({
  lift: estimate.lift,
  ci: [estimate.ci[0], estimate.ci[1]],
  pValue: estimate.pValue,
});

/** One arm against the baseline on one goal, and its three p-values (fixed relative, fixed absolute, sequential) for Holm. */
const resultOf = (
  goal: ResultsGoal,
  arm: string,
  baseline: string,
  control: SufficientStats,
  treatment: SufficientStats,
  options: Pick<ResultsOptions, 'alpha' | 'sequentialNStar'>,
  direction?: 'increase' | 'decrease'
): { result: ExperimentResult; pValues: [number, number, number] | null } => {
  const comparison = compareArms(
    goal.kind,
    { units: control.units, sum: control.sum, sumSquares: control.sumSquares },
    { units: treatment.units, sum: treatment.sum, sumSquares: treatment.sumSquares },
    { alpha: options.alpha, sequentialNStar: options.sequentialNStar }
  );
  const guardrail = direction ? { guardrail: { direction, harmful: guardrailVerdict(comparison, direction) === 'harmful' } } : {};
  if (!comparison.ok) {
    return {
      result: { goal: goal.event, arm, baseline, relative: null, absolute: null, sequential: null, chanceToWin: null, ...guardrail },
      pValues: null,
    };
  }
  const { relative, absolute } = comparison;
  return {
    result: {
      goal: goal.event,
      arm,
      baseline,
      relative: lift(relative),
      absolute: lift(absolute),
      sequential: { ci: [relative.sequential.ci[0], relative.sequential.ci[1]], pValue: relative.sequential.pValue },
      chanceToWin: comparison.chanceToWin,
      ...guardrail,
    },
    pValues: [relative.pValue, absolute.pValue, relative.sequential.pValue],
  };
};

/**
 * Holm–Bonferroni across the secondary goals of one arm, separately for the fixed relative, fixed
 * absolute and sequential p-values; goals without a result count as p = 1 (and stay null).
 */
const adjustSecondary = (entries: { result: ExperimentResult; pValues: [number, number, number] | null }[]): void => {
  if (entries.length < 2) return; // Holm over one hypothesis is the identity.
  for (let which = 0; which < 3; which += 1) {
    const adjusted = holmBonferroni(entries.map((entry) => entry.pValues?.[which] ?? 1));
    entries.forEach(({ result }, index) => {
      const p = adjusted[index];
      if (which === 0 && result.relative) result.relative.pValue = p;
      else if (which === 1 && result.absolute) result.absolute.pValue = p;
      else if (which === 2 && result.sequential) result.sequential.pValue = p;
    });
  }
};

/**
 * Sample-ratio mismatch. A/B: `srmCheck` of total units against the current weights.
 *
 * Bandits: the weights change at every update, so the units of period p (the cohorts whose first
 * exposure fell in it) are checked against `banditHistory[p].weights`, the weights in force then (the
 * arms' current weights for a period the history does not have yet). Of `srmCheckByPeriod`'s three
 * statistics we use `'pooled-adjusted'`: the pooled per-arm differences O − E with their exact
 * covariance Σₚ Nₚ(diag(wₚ) − wₚwₚᵀ), a χ² with (arms − 1) degrees of freedom. In the seeded simulation
 * (tests/engine/stats-simulation.test.ts: 500 bandits, weights moving from 1/3 each to 0.98/0.01/0.01)
 * it is calibrated under correct assignment (KS p = 0.14) like the per-period sum of χ² (0.75), while
 * GrowthBook's plain pooled χ² is conservative once weights move (KS p = 2·10⁻⁷); and it detects a
 * persistent 3 % loss of one arm's units most often (17.6 % at p < 0.05, against 10 % per period and
 * 10.6 % pooled). A persistent loss (a slower, broken or cached arm; a blocker hitting one arm) is the
 * failure SRM is there to catch, and the per-period sum spends (periods × (arms − 1)) degrees of
 * freedom on it, losing power with every update. With constant weights it equals the A/B check.
 */
const srmOf = (
  experiment: ResultsExperiment,
  armIndex: ReadonlyMap<string, number>,
  cells: readonly CountsCell[],
  totals: readonly SufficientStats[],
  threshold: number
): ExperimentResults['srm'] => {
  if (totals.every((total) => !(total.units > 0))) return { pValue: null, ok: true };
  const weights = experiment.arms.map((arm) => arm.weight);
  if (experiment.mode !== 'bandit') {
    const { pValue, ok } = srmCheck(
      totals.map((total) => total.units),
      weights,
      { threshold }
    );
    return { pValue, ok };
  }
  const history = experiment.banditHistory ?? [];
  // Periods without units add nothing to the statistic: only those with cells are listed.
  const units = new Map<number, number[]>();
  for (const cell of cells) {
    const index = armIndex.get(cell.arm);
    if (index === undefined) continue;
    let counts = units.get(cell.period);
    if (!counts) units.set(cell.period, (counts = new Array<number>(weights.length).fill(0)));
    counts[index] += cell.units;
  }
  const periods: SrmPeriod[] = [...units].map(([period, counts]) => ({
    units: counts,
    weights: history[period]?.weights ?? weights,
  }));
  const { pValue, ok } = srmCheckByPeriod(periods, { threshold, method: 'pooled-adjusted' });
  return { pValue, ok };
};

/** The results payload (`GET /personalize/experiments/:documentId/results`, `data`). */
export const buildResults = ({ experiment, cells, options, now, nextBanditUpdateAt }: BuildResultsInput): ExperimentResults => {
  const armKeys = experiment.arms.map((arm) => arm.key);
  const armIndex = new Map(armKeys.map((key, index) => [key, index] as const));
  const baseline = armKeys[0];

  const primary = totalsByArm(armIndex, armKeys.length, cells, experiment.goal);
  const arms: ExperimentResultsArm[] = experiment.arms.map((arm, index) => {
    const { units, conversions, sum, sumSquares } = primary[index];
    return { key: arm.key, weight: arm.weight, units, conversions, sum, sumSquares, mean: units > 0 ? sum / units : null };
  });

  const results: ExperimentResult[] = [];
  for (let index = 1; index < armKeys.length; index += 1) {
    results.push(resultOf(experiment.goal, armKeys[index], baseline, primary[0], primary[index], options).result);
  }
  const secondaryGoals = experiment.secondary ?? [];
  const secondaryTotals = secondaryGoals.map((goal) => totalsByArm(armIndex, armKeys.length, cells, goal));
  const secondaryByArm = armKeys.map(() => [] as ReturnType<typeof resultOf>[]);
  secondaryGoals.forEach((goal, goalIndex) => {
    const totals = secondaryTotals[goalIndex];
    for (let index = 1; index < armKeys.length; index += 1) {
      const entry = resultOf(goal, armKeys[index], baseline, totals[0], totals[index], options);
      secondaryByArm[index].push(entry);
      results.push(entry.result);
    }
  });
  secondaryByArm.forEach(adjustSecondary);
  const guardrailGoals = experiment.guardrails ?? [];
  const guardrailTotals = guardrailGoals.map((goal) => totalsByArm(armIndex, armKeys.length, cells, goal));
  guardrailGoals.forEach((goal, goalIndex) => {
    const totals = guardrailTotals[goalIndex];
    for (let index = 1; index < armKeys.length; index += 1) {
      results.push(resultOf(goal, armKeys[index], baseline, totals[0], totals[index], options, goal.direction).result);
    }
  });

  const dates = new Map<string, { units: number; conversions: number }[]>();
  for (const cell of cells) {
    const index = armIndex.get(cell.arm);
    if (index === undefined) continue;
    let day = dates.get(cell.date);
    if (!day) dates.set(cell.date, (day = armKeys.map(() => ({ units: 0, conversions: 0 }))));
    day[index].units += cell.units;
    day[index].conversions += statsOf(cell, experiment.goal).conversions;
  }
  const daily = [...dates.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, counts]) => ({ date, arms: counts.map((count, index) => ({ key: armKeys[index], ...count })) }));

  // Every goal's counts beside the units, for the tables (the primary goal's are also `arms[]`'s).
  const goalTotals = [primary, ...secondaryTotals, ...guardrailTotals];
  const goals: ExperimentResults['goals'] = [experiment.goal, ...secondaryGoals, ...guardrailGoals].map((goal, goalIndex) => ({
    goal: goal.event,
    kind: goal.kind,
    arms: goalTotals[goalIndex].map(({ units, conversions, sum, sumSquares }, index) => ({
      key: armKeys[index],
      conversions,
      sum,
      sumSquares,
      mean: units > 0 ? sum / units : null,
    })),
  }));

  // CUPED (docs/statistics.md, "CUPED"): Σx, Σx², Σxy beside the counts and the adjusted comparisons in the results.
  addCuped({
    experiment,
    arms,
    goals,
    results,
    totalsOf: (goal) => totalsByArm(armIndex, armKeys.length, cells, goal),
    options,
  });

  const output: ExperimentResults = {
    key: experiment.key,
    status: experiment.status,
    mode: experiment.mode,
    updatedAt: new Date(now).toISOString(),
    alpha: options.alpha,
    sequentialNStar: options.sequentialNStar,
    srm: srmOf(experiment, armIndex, cells, primary, options.srmThreshold),
    arms,
    goals,
    results,
    daily,
  };
  if (experiment.mode === 'multivariate' && experiment.factors) {
    // Main effects, interactions and the best cell (docs/statistics.md, "Multivariate"), on the primary goal.
    Object.assign(output, factorialResultsOf(experiment.goal.kind, experiment.factors, armKeys, primary, options));
  }
  if (experiment.mode === 'bandit') {
    const history = (experiment.banditHistory ?? []).map((entry) => ({
      at: entry.at,
      weights: [...entry.weights],
      pBest: [...entry.pBest],
    }));
    output.bandit = {
      weights: experiment.arms.map((arm) => arm.weight),
      pBest: history.length > 0 ? [...history[history.length - 1].pBest] : [],
      history,
      nextUpdateAt: nextBanditUpdateAt,
    };
  }
  return output;
};

/**
 * Periods beyond this are ignored by `banditInputOf` (a guard against corrupt counters: the input is dense, and
 * 100,000 periods are almost three years of updates at the shortest cadence, 15 minutes).
 */
const MAX_PERIODS = 100_000;

/**
 * The input of `nextBanditWeights` (engine/src/experiments): per arm (in arm order) its primary-goal
 * counts per period 0..P−1 (P = the highest period with a cell + 1; every arm has P periods, zeros where
 * it has no cell), summed over dates; the arms' current weights; `startedAt` in epoch ms (null when not
 * started or unparsable). Periods carry no `weight`, so the engine uses GrowthBook's period weights (each
 * period's share of all units). `config` is `experiments.bandit`; the experiment's own `bandit`
 * overrides are applied over it. With `compare` (alpha and the sequential tuning), an arm that harms one of the
 * experiment's guardrails (`harmfulArms`) is marked `harmful`: nextBanditWeights gives it no more weight.
 */
export const banditInputOf = (
  experiment: ResultsExperiment,
  cells: readonly CountsCell[],
  now: number,
  config: Partial<BanditConfig> = {},
  compare?: Pick<ResultsOptions, 'alpha' | 'sequentialNStar'>
): BanditInput => {
  const harmful = compare ? harmfulArms(experiment, cells, compare) : null;
  const armIndex = new Map(experiment.arms.map((arm, index) => [arm.key, index] as const));
  let periodCount = 0;
  for (const cell of cells) {
    if (armIndex.has(cell.arm) && cell.period < MAX_PERIODS) periodCount = Math.max(periodCount, cell.period + 1);
  }
  const periods = experiment.arms.map(() => Array.from({ length: periodCount }, () => ({ units: 0, sum: 0, sumSquares: 0 })));
  for (const cell of cells) {
    const index = armIndex.get(cell.arm);
    if (index === undefined || cell.period >= MAX_PERIODS) continue;
    const stats = statsOf(cell, experiment.goal);
    const period = periods[index][cell.period];
    period.units += stats.units;
    period.sum += stats.sum;
    period.sumSquares += stats.sumSquares;
  }
  const arms: BanditArm[] = experiment.arms.map((arm, index) => ({
    key: arm.key,
    weight: arm.weight,
    periods: periods[index] as BanditPeriod[],
    ...(harmful?.[index] ? { harmful: true } : {}),
  }));
  const started = experiment.startedAt === null ? Number.NaN : Date.parse(experiment.startedAt);
  const overrides: Partial<BanditConfig> = {};
  for (const [name, value] of Object.entries(experiment.bandit ?? {}) as [keyof BanditConfig, number | undefined][]) {
    if (typeof value === 'number') overrides[name] = value;
  }
  return { arms, now, startedAt: Number.isFinite(started) ? started : null, config: { ...config, ...overrides } };
};

/**
 * Per arm (in arm order), whether it harms one of the experiment's guardrails: its comparison with the control on the
 * guardrail, over all counts, has a sequential relative interval wholly on the harmful side (the results' `guardrail`
 * verdict). The control never does.
 */
export const harmfulArms = (
  experiment: ResultsExperiment,
  cells: readonly CountsCell[],
  options: Pick<ResultsOptions, 'alpha' | 'sequentialNStar'>
): boolean[] => {
  const armKeys = experiment.arms.map((arm) => arm.key);
  const armIndex = new Map(armKeys.map((key, index) => [key, index] as const));
  const harmful = armKeys.map(() => false);
  const cuped = cupedOn(experiment);
  for (const goal of experiment.guardrails ?? []) {
    const totals = totalsByArm(armIndex, armKeys.length, cells, goal);
    for (let index = 1; index < armKeys.length; index += 1) {
      const { result } = resultOf(goal, armKeys[index], armKeys[0], totals[0], totals[index], options, goal.direction);
      // As the results say it: on CUPED's adjusted interval when CUPED adjusted the comparison (cuped-results.ts).
      const adjusted = cuped ? cupedResultOf(goal.kind, totals[0], totals[index], options) : null;
      if (adjusted?.adjusted ? harmsGuardrail(adjusted.sequential.ci, goal.direction) : result.guardrail?.harmful) harmful[index] = true;
    }
  }
  return harmful;
};
