import type { Cluster, Redis } from 'ioredis';

/** One primary's connection, or a cluster's (platform/redis-client.ts). */
type RedisConnection = Redis | Cluster;

import type { VisitorProfile } from '../../../engine/src/profile/types';
import {
  formatMarker,
  MAX_BATCH_IDS,
  parseMarker,
  StoreUnavailableError,
  type Commit,
  type CommitResult,
  type Snapshot,
  type SuppressionMarker,
  type VisitorStore,
} from './store';

/** Entries kept in the event stream (approximately: `XADD … MAXLEN ~`). */
export const STREAM_MAX_LENGTH = 100_000;

/**
 * Redis key layout. Every per-visitor key carries the visitor hash as a hash tag, so a visitor's
 * keys live in one Redis Cluster slot and one script can touch them all.
 */
export const visitorKeys = (prefix: string, hash: string) => ({
  /** The profile, one JSON value (expires `retentionDays` after the last event). */
  profile: `${prefix}v:{${hash}}`,
  /** Sorted set of applied batchIds (score: when), for de-duplication (24 h, the newest 1000). */
  batches: `${prefix}v:{${hash}}:b`,
  /** Suppression marker (`erased:<ms>` or `optout:<ms>`), no personal data. */
  marker: `${prefix}v:{${hash}}:x`,
  /**
   * Sorted set of the ids of the visitor's entries in the event stream (score: the id's ms), so an
   * erasure deletes exactly those (docs/events.md, "Privacy endpoints"); it lives as long as the
   * newest of them may (the retention period) and forgets the ids the stream has trimmed.
   */
  entries: `${prefix}v:{${hash}}:s`,
});

/**
 * An experiment's counters: one hash (field → value, see experiments/counts.ts), under the
 * experiment's own hash tag. No visitor data: erasing a visitor leaves the aggregate counts.
 */
export const experimentCountersKey = (prefix: string, experiment: string) => `${prefix}x:{${experiment}}:c`;

/**
 * The capped stream of accepted batches (`v`: visitor hash, `b`: batchId, `at`, `events`: JSON),
 * kept for the retention period at most.
 */
export const streamKey = (prefix: string) => `${prefix}stream:events`;

/** Reads what a write needs, consistently: profile, its SHA-1, the marker, whether the batch was applied. */
const SNAPSHOT_LUA = `
local v = redis.call('GET', KEYS[1])
local sha = false
if v then sha = redis.sha1hex(v) end
local seen = 0
if ARGV[1] ~= '' and redis.call('ZSCORE', KEYS[2], ARGV[1]) then seen = 1 end
return { v, sha, redis.call('GET', KEYS[3]), seen }
`;

/**
 * Compare-and-set of a batch (or a serve): writes the new profile only if the profile and the
 * marker are what the caller computed from, and the batch was not applied already; then records
 * the batchId and appends the batch to the stream, with the entry's id in the visitor's own set
 * (what an erasure deletes). On a conflict, returns the current state so the caller recomputes
 * without another round trip.
 * KEYS: profile, batches, marker, stream entries, stream, then one per experiment whose counters change.
 * ARGV: expected sha ('' none), expected marker ('' none), new profile, ttl ms, batchId ('' none),
 *       dedup ms, received at (ms), stream max length, visitor hash, events JSON ('' no stream entry),
 *       batchIds kept at most, retention ms, then triples (index in KEYS, field, increment) of counter
 *       increments.
 * The stream is trimmed to the retention period too (exactly, by Redis's own clock, as its ids are),
 * so no entry outlives its visitor's set of entry ids; the set drops the ids older than the stream's
 * first entry, so it never holds more than the stream does.
 * An increment whose result would not be finite is skipped: HINCRBYFLOAT would fail the script after
 * the profile was written, and a non-finite counter hides every other visitor's values. (The engine
 * bounds goal values; this is the last guard.)
 */
const COMMIT_LUA = `
if ARGV[5] ~= '' and redis.call('ZSCORE', KEYS[2], ARGV[5]) then return { 'duplicate' } end
local v = redis.call('GET', KEYS[1])
local sha = ''
if v then sha = redis.sha1hex(v) end
local marker = redis.call('GET', KEYS[3])
if sha ~= ARGV[1] or (marker or '') ~= ARGV[2] then
  local current = false
  if v then current = sha end
  return { 'conflict', v, current, marker }
end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
if ARGV[5] ~= '' then
  local at = tonumber(ARGV[7])
  redis.call('ZADD', KEYS[2], at, ARGV[5])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', at - tonumber(ARGV[6]))
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[11]) + 1))
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
end
if ARGV[10] ~= '' then
  local id = redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[8], '*', 'v', ARGV[9], 'b', ARGV[5], 'at', ARGV[7], 'events', ARGV[10])
  local now = redis.call('TIME')
  local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[12])
  redis.call('XTRIM', KEYS[5], 'MINID', string.format('%.0f', oldest))
  redis.call('ZADD', KEYS[4], string.match(id, '^%d+'), id)
  local first = redis.call('XRANGE', KEYS[5], '-', '+', 'COUNT', 1)[1]
  if first then redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. string.match(first[1], '^%d+')) end
  redis.call('PEXPIRE', KEYS[4], ARGV[12])
end
local i = 13
while ARGV[i] do
  local key = KEYS[tonumber(ARGV[i])]
  local by = tonumber(ARGV[i + 2])
  local after = false
  if by then after = (tonumber(redis.call('HGET', key, ARGV[i + 1]) or '0') or 0) + by end
  if after and after == after and after > -math.huge and after < math.huge then
    redis.call('HINCRBYFLOAT', key, ARGV[i + 1], ARGV[i + 2])
  end
  i = i + 3
end
return { 'ok' }
`;

/**
 * Deletes the visitor's profile and batch ids, sets the marker (an opt-out is never downgraded) and
 * returns the ids of the visitor's stream entries. Their set stays until the entries are deleted
 * from the stream, a separate command on another key (and slot): an erasure interrupted in between
 * finds them again when retried.
 */
const ERASE_LUA = `
local ids = redis.call('ZRANGE', KEYS[4], 0, -1)
redis.call('DEL', KEYS[1], KEYS[2])
local current = redis.call('GET', KEYS[3])
if current and string.sub(current, 1, 7) == 'optout:' and string.sub(ARGV[1], 1, 7) == 'erased:' then return ids end
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
return ids
`;

/**
 * Deletes stream entries by id (ARGV from 2), after trimming the stream to the retention period
 * (ARGV[1] ms, by Redis's clock): an entry older than that may have outlived its visitor's set of
 * entry ids on a stream no batch has trimmed since.
 */
const FORGET_ENTRIES_LUA = `
local now = redis.call('TIME')
local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[1]) + 1
redis.call('XTRIM', KEYS[1], 'MINID', string.format('%.0f', oldest))
if #ARGV > 1 then return redis.call('XDEL', KEYS[1], unpack(ARGV, 2)) end
return 0
`;

/** The marker and its time to live (ms), together. */
const MARKER_LUA = `return { redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]) }`;

/** Stream entry ids per XDEL (a Lua `unpack` takes a few thousand at most). */
const FORGET_CHUNK = 1000;

type ScriptedRedis = RedisConnection & {
  pzVisitorSnapshot(
    profile: string,
    batches: string,
    marker: string,
    batchId: string
  ): Promise<[string | null, string | null, string | null, number]>;
  pzVisitorCommit(...args: string[]): Promise<[string, string | null, string | null, string | null] | [string]>;
  pzVisitorErase(
    profile: string,
    batches: string,
    marker: string,
    entries: string,
    value: string,
    ttl: string
  ): Promise<string[]>;
  pzStreamForget(stream: string, retentionMs: string, ...ids: string[]): Promise<number>;
  pzVisitorMarker(marker: string): Promise<[string | null, number]>;
};

const scripted = new WeakSet<RedisConnection>();

const withScripts = (client: RedisConnection): ScriptedRedis => {
  if (!scripted.has(client)) {
    client.defineCommand('pzVisitorSnapshot', { numberOfKeys: 3, lua: SNAPSHOT_LUA });
    // The number of keys varies with the experiments counted: it is the call's first argument.
    client.defineCommand('pzVisitorCommit', { lua: COMMIT_LUA });
    client.defineCommand('pzVisitorErase', { numberOfKeys: 4, lua: ERASE_LUA });
    client.defineCommand('pzStreamForget', { numberOfKeys: 1, lua: FORGET_ENTRIES_LUA });
    client.defineCommand('pzVisitorMarker', { numberOfKeys: 1, lua: MARKER_LUA });
    scripted.add(client);
  }
  return client as ScriptedRedis;
};

const parseProfile = (raw: string | null): VisitorProfile | null => {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as VisitorProfile;
    return value && typeof value === 'object' && value.v === 1 ? value : null;
  } catch {
    return null;
  }
};

export interface RedisStoreDeps {
  prefix: () => string;
  /** `visitors.retentionDays` in ms: nothing of a visitor is kept longer, the event stream included. */
  retentionMs: () => number;
  /**
   * Runs a command on the ready connection; resolves to `fallback` when Redis is not configured,
   * not connected or fails (the redis service's `attempt`, which logs an outage once).
   */
  attempt<T>(operation: (connection: RedisConnection) => Promise<T>, fallback: T): Promise<T>;
}

const UNAVAILABLE = Symbol('unavailable');

/**
 * The Redis store (`events.transport: redis`): a profile is one JSON value per visitor, read with
 * one GET; a batch is applied by one script per attempt that compare-and-sets the profile computed
 * by the engine's `applyEvents` (see store.ts), de-duplicates the batchId and appends to the stream.
 */
export const createRedisStore = ({ prefix, retentionMs, attempt }: RedisStoreDeps): VisitorStore => {
  const run = async <T>(operation: (connection: ScriptedRedis) => Promise<T>): Promise<T> => {
    const result = await attempt<T | typeof UNAVAILABLE>((connection) => operation(withScripts(connection)), UNAVAILABLE);
    if (result === UNAVAILABLE) throw new StoreUnavailableError();
    return result;
  };
  const retention = () => Math.max(1, Math.ceil(retentionMs()));

  const snapshotFrom = (raw: string | null, sha: string | null, marker: string | null, seen: boolean): Snapshot => {
    // A value that does not parse is still versioned, so the next write replaces it.
    return { profile: parseProfile(raw), token: raw === null ? null : sha, marker, seen };
  };

  return {
    kind: 'redis',

    async read(hash) {
      return parseProfile(await run((connection) => connection.get(visitorKeys(prefix(), hash).profile)));
    },

    async snapshot(hash, batchId) {
      const keys = visitorKeys(prefix(), hash);
      const [raw, sha, marker, seen] = await run((connection) =>
        connection.pzVisitorSnapshot(keys.profile, keys.batches, keys.marker, batchId ?? '')
      );
      return snapshotFrom(raw, sha, marker, seen === 1);
    },

    async commit({ hash, expected, next, ttlMs, batch, counters }: Commit): Promise<CommitResult> {
      const keys = visitorKeys(prefix(), hash);
      const counterKeys: string[] = [];
      const counterArgs: string[] = [];
      for (const { experiment, increments } of counters ?? []) {
        if (increments.length === 0) continue;
        counterKeys.push(experimentCountersKey(prefix(), experiment));
        // Lua indexes KEYS from 1; the five fixed keys come first.
        const keyIndex = String(5 + counterKeys.length);
        for (const { field, by } of increments) if (Number.isFinite(by)) counterArgs.push(keyIndex, field, String(by));
      }
      const reply = await run((connection) =>
        connection.pzVisitorCommit(
          String(5 + counterKeys.length),
          keys.profile,
          keys.batches,
          keys.marker,
          keys.entries,
          streamKey(prefix()),
          ...counterKeys,
          expected.token ?? '',
          expected.marker ?? '',
          JSON.stringify(next),
          String(Math.max(1, Math.ceil(ttlMs))),
          batch?.id ?? '',
          String(Math.max(1, Math.ceil(batch?.dedupMs ?? 1))),
          String(Math.floor(batch?.receivedAt ?? 0)),
          String(STREAM_MAX_LENGTH),
          hash,
          batch?.streamEvents ?? '',
          String(MAX_BATCH_IDS),
          String(retention()),
          ...counterArgs
        )
      );
      if (reply[0] === 'ok') return { ok: true };
      if (reply[0] === 'duplicate') return { ok: false, duplicate: true };
      const [, raw, sha, marker] = reply as [string, string | null, string | null, string | null];
      return { ok: false, snapshot: snapshotFrom(raw, sha, marker, false) };
    },

    async erase(hash, marker: SuppressionMarker, markerTtlMs) {
      const keys = visitorKeys(prefix(), hash);
      const ids = await run((connection) =>
        connection.pzVisitorErase(
          keys.profile,
          keys.batches,
          keys.marker,
          keys.entries,
          formatMarker(marker),
          String(Math.max(1, Math.ceil(markerTtlMs)))
        )
      );
      // The stream is another key (another slot on a Cluster): its entries go in commands of their
      // own, then their ids, once deleted (docs/design.md, "Storage").
      const stream = streamKey(prefix());
      for (let start = 0; start === 0 || start < ids.length; start += FORGET_CHUNK) {
        const chunk = ids.slice(start, start + FORGET_CHUNK);
        await run((connection) => connection.pzStreamForget(stream, String(retention()), ...chunk));
        if (chunk.length > 0) await run((connection) => connection.zrem(keys.entries, ...chunk));
      }
    },

    async marker(hash) {
      const key = visitorKeys(prefix(), hash).marker;
      const [raw, ttl] = await run((connection) => connection.pzVisitorMarker(key));
      const marker = parseMarker(raw);
      // A marker always has a time to live; -1 (none) would be a marker set by hand: kept for good.
      return marker && { ...marker, until: ttl >= 0 ? Date.now() + ttl : null };
    },

    async counters(experiment) {
      const raw = await run((connection) => connection.hgetall(experimentCountersKey(prefix(), experiment)));
      const values: Record<string, number> = {};
      for (const [field, value] of Object.entries(raw)) values[field] = Number(value);
      return values;
    },

    async dropCounters(experiment) {
      await run((connection) => connection.del(experimentCountersKey(prefix(), experiment)));
    },
  };
};
