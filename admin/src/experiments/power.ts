import { powerPlan, unitsForPower, type PowerMetric, type PowerPlan } from '../../../engine/src/stats/power';

/** The power and duration calculator's inputs, as the editor holds them (percentages; null when empty). */
export interface PowerInputs {
  kind: 'conversion' | 'mean';
  /** Baseline conversion rate, in % (conversion goals). */
  ratePercent: number | null;
  /** Baseline mean and standard deviation per visitor (mean goals). */
  mean: number | null;
  standardDeviation: number | null;
  /** Minimum detectable effect: a relative lift, in %. */
  mdePercent: number | null;
  /** Eligible visitors per day, before the traffic share. */
  dailyVisitors: number | null;
  arms: number;
  /** Share of eligible visitors in the experiment, in %. */
  trafficPercent: number;
  /** Read with the sequential (always-valid) test, as the results page does. */
  sequential: boolean;
  sequentialNStar?: number;
  /** The significance level (`experiments.alpha`, default 0.05). */
  alpha?: number;
  days?: number;
}

export type PowerProblem = 'rate' | 'mean' | 'standardDeviation' | 'mde' | 'dailyVisitors' | 'traffic' | 'arms';

export type PowerAnswer =
  | { ok: true; plan: PowerPlan; unitsPerDay: number; unitsNeeded: number | undefined; metric: PowerMetric }
  | { ok: false; problems: PowerProblem[] };

const positive = (value: number | null): value is number => value !== null && Number.isFinite(value) && value > 0;

/**
 * Days needed and power by day (GrowthBook's power semantics, engine/src/stats/power.ts) for the
 * inputs, or which inputs stop it from being computed.
 */
export const planPower = (inputs: PowerInputs): PowerAnswer => {
  const problems: PowerProblem[] = [];
  if (inputs.kind === 'conversion' && !(positive(inputs.ratePercent) && inputs.ratePercent < 100)) problems.push('rate');
  if (inputs.kind === 'mean' && !(inputs.mean !== null && Number.isFinite(inputs.mean) && inputs.mean !== 0)) problems.push('mean');
  if (inputs.kind === 'mean' && !positive(inputs.standardDeviation)) problems.push('standardDeviation');
  if (!positive(inputs.mdePercent)) problems.push('mde');
  if (!positive(inputs.dailyVisitors)) problems.push('dailyVisitors');
  if (!(inputs.trafficPercent > 0 && inputs.trafficPercent <= 100)) problems.push('traffic');
  if (!(Number.isInteger(inputs.arms) && inputs.arms >= 2)) problems.push('arms');
  if (problems.length > 0) return { ok: false, problems };

  const metric: PowerMetric =
    inputs.kind === 'conversion'
      ? { kind: 'conversion', rate: (inputs.ratePercent as number) / 100 }
      : { kind: 'mean', mean: inputs.mean as number, standardDeviation: inputs.standardDeviation as number };
  const mde = (inputs.mdePercent as number) / 100;
  const unitsPerDay = ((inputs.dailyVisitors as number) * inputs.trafficPercent) / 100;
  const options = {
    arms: inputs.arms,
    sequentialNStar: inputs.sequential ? (inputs.sequentialNStar ?? 5000) : (false as const),
    ...(inputs.alpha !== undefined ? { alpha: inputs.alpha } : {}),
  };
  const plan = powerPlan({ metric, mde, unitsPerDay, days: inputs.days ?? 28, ...options });
  return { ok: true, plan, unitsPerDay, unitsNeeded: unitsForPower(metric, mde, options), metric };
};
