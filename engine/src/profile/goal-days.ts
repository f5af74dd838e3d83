/**
 * CUPED's pre-exposure history (docs/statistics.md, "CUPED"), pure: per goal event in use by a running experiment
 * with CUPED on, per UTC day, the visitor's number of events and the sum of their values, kept for the longest
 * lookback in use. At a first exposure the covariate x of each goal is read from it: for a `conversion` goal 1 when
 * the visitor did the goal event in the lookback window, else 0; for a `mean` goal the summed value (counted within
 * the goal's cap, as y is).
 */
import { countedValue } from '../experiments/exposure';
import { DAY_MS } from './decay';
import type { AcceptedEvent } from './events';
import type { GoalDays } from './types';

export interface GoalDaysOptions {
  /** Goal events of running experiments with CUPED on. */
  events: ReadonlySet<string>;
  /** The longest `cuped.lookbackDays` in use: days before `now`'s day minus this are dropped. */
  lookbackDays: number;
  /** The write's server time. */
  now: number;
}

/** The day index (days since the epoch, UTC) of an epoch-ms time. */
const dayIndex = (at: number) => Math.floor(at / DAY_MS);
/** `YYYY-MM-DD` of a day index. */
const dayKey = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const dayOf = (key: string) => Math.floor(Date.parse(`${key}T00:00:00Z`) / DAY_MS);

/**
 * The history after `events`: each `track` event of a goal in use adds 1 to its day's count and its `value` (0 when
 * absent) to its day's sum; days older than the lookback (the window's first day is `now`'s day − lookbackDays + 1)
 * and goals no longer in use are dropped. Returns undefined when nothing is kept. Pure.
 */
export const recordGoalDays = (
  goalDays: GoalDays | undefined,
  events: readonly AcceptedEvent[],
  options: GoalDaysOptions
): GoalDays | undefined => {
  const first = dayIndex(options.now) - options.lookbackDays + 1;
  const next: GoalDays = {};
  for (const [goal, days] of Object.entries(goalDays ?? {})) {
    if (!options.events.has(goal)) continue;
    for (const [key, counts] of Object.entries(days)) {
      if (dayOf(key) >= first) (next[goal] ??= {})[key] = [counts[0], counts[1]];
    }
  }
  for (const event of events) {
    if (event.type !== 'track' || !options.events.has(event.name)) continue;
    const day = dayIndex(event.at);
    if (day < first) continue;
    const value = typeof event.value === 'number' && Number.isFinite(event.value) ? event.value : 0;
    const days = (next[event.name] ??= {});
    const counts = (days[dayKey(day)] ??= [0, 0]);
    counts[0] += 1;
    counts[1] += value;
  }
  return Object.keys(next).length > 0 ? next : undefined;
};

export interface CovariateGoal {
  event: string;
  kind: 'conversion' | 'mean';
  cap?: number;
}

/**
 * The covariates of a first exposure at `at`: per goal, the visitor's value in the `lookbackDays` UTC days ending on
 * the exposure's day (the history holds only what was recorded before the exposure): `conversion` 1 when any event,
 * else 0; `mean` the summed value, counted within ±cap (`countedValue`).
 */
export const covariatesOf = (
  goalDays: GoalDays | undefined,
  goals: readonly CovariateGoal[],
  lookbackDays: number,
  at: number
): Record<string, number> => {
  const last = dayIndex(at);
  const first = last - lookbackDays + 1;
  const covariates: Record<string, number> = {};
  for (const goal of goals) {
    let count = 0;
    let sum = 0;
    for (const [key, counts] of Object.entries(goalDays?.[goal.event] ?? {})) {
      const day = dayOf(key);
      if (day < first || day > last) continue;
      count += counts[0];
      sum += counts[1];
    }
    covariates[goal.event] = goal.kind === 'conversion' ? (count > 0 ? 1 : 0) : countedValue(sum, goal.cap);
  }
  return covariates;
};
