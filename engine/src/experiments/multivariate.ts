/**
 * Multivariate experiments (docs/design.md, "Variance reduction, holdouts, exclusion, multivariate"), pure
 * assignment: up to 3 factors of up to 4 levels; a visitor gets one level per factor, each factor by its own hash,
 * and the experiment's arms are the cells of the full factorial, keyed `<level>|<level>|…` in factor order
 * (stats/factorial.ts: cellKey, factorialCells, and the results).
 *
 * - in the experiment when the experiment hash (assign.ts, `murmur3(key + "." + visitorId)`) is below `traffic`
 *   (raising traffic only adds visitors);
 * - factor f's level: `u_f = murmur3(key + "." + factorKey + "." + visitorId) / 2^32`, level ⌊u_f · levels⌋ (equal
 *   shares). Experiment keys hold no dot, so `key.factorKey` is no experiment's key, and the factors' hashes are
 *   independent of each other and of the traffic hash.
 */
import { murmur3Joined } from '../murmur3';
import { cellKey } from '../stats/factorial';
import { experimentBucket, roundBucket } from './assign';

const TWO_POW_32 = 4294967296;

/** At most this many factors, of at most this many levels each. */
export const MAX_FACTORS = 3;
export const MAX_LEVELS = 4;

export interface FactorLevel {
  readonly key: string;
}

export interface Factor {
  readonly key: string;
  readonly levels: readonly FactorLevel[];
}

export interface FactorAssignment {
  readonly inExperiment: boolean;
  /** The cell's arm key, `<level>|<level>`, when in the experiment. */
  readonly arm?: string;
  /** The level of each factor, by factor key, when in the experiment. */
  readonly levels?: Readonly<Record<string, string>>;
  /** The experiment hash rounded to 4 decimals (as assignExperiment's). */
  readonly bucket: number;
}

/** u_f ∈ [0, 1): `murmur3(experimentKey + "." + factorKey + "." + visitorId) / 2^32`. */
export const factorBucket = (experimentKey: string, factorKey: string, visitorId: string): number =>
  murmur3Joined([experimentKey, '.', factorKey, '.', visitorId]) / TWO_POW_32;

/** Throws a RangeError unless there are 1..3 factors of 1..4 levels with unique keys (the contract's rule). */
export const checkFactors = (factors: readonly Factor[]): void => {
  if (factors.length < 1 || factors.length > MAX_FACTORS)
    throw new RangeError(`1 to ${MAX_FACTORS} factors, got ${factors.length}`);
  if (new Set(factors.map((factor) => factor.key)).size !== factors.length) throw new RangeError('factor keys must be unique');
  for (const factor of factors) {
    if (factor.levels.length < 1 || factor.levels.length > MAX_LEVELS) {
      throw new RangeError(`factor ${factor.key}: 1 to ${MAX_LEVELS} levels, got ${factor.levels.length}`);
    }
    if (new Set(factor.levels.map((level) => level.key)).size !== factor.levels.length) {
      throw new RangeError(`factor ${factor.key}: level keys must be unique`);
    }
  }
};

/**
 * One level per factor for a visitor, by independent hashes (see the module comment); not in the experiment when
 * the experiment hash is at or above `traffic` (0..1, clamped). Status, consent, stickiness, eligibility and
 * namespaces are decided before, as for A/B tests (assignExperiment).
 */
export const assignFactors = (
  experimentKey: string,
  factors: readonly Factor[],
  visitorId: string,
  traffic: number
): FactorAssignment => {
  const u = experimentBucket(experimentKey, visitorId);
  const bucket = roundBucket(u);
  const coverage = traffic >= 1 ? 1 : traffic > 0 ? traffic : 0;
  if (!(u < coverage)) return { inExperiment: false, bucket };
  const levels: Record<string, string> = {};
  const chosen: string[] = [];
  for (const factor of factors) {
    const count = factor.levels.length;
    if (count === 0) return { inExperiment: false, bucket };
    const index = Math.min(count - 1, Math.floor(factorBucket(experimentKey, factor.key, visitorId) * count));
    levels[factor.key] = factor.levels[index].key;
    chosen.push(factor.levels[index].key);
  }
  return { inExperiment: true, arm: cellKey(chosen), levels, bucket };
};
