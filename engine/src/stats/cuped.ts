/**
 * CUPED: regression adjustment on a pre-exposure covariate, with GrowthBook's gbstats semantics
 * (docs/statistics.md, "CUPED"). The covariate x is the unit's value of the goal in the lookback window before its
 * first exposure (for conversion goals 0 or 1, for mean goals the summed value); the counters keep, per arm, n, Σy,
 * Σy², Σx, Σx² and Σxy.
 *
 * - θ = cov(x, y)/var(x) of the two compared arms pooled (gbstats/models/statistics.py `compute_theta`, over
 *   `create_joint_statistic`); θ = 0 when the pooled x or y does not vary, and then the comparison is the
 *   unadjusted one (`create_theta_adjusted_statistics` reverts to the post statistics);
 * - per arm: adjusted mean ȳ − θx̄, adjusted variance σy² + θ²σx² − 2θ·cov(x, y) (`RegressionAdjustedStatistic`),
 *   the covariance with n − 1 for mean goals and with n for conversion goals (`compute_covariance`);
 * - relative lift (ȳB,adj − ȳA,adj)/|ȳA| (unadjusted control mean in the denominator, `frequentist_diff`) with the
 *   delta-method variance of gbstats/models/tests.py `frequentist_variance_relative_cuped`; absolute lift
 *   ȳB,adj − ȳA,adj with variance σB,adj²/nB + σA,adj²/nA;
 * - Welch t (degrees of freedom from the adjusted variances, `TTest.dof`), the sequential interval and p of
 *   compare.ts on the adjusted estimate and standard error, and chance to win Φ(Δ/se).
 */
import { armStatistic } from './arms';
import type { ArmStatistic, GoalKind, SufficientStats } from './arms';
import { chanceToWin, compareArms, compareSettings, liftEstimate, welchDegreesOfFreedom } from './compare';
import type { CompareOptions, Comparison, LiftEstimate, NoResult } from './compare';

const { abs } = Math;

/** An arm's counters with the covariate: Σx (`preSum`), Σx² (`preSumSquares`) and Σxy (`crossSum`). */
export interface CupedSufficientStats extends SufficientStats {
  preSum: number;
  preSumSquares: number;
  crossSum: number;
}

/** One arm, adjusted: `mean` and `variance` are the adjusted ones (ȳ − θx̄, σy² + θ²σx² − 2θ·cov). */
export interface CupedArmStatistic extends ArmStatistic {
  unadjustedMean: number;
  unadjustedVariance: number;
  preMean: number;
  preVariance: number;
  /** cov(x, y) of the arm (n − 1 for mean goals, n for conversion goals, as gbstats). */
  covariance: number;
}

export interface CupedComparison {
  ok: true;
  /** False when θ = 0 (the pooled covariate or goal does not vary): the numbers are then the unadjusted ones. */
  adjusted: boolean;
  /** θ = cov(x, y)/var(x) of the two arms pooled. */
  theta: number;
  control: CupedArmStatistic;
  treatment: CupedArmStatistic;
  degreesOfFreedom: number;
  relative: LiftEstimate;
  absolute: LiftEstimate;
  chanceToWin: number;
  /** The unadjusted comparison of the same arms (compareArms), shown beside the adjusted one. */
  raw: Comparison | NoResult;
  /**
   * 1 − Var(adjusted relative lift)/Var(raw relative lift): the share of the estimate's variance CUPED removed (0.3
   * means the same precision with 30 % fewer units); null without a raw result.
   */
  varianceReduction: number | null;
}

/** Adds CUPED counters (days, or periods, of one arm). */
export const addCupedStats = (...parts: readonly CupedSufficientStats[]): CupedSufficientStats => {
  const total: CupedSufficientStats = { units: 0, sum: 0, sumSquares: 0, preSum: 0, preSumSquares: 0, crossSum: 0 };
  for (const part of parts) {
    total.units += part.units;
    total.sum += part.sum;
    total.sumSquares += part.sumSquares;
    total.preSum += part.preSum;
    total.preSumSquares += part.preSumSquares;
    total.crossSum += part.crossSum;
  }
  return total;
};

const preStats = (stats: CupedSufficientStats): SufficientStats => ({
  units: stats.units,
  sum: stats.preSum,
  sumSquares: stats.preSumSquares,
});

/** cov(x, y) from n, Σx, Σy and Σxy: Σxy/n − ΣxΣy/n² for conversions, (Σxy − ΣxΣy/n)/(n − 1) for means (0 with n ≤ 1). */
export const cupedCovariance = (kind: GoalKind, units: number, sumX: number, sumY: number, crossSum: number): number => {
  if (units <= 1) return 0;
  return kind === 'conversion'
    ? crossSum / units - (sumX * sumY) / (units * units)
    : (crossSum - (sumX * sumY) / units) / (units - 1);
};

/** θ of two arms pooled: cov(x, y)/var(x), 0 when the pooled x or y does not vary (gbstats `compute_theta`). */
export const cupedTheta = (kind: GoalKind, control: CupedSufficientStats, treatment: CupedSufficientStats): number => {
  const joint = addCupedStats(control, treatment);
  const post = armStatistic(kind, joint);
  const pre = armStatistic(kind, preStats(joint));
  if (pre.variance === 0 || post.variance === 0) return 0;
  return cupedCovariance(kind, joint.units, joint.preSum, joint.sum, joint.crossSum) / pre.variance;
};

/** One arm's adjusted statistics for a given θ (gbstats `RegressionAdjustedStatistic`). */
export const cupedArmStatistic = (kind: GoalKind, stats: CupedSufficientStats, theta: number): CupedArmStatistic => {
  const post = armStatistic(kind, stats);
  const pre = armStatistic(kind, preStats(stats));
  const covariance = cupedCovariance(kind, stats.units, stats.preSum, stats.sum, stats.crossSum);
  return {
    units: stats.units,
    mean: post.mean - theta * pre.mean,
    variance: stats.units <= 1 ? 0 : post.variance + theta * theta * pre.variance - 2 * theta * covariance,
    unadjustedMean: post.mean,
    unadjustedVariance: post.variance,
    preMean: pre.mean,
    preVariance: pre.variance,
    covariance,
  };
};

/** Delta-method variance of the adjusted relative lift (gbstats `frequentist_variance_relative_cuped`). */
export const cupedRelativeVariance = (control: CupedArmStatistic, treatment: CupedArmStatistic, theta: number): number => {
  const baseline = control.unadjustedMean;
  const treatmentPart = treatment.variance / (treatment.units * baseline * baseline);
  const c = -treatment.unadjustedMean;
  const controlPart =
    (control.unadjustedVariance * (c * c)) / (baseline * baseline) +
    (2 * theta * control.covariance * c) / baseline +
    theta * theta * control.preVariance;
  return treatmentPart + controlPart / (control.units * baseline * baseline);
};

const plainArm = (arm: ArmStatistic, kind: GoalKind, stats: CupedSufficientStats): CupedArmStatistic => {
  const pre = armStatistic(kind, preStats(stats));
  return {
    ...arm,
    unadjustedMean: arm.mean,
    unadjustedVariance: arm.variance,
    preMean: pre.mean,
    preVariance: pre.variance,
    covariance: cupedCovariance(kind, stats.units, stats.preSum, stats.sum, stats.crossSum),
  };
};

/**
 * Compares a treatment arm with the control arm on one goal with CUPED (see the module comment). No result, as
 * compareArms, while an arm has no units (`no-units`), the control's raw or adjusted mean is 0 (`zero-baseline`) or
 * an adjusted variance, or the lift's, is not positive (`zero-variance`).
 */
export const compareArmsCuped = (
  kind: GoalKind,
  control: CupedSufficientStats,
  treatment: CupedSufficientStats,
  options: CompareOptions = {}
): CupedComparison | NoResult => {
  const { alpha, nStar } = compareSettings(options);
  const raw = compareArms(kind, control, treatment, options);
  if (!(control.units > 0) || !(treatment.units > 0)) return { ok: false, reason: 'no-units' };
  const theta = cupedTheta(kind, control, treatment);
  if (theta === 0) {
    if (!raw.ok) return raw;
    return {
      ok: true,
      adjusted: false,
      theta: 0,
      control: plainArm(raw.control, kind, control),
      treatment: plainArm(raw.treatment, kind, treatment),
      degreesOfFreedom: raw.degreesOfFreedom,
      relative: raw.relative,
      absolute: raw.absolute,
      chanceToWin: raw.chanceToWin,
      raw,
      varianceReduction: 0,
    };
  }
  const a = cupedArmStatistic(kind, control, theta);
  const b = cupedArmStatistic(kind, treatment, theta);
  if (a.unadjustedMean === 0 || a.mean === 0) return { ok: false, reason: 'zero-baseline' };
  const relativeVariance = cupedRelativeVariance(a, b, theta);
  const absoluteVariance = b.variance / b.units + a.variance / a.units;
  if (!(a.variance > 0) || !(b.variance > 0) || !(relativeVariance > 0) || !(absoluteVariance > 0)) {
    return { ok: false, reason: 'zero-variance' };
  }
  const dof = welchDegreesOfFreedom(a, b);
  const n = a.units + b.units;
  const relativeLift = (b.mean - a.mean) / abs(a.unadjustedMean);
  const relative = liftEstimate(relativeLift, relativeVariance, dof, n, alpha, nStar);
  return {
    ok: true,
    adjusted: true,
    theta,
    control: a,
    treatment: b,
    degreesOfFreedom: dof,
    relative,
    absolute: liftEstimate(b.mean - a.mean, absoluteVariance, dof, n, alpha, nStar),
    chanceToWin: chanceToWin(relativeLift, relative.standardError),
    raw,
    varianceReduction: raw.ok ? 1 - relativeVariance / raw.relative.standardError ** 2 : null,
  };
};
