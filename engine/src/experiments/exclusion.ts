/**
 * The site-wide holdout and namespaces (docs/design.md, "Variance reduction, holdouts, exclusion, multivariate"),
 * pure, with assignment's hash convention (assign.ts: murmur3_x86_32 of a string, seed 0, over 2^32):
 *
 * - holdout: `u = murmur3("holdout." + visitorId) / 2^32`; the visitor is in the holdout when `u < share`. The
 *   holdout is stable (the same visitor, the same answer) and grows with the share (raising it only adds visitors).
 *   It is the experiment hash of a key `holdout`, so an experiment keyed `holdout` would be correlated with it: the
 *   key is reserved (`HOLDOUT_KEY`).
 * - namespaces: `u = murmur3("namespace:" + namespaceKey + "." + visitorId) / 2^32`; an experiment of the
 *   namespace takes the visitor only when `u ∈ [from, to)` of its range. The prefix holds a colon, which no
 *   experiment key can hold ([a-z0-9_-]), so a namespace's bucket is never an experiment's or a factor's
 *   (multivariate.ts) for the same visitor: a namespace named like its experiment does not skew the experiment's
 *   arms. Experiments of one namespace whose ranges do not overlap never share a visitor.
 */
import { murmur3Joined } from '../murmur3';

const TWO_POW_32 = 4294967296;

/** The key whose experiment hash is the holdout's: not allowed as an experiment key. */
export const HOLDOUT_KEY = 'holdout';

/** `[from, to)` of the namespace buckets an experiment takes, 0 ≤ from ≤ to ≤ 1. */
export type NamespaceRange = readonly [number, number];

/** An experiment's place in a namespace. */
export interface NamespacedRange {
  /** The experiment's key (what the 409 on save names). */
  readonly key: string;
  readonly range: NamespaceRange;
}

/** u ∈ [0, 1) of the holdout: `murmur3("holdout." + visitorId) / 2^32`. */
export const holdoutBucket = (visitorId: string): number => murmur3Joined([HOLDOUT_KEY, '.', visitorId]) / TWO_POW_32;

/** Whether the visitor is in the site-wide holdout of `share` (0..1; clamped, NaN → 0). */
export const inHoldout = (visitorId: string, share: number): boolean => {
  const coverage = share >= 1 ? 1 : share > 0 ? share : 0;
  return holdoutBucket(visitorId) < coverage;
};

/** u ∈ [0, 1) of a namespace: `murmur3("namespace:" + namespaceKey + "." + visitorId) / 2^32`. */
export const namespaceBucket = (namespaceKey: string, visitorId: string): number =>
  murmur3Joined(['namespace:', namespaceKey, '.', visitorId]) / TWO_POW_32;

/** Whether a bucket falls in a range: `from ≤ u < to`. */
export const inNamespaceRange = (bucket: number, range: NamespaceRange): boolean => bucket >= range[0] && bucket < range[1];

/** Whether two ranges share a bucket (half-open: [0, 0.5) and [0.5, 1) do not; an empty range shares none). */
export const rangesOverlap = (a: NamespaceRange, b: NamespaceRange): boolean =>
  a[0] < b[1] && b[0] < a[1] && a[0] < a[1] && b[0] < b[1];

/**
 * The first pair of ranges, in the order given, that share a bucket, or null. To check a range being saved, put it
 * first: when it overlaps another, the pair is `[saved, other]`, and `other.key` is the experiment the 409 names.
 */
export const overlappingRange = <T extends NamespacedRange>(ranges: readonly T[]): [T, T] | null => {
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      if (rangesOverlap(ranges[i].range, ranges[j].range)) return [ranges[i], ranges[j]];
    }
  }
  return null;
};
