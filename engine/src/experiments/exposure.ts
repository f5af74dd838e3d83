/**
 * Exposure and conversion counting (docs/design.md, "Experiments", Exposure and Conversion), pure: what a
 * first exposure or a batch of `track` events changes in a visitor's stored exposures, and the
 * increments of the experiment's counters that go with it. The server commits both in one atomic
 * write, so a visitor is counted once per experiment (intent to treat) and a conversion once per
 * visitor (`conversion`) or as the change of the visitor's summed value (`mean`: Σy and Σy² move by
 * `y' − y` and `y'² − y²` of the counted value), whatever the retries and concurrent requests.
 */
import type { AcceptedEvent } from '../profile/events';
import type { ContextualExposure, ExposureRecord } from '../profile/types';

export type ExposureMap = Record<string, ExposureRecord>;

export interface ExposureRequest {
  key: string;
  arm: string;
  /** The bandit period in force (0 for A/B tests). */
  period: number;
  /** Contextual experiments: the cell, leaf, model version and propensity of the draw. */
  contextual?: ContextualExposure;
  /** CUPED: per goal event, the unit's pre-exposure value x (profile/goal-days.ts `covariatesOf`), kept with the exposure. */
  covariates?: Record<string, number>;
}

/** One arm's cohort gets one more unit. */
export interface UnitIncrement {
  experiment: string;
  arm: string;
  /** The cohort: first exposure time and period. */
  at: number;
  period: number;
  /** Contextual experiments: counted per (cell, arm) and per (model version, leaf, arm) too. */
  contextual?: ContextualExposure;
  /** CUPED (units only): per goal, x, counted as Σx and Σx² of the arm's cohort. */
  covariates?: Record<string, number>;
}

export interface ConversionGoal {
  event: string;
  kind: 'conversion' | 'mean';
  windowHours: number;
  /** `mean` only: a visitor's total counts as at most `cap` (at least `−cap`). */
  cap?: number;
}

/**
 * Bounds of `mean` goal values, so that no visitor can overflow or swamp an arm's Σy and Σy²: an
 * event's `value` beyond ±`eventValue` is rejected (contracts/src/events.ts), and a visitor's total
 * is kept and counted within ±`visitorTotal` (or ±`cap`, lower). Then y² ≤ 1e24 per visitor, and
 * Σy² stays finite (and far from a double's 1.8e308) for any number of visitors.
 */
export const GOAL_VALUE_LIMITS = {
  /** Largest |value| of one `track` event. */
  eventValue: 1e9,
  /** Largest |total| of one visitor on one goal (1,000 events at the largest value); also the largest `cap`. */
  visitorTotal: 1e12,
} as const;

const clamp = (value: number, bound: number) => Math.min(bound, Math.max(-bound, value));

/**
 * What a visitor's total on a `mean` goal counts as: within ±`cap` (GrowthBook's capping applies to
 * the per-unit aggregate, so the cap bounds the visitor's total, not each event; here both ways, so
 * a refund cannot swamp the mean either), and within ±`GOAL_VALUE_LIMITS.visitorTotal` in any case.
 */
export const countedValue = (total: number, cap?: number): number =>
  clamp(total, Math.min(cap ?? GOAL_VALUE_LIMITS.visitorTotal, GOAL_VALUE_LIMITS.visitorTotal));

/** An experiment whose exposed visitors' `track` events may convert. */
export interface ConvertingExperiment {
  key: string;
  goals: readonly ConversionGoal[];
}

/** The change of one goal's counters in one arm's cohort. */
export interface ConversionIncrement extends UnitIncrement {
  goal: string;
  /** The experiment's primary goal (contextual experiments count its rewards per cell too). */
  primary: boolean;
  conversions: number;
  sum: number;
  sumSquares: number;
  /** CUPED: x·Δy, the change of Σxy (absent when the exposure has no covariate for the goal). */
  crossSum?: number;
}

const HOUR_MS = 3_600_000;

/**
 * Records the exposures the visitor does not have yet (at `now`); an experiment already in the
 * profile keeps its first arm and time. Returns the new exposure map (a copy) and the units to
 * count, empty when every exposure was already recorded.
 */
export const applyExposures = (
  exposures: ExposureMap,
  requests: readonly ExposureRequest[],
  now: number
): { exposures: ExposureMap; units: UnitIncrement[] } => {
  const next: ExposureMap = { ...exposures };
  const units: UnitIncrement[] = [];
  for (const request of requests) {
    if (Object.prototype.hasOwnProperty.call(next, request.key)) continue;
    const record: ExposureRecord = { arm: request.arm, at: now };
    if (request.period > 0) record.p = request.period;
    if (request.contextual) record.cx = request.contextual;
    if (request.covariates) record.x = { ...request.covariates };
    next[request.key] = record;
    units.push({
      experiment: request.key,
      arm: request.arm,
      at: now,
      period: request.period,
      ...(request.contextual ? { contextual: request.contextual } : {}),
      ...(request.covariates ? { covariates: { ...request.covariates } } : {}),
    });
  }
  return { exposures: next, units };
};

/**
 * Applies `track` events to the visitor's exposures: an event named by a goal of an experiment the
 * visitor was exposed to, at or after the first exposure and within the goal's `windowHours`,
 * converts. `conversion` counts the visitor once; `mean` adds `value` (0 when absent or not finite)
 * to the visitor's total, kept within ±`GOAL_VALUE_LIMITS.visitorTotal`, and counts the total as
 * `countedValue(total, goal.cap)`. Events before the exposure, after the window, or of experiments
 * not listed (stopped, deleted) change nothing. Events are applied in time order.
 */
export const applyConversions = (
  exposures: ExposureMap,
  events: readonly AcceptedEvent[],
  experiments: readonly ConvertingExperiment[]
): { exposures: ExposureMap; increments: ConversionIncrement[] } => {
  const tracks = events.filter((event): event is Extract<AcceptedEvent, { type: 'track' }> => event.type === 'track');
  if (tracks.length === 0 || experiments.length === 0) return { exposures, increments: [] };
  const sorted = [...tracks].sort((a, b) => a.at - b.at);
  let next: ExposureMap | null = null;
  const increments: ConversionIncrement[] = [];
  for (const experiment of experiments) {
    if (!Object.prototype.hasOwnProperty.call(exposures, experiment.key)) continue;
    const exposure = exposures[experiment.key];
    let values: Record<string, number> | null = null;
    for (const [goalIndex, goal] of experiment.goals.entries()) {
      const primary = goalIndex === 0;
      const end = exposure.at + goal.windowHours * HOUR_MS;
      for (const event of sorted) {
        if (event.name !== goal.event || event.at < exposure.at || event.at > end) continue;
        values ??= { ...(exposure.y ?? {}) };
        const before = Object.prototype.hasOwnProperty.call(values, goal.event) ? values[goal.event] : undefined;
        if (goal.kind === 'conversion') {
          if (before !== undefined) continue;
          values[goal.event] = 1;
          increments.push({
            ...cohortOf(experiment.key, exposure),
            goal: goal.event,
            primary,
            conversions: 1,
            sum: 1,
            sumSquares: 1,
            ...crossOf(exposure, goal.event, 1),
          });
          continue;
        }
        const value = typeof event.value === 'number' && Number.isFinite(event.value) ? event.value : 0;
        // A stored total is within ±visitorTotal (one written before the bound existed may not be: clamped below).
        const previous = typeof before === 'number' && Number.isFinite(before) ? before : 0;
        const after = clamp(previous + value, GOAL_VALUE_LIMITS.visitorTotal);
        values[goal.event] = after;
        // The counts hold counted (capped) totals: they move by the change of the counted value.
        const countedBefore = countedValue(previous, goal.cap);
        const countedAfter = countedValue(after, goal.cap);
        increments.push({
          ...cohortOf(experiment.key, exposure),
          goal: goal.event,
          primary,
          conversions: before === undefined ? 1 : 0,
          sum: countedAfter - countedBefore,
          sumSquares: countedAfter * countedAfter - countedBefore * countedBefore,
          ...crossOf(exposure, goal.event, countedAfter - countedBefore),
        });
      }
    }
    if (values) {
      next ??= { ...exposures };
      next[experiment.key] = { ...exposure, y: values };
    }
  }
  return { exposures: next ?? exposures, increments };
};

/** CUPED: Σxy moves by x·Δy when the exposure recorded a covariate x for the goal. */
const crossOf = (exposure: ExposureRecord, goal: string, change: number): { crossSum?: number } => {
  const x = exposure.x?.[goal];
  return typeof x === 'number' && Number.isFinite(x) ? { crossSum: x * change } : {};
};

const cohortOf = (experiment: string, exposure: ExposureRecord): UnitIncrement => ({
  experiment,
  arm: exposure.arm,
  at: exposure.at,
  period: exposure.p ?? 0,
  ...(exposure.cx ? { contextual: exposure.cx } : {}),
});
