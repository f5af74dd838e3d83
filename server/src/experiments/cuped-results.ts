/**
 * CUPED in an experiment's results (docs/statistics.md, "CUPED"), pure: when the experiment has CUPED on, each arm
 * of each goal gains Σx (`preSum`), Σx² (`preSumSquares`) and Σxy (`crossSum`), and each comparison on the primary
 * and secondary goals gains `cuped` from the engine's `compareArmsCuped` (θ pooled over the two arms, the adjusted
 * relative lift with its fixed-horizon and sequential intervals, the chance to win, and the variance reduction
 * against the raw comparison beside it), on the guardrails too. Secondary goals' CUPED p-values are Holm-adjusted per
 * arm as the raw ones are (results.ts); guardrails' are not (a guardrail is read one by one), and a guardrail that
 * CUPED adjusted is judged harmful or not on its adjusted sequential interval.
 */
import { cupedLookbackOf, type CupedSettings } from '../../../contracts/src/cuped';
import type { ExperimentResult, ExperimentResults } from '../../../contracts/src/experiments';
import { compareArmsCuped, harmsGuardrail, holmBonferroni } from '../../../engine/src/stats';
import type { CupedSufficientStats, GoalKind } from '../../../engine/src/stats';

/** One arm's totals on one goal: units, conversions, Σy, Σy², Σx, Σx², Σxy. */
export type CupedTotals = CupedSufficientStats & { conversions: number };

interface Goal {
  event: string;
  kind: GoalKind;
}

export interface AddCupedInput {
  experiment: {
    arms: readonly { key: string }[];
    goal: Goal;
    secondary?: readonly Goal[] | null;
    guardrails?: readonly Goal[] | null;
    cuped?: CupedSettings | null;
  };
  arms: ExperimentResults['arms'];
  goals: ExperimentResults['goals'];
  results: ExperimentResult[];
  /** Per arm (in arm order), the totals of a goal. */
  totalsOf: (goal: Goal) => CupedTotals[];
  options: { alpha: number; sequentialNStar: number };
}

/** CUPED is on when the experiment says so (`cuped` absent from a stored experiment reads as null: on); the holdout's report has no `cuped` key: off. */
export const cupedOn = (experiment: { cuped?: CupedSettings | null }): boolean =>
  'cuped' in experiment && cupedLookbackOf(experiment.cuped) !== null;

/** The adjusted comparison of one arm with the control, as the results carry it; null while there is no result. */
export const cupedResultOf = (
  kind: GoalKind,
  control: CupedSufficientStats,
  treatment: CupedSufficientStats,
  options: { alpha: number; sequentialNStar: number }
): NonNullable<ExperimentResult['cuped']> | null => {
  const comparison = compareArmsCuped(kind, control, treatment, options);
  if (!comparison.ok) return null;
  const { relative } = comparison;
  return {
    adjusted: comparison.adjusted,
    theta: comparison.theta,
    varianceReduction: comparison.varianceReduction,
    relative: { lift: relative.lift, ci: [relative.ci[0], relative.ci[1]], pValue: relative.pValue },
    sequential: { ci: [relative.sequential.ci[0], relative.sequential.ci[1]], pValue: relative.sequential.pValue },
    chanceToWin: comparison.chanceToWin,
  };
};

const preOf = (totals: CupedTotals) => ({
  preSum: totals.preSum,
  preSumSquares: totals.preSumSquares,
  crossSum: totals.crossSum,
});

/** Adds CUPED's counts and comparisons to the results being built (nothing when CUPED is off). */
export const addCuped = ({ experiment, arms, goals, results, totalsOf, options }: AddCupedInput): void => {
  if (!cupedOn(experiment)) return;
  const armKeys = experiment.arms.map((arm) => arm.key);
  const totalsByGoal = new Map<string, CupedTotals[]>();
  const totals = (goal: Goal) => {
    let found = totalsByGoal.get(goal.event);
    if (!found) totalsByGoal.set(goal.event, (found = totalsOf(goal)));
    return found;
  };
  const primary = totals(experiment.goal);
  arms.forEach((arm, index) => Object.assign(arm, preOf(primary[index])));
  for (const goal of goals) {
    const goalTotals = totals({ event: goal.goal, kind: goal.kind });
    goal.arms.forEach((arm, index) => Object.assign(arm, preOf(goalTotals[index])));
  }
  const compared = new Map(
    [experiment.goal, ...(experiment.secondary ?? []), ...(experiment.guardrails ?? [])].map((goal) => [goal.event, goal] as const)
  );
  const secondaryByArm = new Map<string, ExperimentResult[]>();
  for (const result of results) {
    const goal = compared.get(result.goal);
    const index = armKeys.indexOf(result.arm);
    if (!goal || index <= 0) continue;
    const goalTotals = totals(goal);
    result.cuped = cupedResultOf(goal.kind, goalTotals[0], goalTotals[index], options);
    if (result.guardrail) {
      // A guardrail is read on the adjusted interval when CUPED adjusted it (docs/statistics.md, "Guardrails").
      if (result.cuped?.adjusted) result.guardrail.harmful = harmsGuardrail(result.cuped.sequential.ci, result.guardrail.direction);
      continue;
    }
    if (goal.event === experiment.goal.event) continue;
    const list = secondaryByArm.get(result.arm) ?? [];
    list.push(result);
    secondaryByArm.set(result.arm, list);
  }
  // Holm across one arm's secondary goals, fixed-horizon and sequential p-values apart; no result counts as p = 1.
  for (const list of secondaryByArm.values()) {
    if (list.length < 2) continue;
    const fixed = holmBonferroni(list.map((result) => result.cuped?.relative.pValue ?? 1));
    const sequential = holmBonferroni(list.map((result) => result.cuped?.sequential.pValue ?? 1));
    list.forEach((result, index) => {
      if (!result.cuped) return;
      result.cuped.relative.pValue = fixed[index];
      result.cuped.sequential.pValue = sequential[index];
    });
  }
};
