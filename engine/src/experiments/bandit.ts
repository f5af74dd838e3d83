/**
 * Bandit weights (docs/design.md, "Experiments", Bandits), pure: Thompson sampling with a Gaussian posterior per
 * arm, following GrowthBook's gbstats (packages/stats/gbstats/bayesian/bandits.py, `Bandits`, and the
 * period reduction of packages/back-end/src/integrations/sql/ctes/bandit-statistics-cte.ts, which
 * gbstats receives already reduced):
 *
 * - **Period weighting.** Visitors entering in different periods (one per weights update) behave
 *   differently, so an arm's mean is the weighted mean of its per-period means, every arm using the same
 *   period weights: `wₚ` = the period's share of all units (all arms), GrowthBook's `__banditPeriodWeights`.
 *   `mean = Σₚ wₚ·sumₚ/nₚ`, `var(mean) = Σₚ wₚ²·s²ₚ/nₚ` (s² the sample variance, 0 when nₚ ≤ 1); periods
 *   where the arm has no units are left out, as in GrowthBook's SQL (their weight is then missing from the
 *   arm's sum).
 * - **Posterior.** Prior N(0, 10⁴) (gbstats' `GaussianPrior(mean=0, variance=1e4, proper=True)` for
 *   bandits); data precision `1/var(mean)` (gbstats' `n / variance` of the reduced statistic), 0 when the
 *   variance is 0 (so an arm whose values are all equal, e.g. no conversions yet, keeps the prior);
 *   posterior precision = prior + data precision, posterior mean = data precision · mean / posterior precision.
 * - **P(best)** of each arm, `P(Xₖ > Xⱼ ∀ j ≠ k) = E[Π_{j≠k} Φ((μₖ + σₖZ − μⱼ)/σⱼ)]`, by 128-point
 *   Gauss–Hermite quadrature over Z (deterministic; gbstats draws 10⁴ Monte Carlo samples instead, and its
 *   default `top_two: false` uses P(best) itself as the Thompson weights). The integrand is smooth when no
 *   other arm is much narrower than arm k; when one is (σⱼ < σₖ/3, where Gauss–Hermite would be off by up
 *   to 0.05 on the near-step Φ), the same integral is taken by composite Gauss–Legendre panels with
 *   breakpoints at the steps instead. Lower-is-better goals (gbstats' `inverse`) are not supported.
 * - **Floor**, additive on the simplex (gbstats since #6145): `wₖ = f + (1 − K·f)·pₖ/Σp`, `f = max(0, minWeight)`;
 *   uniform when `K·f ≥ 1`.
 * - **Rules** (docs/design.md): an update only after the burn-in and when every arm has ≥ `minUnitsPerArm`
 *   units (gbstats: 100 per variation); otherwise the current weights are kept, with the reason.
 * - **Guardrails**: an arm that harms a guardrail (`harmful`, stats/guardrail.ts) gains no weight: its new weight
 *   is capped at its current one, and what it would have gained goes to the arms that harm none, in proportion to
 *   their new weights (guardrailWeights).
 */
import { normalCdf, normalPdf } from '../stats/normal';
import { gaussHermite128, gaussLegendre, type QuadratureRule } from './quadrature';

export interface BanditConfig {
  /** Minutes between updates (scheduling is the caller's; not used here). */
  cadenceMinutes: number;
  /** No update until this long after the start. */
  burnInMinutes: number;
  /** No update until every arm has at least this many units. */
  minUnitsPerArm: number;
  /** Floor of every arm's weight, `f` of `wₖ = f + (1 − K·f)·P(best)ₖ`. */
  minWeight: number;
}

/** `experiments.bandit` defaults (docs/design.md, "Configuration"). */
export const DEFAULT_BANDIT_CONFIG: Readonly<BanditConfig> = Object.freeze({
  cadenceMinutes: 1440,
  burnInMinutes: 1440,
  minUnitsPerArm: 100,
  minWeight: 0.01,
});

/** The prior of every arm's mean: N(0, 10⁴). */
export const BANDIT_PRIOR = Object.freeze({ mean: 0, variance: 1e4 });

/** One arm's counts over one period (units, Σy, Σy²); `weight` is the period's weight. */
export interface BanditPeriod {
  readonly units: number;
  readonly sum: number;
  readonly sumSquares: number;
  /** The period's weight; when any period of any arm lacks one, every weight is GrowthBook's (see periodWeights). */
  readonly weight?: number;
}

export interface BanditArm {
  readonly key: string;
  /** The arm's weight now (kept when there is no update); default: equal weights. */
  readonly weight?: number;
  /** Per period, oldest first; period i of every arm is the same period. */
  readonly periods: readonly BanditPeriod[];
  /** The arm harms a guardrail (its sequential interval is wholly on the harmful side): it gains no weight. */
  readonly harmful?: boolean;
}

export interface BanditInput {
  readonly arms: readonly BanditArm[];
  /** Epoch ms. */
  readonly now: number;
  /** Epoch ms; null or absent: not started (no update). */
  readonly startedAt?: number | null;
  readonly config?: Partial<BanditConfig>;
}

export type BanditSkipReason = 'not-started' | 'burn-in' | 'not-enough-units';

/** An arm's Gaussian posterior, and the data it came from. */
export interface ArmPosterior {
  readonly units: number;
  /** The period-weighted mean of the data. */
  readonly dataMean: number;
  /** Its variance, `Σₚ wₚ²·s²ₚ/nₚ`. */
  readonly dataVariance: number;
  readonly mean: number;
  readonly variance: number;
}

export interface BanditUpdate {
  /** Whether `weights` are new. */
  readonly updated: boolean;
  /** New weights (updated), else the current ones. Sum to 1. */
  readonly weights: number[];
  /** P(best) per arm, computed either way. */
  readonly pBest: number[];
  /** Why there is no update. */
  readonly reason?: BanditSkipReason;
  readonly posteriors: ArmPosterior[];
}

/**
 * GrowthBook's period weights: period i's share of all units, over every arm (`__banditPeriodWeights`:
 * `SUM(users) / total_users`). Zero everywhere when there are no units.
 */
export const periodWeights = (arms: readonly BanditArm[]): number[] => {
  const periods = Math.max(0, ...arms.map((arm) => arm.periods.length));
  const totals = new Array<number>(periods).fill(0);
  for (const arm of arms) {
    arm.periods.forEach((period, index) => {
      if (period.units > 0) totals[index] += period.units;
    });
  }
  const total = totals.reduce((sum, units) => sum + units, 0);
  return totals.map((units) => (total > 0 ? units / total : 0));
};

/** An arm's posterior from its periods and the periods' weights. */
export const armPosterior = (periods: readonly BanditPeriod[], weights: readonly number[]): ArmPosterior => {
  let units = 0;
  let dataMean = 0;
  let dataVariance = 0;
  periods.forEach((period, index) => {
    const n = period.units;
    if (!(n > 0)) return;
    const weight = weights[index] ?? 0;
    units += n;
    dataMean += (weight * period.sum) / n;
    if (n > 1) {
      const sampleVariance = Math.max(0, (period.sumSquares - (period.sum * period.sum) / n) / (n - 1));
      dataVariance += (weight * weight * sampleVariance) / n;
    }
  });
  const priorPrecision = 1 / BANDIT_PRIOR.variance;
  const dataPrecision = dataVariance > 0 ? 1 / dataVariance : 0;
  const variance = 1 / (priorPrecision + dataPrecision);
  const mean = variance * (priorPrecision * BANDIT_PRIOR.mean + dataPrecision * dataMean);
  return { units, dataMean, dataVariance, mean, variance };
};

/** Ratio σₖ/σⱼ above which the factor Φ(·/σⱼ) is too steep for Gauss–Hermite (error < 1e-12 at 3). */
const STEEP = 3;
/** |Z| beyond which φ is negligible (P(|Z| > 9) ≈ 2e-19). */
const Z_MAX = 9;
let legendre16: QuadratureRule | undefined;

/** P(Y > μ) for Y ~ N(y, 0) against N(μ, σ²): Φ((y − μ)/σ), a step when σ = 0 (a tie counts half). */
const above = (y: number, mean: number, sd: number): number => {
  if (sd > 0) return normalCdf((y - mean) / sd);
  return y > mean ? 1 : y === mean ? 0.5 : 0;
};

/**
 * P(best) of every arm: `P(Xₖ > Xⱼ ∀ j ≠ k)` for independent Xₖ ~ N(meanₖ, varianceₖ), by 128-point
 * Gauss–Hermite quadrature (composite Gauss–Legendre for arm k when another arm is over 3× narrower).
 */
export const probabilityBest = (arms: readonly { readonly mean: number; readonly variance: number }[]): number[] => {
  const count = arms.length;
  if (count === 0) return [];
  if (count === 1) return [1];
  const means = arms.map((arm) => arm.mean);
  const sds = arms.map((arm) => Math.sqrt(Math.max(0, arm.variance)));
  /** Π_{j≠k} P(Xⱼ < y). */
  const others = (k: number, y: number): number => {
    let product = 1;
    for (let j = 0; j < count && product > 0; j++) if (j !== k) product *= above(y, means[j], sds[j]);
    return product;
  };
  return arms.map((_, k) => {
    const mean = means[k];
    const sd = sds[k];
    if (!(sd > 0)) return others(k, mean);
    const steep: number[] = [];
    for (let j = 0; j < count; j++) if (j !== k && sds[j] * STEEP < sd) steep.push(j);
    if (steep.length === 0) {
      // E[g(Z)] = (1/√π) Σᵢ wᵢ g(√2·tᵢ)
      const { nodes, weights } = gaussHermite128();
      let sum = 0;
      for (let i = 0; i < nodes.length; i++) sum += weights[i] * others(k, mean + sd * Math.SQRT2 * nodes[i]);
      return sum / Math.sqrt(Math.PI);
    }
    // Composite Gauss–Legendre over z ∈ [−9, 9]: panels of 0.5, refined around each steep factor's
    // step (at z = (μⱼ − μₖ)/σₖ, width σⱼ/σₖ) at 0, ±½, ±1, ±2, ±4, ±8 widths.
    const breaks: number[] = [];
    for (let z = -Z_MAX; z <= Z_MAX; z += 0.5) breaks.push(z);
    for (const j of steep) {
      const centre = (means[j] - mean) / sd;
      const width = sds[j] / sd;
      for (const m of [-8, -4, -2, -1, -0.5, 0, 0.5, 1, 2, 4, 8]) {
        const z = centre + m * width;
        if (z > -Z_MAX && z < Z_MAX) breaks.push(z);
      }
    }
    breaks.sort((a, b) => a - b);
    const { nodes, weights } = (legendre16 ??= gaussLegendre(16));
    let sum = 0;
    for (let b = 1; b < breaks.length; b++) {
      const low = breaks[b - 1];
      const high = breaks[b];
      if (!(high > low)) continue;
      const half = (high - low) / 2;
      const middle = (high + low) / 2;
      for (let i = 0; i < nodes.length; i++) {
        const z = middle + half * nodes[i];
        sum += half * weights[i] * normalPdf(z) * others(k, mean + sd * z);
      }
    }
    return sum;
  });
};

/**
 * The additive floor on the simplex: `wₖ = f + (1 − K·f)·pₖ/Σp` with `f = max(0, minWeight)`; uniform
 * when `K·f ≥ 1` or when p carries no weight (gbstats `Bandits.compute_result`).
 */
export const floorWeights = (p: readonly number[], minWeight: number): number[] => {
  const count = p.length;
  const floor = Math.max(0, Number.isFinite(minWeight) ? minWeight : 0);
  const total = p.reduce((sum, value) => sum + value, 0);
  if (count === 0) return [];
  if (floor * count >= 1 || !(total > 0) || !Number.isFinite(total)) return p.map(() => 1 / count);
  return p.map((value) => floor + (1 - floor * count) * (value / total));
};

/**
 * The next bandit weights: P(best) of every arm's posterior with the floor, once the burn-in is over
 * and every arm has `minUnitsPerArm` units; otherwise the current weights and the reason.
 */
export const nextBanditWeights = ({ arms, now, startedAt, config }: BanditInput): BanditUpdate => {
  if (arms.length === 0) throw new RangeError('nextBanditWeights: a bandit needs at least one arm');
  const settings: BanditConfig = { ...DEFAULT_BANDIT_CONFIG, ...stripUndefined(config) };
  const weights = arms.every((arm) => arm.periods.every((period) => typeof period.weight === 'number'))
    ? null
    : periodWeights(arms);
  const posteriors = arms.map((arm) =>
    armPosterior(arm.periods, weights ?? arm.periods.map((period) => period.weight as number))
  );
  const pBest = probabilityBest(posteriors);
  const current = arms.every((arm) => typeof arm.weight === 'number' && Number.isFinite(arm.weight))
    ? arms.map((arm) => arm.weight as number)
    : arms.map(() => 1 / arms.length);
  const keep = (reason: BanditSkipReason): BanditUpdate => ({ updated: false, weights: current, pBest, reason, posteriors });
  if (typeof startedAt !== 'number' || !Number.isFinite(startedAt)) return keep('not-started');
  if (now < startedAt + settings.burnInMinutes * 60_000) return keep('burn-in');
  if (posteriors.some((posterior) => posterior.units < settings.minUnitsPerArm)) return keep('not-enough-units');
  const harmful = arms.map((arm) => arm.harmful === true);
  return {
    updated: true,
    weights: guardrailWeights(floorWeights(pBest, settings.minWeight), current, harmful),
    pBest,
    posteriors,
  };
};

/**
 * New weights where no `harmful` arm gains: each is capped at its current weight, and the excess is shared by the
 * other arms in proportion to their new weights (so the weights still sum to 1, and a floor is kept). When every
 * arm that would take the excess is harmful or has no weight, the current weights are kept.
 */
export const guardrailWeights = (next: readonly number[], current: readonly number[], harmful: readonly boolean[]): number[] => {
  let excess = 0;
  let receiving = 0;
  next.forEach((weight, index) => {
    if (harmful[index]) excess += Math.max(0, weight - current[index]);
    else receiving += weight;
  });
  if (excess === 0) return [...next];
  if (!(receiving > 0)) return [...current];
  return next.map((weight, index) =>
    harmful[index] ? Math.min(weight, current[index]) : weight + (excess * weight) / receiving
  );
};

const stripUndefined = <T extends object>(value: T | undefined): Partial<T> =>
  value ? (Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>) : {};
