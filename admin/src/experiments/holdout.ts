import type { ExperimentResult } from '../../../contracts/src/experiments';
import type { HoldoutResults } from '../../../contracts/src/holdout';

/**
 * What the holdout report page shows (docs/experiments.md, "The holdout"): off (share 0), on without goals to
 * compare, or the comparison of the personalized visitors with the held-out ones on one goal, in the results page's
 * table shape (the holdout is the baseline arm).
 */
export type HoldoutView =
  | { state: 'off' }
  | { state: 'no-goals'; share: number }
  | {
      state: 'on';
      share: number;
      goal: string;
      kind: 'conversion' | 'mean';
      goals: HoldoutResults['goals'];
      /** For GoalTable: the two groups as arms, this goal's counts per group, alpha. */
      table: {
        arms: HoldoutResults['arms'];
        goals: { goal: string; kind: 'conversion' | 'mean'; arms: { key: string; conversions: number; sum: number; sumSquares: number; mean: number | null }[] }[];
        alpha: number;
      };
      rows: ExperimentResult[];
      /** `personalized` against `holdout`, when there is one. */
      comparison: ExperimentResult | undefined;
    };

export const holdoutView = (data: HoldoutResults): HoldoutView => {
  if (data.share === 0) return { state: 'off' };
  if (data.goals.length === 0 || data.goal === null || data.kind === null) return { state: 'no-goals', share: data.share };
  const goal = data.goal;
  return {
    state: 'on',
    share: data.share,
    goal,
    kind: data.kind,
    goals: data.goals,
    table: {
      arms: data.arms,
      goals: [
        {
          goal,
          kind: data.kind,
          arms: data.arms.map(({ key, conversions, sum, sumSquares, mean }) => ({ key, conversions, sum, sumSquares, mean })),
        },
      ],
      alpha: data.alpha,
    },
    rows: data.results,
    comparison: data.results.find((row) => row.goal === goal && row.arm === 'personalized'),
  };
};

/** The config that turns the holdout on, as the page shows it. */
export const HOLDOUT_CONFIG_EXAMPLE = "holdout: { share: 0.05, goals: [{ event: 'checkout', kind: 'conversion', windowHours: 72 }] }";
