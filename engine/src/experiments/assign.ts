/**
 * Experiment assignment (docs/design.md, "Experiments", Assignment), pure:
 *
 * 1. not running → not in it (`not-running`; the server leaves such experiments out of
 *    `meta.personalize.experiments`); no visitor id → `no-visitor`; no `events` consent → `no-consent`;
 * 2. a sticky assignment stored for the visitor (their first exposure's arm) wins → `sticky`;
 * 3. the eligibility condition is false → `not-eligible` (the caller evaluates the rule);
 * 4. the experiment is in a namespace and the visitor's namespace bucket (exclusion.ts) is outside its range →
 *    `holdout` (held out by a hash, as outside the traffic);
 * 5. `u = murmur3_x86_32(key + "." + visitorId, seed 0) / 2^32`; arm i when
 *    `u ∈ [startᵢ, startᵢ + traffic·weightᵢ)`, `startᵢ = Σ_{j<i} weightⱼ` → `hash`; in no range → `holdout`.
 *
 * Each arm's range starts where it would at full traffic and grows with `traffic`, so raising traffic
 * only adds visitors to arms, never moves one (GrowthBook's getBucketRanges/chooseVariation, with
 * `coverage` = traffic). Unlike GrowthBook, the hash is MurmurHash3 x86_32 of `key.visitorId` over the
 * full 32 bits (GrowthBook: FNV-1a 32 twice, `(fnv(fnv(seed + id) + "") % 10000) / 10000`), and
 * weights are used as given (the contract requires them to sum to 1; GrowthBook falls back to equal
 * weights when they do not).
 */
import { murmur3Joined } from '../murmur3';
import { inNamespaceRange, namespaceBucket } from './exclusion';
import type { NamespaceRange } from './exclusion';

export type ExperimentStatus = 'draft' | 'running' | 'paused' | 'stopped';

export type AssignmentReason = 'hash' | 'sticky' | 'holdout' | 'not-eligible' | 'no-visitor' | 'no-consent' | 'not-running';

/** `[start, end)` of the bucket values that choose an arm. */
export type BucketRange = readonly [number, number];

export interface AssignableArm {
  readonly key: string;
  /** Share of the experiment's visitors, 0..1; the arms' weights sum to 1. */
  readonly weight: number;
}

export interface AssignableExperiment {
  readonly key: string;
  readonly status: ExperimentStatus;
  readonly arms: readonly AssignableArm[];
  /** Share of eligible visitors in the experiment, 0..1 (clamped). */
  readonly traffic: number;
  /** Mutual exclusion: the experiment takes only visitors whose bucket of namespace `key` is in `range`. */
  readonly namespace?: { readonly key: string; readonly range: NamespaceRange } | null;
}

export interface AssignmentInput {
  readonly experiment: AssignableExperiment;
  /** The visitor id; absent or empty → `no-visitor`. */
  readonly visitorId?: string | null;
  /** The visitor's effective `events` consent (count them in experiments). */
  readonly consent: boolean;
  /** The arm stored for this visitor (first exposure), if any. An arm the experiment no longer has is ignored. */
  readonly sticky?: string | null;
  /** The eligibility condition's result (true when the experiment has none). Default true. */
  readonly eligible?: boolean;
}

export interface Assignment {
  readonly inExperiment: boolean;
  /** The arm's key, when in the experiment. */
  readonly arm?: string;
  readonly reason: AssignmentReason;
  /** u rounded to 4 decimals (for `meta.personalize.experiments`); null without a visitor id or consent. */
  readonly bucket: number | null;
}

const TWO_POW_32 = 4294967296;

/** u ∈ [0, 1): `murmur3_x86_32(key + "." + visitorId, seed 0) / 2^32`. */
export const experimentBucket = (key: string, visitorId: string): number => murmur3Joined([key, '.', visitorId]) / TWO_POW_32;

/** The bucket as shown in `meta.personalize.experiments`: 4 decimals (0.46021… → 0.4602). */
export const roundBucket = (u: number): number => Math.round(u * 10000) / 10000;

/**
 * Each arm's `[startᵢ, startᵢ + traffic·weightᵢ)`, `startᵢ = Σ_{j<i} weightⱼ` (GrowthBook's
 * getBucketRanges with coverage = traffic). Traffic outside 0..1 is clamped (NaN → 0), and a negative
 * or non-finite weight counts as 0.
 */
export const bucketRanges = (weights: readonly number[], traffic: number): BucketRange[] => {
  const coverage = traffic >= 1 ? 1 : traffic > 0 ? traffic : 0;
  let start = 0;
  return weights.map((raw) => {
    const weight = Number.isFinite(raw) && raw > 0 ? raw : 0;
    const range: BucketRange = [start, start + coverage * weight];
    start += weight;
    return range;
  });
};

/** The index of the first range holding u (`start ≤ u < end`), or −1 (GrowthBook's chooseVariation). */
export const chooseArm = (u: number, ranges: readonly BucketRange[]): number => {
  for (let index = 0; index < ranges.length; index++) {
    if (u >= ranges[index][0] && u < ranges[index][1]) return index;
  }
  return -1;
};

/** Whether and in which arm a visitor is in an experiment (see the module comment for the order). */
export const assignExperiment = ({ experiment, visitorId, consent, sticky, eligible = true }: AssignmentInput): Assignment => {
  if (experiment.status !== 'running') return { inExperiment: false, reason: 'not-running', bucket: null };
  if (typeof visitorId !== 'string' || visitorId === '') return { inExperiment: false, reason: 'no-visitor', bucket: null };
  if (!consent) return { inExperiment: false, reason: 'no-consent', bucket: null };
  const u = experimentBucket(experiment.key, visitorId);
  const bucket = roundBucket(u);
  if (typeof sticky === 'string' && experiment.arms.some((arm) => arm.key === sticky)) {
    return { inExperiment: true, arm: sticky, reason: 'sticky', bucket };
  }
  if (!eligible) return { inExperiment: false, reason: 'not-eligible', bucket };
  const { namespace } = experiment;
  if (namespace && !inNamespaceRange(namespaceBucket(namespace.key, visitorId), namespace.range)) {
    return { inExperiment: false, reason: 'holdout', bucket };
  }
  const index = chooseArm(
    u,
    bucketRanges(
      experiment.arms.map((arm) => arm.weight),
      experiment.traffic
    )
  );
  if (index < 0) return { inExperiment: false, reason: 'holdout', bucket };
  return { inExperiment: true, arm: experiment.arms[index].key, reason: 'hash', bucket };
};
