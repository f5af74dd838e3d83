/**
 * Arm weights as the editor shows them (percentages, two decimals) and as the contract stores them
 * (shares of 1 that sum to 1 within 1e-9).
 */

/** Percentages with two decimals that sum to exactly 100 (the remainder goes to the first arms). */
export const evenPercents = (count: number): number[] => {
  if (count <= 0) return [];
  const hundredths = 10000;
  const base = Math.floor(hundredths / count);
  let rest = hundredths - base * count;
  return Array.from({ length: count }, () => {
    const extra = rest > 0 ? 1 : 0;
    rest -= extra;
    return (base + extra) / 100;
  });
};

/** A stored weight (0..1) as a percentage with two decimals. */
export const toPercent = (weight: number): number => Math.round(weight * 10000) / 100;

/** The sum of percentages, rounded to hundredths (so 33.33 + 33.33 + 33.34 is 100). */
export const percentTotal = (percents: readonly number[]): number =>
  Math.round(percents.reduce((sum, percent) => sum + (Number.isFinite(percent) ? percent : 0), 0) * 100) / 100;

/** Whether percentages are each in [0, 100] and sum to 100. */
export const percentsValid = (percents: readonly number[]): boolean =>
  percents.every((percent) => Number.isFinite(percent) && percent >= 0 && percent <= 100) && percentTotal(percents) === 100;

/**
 * Percentages (summing to 100) as weights that sum to 1 within the contract's tolerance: each is
 * rounded to hundredths of a percent and the last arm takes what is left.
 */
export const weightsFromPercents = (percents: readonly number[]): number[] => {
  if (percents.length === 0) return [];
  const weights = percents.map((percent) => Math.round(percent * 100) / 10000);
  const others = weights.slice(0, -1).reduce((sum, weight) => sum + weight, 0);
  weights[weights.length - 1] = Math.max(0, 1 - others);
  return weights;
};
