import type { ExperimentResult, ExperimentResults } from '../../../contracts/src/experiments';

/**
 * How an arm compares with the baseline, read from the sequential (always-valid) interval of the
 * relative lift: the one valid when results are looked at every day.
 * - `better` / `worse`: the interval is above / below 0, and the sequential p-value is below `alpha`
 *   (the same test for the primary goal; for secondary goals the p-value is Holm-adjusted across
 *   them, so a secondary goal also needs the adjusted p below `alpha`);
 * - `inconclusive`: otherwise;
 * - `no-data`: no estimate yet (an arm without units, or a baseline mean of 0).
 */
export type Verdict = 'better' | 'worse' | 'inconclusive' | 'no-data';

export const verdictOf = (result: ExperimentResult | undefined, alpha = 0.05): Verdict => {
  const sequential = result?.sequential ?? null;
  if (!result?.relative || !sequential) return 'no-data';
  if (!(sequential.pValue < alpha)) return 'inconclusive';
  const [low, high] = sequential.ci;
  if (low > 0) return 'better';
  if (high < 0) return 'worse';
  return 'inconclusive';
};

/** The results of the primary goal (the first goal listed), one per non-baseline arm, in arm order. */
export const primaryResults = (results: ExperimentResults): ExperimentResult[] => {
  const goal = results.results[0]?.goal;
  if (goal === undefined) return [];
  const byArm = new Map(results.results.filter((result) => result.goal === goal).map((result) => [result.arm, result]));
  return results.arms.map((arm) => byArm.get(arm.key)).filter((result): result is ExperimentResult => result !== undefined);
};

/** The results of each goal, primary first, keyed by goal event. */
export const resultsByGoal = (results: ExperimentResults): { goal: string; results: ExperimentResult[] }[] => {
  const goals: string[] = [];
  for (const result of results.results) if (!goals.includes(result.goal)) goals.push(result.goal);
  const order = new Map(results.arms.map((arm, index) => [arm.key, index]));
  return goals.map((goal) => ({
    goal,
    results: results.results.filter((result) => result.goal === goal).sort((a, b) => (order.get(a.arm) ?? 0) - (order.get(b.arm) ?? 0)),
  }));
};

/** A row of the lift chart: the lift and the distance to each end of its sequential interval (for error bars). */
export interface LiftRow {
  arm: string;
  lift: number;
  /** [lift − low, high − lift] of the sequential interval. */
  error: [number, number];
  low: number;
  high: number;
}

/**
 * The interval of a relative lift as shown: a conversion rate cannot fall below zero, so its lift
 * cannot fall below −100 %; the normal approximation's lower end can, and is shown at −100 %. A mean
 * (of values that may be negative) is shown as computed. The verdict reads the interval as computed
 * (clamping never moves it across 0).
 */
export const shownInterval = (ci: readonly [number, number], kind: 'conversion' | 'mean'): [number, number] =>
  kind === 'conversion' ? [Math.max(-1, ci[0]), ci[1]] : [ci[0], ci[1]];

/** Lift chart rows for arms with an estimate (relative lift, sequential interval as shown for the goal's kind). */
export const liftRows = (results: readonly ExperimentResult[], kind: 'conversion' | 'mean' = 'conversion'): LiftRow[] =>
  results.flatMap((result) => {
    if (!result.relative || !result.sequential) return [];
    const { lift } = result.relative;
    const [low, high] = shownInterval(result.sequential.ci, kind);
    return [{ arm: result.arm, lift, low, high, error: [Math.max(0, lift - low), Math.max(0, high - lift)] as [number, number] }];
  });

/** Observed share of units per arm (for the SRM explanation): units / total, null without units. */
export const observedShares = (arms: readonly { units: number }[]): (number | null)[] => {
  const total = arms.reduce((sum, arm) => sum + arm.units, 0);
  return arms.map((arm) => (total > 0 ? arm.units / total : null));
};
