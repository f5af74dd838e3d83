import type { ExperimentResults } from '../../../contracts/src/experiments';

export interface CumulativeArm {
  units: number;
  conversions: number;
  /** conversions / units; null while the arm has no units. */
  rate: number | null;
}

/** One day of the charts: the arms' totals from the first day to this one. */
export interface CumulativeDay {
  date: string;
  arms: Record<string, CumulativeArm>;
}

/**
 * Running totals per arm and per day from the results' `daily` counts (units and conversions of the
 * visitors first exposed that day). Days are sorted; an arm missing from a day adds nothing; arms
 * are the given keys (the experiment's, in order), so every day has every arm.
 */
export const cumulateDaily = (daily: ExperimentResults['daily'], armKeys: readonly string[]): CumulativeDay[] => {
  const totals = new Map(armKeys.map((key) => [key, { units: 0, conversions: 0 }]));
  return [...daily]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((day) => {
      for (const arm of day.arms) {
        const total = totals.get(arm.key);
        if (!total) continue;
        total.units += arm.units;
        total.conversions += arm.conversions;
      }
      const arms: Record<string, CumulativeArm> = {};
      for (const [key, total] of totals) {
        arms[key] = { ...total, rate: total.units > 0 ? total.conversions / total.units : null };
      }
      return { date: day.date, arms };
    });
};

/** One point of the bandit charts: an update (or the start) and each arm's weight and P(best). */
export interface BanditPoint {
  at: string;
  /** arm key → weight in force from then on. */
  weights: Record<string, number>;
  /** arm key → P(best) computed then; absent for the start record. */
  pBest: Record<string, number> | null;
}

/** The bandit history (start record first, then updates) keyed by arm, for the charts and their tables. */
export const banditSeries = (
  history: readonly { at: string; weights: readonly number[]; pBest: readonly number[] }[],
  armKeys: readonly string[]
): BanditPoint[] =>
  [...history]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((entry) => ({
      at: entry.at,
      weights: Object.fromEntries(armKeys.map((key, index) => [key, entry.weights[index] ?? 0])),
      pBest: entry.pBest.length === armKeys.length ? Object.fromEntries(armKeys.map((key, index) => [key, entry.pBest[index]])) : null,
    }));
