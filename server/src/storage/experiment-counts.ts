/**
 * The exact counts of an experiment (docs/design.md, "Experiments", Counting): per cohort (the UTC day and
 * the bandit period of the visitors' first exposure) and arm, the units exposed and, per goal, the
 * visitors who converted and the sums Σy and Σy² of their per-visitor values. Conversions are
 * attributed to the converting visitor's cohort, so every cell is the sufficient statistics of one
 * group of visitors: per-day charts, per-period bandit means and per-period SRM all read the same
 * cells. Stored as one flat map of counters per experiment (a Redis hash, or a Map in-process),
 * incremented atomically with the visitor's profile; no sampling.
 */

/** The cohort of a visitor: the UTC day and the bandit period (0 before the first update) of their first exposure. */
export interface Cohort {
  /** `YYYY-MM-DD`, UTC. */
  date: string;
  /** Index of the bandit weights in force (0: the starting weights; A/B tests are always 0). */
  period: number;
}

export interface GoalCounts {
  /** Visitors with at least one goal event in the window. */
  conversions: number;
  /** Σ of per-visitor values (`conversion`: 1 per converting visitor; `mean`: the visitor's summed `value`). */
  sum: number;
  /** Σ of squared per-visitor values. */
  sumSquares: number;
  /** CUPED (docs/statistics.md, "CUPED"): Σx, Σx² of the units' pre-exposure values and Σxy; absent: 0. */
  preSum?: number;
  preSumSquares?: number;
  crossSum?: number;
}

/** One cell: one cohort, one arm. */
export interface CountsCell extends Cohort {
  arm: string;
  units: number;
  /** By goal event name. */
  goals: Record<string, GoalCounts>;
}

/** An increment of one counter, as the stores apply it. */
export interface CounterIncrement {
  field: string;
  by: number;
}

const SEPARATOR = '|';

/**
 * An arm key in a field name: a multivariate cell's key joins its levels with `|`, written here with `+` (which no
 * arm key, level key or goal name holds) so that the fields split unambiguously.
 */
const armInField = (arm: string) => arm.replaceAll(SEPARATOR, '+');
const armFromField = (text: string) => text.replaceAll('+', SEPARATOR);

/**
 * Counter field names: `<date>|<period>|<arm>|u` and `<date>|<period>|<arm>|<goal>|c|s|q|px|pq|xy` (px, pq, xy:
 * CUPED Σx, Σx², Σxy); a multivariate cell `a|b` is written `a+b` there.
 */
const field = (cohort: Cohort, arm: string, ...rest: string[]) => [cohort.date, cohort.period, armInField(arm), ...rest].join(SEPARATOR);
export const counterField = {
  units: (cohort: Cohort, arm: string) => field(cohort, arm, 'u'),
  conversions: (cohort: Cohort, arm: string, goal: string) => field(cohort, arm, goal, 'c'),
  sum: (cohort: Cohort, arm: string, goal: string) => field(cohort, arm, goal, 's'),
  sumSquares: (cohort: Cohort, arm: string, goal: string) => field(cohort, arm, goal, 'q'),
  /** CUPED: Σx and Σx² (counted at first exposure) and Σxy (at each change of y). */
  preSum: (cohort: Cohort, arm: string, goal: string) => field(cohort, arm, goal, 'px'),
  preSumSquares: (cohort: Cohort, arm: string, goal: string) => field(cohort, arm, goal, 'pq'),
  crossSum: (cohort: Cohort, arm: string, goal: string) => field(cohort, arm, goal, 'xy'),
};

/**
 * Contextual experiments' counters (docs/experiments.md, "Contextual bandits"), in the same flat map and the same
 * atomic write: per (cell, arm) `x|<cell>|<arm>|<measure>` (the cell is encoded without `|`), and per logged
 * (model version, leaf, arm) `l|<version>|<leaf>|<arm>|u`. Neither starts with a date, so `cellsOf` skips them.
 */
export const CONTEXTUAL_MEASURES = {
  /** Units. */
  u: 'units',
  /** Σ 1/μ and Σ 1/μ², μ the unit's propensity. */
  w: 'inverse',
  w2: 'inverseSquares',
  /** The primary goal: converted units, Σy, Σy². */
  c: 'conversions',
  s: 'sum',
  q: 'sumSquares',
  /** Σ y/μ, Σ y/μ², Σ y²/μ² (self-normalised IPS and its variance). */
  sw: 'weightedSum',
  sw2: 'weightedSum2',
  qw2: 'weightedSquares2',
} as const;

export type ContextualMeasure = keyof typeof CONTEXTUAL_MEASURES;
export type ContextualArmCounters = Record<(typeof CONTEXTUAL_MEASURES)[ContextualMeasure], number>;

export const contextualField = {
  cell: (cell: string, arm: string, measure: ContextualMeasure) => ['x', cell, arm, measure].join(SEPARATOR),
  leaf: (version: string, leaf: string, arm: string) => ['l', version, leaf, arm, 'u'].join(SEPARATOR),
};

export interface ContextualCounters {
  /** By encoded cell, then by arm key. */
  cells: Map<string, Map<string, ContextualArmCounters>>;
  /** Units per logged (model version, leaf, arm). */
  leaves: { version: string; leaf: string; arm: string; units: number }[];
}

const emptyArmCounters = (): ContextualArmCounters => {
  const counts = {} as ContextualArmCounters;
  for (const name of Object.values(CONTEXTUAL_MEASURES)) counts[name] = 0;
  return counts;
};

/** The contextual counters of a flat counter map (fields that do not parse are ignored). */
export const contextualCountersOf = (counters: Record<string, number | string>): ContextualCounters => {
  const cells = new Map<string, Map<string, ContextualArmCounters>>();
  const leaves = new Map<string, { version: string; leaf: string; arm: string; units: number }>();
  for (const [field, raw] of Object.entries(counters)) {
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    const parts = field.split(SEPARATOR);
    if (parts[0] === 'x' && parts.length === 4) {
      const [, cell, arm, measure] = parts;
      if (!Object.prototype.hasOwnProperty.call(CONTEXTUAL_MEASURES, measure)) continue;
      let arms = cells.get(cell);
      if (!arms) cells.set(cell, (arms = new Map()));
      let counts = arms.get(arm);
      if (!counts) arms.set(arm, (counts = emptyArmCounters()));
      counts[CONTEXTUAL_MEASURES[measure as ContextualMeasure]] += value;
    } else if (parts[0] === 'l' && parts.length === 5 && parts[4] === 'u') {
      const [, version, leaf, arm] = parts;
      const id = `${version}${SEPARATOR}${leaf}${SEPARATOR}${arm}`;
      const entry = leaves.get(id) ?? { version, leaf, arm, units: 0 };
      entry.units += value;
      leaves.set(id, entry);
    }
  }
  return { cells, leaves: [...leaves.values()] };
};

/** `YYYY-MM-DD` (UTC) of an epoch-ms time. */
export const utcDate = (at: number): string => new Date(at).toISOString().slice(0, 10);

/**
 * The cells of a flat counter map (as read from the store), sorted by date, period, then arm.
 * Fields that do not parse are ignored. Arm keys and goal names cannot hold `|` (their patterns
 * exclude it, and a multivariate cell's is written with `+`), so the split is unambiguous.
 */
export const cellsOf = (counters: Record<string, number | string>): CountsCell[] => {
  const cells = new Map<string, CountsCell>();
  for (const [field, raw] of Object.entries(counters)) {
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    const parts = field.split(SEPARATOR);
    if (parts.length !== 4 && parts.length !== 5) continue;
    const [date, periodText, armText] = parts;
    const arm = armFromField(armText);
    const period = /^\d+$/.test(periodText) ? Number(periodText) : -1;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !Number.isInteger(period) || period < 0) continue;
    const id = `${date}${SEPARATOR}${period}${SEPARATOR}${arm}`;
    let cell = cells.get(id);
    if (!cell) cells.set(id, (cell = { date, period, arm, units: 0, goals: {} }));
    if (parts.length === 4) {
      if (parts[3] === 'u') cell.units += value;
      continue;
    }
    const [, , , goal, measure] = parts;
    const counts = (cell.goals[goal] ??= { conversions: 0, sum: 0, sumSquares: 0 });
    if (measure === 'c') counts.conversions += value;
    else if (measure === 's') counts.sum += value;
    else if (measure === 'q') counts.sumSquares += value;
    else if (measure === 'px') counts.preSum = (counts.preSum ?? 0) + value;
    else if (measure === 'pq') counts.preSumSquares = (counts.preSumSquares ?? 0) + value;
    else if (measure === 'xy') counts.crossSum = (counts.crossSum ?? 0) + value;
  }
  return [...cells.values()].sort(
    (a, b) => a.date.localeCompare(b.date) || a.period - b.period || a.arm.localeCompare(b.arm)
  );
};

/** An exposure or a conversion, as the engine reports it (engine/src/experiments/exposure.ts). */
interface CohortIncrement {
  experiment: string;
  arm: string;
  /** First exposure time (ms): the cohort's day. */
  at: number;
  period: number;
  goal?: string;
  primary?: boolean;
  conversions?: number;
  sum?: number;
  sumSquares?: number;
  /** CUPED: per goal x at a first exposure (units), x·Δy at a conversion. */
  covariates?: Record<string, number>;
  crossSum?: number;
  /** Contextual experiments: the unit's cell, leaf, model version and propensity. */
  contextual?: { c: string; l: string; m: string; w: number };
}

/** The per-(cell, arm) and per-leaf increments of a contextual unit or primary-goal conversion. */
const contextualIncrements = (change: CohortIncrement, increments: CounterIncrement[]) => {
  const { contextual } = change;
  if (!contextual || !(contextual.w > 0)) return;
  const inverse = 1 / contextual.w;
  const push = (measure: ContextualMeasure, by: number) => {
    if (by !== 0 && Number.isFinite(by)) increments.push({ field: contextualField.cell(contextual.c, change.arm, measure), by });
  };
  if (change.goal === undefined) {
    push('u', 1);
    push('w', inverse);
    push('w2', inverse * inverse);
    increments.push({ field: contextualField.leaf(contextual.m, contextual.l, change.arm), by: 1 });
    return;
  }
  if (!change.primary) return;
  const sum = change.sum ?? 0;
  const sumSquares = change.sumSquares ?? 0;
  push('c', change.conversions ?? 0);
  push('s', sum);
  push('q', sumSquares);
  push('sw', sum * inverse);
  push('sw2', sum * inverse * inverse);
  push('qw2', sumSquares * inverse * inverse);
};

/** The counter increments of exposures (units) and conversions, grouped by experiment. */
export const counterIncrements = (changes: readonly CohortIncrement[]): { experiment: string; increments: CounterIncrement[] }[] => {
  const byExperiment = new Map<string, CounterIncrement[]>();
  for (const change of changes) {
    let increments = byExperiment.get(change.experiment);
    if (!increments) byExperiment.set(change.experiment, (increments = []));
    const cohort: Cohort = { date: utcDate(change.at), period: change.period };
    contextualIncrements(change, increments);
    if (change.goal === undefined) {
      increments.push({ field: counterField.units(cohort, change.arm), by: 1 });
      for (const [goal, x] of Object.entries(change.covariates ?? {})) {
        if (x === 0 || !Number.isFinite(x)) continue;
        increments.push({ field: counterField.preSum(cohort, change.arm, goal), by: x });
        increments.push({ field: counterField.preSumSquares(cohort, change.arm, goal), by: x * x });
      }
      continue;
    }
    if (change.crossSum && Number.isFinite(change.crossSum)) {
      increments.push({ field: counterField.crossSum(cohort, change.arm, change.goal), by: change.crossSum });
    }
    if (change.conversions) increments.push({ field: counterField.conversions(cohort, change.arm, change.goal), by: change.conversions });
    if (change.sum) increments.push({ field: counterField.sum(cohort, change.arm, change.goal), by: change.sum });
    if (change.sumSquares) increments.push({ field: counterField.sumSquares(cohort, change.arm, change.goal), by: change.sumSquares });
  }
  return [...byExperiment].map(([experiment, increments]) => ({ experiment, increments }));
};
