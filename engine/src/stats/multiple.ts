/**
 * Multiple-testing adjustments of p-values across secondary goals (and arms), as GrowthBook's
 * adjustPValuesHolmBonferroni / adjustPValuesBenjaminiHochberg (packages/shared/src/experiments/experiments.ts).
 * Adjusted p-values are returned in the order given; compare them with α as usual.
 */

/** Holm–Bonferroni step-down adjustment (controls the family-wise error rate). */
export const holmBonferroni = (pValues: readonly number[]): number[] => {
  const m = pValues.length;
  const order = pValues.map((_, index) => index).sort((a, b) => pValues[a] - pValues[b]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(pValues[index] * (m - rank), 1));
    adjusted[index] = running;
  });
  return adjusted;
};

/** Benjamini–Hochberg step-up adjustment (controls the false discovery rate). */
export const benjaminiHochberg = (pValues: readonly number[]): number[] => {
  const m = pValues.length;
  const order = pValues.map((_, index) => index).sort((a, b) => pValues[b] - pValues[a]);
  const adjusted = new Array<number>(m);
  let running = 1;
  order.forEach((index, rank) => {
    running = Math.min(running, Math.min((pValues[index] * m) / (m - rank), 1));
    adjusted[index] = running;
  });
  return adjusted;
};
