import { LRUCache } from 'lru-cache';

import type { VisitorProfile } from '../../../engine/src/profile/types';
import {
  formatMarker,
  MAX_BATCH_IDS,
  parseMarker,
  repairsOf,
  type Commit,
  type CommitResult,
  type ReconcileReport,
  type Snapshot,
  type SuppressionMarker,
  type VisitorStore,
} from './store';

interface Entry {
  /** The profile as JSON: a string costs the garbage collector nothing to trace, however many visitors. */
  json: string;
  token: string;
  /** batchId → when it was applied (ms), for de-duplication. */
  batches: Map<string, number>;
}

export interface EmbeddedStoreOptions {
  /** Profiles kept at most (least recently used dropped first). */
  maxEntries?: number;
  /** Approximate bytes of JSON kept at most. */
  maxBytes?: number;
}

/**
 * Freezes the profile and its containers (not each event: those were frozen when first stored),
 * so a caller that changes a profile it read fails loudly instead of changing the store.
 */
const freezeProfile = (profile: VisitorProfile): VisitorProfile => {
  for (const part of [
    profile.session,
    profile.interests,
    profile.quickExits,
    profile.recentlyViewed,
    profile.caps,
    profile.exposures,
    profile.consent,
    profile.events,
  ]) {
    Object.freeze(part);
  }
  for (const score of Object.values(profile.interests)) Object.freeze(score);
  for (const counters of Object.values(profile.caps)) {
    for (const times of Object.values(counters)) Object.freeze(times);
    Object.freeze(counters);
  }
  for (const event of profile.events) if (event !== null && typeof event === 'object') Object.freeze(event);
  return Object.freeze(profile);
};

/**
 * The in-process store (`events.transport: inline`): one LRU entry per visitor holding the profile
 * and its applied batchIds, expiring `retentionDays` after the last write; suppression markers in
 * an LRU of their own. It keeps no event log (the stream is Redis's): erasing deletes the entry.
 * Profiles handed out are frozen (containers and events): never change one, apply to it.
 */
export const createEmbeddedStore = (options: EmbeddedStoreOptions = {}): VisitorStore => {
  const entries = new LRUCache<string, Entry>({
    max: options.maxEntries ?? 100_000,
    maxSize: options.maxBytes ?? 256 * 1024 * 1024,
    // An estimate (no serialization on the write path): events dominate a profile's size.
    sizeCalculation: (entry) => entry.json.length + entry.batches.size * 64,
  });
  const markers = new LRUCache<string, string>({ max: 1_000_000 });
  // The recently used profiles, parsed (and frozen), by version token.
  const parsed = new LRUCache<string, VisitorProfile>({ max: 2_000 });
  let version = 0;
  // Experiment counters: experiment key → field → value (never evicted: a few fields per cohort and arm).
  const counters = new Map<string, Map<string, number>>();
  // Their per-unit facts (docs/design.md, "Storage"): experiment key → unit (visitor hash, or an erased
  // visitor's anonymous id) → field → that unit's share; every counter is the sum of its units' shares.
  const facts = new Map<string, Map<string, Map<string, number>>>();
  let anonymous = 0;

  const profileOf = (entry: Entry | undefined): VisitorProfile | null => {
    if (!entry) return null;
    let profile = parsed.get(entry.token);
    if (!profile) parsed.set(entry.token, (profile = freezeProfile(JSON.parse(entry.json) as VisitorProfile)));
    return profile;
  };

  const snapshotOf = (hash: string, batchId?: string): Snapshot => {
    const entry = entries.get(hash);
    const appliedAt = batchId !== undefined ? entry?.batches.get(batchId) : undefined;
    return {
      profile: profileOf(entry),
      token: entry?.token ?? null,
      marker: markers.get(hash) ?? null,
      seen: appliedAt !== undefined,
    };
  };

  return {
    kind: 'inline',

    async read(hash) {
      return profileOf(entries.get(hash));
    },

    async snapshot(hash, batchId) {
      return snapshotOf(hash, batchId);
    },

    async commit({ hash, expected, next, ttlMs, batch, counters: increments }: Commit): Promise<CommitResult> {
      const entry = entries.get(hash);
      if (batch && entry?.batches.has(batch.id)) return { ok: false, duplicate: true };
      if ((entry?.token ?? null) !== expected.token || (markers.get(hash) ?? null) !== expected.marker) {
        return { ok: false, snapshot: snapshotOf(hash, batch?.id) };
      }
      const batches = new Map(entry?.batches ?? []);
      if (batch) {
        const horizon = batch.receivedAt - batch.dedupMs;
        for (const [id, at] of batches) if (at < horizon) batches.delete(id);
        batches.set(batch.id, batch.receivedAt);
        // Oldest first (insertion order): keep the newest MAX_BATCH_IDS.
        for (const id of batches.keys()) {
          if (batches.size <= MAX_BATCH_IDS) break;
          batches.delete(id);
        }
      }
      version += 1;
      const token = String(version);
      entries.set(hash, { json: JSON.stringify(next), token, batches }, { ttl: Math.max(1, Math.ceil(ttlMs)) });
      parsed.set(token, freezeProfile(next));
      for (const { experiment, increments: fields } of increments ?? []) {
        let values = counters.get(experiment);
        if (!values) counters.set(experiment, (values = new Map()));
        let units = facts.get(experiment);
        if (!units) facts.set(experiment, (units = new Map()));
        let shares = units.get(hash);
        if (!shares) units.set(hash, (shares = new Map()));
        for (const { field, by } of fields) {
          const after = (values.get(field) ?? 0) + by;
          // Never a non-finite counter: it would read as nothing and hide every other visitor's
          // values. The engine bounds goal values; this is the last guard.
          if (!Number.isFinite(after)) continue;
          values.set(field, after);
          shares.set(field, (shares.get(field) ?? 0) + by);
        }
      }
      return { ok: true };
    },

    async erase(hash, marker: SuppressionMarker, markerTtlMs) {
      entries.delete(hash);
      // The visitor's facts stay counted under an anonymous unit: nothing links them to the visitor.
      for (const units of facts.values()) {
        const shares = units.get(hash);
        if (!shares) continue;
        units.delete(hash);
        anonymous += 1;
        units.set(`e:${anonymous}`, shares);
      }
      // An opt-out is never downgraded to an erasure (nor shortened by one).
      if (parseMarker(markers.get(hash))?.kind === 'optout' && marker.kind === 'erased') return;
      markers.set(hash, formatMarker(marker), { ttl: Math.max(1, Math.ceil(markerTtlMs)) });
    },

    async marker(hash) {
      const marker = parseMarker(markers.get(hash));
      const ttl = markers.getRemainingTTL(hash);
      return marker && { ...marker, until: Number.isFinite(ttl) ? Date.now() + ttl : null };
    },

    async counters(experiment) {
      return Object.fromEntries(counters.get(experiment) ?? []);
    },

    async dropCounters(experiment) {
      counters.delete(experiment);
      facts.delete(experiment);
    },

    async reconcile(experiment): Promise<ReconcileReport> {
      const expected = new Map<string, number>();
      for (const shares of facts.get(experiment)?.values() ?? []) {
        for (const [field, share] of shares) expected.set(field, (expected.get(field) ?? 0) + share);
      }
      const stored = counters.get(experiment) ?? new Map<string, number>();
      const repaired = repairsOf(Object.fromEntries(stored), Object.fromEntries(expected));
      for (const { field, after } of repaired) {
        if (expected.has(field)) stored.set(field, after);
        else stored.delete(field);
      }
      if (stored.size > 0) counters.set(experiment, stored);
      return { shards: repaired.length > 0 ? 1 : 0, repaired };
    },

    close() {
      entries.clear();
      markers.clear();
      counters.clear();
      facts.clear();
    },
  };
};
