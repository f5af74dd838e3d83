/**
 * Treatment vs control, with GrowthBook's gbstats semantics (docs/statistics.md):
 * - relative lift Δ = (μB − μA)/|μA| with the delta-method variance σB²/(nB·μA²) + σA²·μB²/(nA·μA⁴), and the
 *   absolute lift μB − μA with variance σB²/nB + σA²/nA (gbstats/utils.py frequentist_diff, frequentist_variance);
 * - fixed-horizon two-sided Welch t test and CI, Welch–Satterthwaite degrees of freedom (gbstats/frequentist/
 *   tests.py TTest.dof, TwoSidedTTest);
 * - the sequential (always-valid) CI and p-value of SequentialTwoSidedTTest: the mixture boundary of
 *   Waudby-Smith et al. (arXiv:2103.06476, eq. 9 and 155) with ρ from the tuning parameter N*;
 * - Bayesian chance to win with a flat (improper) prior, Φ(Δ/se) (gbstats/bayesian/tests.py chance_to_win).
 * No result (not an error) while an arm has no units, the baseline mean is 0 or a variance is 0
 * (gbstats/models/tests.py EffectMoments.compute_result).
 */
import { armStatistic } from './arms';
import type { ArmStatistic, GoalKind, SufficientStats } from './arms';
import { normalCdf, studentTQuantile, studentTTwoSidedPValue } from './special';

// Local aliases: global lookups are slow inside sandboxes such as Node's vm (Jest), and these run in loops.
const { abs, exp, log, min, sqrt } = Math;

export const DEFAULT_ALPHA = 0.05;
/** gbstats' SequentialConfig.sequential_tuning_parameter default (docs/design.md: experiments.sequentialNStar). */
export const DEFAULT_SEQUENTIAL_N_STAR = 5000;

export type Interval = [number, number];

export interface SequentialEstimate {
  /** Always-valid (1 − α) interval: may be looked at after every update. */
  ci: Interval;
  /** Always-valid p-value (1 / e-value, capped at 1). */
  pValue: number;
}

export interface LiftEstimate {
  /** Point estimate: relative (a fraction, 0.05 = +5 %) or absolute (in the goal's unit). */
  lift: number;
  standardError: number;
  /** Fixed-horizon (1 − α) Welch t interval: valid when read once, at the planned end. */
  ci: Interval;
  /** Fixed-horizon two-sided Welch t p-value. */
  pValue: number;
  sequential: SequentialEstimate;
}

export interface Comparison {
  ok: true;
  control: ArmStatistic;
  treatment: ArmStatistic;
  /** Welch–Satterthwaite degrees of freedom of the t tests. */
  degreesOfFreedom: number;
  relative: LiftEstimate;
  absolute: LiftEstimate;
  /** P(treatment better than control) under a flat prior: Φ(Δ / se), relative scale. */
  chanceToWin: number;
}

export type NoResultReason = 'no-units' | 'zero-baseline' | 'zero-variance';

export interface NoResult {
  ok: false;
  reason: NoResultReason;
}

export interface CompareOptions {
  /** 1 − confidence level of the intervals (default 0.05). */
  alpha?: number;
  /** The sequential tuning parameter N*: the total units around which the sequential CI is tightest (default 5000). */
  sequentialNStar?: number;
}

/** The options' α and N*, checked (RangeError outside (0, 1) and (0, ∞)). */
export const compareSettings = (options: CompareOptions): { alpha: number; nStar: number } => {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const nStar = options.sequentialNStar ?? DEFAULT_SEQUENTIAL_N_STAR;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(nStar > 0)) throw new RangeError(`sequentialNStar must be positive, got ${nStar}`);
  return { alpha, nStar };
};

/** Welch–Satterthwaite degrees of freedom for two arms' (variance, units). */
export const welchDegreesOfFreedom = (control: ArmStatistic, treatment: ArmStatistic): number => {
  const a = control.variance / control.units;
  const b = treatment.variance / treatment.units;
  return (
    (a + b) ** 2 /
    ((treatment.variance * treatment.variance) / (treatment.units * treatment.units * (treatment.units - 1)) +
      (control.variance * control.variance) / (control.units * control.units * (control.units - 1)))
  );
};

/** Relative lift (μB − μA)/|μA| and its delta-method variance. */
export const relativeLift = (control: ArmStatistic, treatment: ArmStatistic): { lift: number; variance: number } => {
  const meanA = control.mean;
  const meanB = treatment.mean;
  return {
    lift: (meanB - meanA) / abs(meanA),
    variance:
      treatment.variance / (treatment.units * meanA * meanA) + (control.variance * meanB * meanB) / (control.units * meanA ** 4),
  };
};

/** Absolute lift μB − μA and its variance. */
export const absoluteLift = (control: ArmStatistic, treatment: ArmStatistic): { lift: number; variance: number } => ({
  lift: treatment.mean - control.mean,
  variance: treatment.variance / treatment.units + control.variance / control.units,
});

/** ρ of the normal mixture for a two-sided test: √((−2 ln α + ln(−2 ln α + 1)) / N*) (arXiv:2103.06476 eq. 161). */
export const sequentialRho = (alpha: number, nStar: number): number => sqrt((-2 * log(alpha) + log(-2 * log(alpha) + 1)) / nStar);

/**
 * Half-width of the always-valid CI for an estimate with standard error `se` from `n` total units
 * (gbstats sequential_interval_halfwidth with s² = se² · n).
 */
export const sequentialHalfWidth = (se: number, n: number, alpha: number, nStar: number): number => {
  const rho = sequentialRho(alpha, nStar);
  const nRho2 = n * rho * rho;
  return se * sqrt(n) * sqrt((2 * (nRho2 + 1) * log(sqrt(nRho2 + 1) / alpha)) / (n * rho) ** 2);
};

/** Always-valid p-value of `estimate` (against 0) with standard error `se` from `n` total units (gbstats eq. 155). */
export const sequentialPValue = (estimate: number, se: number, n: number, alpha: number, nStar: number): number => {
  const rho = sequentialRho(alpha, nStar);
  const st2 = (estimate * estimate * n) / (se * se);
  const tr2p1 = n * rho * rho + 1;
  const logEValue = (rho * rho * st2) / (2 * tr2p1) - 0.5 * log(tr2p1);
  return min(1, exp(-logEValue));
};

/** Chance to win under a flat prior: P(lift > 0) = Φ(lift / se). */
export const chanceToWin = (lift: number, se: number): number => normalCdf(lift / se);

/**
 * A lift's fixed-horizon Welch t interval and p (`dof` degrees of freedom) and its sequential interval and p (`n`
 * total units), from its point estimate and variance.
 */
export const liftEstimate = (
  lift: number,
  variance: number,
  dof: number,
  n: number,
  alpha: number,
  nStar: number
): LiftEstimate => {
  const se = sqrt(variance);
  const fixedHalfWidth = studentTQuantile(1 - alpha / 2, dof) * se;
  const sequentialHalf = sequentialHalfWidth(se, n, alpha, nStar);
  return {
    lift,
    standardError: se,
    ci: [lift - fixedHalfWidth, lift + fixedHalfWidth],
    pValue: studentTTwoSidedPValue(lift / se, dof),
    sequential: {
      ci: [lift - sequentialHalf, lift + sequentialHalf],
      pValue: sequentialPValue(lift, se, n, alpha, nStar),
    },
  };
};

/** Compares a treatment arm with the control arm on one goal. */
export const compareArms = (
  kind: GoalKind,
  control: SufficientStats,
  treatment: SufficientStats,
  options: CompareOptions = {}
): Comparison | NoResult => {
  const { alpha, nStar } = compareSettings(options);
  if (!(control.units > 0) || !(treatment.units > 0)) return { ok: false, reason: 'no-units' };
  const a = armStatistic(kind, control);
  const b = armStatistic(kind, treatment);
  if (a.mean === 0) return { ok: false, reason: 'zero-baseline' };
  if (!(a.variance > 0) || !(b.variance > 0)) return { ok: false, reason: 'zero-variance' };
  const dof = welchDegreesOfFreedom(a, b);
  const n = a.units + b.units;
  const relative = relativeLift(a, b);
  const absolute = absoluteLift(a, b);
  const relativeEstimate = liftEstimate(relative.lift, relative.variance, dof, n, alpha, nStar);
  return {
    ok: true,
    control: a,
    treatment: b,
    degreesOfFreedom: dof,
    relative: relativeEstimate,
    absolute: liftEstimate(absolute.lift, absolute.variance, dof, n, alpha, nStar),
    chanceToWin: chanceToWin(relative.lift, relativeEstimate.standardError),
  };
};
