/**
 * Sample ratio mismatch: are the units per arm what the weights say they should be?
 * Pearson's χ² of observed units against the expected split, p-value from the χ² survival function,
 * flagged below 0.001 (GrowthBook's default srmThreshold). Same rules as GrowthBook's checkSrm
 * (packages/back-end/src/util/stats.ts; gbstats/utils.py check_srm): arms with weight 0 (or no count) are left
 * out, fewer than two arms left or no units at all gives p = 1.
 */
import { chiSquareSf } from './special';

/** GrowthBook's default SRM threshold (DEFAULT_SRM_THRESHOLD). */
export const SRM_THRESHOLD = 0.001;

export interface SrmResult {
  /** P(a split at least this uneven | assignment works as configured). */
  pValue: number;
  /** False when pValue < threshold: assignment or counting is broken somewhere (docs/statistics.md). */
  ok: boolean;
  chiSquare: number;
  degreesOfFreedom: number;
}

export interface SrmOptions {
  /** Flag below this p-value (default 0.001). */
  threshold?: number;
}

/** χ² contribution and degrees of freedom of one split (one period). */
const pearson = (units: readonly number[], weights: readonly number[]): { chiSquare: number; degreesOfFreedom: number } => {
  let totalUnits = 0;
  let totalWeight = 0;
  let cells = 0;
  for (let index = 0; index < weights.length; index += 1) {
    const weight = weights[index];
    const observed = units[index];
    if (!(weight > 0) || observed === undefined) continue;
    totalUnits += observed;
    totalWeight += weight;
    cells += 1;
  }
  if (cells < 2 || totalUnits === 0) return { chiSquare: 0, degreesOfFreedom: 0 };
  let chiSquare = 0;
  for (let index = 0; index < weights.length; index += 1) {
    const weight = weights[index];
    const observed = units[index];
    if (!(weight > 0) || observed === undefined) continue;
    const expected = (weight / totalWeight) * totalUnits;
    chiSquare += ((observed - expected) * (observed - expected)) / expected;
  }
  return { chiSquare, degreesOfFreedom: cells - 1 };
};

const result = (chiSquare: number, degreesOfFreedom: number, threshold: number): SrmResult => {
  const pValue = degreesOfFreedom > 0 ? chiSquareSf(chiSquare, degreesOfFreedom) : 1;
  return { pValue, ok: !(pValue < threshold), chiSquare, degreesOfFreedom };
};

/** SRM check of units per arm against the arms' weights (weights need not sum to 1). */
export const srmCheck = (units: readonly number[], weights: readonly number[], options: SrmOptions = {}): SrmResult => {
  const { chiSquare, degreesOfFreedom } = pearson(units, weights);
  return result(chiSquare, degreesOfFreedom, options.threshold ?? SRM_THRESHOLD);
};

/** One period of a bandit: the units each arm received while `weights` were in force. */
export interface SrmPeriod {
  units: readonly number[];
  weights: readonly number[];
}

export interface PeriodSrmOptions extends SrmOptions {
  /**
   * `periods` (default): Σ over periods of each period's Pearson χ², with Σ (arms in the period − 1) degrees of
   * freedom. Periods are independent, so this is χ²-distributed however much the weights moved.
   * `pooled`: GrowthBook's bandit SRM (experiment-aggregate-units-query.ts, __banditSrm; services/stats.ts):
   * per arm, total units against Σ_periods (period units × weight), one χ² with (arms − 1) degrees of freedom.
   * More power against an imbalance that persists in every period, but conservative (p-values too large)
   * when weights change between periods.
   * `pooled-adjusted`: the same pooled differences O − E, with their exact covariance under correct assignment,
   * Σ_periods N_p (diag(w_p) − w_p w_pᵀ), in place of Pearson's: dᵀ Σ⁻¹ d over (arms − 1) cells, χ² with
   * (arms − 1) degrees of freedom whatever the weights did (equal to `pooled` when they never changed).
   * tests/engine/stats-simulation.test.ts measures the three.
   */
  method?: 'periods' | 'pooled' | 'pooled-adjusted';
}

/** SRM check for an experiment whose weights changed over time (bandits): the weights in force in each period. */
export const srmCheckByPeriod = (periods: readonly SrmPeriod[], options: PeriodSrmOptions = {}): SrmResult => {
  const threshold = options.threshold ?? SRM_THRESHOLD;
  if ((options.method ?? 'periods') === 'periods') {
    let chiSquare = 0;
    let degreesOfFreedom = 0;
    for (const period of periods) {
      const part = pearson(period.units, period.weights);
      chiSquare += part.chiSquare;
      degreesOfFreedom += part.degreesOfFreedom;
    }
    return result(chiSquare, degreesOfFreedom, threshold);
  }
  const arms = periods.reduce((most, period) => Math.max(most, period.weights.length), 0);
  const observed = new Array<number>(arms).fill(0);
  const expected = new Array<number>(arms).fill(0);
  // Σ_p N_p (diag(w_p) − w_p w_pᵀ): the covariance of O − E under correct assignment.
  const covariance = Array.from({ length: arms }, () => new Array<number>(arms).fill(0));
  for (const period of periods) {
    let total = 0;
    let totalWeight = 0;
    for (let index = 0; index < arms; index += 1) {
      total += period.units[index] ?? 0;
      totalWeight += Math.max(0, period.weights[index] ?? 0);
    }
    if (total === 0 || !(totalWeight > 0)) continue;
    for (let index = 0; index < arms; index += 1) {
      const share = Math.max(0, period.weights[index] ?? 0) / totalWeight;
      observed[index] += period.units[index] ?? 0;
      expected[index] += total * share;
      for (let other = 0; other < arms; other += 1) {
        const otherShare = Math.max(0, period.weights[other] ?? 0) / totalWeight;
        covariance[index][other] += total * ((index === other ? share : 0) - share * otherShare);
      }
    }
  }
  if (options.method === 'pooled-adjusted') return adjustedPooled(observed, expected, covariance, threshold);
  let chiSquare = 0;
  let cells = 0;
  for (let index = 0; index < arms; index += 1) {
    if (!(expected[index] > 0)) continue;
    chiSquare += (observed[index] - expected[index]) ** 2 / expected[index];
    cells += 1;
  }
  return result(chiSquare, cells >= 2 ? cells - 1 : 0, threshold);
};

/**
 * dᵀ Σ⁻¹ d for the arms ever given weight, the last one left out (Σ has rank arms − 1): Cholesky solve.
 * Arms whose expected count is 0 are left out (as in the other checks).
 */
const adjustedPooled = (observed: number[], expected: number[], covariance: number[][], threshold: number): SrmResult => {
  const cells = expected.map((value, index) => (value > 0 ? index : -1)).filter((index) => index >= 0);
  const kept = cells.slice(0, -1);
  const size = kept.length;
  if (size < 1) return result(0, 0, threshold);
  const lower = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let row = 0; row < size; row += 1) {
    for (let column = 0; column <= row; column += 1) {
      let sum = covariance[kept[row]][kept[column]];
      for (let k = 0; k < column; k += 1) sum -= lower[row][k] * lower[column][k];
      if (row === column) {
        if (!(sum > 0)) return result(0, 0, threshold); // degenerate (e.g. one arm only ever had weight)
        lower[row][row] = Math.sqrt(sum);
      } else lower[row][column] = sum / lower[column][column];
    }
  }
  // Solve L z = d; the statistic is |z|².
  let chiSquare = 0;
  const z = new Array<number>(size).fill(0);
  for (let row = 0; row < size; row += 1) {
    let sum = observed[kept[row]] - expected[kept[row]];
    for (let k = 0; k < row; k += 1) sum -= lower[row][k] * z[k];
    z[row] = sum / lower[row][row];
    chiSquare += z[row] * z[row];
  }
  return result(chiSquare, size, threshold);
};
