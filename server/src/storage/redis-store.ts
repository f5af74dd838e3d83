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
 * One shard's **per-unit facts** of an experiment: a hash, field = visitor hash, value = that unit's
 * share of the shard's counters (`<counter field>=<value>;…`), written by the same script as the
 * counters, so the counters are always the sum of the facts and can be rebuilt from them
 * (`reconcile`). An erasure renames the visitor's field to an anonymous one: the counts stay, the
 * link to the visitor goes.
 */
export const experimentFactsKey = (prefix: string, experiment: string, shard: number) =>
  `${prefix}x:${shardTag(shard)}:${experiment}:f`;

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
 * each experiment whose counters change, then (in the same order) its facts.
 * Each increment is applied to the unit's facts too (its share of the counters, see experimentFactsKey).
 * ARGV: expected sha ('' none), expected marker ('' none), new profile, ttl ms, batchId ('' none),
 *       dedup ms, received at (ms), stream max length, visitor hash, events JSON ('' no stream entry),
 *       batchIds kept at most, retention ms, the number of counter keys, then triples (index in KEYS,
 *       field, increment) of counter increments.
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
local counterKeys = tonumber(ARGV[13])
local facts = {}
local i = 14
while ARGV[i] do
  local index = tonumber(ARGV[i])
  local key = KEYS[index]
  local by = tonumber(ARGV[i + 2])
  local after = false
  if by then after = (tonumber(redis.call('HGET', key, ARGV[i + 1]) or '0') or 0) + by end
  if after and after == after and after > -math.huge and after < math.huge then
    redis.call('HINCRBYFLOAT', key, ARGV[i + 1], ARGV[i + 2])
    local factsIndex = index + counterKeys
    local fact = facts[factsIndex]
    if not fact then
      fact = {}
      for field, value in string.gmatch(redis.call('HGET', KEYS[factsIndex], ARGV[9]) or '', '([^;=]+)=([^;]+)') do
        fact[field] = tonumber(value)
      end
      facts[factsIndex] = fact
    end
    fact[ARGV[i + 1]] = (fact[ARGV[i + 1]] or 0) + by
  end
  i = i + 3
end
for factsIndex, fact in pairs(facts) do
  local fields = {}
  for field in pairs(fact) do table.insert(fields, field) end
  table.sort(fields)
  local parts = {}
  for _, field in ipairs(fields) do table.insert(parts, field .. '=' .. string.format('%.17g', fact[field])) end
  local key = KEYS[factsIndex]
  redis.call('HSET', key, ARGV[9], table.concat(parts, ';'))
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
 * The visitor's facts in the experiments named (KEYS from 6) are renamed to an anonymous field (the
 * counts keep them; nothing links them to the visitor). Returns the experiments of the profile it
 * deleted (what the caller checks it named).
 * KEYS: profile, batches, marker, stream entries, the shard's stream, then facts keys.
 * ARGV: marker, its ttl ms, retention ms, visitor hash.
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
for k = 6, #KEYS do
  local fact = redis.call('HGET', KEYS[k], ARGV[4])
  if fact then
    redis.call('HDEL', KEYS[k], ARGV[4])
    redis.call('HSET', KEYS[k], 'e:' .. now[1] .. now[2] .. ':' .. k .. ':' .. redis.call('HLEN', KEYS[k]), fact)
  end
end
local experiments = {}
local profile = redis.call('GET', KEYS[1])
if profile then
  local ok, decoded = pcall(cjson.decode, profile)
  if ok and type(decoded) == 'table' and type(decoded.exposures) == 'table' then
    for key in pairs(decoded.exposures) do table.insert(experiments, key) end
  end
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
local current = redis.call('GET', KEYS[3])
if current and string.sub(current, 1, 7) == 'optout:' and string.sub(ARGV[1], 1, 7) == 'erased:' then return experiments end
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
return experiments
`;

/**
 * Rebuilds one shard's counters of an experiment from its facts: every counter becomes the sum of
 * the units' shares; a counter that differs by more than float rounding is written (or deleted when
 * no unit has it). Returns the repaired fields as triples (field, before, after). Run twice, the
 * second finds nothing.
 * KEYS: counters, facts.
 */
const RECONCILE_LUA = `#!lua
local expected = {}
local facts = redis.call('HGETALL', KEYS[2])
for i = 2, #facts, 2 do
  for field, value in string.gmatch(facts[i], '([^;=]+)=([^;]+)') do
    expected[field] = (expected[field] or 0) + (tonumber(value) or 0)
  end
end
local stored = {}
local counters = redis.call('HGETALL', KEYS[1])
for i = 1, #counters, 2 do stored[counters[i]] = tonumber(counters[i + 1]) or 0 end
local repaired = {}
local function same(a, b)
  local scale = math.max(1, math.abs(a), math.abs(b))
  return math.abs(a - b) <= 1e-9 * scale
end
for field, value in pairs(expected) do
  local before = stored[field]
  if before == nil or not same(before, value) then
    redis.call('HSET', KEYS[1], field, string.format('%.17g', value))
    table.insert(repaired, { field, string.format('%.17g', before or 0), string.format('%.17g', value) })
  end
end
for field, before in pairs(stored) do
  if expected[field] == nil then
    redis.call('HDEL', KEYS[1], field)
    table.insert(repaired, { field, string.format('%.17g', before), '0' })
  end
end
return repaired
`;

/** The marker and its time to live (ms), together. */
const MARKER_LUA = `#!lua flags=no-writes
return { redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]) }`;

/** Every script's source, for the tests that check each declares its keys (tests/unit/redis-scripts.test.ts). */
export const SCRIPTS = { SNAPSHOT_LUA, COMMIT_LUA, ERASE_LUA, MARKER_LUA, RECONCILE_LUA } as const;

type ScriptedRedis = RedisConnection & {
  pzVisitorSnapshot(
    profile: string,
    batches: string,
    marker: string,
    batchId: string
  ): Promise<[string | null, string | null, string | null, number]>;
  pzVisitorCommit(...args: string[]): Promise<[string, string | null, string | null, string | null] | [string]>;
  pzVisitorErase(...args: string[]): Promise<string[]>;
  pzReconcile(counters: string, facts: string): Promise<[string, string, string][]>;
  pzVisitorMarker(marker: string): Promise<[string | null, number]>;
};

const scripted = new WeakSet<RedisConnection>();

const withScripts = (client: RedisConnection): ScriptedRedis => {
  if (!scripted.has(client)) {
    client.defineCommand('pzVisitorSnapshot', { numberOfKeys: 3, lua: SNAPSHOT_LUA });
    // The number of keys varies with the experiments counted: it is the call's first argument.
    client.defineCommand('pzVisitorCommit', { lua: COMMIT_LUA });
    // The number of keys varies with the experiments whose facts are anonymized: the call's first argument.
    client.defineCommand('pzVisitorErase', { lua: ERASE_LUA });
    client.defineCommand('pzReconcile', { numberOfKeys: 2, lua: RECONCILE_LUA });
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
   * With `redis.durability: 'replica'`: the connection for every commit (a batch, an exposure, a
   * serve) and its WAIT (a blocking command, so never the shared one), or null when it cannot be had
   * (the write is then refused). Absent: a write counts once the primary has it.
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
    if (commitError && /^(MOVED|ASK|CLUSTERDOWN) /.test(commitError.message) && 'refreshSlotsCache' in connection) {
      // ioredis follows no redirection of a pipeline whose other command (WAIT) succeeded: the slot
      // map is refreshed here, so the SDK's retry reaches the slot's new master after a failover.
      connection.refreshSlotsCache();
    }
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
      const factsKeys: string[] = [];
      const counterArgs: string[] = [];
      for (const { experiment, increments } of counters ?? []) {
        if (increments.length === 0) continue;
        counterKeys.push(experimentCountersKey(prefix(), experiment, shardOf(hash)));
        factsKeys.push(experimentFactsKey(prefix(), experiment, shardOf(hash)));
        // Lua indexes KEYS from 1; the five fixed keys come first.
        const keyIndex = String(5 + counterKeys.length);
        for (const { field, by } of increments) if (Number.isFinite(by)) counterArgs.push(keyIndex, field, String(by));
      }
      const args = [
          String(5 + 2 * counterKeys.length),
          keys.profile,
          keys.batches,
          keys.marker,
          keys.entries,
          keys.stream,
          ...counterKeys,
          ...factsKeys,
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
          String(counterKeys.length),
          ...counterArgs,
      ];
      const reply = durable ? await commitDurably(args) : await run((connection) => connection.pzVisitorCommit(...args));
      if (reply[0] === 'ok') return { ok: true };
      if (reply[0] === 'duplicate') return { ok: false, duplicate: true };
      const [, raw, sha, marker] = reply as [string, string | null, string | null, string | null];
      return { ok: false, snapshot: snapshotFrom(raw, sha, marker, false) };
    },

    async erase(hash, marker: SuppressionMarker, markerTtlMs) {
      const keys = visitorKeys(prefix(), hash);
      const factsOf = (experiments: readonly string[]) => experiments.map((key) => experimentFactsKey(prefix(), key, shardOf(hash)));
      const erase = (experiments: readonly string[]) =>
        run((connection) =>
          connection.pzVisitorErase(
            String(5 + experiments.length),
            keys.profile,
            keys.batches,
            keys.marker,
            keys.entries,
            keys.stream,
            ...factsOf(experiments),
            formatMarker(marker),
            String(Math.max(1, Math.ceil(markerTtlMs))),
            String(retention()),
            hash
          )
        );
      // The experiments the visitor was exposed to name the facts to anonymize; one exposed between
      // this read and the erasure is anonymized right after (the script says what the profile held).
      const named = Object.keys(parseProfile(await run((connection) => connection.get(keys.profile)))?.exposures ?? {});
      const held = await erase(named);
      const missed = held.filter((key) => !named.includes(key));
      if (missed.length > 0) await erase(missed);
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
      // One slot per command: the shards are in different slots.
      await run((connection) =>
        Promise.all(
          ALL_SHARDS.map((shard) =>
            connection.del(experimentCountersKey(prefix(), experiment, shard), experimentFactsKey(prefix(), experiment, shard))
          )
        )
      );
    },

    async reconcile(experiment) {
      const shards = await run((connection) =>
        Promise.all(
          ALL_SHARDS.map((shard) =>
            withScripts(connection).pzReconcile(
              experimentCountersKey(prefix(), experiment, shard),
              experimentFactsKey(prefix(), experiment, shard)
            )
          )
        )
      );
      // Per shard: summed over shards, a loss in one and a phantom in another could cancel out.
      const repaired = shards.flatMap((fields, shard) =>
        fields
          .map(([field, before, after]) => ({ shard, field, before: Number(before), after: Number(after) }))
          .sort((a, b) => a.field.localeCompare(b.field))
      );
      return { shards: shards.filter((fields) => fields.length > 0).length, repaired };
    },
  };
};
