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

/**
 * Visitors are spread over this many **shards**, each one Redis Cluster hash tag `{v<nnn>}`: a
 * visitor's keys, the event log of their shard and their shard of every experiment's counters share
 * it, so a batch is one script on one slot (profile, batch id, log entry, counters) and an erasure
 * is one script too (docs/events.md, "Stores and Redis key layout"). Fixed: changing it would move
 * every visitor to another key.
 */
export const SHARDS = 256;

/** Entries kept in the event log, all shards together (approximately: `XADD … MAXLEN ~` per shard). */
export const STREAM_MAX_LENGTH = 100_000;
const SHARD_STREAM_MAX_LENGTH = Math.ceil(STREAM_MAX_LENGTH / SHARDS);

/** The shard of a visitor hash (FNV-1a of the hash: any string spreads evenly). */
export const shardOf = (hash: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < hash.length; i += 1) {
    h ^= hash.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % SHARDS;
};

/** The hash tag of a shard: `{v007}`. */
export const shardTag = (shard: number) => `{v${String(shard).padStart(3, '0')}}`;

/** Every shard, for what reads or deletes across them (an experiment's counters, the event log). */
export const ALL_SHARDS: readonly number[] = Array.from({ length: SHARDS }, (_, shard) => shard);

/**
 * Redis key layout. Every per-visitor key carries the visitor's shard tag, so a visitor's keys live
 * in one Redis Cluster slot, with their shard's event log and counters, and one script can touch them all.
 */
export const visitorKeys = (prefix: string, hash: string) => {
  const tag = shardTag(shardOf(hash));
  return {
    /** The profile, one JSON value (expires `retentionDays` after the last event). */
    profile: `${prefix}v:${tag}:${hash}`,
    /** Sorted set of applied batchIds (score: when), for de-duplication (24 h, the newest 1000). */
    batches: `${prefix}v:${tag}:${hash}:b`,
    /** Suppression marker (`erased:<ms>` or `optout:<ms>`), no personal data. */
    marker: `${prefix}v:${tag}:${hash}:x`,
    /**
     * Sorted set of the ids of the visitor's entries in their shard's event stream (score: the id's
     * ms), so an erasure deletes exactly those (docs/events.md, "Privacy endpoints"); it lives as long
     * as the newest of them may (the retention period) and forgets the ids the stream has trimmed.
     */
    entries: `${prefix}v:${tag}:${hash}:s`,
    /** The event log of the visitor's shard. */
    stream: streamKey(prefix, shardOf(hash)),
  };
};

/**
 * One shard of an experiment's counters: a hash (field → value, see experiment-counts.ts) under the
 * shard's tag, incremented in the same script as the profiles of that shard's visitors; the
 * experiment's counts are the sum over every shard. No visitor data: erasing a visitor leaves them.
 * The tag comes first: an experiment key cannot move the key to another slot.
 */
export const experimentCountersKey = (prefix: string, experiment: string, shard: number) =>
  `${prefix}x:${shardTag(shard)}:${experiment}:c`;

/**
 * The capped event log of one shard's accepted batches (`v`: visitor hash, `b`: batchId, `at`,
 * `events`: JSON), kept for the retention period at most. A consumer reads every shard's.
 */
export const streamKey = (prefix: string, shard: number) => `${prefix}stream:events:${shardTag(shard)}`;

/*
 * Every script starts with a shebang (Redis 7): its keys are all declared in KEYS (all of one slot,
 * which Redis Cluster checks), and a read-only one says so (`no-writes`), so it may run on a replica.
 */

/** Reads what a write needs, consistently: profile, its SHA-1, the marker, whether the batch was applied. */
const SNAPSHOT_LUA = `#!lua flags=no-writes
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
 * the batchId and appends the batch to the shard's stream, with the entry's id in the visitor's own
 * set (what an erasure deletes). On a conflict, returns the current state so the caller recomputes
 * without another round trip. Every key is of the visitor's shard: one slot.
 * KEYS: profile, batches, marker, stream entries, the shard's stream, then the shard's counters of
 * each experiment whose counters change.
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
const COMMIT_LUA = `#!lua
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
 * An erasure, in one script on the visitor's slot: trims the shard's stream to the retention period
 * (ARGV[3] ms, by Redis's clock: an entry older than that may have outlived its visitor's set of
 * entry ids on a stream no batch has trimmed since), deletes the visitor's stream entries (by the
 * ids in their set, a thousand per XDEL: a Lua `unpack` takes a few thousand at most), the profile,
 * the batch ids and that set, and sets the marker (an opt-out is never downgraded). Returns the
 * number of stream entries deleted.
 * KEYS: profile, batches, marker, stream entries, the shard's stream. ARGV: marker, its ttl ms, retention ms.
 */
const ERASE_LUA = `#!lua
local now = redis.call('TIME')
local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[3]) + 1
redis.call('XTRIM', KEYS[5], 'MINID', string.format('%.0f', oldest))
local ids = redis.call('ZRANGE', KEYS[4], 0, -1)
local deleted = 0
for first = 1, #ids, 1000 do
  deleted = deleted + redis.call('XDEL', KEYS[5], unpack(ids, first, math.min(first + 999, #ids)))
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
local current = redis.call('GET', KEYS[3])
if current and string.sub(current, 1, 7) == 'optout:' and string.sub(ARGV[1], 1, 7) == 'erased:' then return deleted end
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
return deleted
`;

/** The marker and its time to live (ms), together. */
const MARKER_LUA = `#!lua flags=no-writes
return { redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]) }`;

/** Every script's source, for the tests that check each declares its keys (tests/unit/redis-scripts.test.ts). */
export const SCRIPTS = { SNAPSHOT_LUA, COMMIT_LUA, ERASE_LUA, MARKER_LUA } as const;

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
    stream: string,
    value: string,
    ttl: string,
    retentionMs: string
  ): Promise<number>;
  pzVisitorMarker(marker: string): Promise<[string | null, number]>;
};

const scripted = new WeakSet<RedisConnection>();

const withScripts = (client: RedisConnection): ScriptedRedis => {
  if (!scripted.has(client)) {
    client.defineCommand('pzVisitorSnapshot', { numberOfKeys: 3, lua: SNAPSHOT_LUA });
    // The number of keys varies with the experiments counted: it is the call's first argument.
    client.defineCommand('pzVisitorCommit', { lua: COMMIT_LUA });
    client.defineCommand('pzVisitorErase', { numberOfKeys: 5, lua: ERASE_LUA });
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
  /**
   * With `redis.durability: 'replica'`: the connection for a batch's commit and its WAIT (a blocking
   * command, so never the shared one), or null when it cannot be had (the batch is then refused).
   * Absent: batches are acknowledged once the primary has them.
   */
  durable?: () => RedisConnection | null;
}

/** How long a batch's commit waits for a replica (WAIT's timeout) before the batch is refused (503). */
export const REPLICA_WAIT_MS = 500;

/** A batch applied on the primary that no replica acknowledged in time: answered 503, retried by the SDK. */
export class NotReplicatedError extends StoreUnavailableError {
  constructor() {
    super('no replica acknowledged the write in time');
    this.name = 'NotReplicatedError';
  }
}

const UNAVAILABLE = Symbol('unavailable');

/**
 * The Redis store (`events.transport: redis`): a profile is one JSON value per visitor, read with
 * one GET; a batch is applied by one script per attempt that compare-and-sets the profile computed
 * by the engine's `applyEvents` (see store.ts), de-duplicates the batchId and appends to the stream.
 */
export const createRedisStore = ({ prefix, retentionMs, attempt, durable }: RedisStoreDeps): VisitorStore => {
  const run = async <T>(operation: (connection: ScriptedRedis) => Promise<T>): Promise<T> => {
    const result = await attempt<T | typeof UNAVAILABLE>((connection) => operation(withScripts(connection)), UNAVAILABLE);
    if (result === UNAVAILABLE) throw new StoreUnavailableError();
    return result;
  };
  const retention = () => Math.max(1, Math.ceil(retentionMs()));

  type CommitReply = [string, string | null, string | null, string | null] | [string];

  /**
   * The commit script then `WAIT 1` in one pipeline on the durable connection: WAIT counts the writes
   * of its own connection, and a cluster sends the pipeline to the node of the script's slot. A
   * batch applied that no replica acknowledged in time is refused (503): it stays applied on the
   * primary, so the SDK's retry is answered as a duplicate (counted once), by then most likely
   * replicated; a failover before that may lose it, as docs/events.md says.
   */
  const commitDurably = async (args: string[]): Promise<CommitReply> => {
    const connection = durable?.();
    if (!connection || connection.status !== 'ready') throw new StoreUnavailableError();
    const pipeline = withScripts(connection).pipeline() as unknown as {
      pzVisitorCommit(...commitArgs: string[]): unknown;
      wait(replicas: number, timeoutMs: number): unknown;
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    pipeline.pzVisitorCommit(...args);
    pipeline.wait(1, REPLICA_WAIT_MS);
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch {
      throw new StoreUnavailableError();
    }
    const [[commitError, reply], [waitError, replicas]] = results ?? [[new Error('no reply'), null], [null, 0]];
    if (commitError || !reply) throw new StoreUnavailableError();
    const status = (reply as CommitReply)[0];
    if (status === 'conflict') return reply as CommitReply;
    if (waitError || Number(replicas) < 1) throw new NotReplicatedError();
    return reply as CommitReply;
  };

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
        counterKeys.push(experimentCountersKey(prefix(), experiment, shardOf(hash)));
        // Lua indexes KEYS from 1; the five fixed keys come first.
        const keyIndex = String(5 + counterKeys.length);
        for (const { field, by } of increments) if (Number.isFinite(by)) counterArgs.push(keyIndex, field, String(by));
      }
      const args = [
          String(5 + counterKeys.length),
          keys.profile,
          keys.batches,
          keys.marker,
          keys.entries,
          keys.stream,
          ...counterKeys,
          expected.token ?? '',
          expected.marker ?? '',
          JSON.stringify(next),
          String(Math.max(1, Math.ceil(ttlMs))),
          batch?.id ?? '',
          String(Math.max(1, Math.ceil(batch?.dedupMs ?? 1))),
          String(Math.floor(batch?.receivedAt ?? 0)),
          String(SHARD_STREAM_MAX_LENGTH),
          hash,
          batch?.streamEvents ?? '',
          String(MAX_BATCH_IDS),
          String(retention()),
          ...counterArgs,
      ];
      const reply = batch && durable ? await commitDurably(args) : await run((connection) => connection.pzVisitorCommit(...args));
      if (reply[0] === 'ok') return { ok: true };
      if (reply[0] === 'duplicate') return { ok: false, duplicate: true };
      const [, raw, sha, marker] = reply as [string, string | null, string | null, string | null];
      return { ok: false, snapshot: snapshotFrom(raw, sha, marker, false) };
    },

    async erase(hash, marker: SuppressionMarker, markerTtlMs) {
      const keys = visitorKeys(prefix(), hash);
      await run((connection) =>
        connection.pzVisitorErase(
          keys.profile,
          keys.batches,
          keys.marker,
          keys.entries,
          keys.stream,
          formatMarker(marker),
          String(Math.max(1, Math.ceil(markerTtlMs))),
          String(retention())
        )
      );
    },

    async marker(hash) {
      const key = visitorKeys(prefix(), hash).marker;
      const [raw, ttl] = await run((connection) => connection.pzVisitorMarker(key));
      const marker = parseMarker(raw);
      // A marker always has a time to live; -1 (none) would be a marker set by hand: kept for good.
      return marker && { ...marker, until: ttl >= 0 ? Date.now() + ttl : null };
    },

    async counters(experiment) {
      // The sum over every shard: one HGETALL each, sent together (each to its own node on a cluster).
      const shards = await run((connection) =>
        Promise.all(ALL_SHARDS.map((shard) => connection.hgetall(experimentCountersKey(prefix(), experiment, shard))))
      );
      const values: Record<string, number> = {};
      for (const raw of shards) {
        for (const [field, value] of Object.entries(raw)) values[field] = (values[field] ?? 0) + Number(value);
      }
      return values;
    },

    async dropCounters(experiment) {
      // One key per command: the shards are in different slots.
      await run((connection) =>
        Promise.all(ALL_SHARDS.map((shard) => connection.del(experimentCountersKey(prefix(), experiment, shard))))
      );
    },
  };
};
