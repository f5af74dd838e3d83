/**
 * Off-policy value of a contextual policy (docs/experiments.md, "Contextual bandits", Results): the
 * self-normalised inverse propensity score (SNIPS) estimate from logged units, each with the arm it got, the
 * probability μ the logging policy gave that arm (its propensity) and its reward y:
 *
 *   V = Σᵢ wᵢ yᵢ / Σᵢ wᵢ,  wᵢ = π(aᵢ | xᵢ) / μᵢ,
 *
 * π the evaluated policy. Its variance by the delta method (Swaminathan & Joachims 2015, "The self-normalized
 * estimator for counterfactual learning"): Var(V) ≈ Σᵢ wᵢ² (yᵢ − V)² / (Σᵢ wᵢ)², and the interval V ± z·√Var.
 *
 * The server keeps, per (cell, arm), sums over the units rather than the units: with π constant within a
 * (cell, arm) group g, Σ wᵢyᵢ = π_g Σ yᵢ/μᵢ and Σ wᵢ²(yᵢ − V)² = π_g² (Σ yᵢ²/μᵢ² − 2V Σ yᵢ/μᵢ² + V² Σ 1/μᵢ²), so these
 * five sums per group give the same numbers as the units one by one.
 */

/** The sums of one (cell, arm) group of logged units, and the evaluated policy's probability of the arm there. */
export interface SnipsGroup {
  /** π(arm | cell) of the evaluated policy. */
  readonly probability: number;
  readonly units: number;
  /** Σ 1/μ and Σ 1/μ². */
  readonly inverse: number;
  readonly inverseSquares: number;
  /** Σ y/μ, Σ y/μ², Σ y²/μ². */
  readonly weightedSum: number;
  readonly weightedSum2: number;
  readonly weightedSquares2: number;
}

export interface SnipsEstimate {
  /** null when no unit has a positive weight. */
  value: number | null;
  /** value ± z·se; null without a value. */
  ci: [number, number] | null;
  /** Units with a positive weight under the evaluated policy. */
  units: number;
}

/** 97.5th percentile of the standard normal: a 95 % interval. */
export const SNIPS_Z = 1.959963984540054;

/** The SNIPS estimate and its interval (module comment). */
export const snipsEstimate = (groups: readonly SnipsGroup[], z = SNIPS_Z): SnipsEstimate => {
  let numerator = 0;
  let denominator = 0;
  let units = 0;
  for (const group of groups) {
    if (!(group.probability > 0) || !(group.inverse > 0)) continue;
    numerator += group.probability * group.weightedSum;
    denominator += group.probability * group.inverse;
    units += group.units;
  }
  if (!(denominator > 0)) return { value: null, ci: null, units: 0 };
  const value = numerator / denominator;
  let spread = 0;
  for (const group of groups) {
    if (!(group.probability > 0) || !(group.inverse > 0)) continue;
    const squared = group.weightedSquares2 - 2 * value * group.weightedSum2 + value * value * group.inverseSquares;
    spread += group.probability * group.probability * Math.max(0, squared);
  }
  const se = Math.sqrt(spread) / denominator;
  return { value, ci: [value - z * se, value + z * se], units };
};
