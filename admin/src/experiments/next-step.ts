import { shipPlan } from '../../../contracts/src/experiment-ship';
import type { Experiment, ExperimentResult, ExperimentResults } from '../../../contracts/src/experiments';
import { planPower } from './power';
import { primaryResults, verdictOf } from './verdict';

/**
 * What the results page tells an editor (docs/experiments.md, "Reading the results", "What to do next"):
 * how chance to win reads against the sequential verdict, and the next step. Pure: the page words it.
 */

const DAY_MS = 86_400_000;
/** Run whole weeks (docs/statistics.md, "When to stop"): no advice to stop for lack of a result before. */
export const MIN_DAYS = 7;
/** Beyond this many more days at the current pace, the page suggests stopping rather than waiting. */
export const MAX_MORE_DAYS = 56;
/** A bandit is decided on P(best) (docs/experiments.md, "Bandits"): an arm at least this likely to be best ships. */
export const BANDIT_SHIP_P_BEST = 0.95;

/** How one arm's chance to win reads against its sequential verdict on one goal. */
export type ChanceReading =
  | { kind: 'no-data' }
  /** The sequential interval excludes 0 (and, for a secondary goal, its Holm-adjusted p is below alpha). */
  | { kind: 'conclusive'; verdict: 'better' | 'worse'; chance: number }
  /** The sequential interval still includes 0, whatever chance to win says. */
  | { kind: 'includes-zero'; chance: number }
  /** A secondary goal whose interval excludes 0 but whose Holm-adjusted sequential p is not below alpha. */
  | { kind: 'adjusted'; chance: number; pValue: number; alpha: number };

export const chanceReading = (result: ExperimentResult | undefined, alpha: number): ChanceReading => {
  if (!result?.relative || !result.sequential || result.chanceToWin === null) return { kind: 'no-data' };
  const chance = result.chanceToWin;
  const verdict = verdictOf(result, alpha);
  if (verdict === 'better' || verdict === 'worse') return { kind: 'conclusive', verdict, chance };
  const [low, high] = result.sequential.ci;
  if (low > 0 || high < 0) return { kind: 'adjusted', chance, pValue: result.sequential.pValue, alpha };
  return { kind: 'includes-zero', chance };
};

export type NextStep =
  | { kind: 'not-started' }
  | { kind: 'stopped' }
  /** The split is off: decide nothing until it is fixed. */
  | { kind: 'fix-srm' }
  /** No estimate yet (an arm without visitors, or no conversion in the baseline). */
  | { kind: 'wait-for-data' }
  /**
   * Ship `arm`: `better` (its sequential interval is above 0; the best such arm), `baseline` (every other
   * arm is worse: ship the control, which disables their variants), `bandit` (P(best) ≥ 95 %).
   * `canShip` is false for a site-wide experiment (no entry to ship to) and for a multivariate test (a cell merges
   * one variant per factor only while it runs: `blocked` says which).
   */
  | { kind: 'ship'; arm: string; reason: 'better' | 'baseline' | 'bandit'; canShip: boolean; blocked?: 'site-wide' | 'multivariate'; pBest?: number }
  /**
   * Keep running until about `moreVisitors` more visitors: then, if `arm`'s true lift is the one observed
   * (`lift`), the sequential interval excludes 0 with 80 % probability. `days` at the current pace (null
   * before a whole day has passed). `untilFullWeek`: the test has run less than 7 days.
   */
  | { kind: 'keep-running'; arm: string; lift: number; visitorsNeeded: number; moreVisitors: number; days: number | null; untilFullWeek: boolean }
  /** A bandit still learning: the leader and its P(best) so far (null before the first update). */
  | { kind: 'keep-running-bandit'; leader: string | null; pBest: number | null }
  /**
   * Stop, after a full week: the observed lift of the closest arm is so small that confirming it would take
   * more than 8 weeks at the current pace, or more visitors than the maths reach (`too-small`); or the
   * experiment already has the visitors to detect the observed lift, and has not (`likely-smaller`: the
   * true lift is probably smaller than observed).
   */
  | { kind: 'stop'; reason: 'too-small' | 'likely-smaller'; arm: string; lift: number; moreVisitors: number | null; days: number | null };

type StepExperiment = Pick<Experiment, 'status' | 'mode' | 'target' | 'arms' | 'startedAt'>;

/** Days the experiment has run, at the results' `updatedAt` (null without a start). */
const elapsedDays = (experiment: StepExperiment, results: ExperimentResults): number | null => {
  if (!experiment.startedAt) return null;
  const elapsed = (Date.parse(results.updatedAt) - Date.parse(experiment.startedAt)) / DAY_MS;
  return Number.isFinite(elapsed) ? Math.max(0, elapsed) : null;
};

/**
 * Visitors over all arms needed for the sequential test to detect `lift` of arm `arm` with 80 % power, on
 * the baseline's rate (or mean and standard deviation) of the primary goal: the power calculator's maths
 * (./power.ts), which split the visitors evenly between the arms, scaled for the two arms' weights (the
 * lift's variance goes as 1/n_control + 1/n_arm: (1/w_control + 1/w_arm) / (2 · arms) times the even
 * split's). Undefined when it cannot be computed.
 */
export const visitorsNeeded = (results: ExperimentResults, lift: number, arm: string): number | undefined => {
  const control = results.arms[0];
  const treatment = results.arms.find((one) => one.key === arm);
  const goal = results.goals?.[0];
  if (!control || !treatment || !(control.units > 1) || !goal || !(Math.abs(lift) > 0)) return undefined;
  if (!(control.weight > 0 && treatment.weight > 0)) return undefined;
  const mean = control.sum / control.units;
  const variance = (control.sumSquares - (control.sum * control.sum) / control.units) / (control.units - 1);
  const answer = planPower({
    kind: goal.kind,
    ratePercent: mean * 100,
    mean,
    standardDeviation: Math.sqrt(Math.max(0, variance)),
    mdePercent: Math.abs(lift) * 100,
    dailyVisitors: 1,
    arms: results.arms.length,
    trafficPercent: 100,
    sequential: true,
    sequentialNStar: results.sequentialNStar,
    alpha: results.alpha,
    days: 1,
  });
  if (!answer.ok || answer.unitsNeeded === undefined) return undefined;
  const scale = (1 / control.weight + 1 / treatment.weight) / (2 * results.arms.length);
  return Math.ceil(answer.unitsNeeded * scale);
};

export const nextStep = (experiment: StepExperiment, results: ExperimentResults): NextStep => {
  if (experiment.status === 'draft') return { kind: 'not-started' };
  if (experiment.status === 'stopped') return { kind: 'stopped' };
  if (!results.srm.ok) return { kind: 'fix-srm' };
  const blocked = !experiment.target ? 'site-wide' : experiment.mode === 'multivariate' ? 'multivariate' : null;
  const canShip = blocked === null;
  const shipStep = (arm: string, reason: 'better' | 'baseline' | 'bandit', pBest?: number): NextStep => ({
    kind: 'ship',
    arm,
    reason,
    canShip,
    ...(blocked ? { blocked } : {}),
    ...(pBest !== undefined ? { pBest } : {}),
  });
  const baseline = results.arms[0]?.key;

  if (results.mode === 'bandit') {
    const pBest = results.bandit?.pBest ?? [];
    if (pBest.length !== results.arms.length) return { kind: 'keep-running-bandit', leader: null, pBest: null };
    const best = pBest.indexOf(Math.max(...pBest));
    const leader = results.arms[best].key;
    if (pBest[best] >= BANDIT_SHIP_P_BEST) return shipStep(leader, 'bandit', pBest[best]);
    return { kind: 'keep-running-bandit', leader, pBest: pBest[best] };
  }

  const rows = primaryResults(results).filter((row) => row.arm !== row.baseline);
  const verdicts = rows.map((row) => ({ row, verdict: verdictOf(row, results.alpha) }));
  const better = verdicts.filter(({ verdict }) => verdict === 'better').sort((a, b) => (b.row.relative?.lift ?? 0) - (a.row.relative?.lift ?? 0));
  if (better.length > 0) return shipStep(better[0].row.arm, 'better');
  if (baseline !== undefined && verdicts.length > 0 && verdicts.every(({ verdict }) => verdict === 'worse')) {
    return shipStep(baseline, 'baseline');
  }
  const open = verdicts.filter(({ verdict }) => verdict === 'inconclusive');
  if (open.length === 0) return { kind: 'wait-for-data' };

  // The arm closest to a verdict: the largest observed lift needs the fewest visitors.
  const total = results.arms.reduce((sum, arm) => sum + arm.units, 0);
  const elapsed = elapsedDays(experiment, results);
  const pace = elapsed !== null && elapsed >= 1 ? total / elapsed : null;
  const candidates = open.map(({ row }) => {
    const lift = row.relative?.lift ?? 0;
    const needed = visitorsNeeded(results, lift, row.arm);
    const more = needed === undefined ? null : Math.max(0, Math.ceil(needed - total));
    return { arm: row.arm, lift, needed, more, days: more === null || pace === null || !(pace > 0) ? null : more / pace };
  });
  candidates.sort((a, b) => (a.more ?? Infinity) - (b.more ?? Infinity));
  const closest = candidates[0];
  const fullWeek = elapsed !== null && elapsed >= MIN_DAYS;
  const tooSlow = closest.more === null || (closest.days !== null && closest.days > MAX_MORE_DAYS);
  if (fullWeek && (tooSlow || closest.more === 0)) {
    const reason = tooSlow ? 'too-small' : 'likely-smaller';
    return { kind: 'stop', reason, arm: closest.arm, lift: closest.lift, moreVisitors: closest.more, days: closest.days };
  }
  return {
    kind: 'keep-running',
    arm: closest.arm,
    lift: closest.lift,
    visitorsNeeded: closest.needed ?? 0,
    moreVisitors: closest.more ?? 0,
    days: closest.days,
    untilFullWeek: !fullWeek,
  };
};

/**
 * What shipping `arm` does, as far as the experiment alone tells (the entry's own variants outside the
 * arms stay as they are): its variants first, and the other arms' variants it does not list disabled.
 */
export const shipSummary = (arms: readonly { key: string; variants?: readonly string[] | null }[], arm: string) => {
  const ids = [...new Set(arms.flatMap((one) => one.variants ?? []))].map((id) => ({ id, enabled: true }));
  const plan = shipPlan(ids, arms, arm);
  return { first: plan?.first ?? [], disabled: plan?.disabled ?? [] };
};
