/**
 * Power and duration, with GrowthBook's power-calculator semantics (packages/shared/src/power/power.ts:
 * powerEstFrequentist, findMdeFrequentist, powerMetricWeeks), per day instead of per week:
 * - the effect is a relative lift (the MDE, 0.05 = +5 %); the treatment mean is μ·(1 + MDE) with the
 *   control's per-unit variance (p(1 − p) for conversions, sd² for means), the delta-method variance of
 *   the relative lift at n / arms units per arm;
 * - power of the two-sided z test: 1 − Φ(z* − Δ/se) + Φ(−z* − Δ/se), z* = Φ⁻¹(1 − α/2);
 * - sequential testing inflates se by the ratio of the always-valid half-width to the fixed one
 *   (sequentialPowerSequentialVariance), with n = 2 · n / arms units (one pair of arms);
 * - the MDE at a given power solves the quadratic of findMdeFrequentist.
 */
import { DEFAULT_ALPHA, sequentialRho } from './compare';
import { normalCdf, normalQuantile } from './special';

export type PowerMetric =
  | { kind: 'conversion'; /** baseline conversion rate, 0 < rate < 1 */ rate: number }
  | { kind: 'mean'; mean: number; standardDeviation: number };

export interface PowerOptions {
  /** Number of arms, control included (default 2); units are split evenly. */
  arms?: number;
  alpha?: number;
  /** The sequential tuning parameter N* when results are read with the sequential (always-valid) test; false: fixed horizon (default). */
  sequentialNStar?: number | false;
}

export const DEFAULT_TARGET_POWER = 0.8;

const metricMean = (metric: PowerMetric) => (metric.kind === 'mean' ? metric.mean : metric.rate);
const metricVariance = (metric: PowerMetric) =>
  metric.kind === 'mean' ? metric.standardDeviation ** 2 : metric.rate * (1 - metric.rate);

/** Delta-method variance of the relative lift (GrowthBook frequentistVariance, relative). */
const frequentistVarianceRelative = (varA: number, meanA: number, nA: number, varB: number, meanB: number, nB: number) =>
  varB / (meanA * meanA * nB) + (varA * meanB * meanB) / (meanA ** 4 * nA);

const settings = (options: PowerOptions) => {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const arms = options.arms ?? 2;
  const nStar = options.sequentialNStar ?? false;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(Number.isInteger(arms) && arms >= 2)) throw new RangeError(`arms must be an integer ≥ 2, got ${arms}`);
  if (nStar !== false && !(nStar > 0)) throw new RangeError(`sequentialNStar must be positive, got ${nStar}`);
  return { alpha, arms, nStar };
};

/**
 * The variance a sequential analysis behaves as having: n · (se · z_sequential / z*)², the fixed-horizon
 * variance scaled by (always-valid half-width / fixed half-width)² (GrowthBook sequentialPowerSequentialVariance).
 */
export const sequentialPowerVariance = (variance: number, n: number, alpha: number, nStar: number): number => {
  const rho = sequentialRho(alpha, nStar);
  const nRho2 = n * rho * rho;
  const discriminant = (2 * (nRho2 + 1) * Math.log(Math.sqrt(nRho2 + 1) / alpha)) / (n * rho) ** 2;
  const zStar = normalQuantile(1 - alpha / 2);
  return (variance * n * discriminant) / (zStar * zStar);
};

/** Standard error of the relative lift the power calculation assumes, for `totalUnits` units over all arms. */
export const powerStandardError = (metric: PowerMetric, mde: number, totalUnits: number, options: PowerOptions = {}): number => {
  const { alpha, arms, nStar } = settings(options);
  const mean = metricMean(metric);
  const variance = metricVariance(metric);
  const perArm = totalUnits / arms;
  const relativeVariance = frequentistVarianceRelative(variance, mean, perArm, variance, mean * (1 + mde), perArm);
  if (nStar === false) return Math.sqrt(relativeVariance);
  return Math.sqrt(sequentialPowerVariance(relativeVariance, 2 * perArm, alpha, nStar));
};

/** Power of a two-sided test to detect a relative lift `mde` with `totalUnits` units over all arms. */
export const powerAt = (metric: PowerMetric, mde: number, totalUnits: number, options: PowerOptions = {}): number => {
  const { alpha } = settings(options);
  const zStar = normalQuantile(1 - alpha / 2);
  const standardized = mde / powerStandardError(metric, mde, totalUnits, options);
  return 1 - normalCdf(zStar - standardized) + normalCdf(-zStar - standardized);
};

export type MdeResult = { ok: true; mde: number } | { ok: false; reason: 'power-not-above-alpha' | 'too-few-units' };

/** The smallest relative lift detected with probability `power` with `totalUnits` units (GrowthBook findMdeFrequentist). */
export const mdeAt = (metric: PowerMetric, power: number, totalUnits: number, options: PowerOptions = {}): MdeResult => {
  const { alpha, arms, nStar } = settings(options);
  if (power <= alpha) return { ok: false, reason: 'power-not-above-alpha' };
  const perArm = totalUnits / arms;
  const z = normalQuantile(1 - alpha / 2) - normalQuantile(1 - power);
  const m = metricMean(metric);
  const v = nStar === false ? metricVariance(metric) : sequentialPowerVariance(metricVariance(metric), 2 * perArm, alpha, nStar);
  if (perArm <= (v * z * z) / (m * m)) return { ok: false, reason: 'too-few-units' };
  const sigma2 = v / perArm;
  const a = 1 - (z * z * sigma2) / (m * m);
  const b = -2 * m;
  const c = m * m - z * z * sigma2;
  const root = (-b + Math.sqrt(b * b - 4 * a * c)) / (2 * a);
  return { ok: true, mde: (root - m) / m };
};

export interface PowerDay {
  day: number;
  /** Units over all arms by the end of this day. */
  units: number;
  /** Power to detect the MDE by then. */
  power: number;
  /** The lift detectable with the target power by then (undefined when too few units). */
  mde: number | undefined;
}

export interface PowerPlan {
  days: PowerDay[];
  /** First day whose power, rounded to 2 decimals, reaches the target (GrowthBook's rule); undefined if none within `days`. */
  daysToPower: number | undefined;
  /** Units over all arms by that day. */
  unitsToPower: number | undefined;
}

export interface PowerPlanInput extends PowerOptions {
  metric: PowerMetric;
  /** The relative lift to detect (0.05 = +5 %). */
  mde: number;
  /** New units entering the experiment per day, over all arms. */
  unitsPerDay: number;
  /** Days to tabulate (default 28). */
  days?: number;
  /** Default 0.8. */
  targetPower?: number;
}

/** Power and MDE day by day (GrowthBook powerMetricWeeks, with days for weeks). */
export const powerPlan = (input: PowerPlanInput): PowerPlan => {
  const targetPower = input.targetPower ?? DEFAULT_TARGET_POWER;
  const count = input.days ?? 28;
  const days: PowerDay[] = [];
  let daysToPower: number | undefined;
  for (let day = 1; day <= count; day += 1) {
    const units = input.unitsPerDay * day;
    const power = powerAt(input.metric, input.mde, units, input);
    const mde = mdeAt(input.metric, targetPower, units, input);
    days.push({ day, units, power, mde: mde.ok ? mde.mde : undefined });
    if (daysToPower === undefined && Math.round(power * 100) / 100 >= targetPower) daysToPower = day;
  }
  return { days, daysToPower, unitsToPower: daysToPower === undefined ? undefined : daysToPower * input.unitsPerDay };
};

/**
 * The smallest whole number of units (over all arms) whose power to detect `mde` reaches `targetPower`
 * (no rounding of the power), or undefined beyond 10¹² units. Power grows with units for both analyses.
 */
export const unitsForPower = (
  metric: PowerMetric,
  mde: number,
  options: PowerOptions & { targetPower?: number } = {}
): number | undefined => {
  const target = options.targetPower ?? DEFAULT_TARGET_POWER;
  const enough = (units: number) => powerAt(metric, mde, units, options) >= target;
  let low = 0;
  let high = 2 * (options.arms ?? 2);
  while (!enough(high)) {
    low = high;
    high *= 2;
    if (high > 1e12) return undefined;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (enough(middle)) high = middle;
    else low = middle;
  }
  return high;
};
