/**
 * A multivariate experiment's results (docs/statistics.md, "Multivariate"): from the primary goal's totals per
 * cell (its arms), each factor's levels pooled over the other factors with their main effects against the first
 * level, the pairwise interactions and the best cell, by the engine's factorialResults. Pure.
 */
import type { ExperimentFactor, ExperimentResults, FactorEffectResult } from '../../../contracts/src/experiments';
import { CELL_SEPARATOR, factorialResults, type Comparison, type GoalKind, type NoResult } from '../../../engine/src/stats';
import type { CupedTotals } from './cuped-results';

type Factorial = Pick<ExperimentResults, 'factors' | 'interactions' | 'bestCell'>;

const effectOf = (level: string, baseline: string, result: Comparison | NoResult): FactorEffectResult => {
  if (!result.ok) return { level, baseline, relative: null, absolute: null, sequential: null, chanceToWin: null };
  const { relative, absolute } = result;
  return {
    level,
    baseline,
    relative: { lift: relative.lift, ci: [relative.ci[0], relative.ci[1]], pValue: relative.pValue },
    absolute: { lift: absolute.lift, ci: [absolute.ci[0], absolute.ci[1]], pValue: absolute.pValue },
    sequential: { ci: [relative.sequential.ci[0], relative.sequential.ci[1]], pValue: relative.sequential.pValue },
    chanceToWin: result.chanceToWin,
  };
};

export const factorialResultsOf = (
  kind: GoalKind,
  factors: readonly ExperimentFactor[],
  armKeys: readonly string[],
  totals: readonly CupedTotals[],
  options: { alpha: number; sequentialNStar: number }
): Factorial => {
  const cells = Object.fromEntries(
    armKeys.map((key, index) => [key, { units: totals[index].units, sum: totals[index].sum, sumSquares: totals[index].sumSquares }])
  );
  const computed = factorialResults(kind, factors, cells, { alpha: options.alpha, sequentialNStar: options.sequentialNStar });
  // Conversions (visitors who did the goal at least once) pooled per level as the sums are.
  const conversions = (factorIndex: number, level: string) =>
    armKeys.reduce((total, key, index) => (key.split(CELL_SEPARATOR)[factorIndex] === level ? total + totals[index].conversions : total), 0);
  const best = computed.bestCell;
  return {
    factors: computed.factors.map((factor, factorIndex) => ({
      key: factor.key,
      levels: factor.levels.map((level) => ({
        key: level.key,
        units: level.units,
        conversions: conversions(factorIndex, level.key),
        sum: level.sum,
        mean: level.units > 0 ? level.mean : null,
      })),
      effects: factor.effects.map((effect) => effectOf(effect.level, effect.baseline, effect.result)),
    })),
    interactions: computed.interactions.map((interaction) =>
      interaction.result.ok
        ? {
            factors: interaction.factors,
            levels: interaction.levels,
            estimate: interaction.result.estimate,
            ci: [interaction.result.ci[0], interaction.result.ci[1]],
            pValue: interaction.result.pValue,
            sequential: {
              ci: [interaction.result.sequential.ci[0], interaction.result.sequential.ci[1]],
              pValue: interaction.result.sequential.pValue,
            },
          }
        : { factors: interaction.factors, levels: interaction.levels, estimate: null, ci: null, pValue: null, sequential: null }
    ),
    bestCell: best
      ? {
          arm: best.arm,
          levels: Object.fromEntries(factors.map((factor, index) => [factor.key, best.levels[index]])),
          units: best.units,
          mean: best.mean,
        }
      : null,
  };
};
