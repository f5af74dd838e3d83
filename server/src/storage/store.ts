/**
 * What a visitor store keeps, and the one read-modify-write loop both stores run (store-agnostic,
 * so the in-process store and Redis have the same semantics by construction: every new profile is
 * computed by the engine's pure `applyEvents`/`applyServe`, then compare-and-set).
 */
import type { SuppressionInForce, SuppressionMarker } from '../../../contracts/src/visitors';
import type { CounterIncrement } from './experiment-counts';
import type { VisitorProfile } from '../../../engine/src/profile/types';

/** Thrown by a store that cannot be reached (Redis down): callers answer "unavailable". */
export class StoreUnavailableError extends Error {
  constructor(message = 'visitor store unavailable') {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * A suppression marker: no personal data, only what happened and when. `erased` (DELETE /me, the
 * admin's erase, a withdrawn consent) drops what happened up to `at` (events still in flight);
 * `optout` drops everything for the retention period.
 */
export type { SuppressionInForce, SuppressionMarker };

export const formatMarker = (marker: SuppressionMarker) => `${marker.kind}:${Math.floor(marker.at)}`;

export const parseMarker = (raw: string | null | undefined): SuppressionMarker | null => {
  if (!raw) return null;
  const [kind, at] = raw.split(':');
  if ((kind !== 'erased' && kind !== 'optout') || !Number.isFinite(Number(at))) return null;
  return { kind, at: Number(at) };
};

/** True when something that happened at `at` must be dropped under `marker`. */
export const suppresses = (marker: SuppressionMarker | null, at: number) =>
  marker !== null && (marker.kind === 'optout' || at <= marker.at);

/** A visitor's state as read for a write: the profile, its version token, the marker, the batch seen. */
export interface Snapshot {
  profile: VisitorProfile | null;
  /** Opaque version of `profile` (null: none stored). */
  token: string | null;
  /** The marker as stored (compared as is). */
  marker: string | null;
  /** The batchId asked about was already applied. */
  seen: boolean;
}

export interface CommitBatch {
  id: string;
  receivedAt: number;
  /** How long a batchId is remembered (events older than 24 h are dropped anyway). */
  dedupMs: number;
  /** Appended to the event stream (Redis; erased with the visitor); the events as accepted, as JSON. */
  streamEvents?: string;
}

/** Increments of one experiment's counters (server/src/experiments/counts.ts), committed with the profile. */
export interface ExperimentCounters {
  experiment: string;
  increments: CounterIncrement[];
}

export interface Commit {
  hash: string;
  expected: Snapshot;
  next: VisitorProfile;
  /** Time to live of the profile (retention after the visitor's last event). */
  ttlMs: number;
  batch?: CommitBatch;
  /** Applied in the same atomic write as the profile (exposures and conversions count exactly once). */
  counters?: ExperimentCounters[];
}

export type CommitResult = { ok: true } | { ok: false; duplicate: true } | { ok: false; duplicate?: false; snapshot: Snapshot };

export interface VisitorStore {
  readonly kind: 'inline' | 'redis' | 'database';
  /** The stored profile, in one round trip. Throws StoreUnavailableError. */
  read(hash: string): Promise<VisitorProfile | null>;
  /** Profile, marker and (with `batchId`) whether that batch was applied. Throws StoreUnavailableError. */
  snapshot(hash: string, batchId?: string): Promise<Snapshot>;
  /** Writes `next` if nothing changed since `expected`, atomically with the batch's de-duplication. */
  commit(commit: Commit): Promise<CommitResult>;
  /**
   * Deletes every key of the visitor and their entries in the event log, and sets `marker` for
   * `markerTtlMs` (an `optout` is never downgraded).
   */
  erase(hash: string, marker: SuppressionMarker, markerTtlMs: number): Promise<void>;
  /** The marker in force, if any, with when it expires. */
  marker(hash: string): Promise<SuppressionInForce | null>;
  /** An experiment's counters (field → value), in one round trip. Throws StoreUnavailableError. */
  counters(experiment: string): Promise<Record<string, number>>;
  /** Deletes an experiment's counters (the experiment was deleted). */
  dropCounters(experiment: string): Promise<void>;
  /**
   * Rebuilds an experiment's counters from its per-unit facts (written with the counters, in the same
   * script, transaction or step) and reports what it repaired; run twice, the second repairs nothing.
   * Throws StoreUnavailableError.
   */
  reconcile(experiment: string): Promise<ReconcileReport>;
  close?(): void;
}

/** What a reconcile repaired: each counter field of a shard whose value differed from its facts. */
export interface ReconcileReport {
  /** Shards with at least one repaired counter. */
  shards: number;
  repaired: { shard: number; field: string; before: number; after: number }[];
}

/** Two sums of the same doubles taken in another order: equal up to rounding. */
const sameCount = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * The repairs of one shard (the database and in-process stores have one, shard 0): each counter
 * whose stored value differs from the sum of its units' shares (`expected`), and each stored
 * counter no unit has (its `after` is 0: deleted), sorted by field.
 */
export const repairsOf = (
  stored: Record<string, number>,
  expected: Record<string, number>,
  shard = 0
): ReconcileReport['repaired'] => {
  const repaired: ReconcileReport['repaired'] = [];
  for (const [field, after] of Object.entries(expected)) {
    const before = stored[field];
    if (before === undefined || !sameCount(before, after)) repaired.push({ shard, field, before: before ?? 0, after });
  }
  for (const [field, before] of Object.entries(stored)) {
    if (!(field in expected)) repaired.push({ shard, field, before, after: 0 });
  }
  return repaired.sort((a, b) => a.field.localeCompare(b.field));
};

/** batchIds remembered per visitor at most (the newest), within the de-duplication window. */
export const MAX_BATCH_IDS = 1000;

/**
 * Attempts of one compare-and-set loop before giving up. Each conflict means another write of the
 * same visitor committed, so n concurrent batches need at most n attempts; a visitor's own traffic
 * never gets near.
 */
export const MAX_ATTEMPTS = 64;

/**
 * Runs `update` on the visitor's current state and commits it, retrying on a concurrent change.
 * `update` returns the profile to write, or a value that ends the loop without writing.
 */
export const compareAndSet = async <TStop>(
  store: VisitorStore,
  hash: string,
  batchId: string | undefined,
  update: (snapshot: Snapshot) => { write: Omit<Commit, 'hash' | 'expected'> } | { stop: TStop },
  onDuplicate: () => TStop
): Promise<{ written: true; profile: VisitorProfile } | { written: false; result: TStop }> => {
  let snapshot = await store.snapshot(hash, batchId);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (snapshot.seen) return { written: false, result: onDuplicate() };
    const decision = update(snapshot);
    if ('stop' in decision) return { written: false, result: decision.stop };
    const result = await store.commit({ hash, expected: snapshot, ...decision.write });
    if (result.ok) return { written: true, profile: decision.write.next };
    if (result.duplicate) return { written: false, result: onDuplicate() };
    snapshot = result.snapshot;
  }
  throw new StoreUnavailableError('too many concurrent writes for one visitor');
};
