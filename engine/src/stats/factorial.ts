/**
 * Results of a multivariate (full factorial) experiment (docs/statistics.md, "Multivariate"), from the counters of
 * its cells (units, Σy, Σy² per cell; a cell's key is its levels joined by `|`, in factor order):
 *
 * - a factor's **main effect**: each level against the factor's first level, each pooled over the other factors
 *   (the counters of every cell with that level added up), compared exactly as an A/B test of the pooled counts
 *   (compareArms: relative and absolute lift, Welch and sequential intervals, chance to win);
 * - the **interaction** of two factors A and B, for each pair of non-first levels (i, j), pooled over the other
 *   factors: the difference in differences on the goal's scale, (μ(i, j) − μ(0, j)) − (μ(i, 0) − μ(0, 0)), with
 *   variance Σ σ²/n over the four cells, Welch–Satterthwaite degrees of freedom Σ(σ²/n)² / Σ (σ²/n)²/(n − 1) and
 *   its Welch t interval and p (0 when the effect of A does not depend on B's level), and the sequential interval and
 *   p of the main effects (gbstats' mixture boundary with n the four cells' units), which stay valid however often
 *   they are read;
 * - the **best cell**: the cell with the highest mean among those with units (the first on ties).
 */
import { addSufficientStats, armStatistic } from './arms';
import type { ArmStatistic, GoalKind, SufficientStats } from './arms';
import { compareArms, compareSettings, liftEstimate } from './compare';
import type { CompareOptions, Comparison, Interval, NoResult } from './compare';

/** Joins the levels of a cell into its arm key. */
export const CELL_SEPARATOR = '|';

/** A factor and its levels, the first level being its baseline. */
export interface FactorialFactor {
  readonly key: string;
  readonly levels: readonly { readonly key: string }[];
}

/** The arm key of a cell: its levels joined by `|`. */
export const cellKey = (levels: readonly string[]): string => levels.join(CELL_SEPARATOR);

/** Every cell of the full factorial, the first factor's level varying slowest: [["a0","b0"], ["a0","b1"], …]. */
export const factorialCells = (factors: readonly FactorialFactor[]): string[][] =>
  factors.reduce<string[][]>(
    (cells, factor) => cells.flatMap((cell) => factor.levels.map((level) => [...cell, level.key])),
    [[]]
  );

export interface FactorLevelStats extends SufficientStats {
  key: string;
  mean: number;
}

export interface FactorEffect {
  level: string;
  /** The factor's first level. */
  baseline: string;
  /** The A/B comparison of the pooled counts of `level` against `baseline`. */
  result: Comparison | NoResult;
}

export interface FactorResult {
  key: string;
  levels: FactorLevelStats[];
  effects: FactorEffect[];
}

export interface InteractionEstimate {
  ok: true;
  /** The difference in differences, in the goal's unit. */
  estimate: number;
  standardError: number;
  degreesOfFreedom: number;
  /** The fixed-horizon Welch t interval and p: valid at one planned look. */
  ci: Interval;
  pValue: number;
  /** The sequential (always-valid) interval and p, as the main effects' (n: the four cells' units): valid at any look. */
  sequential: { ci: Interval; pValue: number };
}

export interface Interaction {
  /** The two factors' keys. */
  factors: [string, string];
  /** The two levels compared with their factors' first levels. */
  levels: [string, string];
  result: InteractionEstimate | NoResult;
}

export interface BestCell {
  arm: string;
  levels: string[];
  units: number;
  mean: number;
}

export interface FactorialResults {
  factors: FactorResult[];
  interactions: Interaction[];
  /** Null while no cell has units. */
  bestCell: BestCell | null;
}

const EMPTY: SufficientStats = { units: 0, sum: 0, sumSquares: 0 };

/** The counters pooled per combination of the levels of the factors at `indices` (key: those levels joined by `|`). */
const pooled = (
  factors: readonly FactorialFactor[],
  cells: Readonly<Record<string, SufficientStats>>,
  indices: readonly number[]
): Map<string, SufficientStats> => {
  const totals = new Map<string, SufficientStats>();
  for (const cell of factorialCells(factors)) {
    const stats = cells[cellKey(cell)];
    if (!stats) continue;
    const key = cellKey(indices.map((index) => cell[index]));
    totals.set(key, addSufficientStats(totals.get(key) ?? EMPTY, stats));
  }
  return totals;
};

/** The difference in differences of four cells (μ₁₁ − μ₀₁) − (μ₁₀ − μ₀₀) with its Welch t inference. */
export const differenceInDifferences = (
  kind: GoalKind,
  cells: { base: SufficientStats; first: SufficientStats; second: SufficientStats; both: SufficientStats },
  options: CompareOptions = {}
): InteractionEstimate | NoResult => {
  const { alpha, nStar } = compareSettings(options);
  const arms: ArmStatistic[] = [cells.base, cells.first, cells.second, cells.both].map((stats) => armStatistic(kind, stats));
  if (arms.some((arm) => !(arm.units > 0))) return { ok: false, reason: 'no-units' };
  const parts = arms.map((arm) => arm.variance / arm.units);
  const variance = parts.reduce((sum, part) => sum + part, 0);
  if (!(variance > 0) || arms.some((arm) => arm.units < 2)) return { ok: false, reason: 'zero-variance' };
  const [base, first, second, both] = arms;
  const estimate = both.mean - second.mean - (first.mean - base.mean);
  const degreesOfFreedom =
    (variance * variance) / parts.reduce((sum, part, index) => sum + (part * part) / (arms[index].units - 1), 0);
  const units = arms.reduce((total, arm) => total + arm.units, 0);
  const intervals = liftEstimate(estimate, variance, degreesOfFreedom, units, alpha, nStar);
  return {
    ok: true,
    estimate,
    standardError: intervals.standardError,
    degreesOfFreedom,
    ci: intervals.ci,
    pValue: intervals.pValue,
    sequential: { ci: intervals.sequential.ci, pValue: intervals.sequential.pValue },
  };
};

/** Main effects, pairwise interactions and the best cell of a full factorial (see the module comment). */
export const factorialResults = (
  kind: GoalKind,
  factors: readonly FactorialFactor[],
  cells: Readonly<Record<string, SufficientStats>>,
  options: CompareOptions = {}
): FactorialResults => {
  const results: FactorResult[] = factors.map((factor, index) => {
    const totals = pooled(factors, cells, [index]);
    const levels = factor.levels.map(({ key }) => {
      const stats = totals.get(key) ?? EMPTY;
      return { key, ...stats, mean: stats.units > 0 ? stats.sum / stats.units : 0 };
    });
    const [baseline, ...others] = levels;
    return {
      key: factor.key,
      levels,
      effects: others.map((level) => ({
        level: level.key,
        baseline: baseline.key,
        result: compareArms(kind, baseline, level, options),
      })),
    };
  });

  const interactions: Interaction[] = [];
  for (let a = 0; a < factors.length; a++) {
    for (let b = a + 1; b < factors.length; b++) {
      const totals = pooled(factors, cells, [a, b]);
      const at = (levelA: string, levelB: string) => totals.get(cellKey([levelA, levelB])) ?? EMPTY;
      const baseA = factors[a].levels[0].key;
      const baseB = factors[b].levels[0].key;
      for (const { key: levelA } of factors[a].levels.slice(1)) {
        for (const { key: levelB } of factors[b].levels.slice(1)) {
          interactions.push({
            factors: [factors[a].key, factors[b].key],
            levels: [levelA, levelB],
            result: differenceInDifferences(
              kind,
              { base: at(baseA, baseB), first: at(levelA, baseB), second: at(baseA, levelB), both: at(levelA, levelB) },
              options
            ),
          });
        }
      }
    }
  }

  let bestCell: BestCell | null = null;
  for (const levels of factorialCells(factors)) {
    const arm = cellKey(levels);
    const stats = cells[arm];
    if (!stats || !(stats.units > 0)) continue;
    const mean = stats.sum / stats.units;
    if (bestCell === null || mean > bestCell.mean) bestCell = { arm, levels, units: stats.units, mean };
  }
  return { factors: results, interactions, bestCell };
};
