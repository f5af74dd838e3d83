/**
 * Per-arm statistics from the sufficient statistics the counters keep (units, Σy, Σy²), as gbstats'
 * ProportionStatistic (conversions: mean p, variance p(1 − p)) and SampleMeanStatistic (means: the sample
 * variance, n − 1 in the denominator). gbstats/models/statistics.py.
 */

/** `conversion`: y ∈ {0, 1} per unit (converted or not); `mean`: y is the summed value per unit. */
export type GoalKind = 'conversion' | 'mean';

/** What the counters keep per arm (and per day): units, Σy and Σy² (for conversions Σy² = Σy). */
export interface SufficientStats {
  units: number;
  sum: number;
  sumSquares: number;
}

export interface ArmStatistic {
  units: number;
  mean: number;
  /** Per-unit variance: p(1 − p) for conversions, the sample variance for means (0 with fewer than 2 units). */
  variance: number;
}

/** Adds sufficient statistics (days, or periods, of one arm). */
export const addSufficientStats = (...parts: readonly SufficientStats[]): SufficientStats => {
  let units = 0;
  let sum = 0;
  let sumSquares = 0;
  for (const part of parts) {
    units += part.units;
    sum += part.sum;
    sumSquares += part.sumSquares;
  }
  return { units, sum, sumSquares };
};

/** Mean and variance of one arm. */
export const armStatistic = (kind: GoalKind, stats: SufficientStats): ArmStatistic => {
  const { units, sum, sumSquares } = stats;
  const mean = units > 0 ? sum / units : 0;
  let variance: number;
  if (kind === 'conversion') variance = mean * (1 - mean);
  else variance = units > 1 ? (sumSquares - (sum * sum) / units) / (units - 1) : 0;
  return { units, mean, variance };
};
