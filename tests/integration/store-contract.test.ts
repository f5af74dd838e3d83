/**
 * The visitor store's contract (server/src/storage/store.ts), run against every store: in process
 * (memory), the database (SQLite, PostgreSQL, MariaDB, through knex as Strapi connects) and Redis.
 * The same cases, the same answers: docs/design.md, "Storage" ("memory: the same semantics").
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import Redis from 'ioredis';
import knexFactory, { type Knex } from 'knex';

import { emptyProfile } from '../../engine/src/profile/apply';
import type { VisitorProfile } from '../../engine/src/profile/types';
import { createDatabaseStore, LEGACY_UNIT, SCHEMA_VERSION, TABLES, migrate } from '../../server/src/storage/database-store';
import { createEmbeddedStore } from '../../server/src/storage/embedded-store';
import { cellsOf, contextualCountersOf, counterIncrements } from '../../server/src/storage/experiment-counts';
import { contextualCellKey } from '../../engine/src/contextual';
import { applyConversions, applyExposures } from '../../engine/src/experiments';
import { createRedisStore, experimentCountersKey, shardOf } from '../../server/src/storage/redis-store';
import {
  compareAndSet,
  StoreUnavailableError,
  type Commit,
  type Snapshot,
  type VisitorStore,
} from '../../server/src/storage/store';

const suffix = randomUUID().slice(0, 8);
const DAY = 86_400_000;

interface Harness {
  store: VisitorStore;
  /** Every row (database) or key (Redis) still holding `hash`, for the erasure case. */
  leftovers?: (hash: string) => Promise<string[]>;
  /**
   * Changes a stored counter behind the store's back, as a lost write or a restored backup would:
   * adds `by` to `field` (in the shard of `hash` on Redis), or deletes it (`by` null).
   */
  corrupt?: (experiment: string, hash: string, field: string, by: number | null) => Promise<void>;
  close(): Promise<void>;
}

const sqliteFile = path.join(os.tmpdir(), `personalize-contract-${suffix}.db`);
const mariaDatabase = `personalize_test_${suffix.replace(/-/g, '')}`;
const pgSchema = `pz_contract_${suffix.replace(/-/g, '')}`;

/** Each database store's knex, to watch the statements it sends. */
const STORE_CONNECTIONS = new Map<VisitorStore, Knex>();

const databaseHarness = async (knex: Knex): Promise<Harness> => {
  const store = createDatabaseStore({ knex: () => knex });
  STORE_CONNECTIONS.set(store, knex);
  return {
    store,
    async leftovers(hash) {
      const found: string[] = [];
      for (const table of [TABLES.profiles, TABLES.batches, TABLES.events, TABLES.markers]) {
        const rows = await knex(table).where({ hash });
        for (const row of rows) found.push(`${table}:${(row as { kind?: string }).kind ?? 'row'}`);
      }
      for (const row of await knex(TABLES.facts).where({ unit: hash })) found.push(`${TABLES.facts}:${(row as { field: string }).field}`);
      return found;
    },
    async corrupt(experiment, _hash, field, by) {
      if (by === null) await knex(TABLES.counters).where({ experiment, field }).delete();
      else if (Number(await knex(TABLES.counters).where({ experiment, field }).increment('value', by)) === 0) {
        await knex(TABLES.counters).insert({ experiment, field, value: by });
      }
    },
    async close() {
      await (store as ReturnType<typeof createDatabaseStore>).drain();
      await knex.destroy();
    },
  };
};

const STORES: Record<string, () => Promise<Harness>> = {
  memory: async () => ({ store: createEmbeddedStore(), close: async () => undefined }),
  sqlite: async () =>
    databaseHarness(knexFactory({ client: 'better-sqlite3', connection: { filename: sqliteFile }, useNullAsDefault: true })),
  postgres: async () => {
    const admin = knexFactory({
      client: 'pg',
      connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' },
    });
    await admin.raw(`CREATE SCHEMA IF NOT EXISTS "${pgSchema}"`);
    await admin.destroy();
    return databaseHarness(
      knexFactory({
        client: 'pg',
        connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' },
        searchPath: [pgSchema],
      })
    );
  },
  mariadb: async () => {
    const admin = knexFactory({ client: 'mysql2', connection: { host: '127.0.0.1', port: 3306, user: 'root', password: '' } });
    await admin.raw(`CREATE DATABASE IF NOT EXISTS \`${mariaDatabase}\``);
    await admin.destroy();
    return databaseHarness(
      knexFactory({
        client: 'mysql2',
        connection: { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: mariaDatabase },
      })
    );
  },
  redis: async () => {
    const client = new Redis(6379, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    const prefix = `pz-contract-${suffix}:`;
    const store = createRedisStore({
      prefix: () => prefix,
      retentionMs: () => 90 * DAY,
      attempt: (operation, fallback) => operation(client).catch(() => fallback),
    });
    return {
      store,
      async leftovers(hash) {
        return (await client.keys(`${prefix}v:*${hash}*`)).filter((key) => !key.endsWith(':x'));
      },
      async corrupt(experiment, hash, field, by) {
        const key = experimentCountersKey(prefix, experiment, shardOf(hash));
        if (by === null) await client.hdel(key, field);
        else await client.hincrbyfloat(key, field, by);
      },
      async close() {
        const keys = await client.keys(`${prefix}*`);
        if (keys.length > 0) await client.del(...keys);
        await client.quit();
      },
    };
  },
};

afterAll(async () => {
  fs.rmSync(sqliteFile, { force: true });
  const pg = knexFactory({ client: 'pg', connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } });
  await pg.raw(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`);
  await pg.destroy();
  const maria = knexFactory({ client: 'mysql2', connection: { host: '127.0.0.1', port: 3306, user: 'root', password: '' } });
  await maria.raw(`DROP DATABASE IF EXISTS \`${mariaDatabase}\``);
  await maria.destroy();
});

const visitorHash = () => `h${randomUUID().replace(/-/g, '').slice(0, 21)}`;

const profileAt = (at: number, visits: number): VisitorProfile => ({ ...emptyProfile(at), visits });

const commitOf = (hash: string, expected: Snapshot, next: VisitorProfile, extra: Partial<Commit> = {}): Commit => ({
  hash,
  expected,
  next,
  ttlMs: 90 * DAY,
  ...extra,
});

describe.each(Object.keys(STORES))('the %s store', (name) => {
  let harness: Harness;
  let store: VisitorStore;
  const visitor = () => `h${randomUUID().replace(/-/g, '').slice(0, 21)}`;

  beforeAll(async () => {
    harness = await STORES[name]();
    store = harness.store;
  }, 30_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('reads nothing for an unknown visitor', async () => {
    const hash = visitor();
    expect(await store.read(hash)).toBeNull();
    expect(await store.snapshot(hash, 'b1')).toEqual({ profile: null, token: null, marker: null, seen: false });
    expect(await store.marker(hash)).toBeNull();
  });

  it('commits a new profile, then compare-and-sets on its version', async () => {
    const hash = visitor();
    const empty = await store.snapshot(hash);
    expect(await store.commit(commitOf(hash, empty, profileAt(1000, 1)))).toEqual({ ok: true });
    expect((await store.read(hash))?.visits).toBe(1);
    const first = await store.snapshot(hash);
    expect(first.token).not.toBeNull();
    expect(first.profile?.visits).toBe(1);

    expect(await store.commit(commitOf(hash, first, profileAt(1000, 2)))).toEqual({ ok: true });
    // A writer still holding the first snapshot (or none) conflicts, and gets the current state.
    for (const stale of [first, empty]) {
      const conflict = await store.commit(commitOf(hash, stale, profileAt(1000, 99)));
      expect(conflict.ok).toBe(false);
      if (conflict.ok || conflict.duplicate) throw new Error('expected a conflict');
      expect(conflict.snapshot.profile?.visits).toBe(2);
      expect(conflict.snapshot.token).not.toBe(first.token);
    }
    expect((await store.read(hash))?.visits).toBe(2);
  });

  it('applies a batch once: seen in the snapshot, a duplicate on a second commit', async () => {
    const hash = visitor();
    const batch = { id: `b-${randomUUID()}`, receivedAt: Date.now(), dedupMs: DAY, streamEvents: '[]' };
    const counters = [{ experiment: `exp-${name}-dup`, increments: [{ field: '2026-12-06|0|a|u', by: 1 }] }];
    expect(
      await store.commit(commitOf(hash, await store.snapshot(hash, batch.id), profileAt(1, 1), { batch, counters }))
    ).toEqual({
      ok: true,
    });
    const after = await store.snapshot(hash, batch.id);
    expect(after.seen).toBe(true);
    expect((await store.snapshot(hash, 'other')).seen).toBe(false);
    expect(await store.commit(commitOf(hash, after, profileAt(1, 2), { batch, counters }))).toEqual({
      ok: false,
      duplicate: true,
    });
    expect(await store.counters(`exp-${name}-dup`)).toEqual({ '2026-12-06|0|a|u': 1 });
  });

  it('lets exactly one of concurrent commits from one snapshot win, and counts only the winner', async () => {
    const hash = visitor();
    const experiment = `exp-${name}-race`;
    const snapshot = await store.snapshot(hash);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        store.commit(
          commitOf(hash, snapshot, profileAt(1, index + 1), {
            counters: [{ experiment, increments: [{ field: 'f|u', by: 1 }] }],
          })
        )
      )
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(await store.counters(experiment)).toEqual({ 'f|u': 1 });
  });

  it('counts every one of many concurrent compare-and-set loops, none twice', async () => {
    const hashes = [visitor(), visitor(), visitor()];
    const experiment = `exp-${name}-loops`;
    await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        compareAndSet(
          store,
          hashes[index % 3],
          `batch-${index}`,
          (snapshot) => ({
            write: {
              next: profileAt(1, (snapshot.profile?.visits ?? 0) + 1),
              ttlMs: DAY,
              batch: { id: `batch-${index}`, receivedAt: Date.now(), dedupMs: DAY },
              counters: [
                {
                  experiment,
                  increments: [
                    { field: 'x|s', by: 0.5 },
                    { field: 'x|u', by: 1 },
                  ],
                },
              ],
            },
          }),
          () => 'duplicate'
        )
      )
    );
    for (const hash of hashes) expect((await store.read(hash))?.visits).toBe(10);
    expect(await store.counters(experiment)).toEqual({ 'x|s': 15, 'x|u': 30 });
    // The same batches again count nothing.
    const again = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        compareAndSet(
          store,
          hashes[index % 3],
          `batch-${index}`,
          () => ({ stop: 'stopped' }),
          () => 'duplicate'
        )
      )
    );
    expect(again.every((outcome) => !outcome.written && outcome.result === 'duplicate')).toBe(true);
  });

  it('counts a contextual experiment per (cell, arm) and per logged leaf exactly once, a cell value holding "|" too', async () => {
    const experiment = `exp-${name}-contextual`;
    const attributes = [{ path: 'context.device' }, { path: 'custom.plan' }];
    const cells = [
      { 'context.device': 'mobile', 'custom.plan': 'a|b' },
      { 'context.device': 'desktop', 'custom.plan': null },
      { 'context.device': 'mobile', 'custom.plan': 'pro' },
    ];
    const goals = [{ key: experiment, goals: [{ event: 'buy', kind: 'mean' as const, windowHours: 1 }, { event: 'other', kind: 'conversion' as const, windowHours: 1 }] }];
    const visitors = Array.from({ length: 12 }, (_, index) => ({
      hash: visitor(),
      cell: cells[index % 3],
      arm: index % 2 === 0 ? 'control' : 'offer',
      propensity: index % 4 < 2 ? 0.5 : 0.25,
      value: index % 3 === 0 ? 0 : index,
    }));
    const commitOnce = (hash: string, batchId: string, change: (profile: VisitorProfile) => { next: VisitorProfile; counters: ReturnType<typeof counterIncrements> }) =>
      compareAndSet(
        store,
        hash,
        batchId,
        (snapshot) => {
          const { next, counters } = change(snapshot.profile ?? profileAt(1, 1));
          return { write: { next, ttlMs: DAY, batch: { id: batchId, receivedAt: Date.now(), dedupMs: DAY }, counters } };
        },
        () => 'duplicate'
      );
    const exposeAndConvert = () =>
      Promise.all(
        visitors.map(async (unit, index) => {
          await commitOnce(unit.hash, `exposure-${index}`, (profile) => {
            const contextual = { c: contextualCellKey(unit.cell, attributes), l: 'leaf-1', m: 'initial', w: unit.propensity };
            const { exposures, units } = applyExposures(profile.exposures, [{ key: experiment, arm: unit.arm, period: 0, contextual }], 1000);
            return { next: { ...profile, exposures }, counters: counterIncrements(units) };
          });
          if (unit.value === 0) return;
          await commitOnce(unit.hash, `buy-${index}`, (profile) => {
            const events = [{ type: 'track', name: 'buy', value: unit.value, at: 2000 }, { type: 'track', name: 'other', at: 2000 }];
            const { exposures, increments } = applyConversions(profile.exposures, events as never, goals);
            return { next: { ...profile, exposures }, counters: counterIncrements(increments) };
          });
        })
      );
    await exposeAndConvert();
    // Retried batches (the SDK's retries) count nothing.
    await exposeAndConvert();
    const counted = contextualCountersOf(await store.counters(experiment));
    for (const cell of cells) {
      for (const arm of ['control', 'offer']) {
        const units = visitors.filter((unit) => unit.cell === cell && unit.arm === arm);
        const counts = counted.cells.get(contextualCellKey(cell, attributes))?.get(arm);
        if (units.length === 0) {
          expect(counts).toBeUndefined();
          continue;
        }
        const sum = (of: (unit: (typeof visitors)[number]) => number) => units.reduce((total, unit) => total + of(unit), 0);
        expect(counts).toEqual({
          units: units.length,
          inverse: sum((unit) => 1 / unit.propensity),
          inverseSquares: sum((unit) => 1 / unit.propensity ** 2),
          conversions: units.filter((unit) => unit.value !== 0).length,
          sum: sum((unit) => unit.value),
          sumSquares: sum((unit) => unit.value ** 2),
          weightedSum: sum((unit) => unit.value / unit.propensity),
          weightedSum2: sum((unit) => unit.value / unit.propensity ** 2),
          weightedSquares2: sum((unit) => unit.value ** 2 / unit.propensity ** 2),
        });
      }
    }
    expect(counted.leaves.sort((a, b) => a.arm.localeCompare(b.arm))).toEqual([
      { version: 'initial', leaf: 'leaf-1', arm: 'control', units: 6 },
      { version: 'initial', leaf: 'leaf-1', arm: 'offer', units: 6 },
    ]);
    // The other counts of the same commits are there too, and the secondary goal is not counted per cell.
    expect(cellsOf(await store.counters(experiment)).reduce((total, cell) => total + cell.units, 0)).toBe(12);
    await store.dropCounters(experiment);
  });

  it('skips a non-finite counter increment', async () => {
    const hash = visitor();
    const experiment = `exp-${name}-finite`;
    await store.commit(
      commitOf(hash, await store.snapshot(hash), profileAt(1, 1), {
        counters: [
          {
            experiment,
            increments: [
              { field: 'a|u', by: 1 },
              { field: 'a|g|s', by: Number.POSITIVE_INFINITY },
            ],
          },
        ],
      })
    );
    expect(await store.counters(experiment)).toEqual({ 'a|u': 1 });
    // A sum past the largest double leaves the counter as it was (and fails nothing else).
    await store.commit(
      commitOf(hash, await store.snapshot(hash), profileAt(1, 2), {
        counters: [{ experiment, increments: [{ field: 'a|g|s', by: 1.5e308 }] }],
      })
    );
    const result = await store.commit(
      commitOf(hash, await store.snapshot(hash), profileAt(1, 3), {
        counters: [
          {
            experiment,
            increments: [
              { field: 'a|g|s', by: 1.5e308 },
              { field: 'a|g|q', by: -1.5e308 },
              { field: 'a|u', by: 1 },
            ],
          },
        ],
      })
    );
    expect(result).toEqual({ ok: true });
    await store.commit(
      commitOf(hash, await store.snapshot(hash), profileAt(1, 4), {
        counters: [{ experiment, increments: [{ field: 'a|g|q', by: -1.5e308 }] }],
      })
    );
    expect(await store.counters(experiment)).toEqual({ 'a|u': 2, 'a|g|s': 1.5e308, 'a|g|q': -1.5e308 });
    expect((await store.read(hash))?.visits).toBe(4);
    await store.dropCounters(experiment);
    expect(await store.counters(experiment)).toEqual({});
  });

  it('reads a profile past its time to live as none, and still replaces it', async () => {
    const hash = visitor();
    await store.commit(commitOf(hash, await store.snapshot(hash), profileAt(1, 1), { ttlMs: 30 }));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await store.read(hash)).toBeNull();
    const snapshot = await store.snapshot(hash);
    expect(snapshot.profile).toBeNull();
    expect(await store.commit(commitOf(hash, snapshot, profileAt(1, 5)))).toEqual({ ok: true });
    expect((await store.read(hash))?.visits).toBe(5);
  });

  it('answers many concurrent reads each with its own visitor’s state (profile, marker, batch id)', async () => {
    const visitors = Array.from({ length: 40 }, () => visitor());
    await Promise.all(
      visitors.map(async (hash, index) => {
        if (index % 4 === 3) return store.erase(hash, { kind: 'optout', at: 7 }, DAY);
        if (index % 4 === 2) return undefined; // never seen
        const batch = { id: `b-${index}`, receivedAt: Date.now(), dedupMs: DAY, streamEvents: '[]' };
        return store.commit(commitOf(hash, await store.snapshot(hash, batch.id), profileAt(1, index), { batch }));
      })
    );
    const [profiles, snapshots, unseen] = await Promise.all([
      Promise.all(visitors.map((hash) => store.read(hash))),
      Promise.all(visitors.map((hash, index) => store.snapshot(hash, `b-${index}`))),
      Promise.all(visitors.map((hash) => store.snapshot(hash, 'b-never'))),
    ]);
    visitors.forEach((_, index) => {
      const stored = index % 4 < 2;
      expect(profiles[index]?.visits ?? null).toBe(stored ? index : null);
      expect(snapshots[index].profile?.visits ?? null).toBe(stored ? index : null);
      expect(snapshots[index].seen).toBe(stored);
      expect(snapshots[index].marker).toBe(index % 4 === 3 ? 'optout:7' : null);
      expect(unseen[index].seen).toBe(false);
    });
  });

  it('erases every row of the visitor and keeps the marker alone; an opt-out is never downgraded', async () => {
    const hash = visitor();
    const batch = { id: 'b-erase', receivedAt: Date.now(), dedupMs: DAY, streamEvents: '[{"type":"view"}]' };
    await store.commit(commitOf(hash, await store.snapshot(hash, batch.id), profileAt(1, 1), { batch }));
    const before = Date.now();
    await store.erase(hash, { kind: 'optout', at: 5000 }, DAY);
    expect(await store.read(hash)).toBeNull();
    const snapshot = await store.snapshot(hash, batch.id);
    expect(snapshot).toEqual({ profile: null, token: null, marker: 'optout:5000', seen: false });
    const marker = await store.marker(hash);
    expect(marker).toMatchObject({ kind: 'optout', at: 5000 });
    expect(marker?.until).toBeGreaterThanOrEqual(before + DAY - 1000);
    expect(marker?.until).toBeLessThanOrEqual(Date.now() + DAY + 1000);
    if (harness.leftovers) expect(await harness.leftovers(hash)).toEqual(name === 'redis' ? [] : ['personalize_markers:optout']);

    await store.erase(hash, { kind: 'erased', at: 9000 }, 1000);
    expect(await store.marker(hash)).toMatchObject({ kind: 'optout', at: 5000 });
    // A write computed without the marker conflicts; one computed with it goes through.
    expect((await store.commit(commitOf(hash, { ...snapshot, marker: null }, profileAt(1, 1)))).ok).toBe(false);
    expect(await store.commit(commitOf(hash, snapshot, profileAt(1, 1)))).toEqual({ ok: true });
  });
});

describe.each(Object.keys(STORES))('per-unit facts and reconcile on the %s store', (name) => {
  let harness: Harness;
  let store: VisitorStore;

  beforeAll(async () => {
    harness = await STORES[name]();
    store = harness.store;
  }, 30_000);

  afterAll(async () => {
    await harness?.close();
  });

  const experiment = `exp-${name}-facts`;
  const day = '2026-12-06|0';
  /** Three units: two exposed to a, one to b; one of a's converts (conversion and sum), b's twice in two batches. */
  const traffic = [
    { arm: 'a', increments: [[`${day}|a|u`, 1]], then: [[`${day}|a|buy|c`, 1], [`${day}|a|buy|s`, 1], [`${day}|a|buy|q`, 1]] },
    { arm: 'a', increments: [[`${day}|a|u`, 1]], then: [] },
    { arm: 'b', increments: [[`${day}|b|u`, 1], [`${day}|b|buy|s`, 2.5]], then: [[`${day}|b|buy|s`, 0.5], [`${day}|b|buy|c`, 1]] },
  ] as const;
  const truth = {
    [`${day}|a|u`]: 2,
    [`${day}|a|buy|c`]: 1,
    [`${day}|a|buy|s`]: 1,
    [`${day}|a|buy|q`]: 1,
    [`${day}|b|u`]: 1,
    [`${day}|b|buy|s`]: 3,
    [`${day}|b|buy|c`]: 1,
  };
  const units: string[] = [];

  const send = async (hash: string, visits: number, arm: string, increments: readonly (readonly [string, number])[]) => {
    const snapshot = await store.snapshot(hash);
    const next = { ...profileAt(1, visits), exposures: { [experiment]: { arm, at: 1 } } };
    const result = await store.commit(
      commitOf(hash, snapshot, next, { counters: [{ experiment, increments: increments.map(([field, by]) => ({ field, by })) }] })
    );
    expect(result).toEqual({ ok: true });
  };

  it('keeps the counters equal to the sum of the facts: a reconcile after traffic and an erasure repairs nothing', async () => {
    for (const { arm, increments, then } of traffic) {
      const hash = visitorHash();
      units.push(hash);
      await send(hash, 1, arm, increments);
      if (then.length > 0) await send(hash, 2, arm, then);
    }
    // A replayed batch changes neither the counters nor the facts.
    const replayed = { id: 'b-facts', receivedAt: Date.now(), dedupMs: DAY };
    const hash = units[1];
    const increments = [{ field: `${day}|a|buy|c`, by: 1 }];
    const commit = async () =>
      store.commit(
        commitOf(hash, await store.snapshot(hash, replayed.id), { ...profileAt(1, 3), exposures: { [experiment]: { arm: 'a', at: 1 } } }, {
          batch: replayed,
          counters: [{ experiment, increments }],
        })
      );
    expect(await commit()).toEqual({ ok: true });
    expect(await commit()).toEqual({ ok: false, duplicate: true });
    const counted = { ...truth, [`${day}|a|buy|c`]: 2 };
    expect(await store.counters(experiment)).toEqual(counted);

    // An erased unit stays counted, under an anonymous unit.
    await store.erase(units[0], { kind: 'erased', at: Date.now() }, DAY);
    if (harness.leftovers) expect(await harness.leftovers(units[0])).toEqual(name === 'redis' ? [] : ['personalize_markers:erased']);
    expect(await store.reconcile(experiment)).toEqual({ shards: 0, repaired: [] });
    expect(await store.counters(experiment)).toEqual(counted);
  });

  it('repairs a corrupted counter, a lost one and a phantom, reports each, and changes nothing when run twice', async () => {
    if (!harness.corrupt) {
      // The in-process store has no way in behind its back: its counters are what its facts say.
      expect(await store.reconcile(experiment)).toEqual({ shards: 0, repaired: [] });
      return;
    }
    const before = await store.counters(experiment);
    await harness.corrupt(experiment, units[0], `${day}|a|u`, 5);
    await harness.corrupt(experiment, units[2], `${day}|b|buy|s`, null);
    await harness.corrupt(experiment, units[2], `${day}|b|phantom|c`, 4);
    expect(await store.counters(experiment)).not.toEqual(before);

    const report = await store.reconcile(experiment);
    const fields = report.repaired.map(({ field, before: was, after }) => ({ field, delta: after - was }));
    expect(fields.sort((x, y) => x.field.localeCompare(y.field))).toEqual(
      [
        { field: `${day}|a|u`, delta: -5 },
        { field: `${day}|b|buy|s`, delta: 3 },
        { field: `${day}|b|phantom|c`, delta: -4 },
      ].sort((x, y) => x.field.localeCompare(y.field))
    );
    expect(report.shards).toBe(new Set(report.repaired.map(({ shard }) => shard)).size);
    if (name !== 'redis') {
      // One shard: the stored values as they were, and the facts' sums.
      expect(report).toEqual({
        shards: 1,
        repaired: [
          { shard: 0, field: `${day}|a|u`, before: 7, after: 2 },
          { shard: 0, field: `${day}|b|buy|s`, before: 0, after: 3 },
          { shard: 0, field: `${day}|b|phantom|c`, before: 4, after: 0 },
        ],
      });
    }
    expect(await store.counters(experiment)).toEqual(before);
    expect(await store.reconcile(experiment)).toEqual({ shards: 0, repaired: [] });
    expect(await store.counters(experiment)).toEqual(before);
  });

  it('drops the facts with the counters: a reconcile of a deleted experiment finds nothing', async () => {
    await store.dropCounters(experiment);
    expect(await store.counters(experiment)).toEqual({});
    expect(await store.reconcile(experiment)).toEqual({ shards: 0, repaired: [] });
    expect(await store.counters(experiment)).toEqual({});
  });
});

describe.each(['sqlite', 'postgres', 'mariadb'])('retention on the %s store', (name) => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await STORES[name]();
  }, 30_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('deletes profiles and markers past their expiry, and batch ids and log rows past the horizon, and nothing else', async () => {
    const store = harness.store as ReturnType<typeof createDatabaseStore>;
    const [gone, kept, marked] = [`old${suffix}`, `new${suffix}`, `mark${suffix}`];
    const old = Date.now() - 10 * DAY;
    await store.commit(
      commitOf(gone, await store.snapshot(gone), profileAt(1, 1), {
        ttlMs: 20,
        batch: { id: 'b-old', receivedAt: old, dedupMs: DAY, streamEvents: '[]' },
      })
    );
    await store.commit(
      commitOf(kept, await store.snapshot(kept), profileAt(1, 1), {
        batch: { id: 'b-new', receivedAt: Date.now(), dedupMs: DAY, streamEvents: '[]' },
      })
    );
    await store.erase(marked, { kind: 'erased', at: 1 }, 20);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const purged = await store.purge({ eventsBefore: Date.now() - 5 * DAY, batchesBefore: Date.now() - DAY });
    expect(purged).toEqual({ profiles: 1, batches: 1, events: 1, markers: 1 });
    expect(await harness.leftovers!(gone)).toEqual([]);
    expect(await harness.leftovers!(marked)).toEqual([]);
    expect((await harness.leftovers!(kept)).sort()).toEqual([
      'personalize_batches:row',
      'personalize_events:row',
      'personalize_profiles:row',
    ]);
    expect(await store.purge({ eventsBefore: Date.now() - 5 * DAY, batchesBefore: Date.now() - DAY })).toEqual({
      profiles: 0,
      batches: 0,
      events: 0,
      markers: 0,
    });
  });
});

describe.each(['sqlite', 'postgres'])('reads on the %s store', (name) => {
  it('coalesce: the reads of one moment go out as a few statements, not one each', async () => {
    const harness = await STORES[name]();
    const store = harness.store as ReturnType<typeof createDatabaseStore>;
    try {
      await store.ready();
      const visitors = Array.from({ length: 60 }, () => visitorHash());
      await store.commit(commitOf(visitors[0], await store.snapshot(visitors[0]), profileAt(1, 3)));
      const statements: string[] = [];
      const connection = STORE_CONNECTIONS.get(store)!;
      const onQuery = (query: { sql: string }) => statements.push(query.sql);
      connection.on('query', onQuery);
      const read = await Promise.all(visitors.map((hash) => store.read(hash)));
      connection.off('query', onQuery);
      expect(read[0]?.visits).toBe(3);
      expect(read.slice(1).every((profile) => profile === null)).toBe(true);
      expect(statements.length).toBeGreaterThanOrEqual(1);
      expect(statements.length).toBeLessThanOrEqual(4);
    } finally {
      await harness.close();
    }
  });
});

describe.each(['postgres', 'mariadb'])('overlapping group commits on the %s store', (name) => {
  it('stay exact: two transactions in flight, every loop counted once, a replayed batch never', async () => {
    const harness = await STORES[name]();
    const store = harness.store as ReturnType<typeof createDatabaseStore>;
    const connection = STORE_CONNECTIONS.get(store)!;
    let open = 0;
    let mostOpen = 0;
    const onQuery = ({ sql }: { sql: string }) => {
      if (/^\s*(BEGIN|START TRANSACTION)/i.test(sql)) mostOpen = Math.max(mostOpen, (open += 1));
      else if (/^\s*(COMMIT|ROLLBACK)/i.test(sql)) open -= 1;
    };
    try {
      await store.ready();
      const hashes = Array.from({ length: 20 }, () => visitorHash());
      const experiment = `exp-${name}-overlap-${suffix}`;
      const loop = (index: number) =>
        compareAndSet(
          store,
          hashes[index % hashes.length],
          `batch-${index}`,
          (snapshot) => ({
            write: {
              next: profileAt(1, (snapshot.profile?.visits ?? 0) + 1),
              ttlMs: DAY,
              batch: { id: `batch-${index}`, receivedAt: Date.now(), dedupMs: DAY },
              counters: [{ experiment, increments: [{ field: 'x|u', by: 1 }] }],
            },
          }),
          () => 'duplicate'
        );
      connection.on('query', onQuery);
      // 200 batches, and 100 of them sent a second time at once (a retry racing its original).
      const outcomes = await Promise.all([
        ...Array.from({ length: 200 }, (_, index) => loop(index)),
        ...Array.from({ length: 100 }, (_, index) => loop(index * 2)),
      ]);
      connection.off('query', onQuery);
      expect(mostOpen).toBeGreaterThanOrEqual(2);
      expect(outcomes.filter((outcome) => outcome.written)).toHaveLength(200);
      for (const hash of hashes) expect((await store.read(hash))?.visits).toBe(10);
      expect(await store.counters(experiment)).toEqual({ 'x|u': 200 });
    } finally {
      connection.off('query', onQuery);
      await harness.close();
    }
  });
});

describe('the database tables', () => {
  it('are created once: a second start, and two starting together, change nothing', async () => {
    const file = path.join(os.tmpdir(), `personalize-migrate-${suffix}.db`);
    const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
    try {
      await Promise.all([migrate(knex), migrate(knex)]);
      await migrate(knex);
      expect(await knex(TABLES.schema).select('id', 'version')).toEqual([{ id: 1, version: SCHEMA_VERSION }]);
    } finally {
      await knex.destroy();
      fs.rmSync(file, { force: true });
    }
    // Two PostgreSQL connections racing to create the same tables.
    const schema = `pz_migrate_${suffix.replace(/-/g, '')}`;
    const connect = () =>
      knexFactory({
        client: 'pg',
        connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' },
        searchPath: [schema],
      });
    const [a, b] = [connect(), connect()];
    try {
      await a.raw(`CREATE SCHEMA "${schema}"`);
      await Promise.all([migrate(a), migrate(b)]);
      await migrate(a);
      expect((await a(TABLES.schema).select('version')).map((row) => Number(row.version))).toEqual([SCHEMA_VERSION]);
    } finally {
      await a.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await Promise.all([a.destroy(), b.destroy()]);
    }
  });

  it.each(['sqlite', 'postgres', 'mariadb'])(
    'upgrade from schema 1 on %s once: the counts written before facts were kept become one unit, which a reconcile keeps',
    async (name) => {
      const harness = await STORES[name]();
      const knex = STORE_CONNECTIONS.get(harness.store)!;
      const experiment = `exp-${name}-legacy`;
      try {
        // A database as schema 1 left it: counters, no facts table.
        await migrate(knex);
        await knex.schema.dropTable(TABLES.facts);
        await knex(TABLES.schema).where({ id: 1 }).update({ version: 1 });
        await knex(TABLES.counters).insert([
          { experiment, field: '2026-01-01|0|a|u', value: 3 },
          { experiment, field: '2026-01-01|0|a|buy|c', value: 1 },
        ]);
        // Two instances starting together (SQLite: one process, one connection), then a third: the step runs once.
        const other = name === 'sqlite' ? knex : knexFactory(knex.client.config as Knex.Config);
        try {
          await Promise.all([migrate(knex), migrate(other)]);
        } finally {
          if (other !== knex) await other.destroy();
        }
        await migrate(knex);
        expect((await knex(TABLES.schema).select('version')).map((row) => Number(row.version))).toEqual([SCHEMA_VERSION]);
        const facts = await knex(TABLES.facts).select('unit', 'field', 'value').where({ experiment }).orderBy('field');
        expect(facts.map((row) => ({ ...row, value: Number(row.value) }))).toEqual([
          { unit: LEGACY_UNIT, field: '2026-01-01|0|a|buy|c', value: 1 },
          { unit: LEGACY_UNIT, field: '2026-01-01|0|a|u', value: 3 },
        ]);
        // New traffic adds facts of its own units beside them.
        const hash = visitorHash();
        await harness.store.commit(
          commitOf(hash, await harness.store.snapshot(hash), profileAt(1, 1), {
            counters: [{ experiment, increments: [{ field: '2026-01-01|0|a|u', by: 1 }] }],
          })
        );
        expect(await harness.store.reconcile(experiment)).toEqual({ shards: 0, repaired: [] });
        expect(await harness.store.counters(experiment)).toEqual({ '2026-01-01|0|a|u': 4, '2026-01-01|0|a|buy|c': 1 });
      } finally {
        await harness.close();
      }
    },
    30_000
  );
});

describe('an erasure committed by another instance while a new profile is being written (PostgreSQL)', () => {
  it('wins: the write finds the marker once its insert went through, and stores nothing', async () => {
    const harness = await STORES.postgres();
    const store = harness.store;
    const connect = () =>
      knexFactory({
        client: 'pg',
        connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' },
        searchPath: [pgSchema],
      });
    const [locker, other] = [connect(), connect()];
    const hash = `race${suffix}`;
    try {
      await store.read('warm-up');
      const snapshot = await store.snapshot(hash);
      // Inserts into the profiles table wait (reads do not) while this lock is held.
      const locked = locker.transaction();
      const trx = await locked;
      await trx.raw(`LOCK TABLE "${pgSchema}"."${TABLES.profiles}" IN SHARE MODE`);
      const commit = store.commit(commitOf(hash, snapshot, profileAt(1, 1)));
      // The write has read the state and waits on its insert: another instance's erasure commits its marker now.
      const waiting = async () =>
        (
          await other.raw(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE 'insert into "${TABLES.profiles}"%'`
          )
        ).rows[0].n as number;
      for (let tries = 0; (await waiting()) === 0; tries += 1) {
        if (tries > 100) throw new Error('the commit never waited on its insert');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await other(TABLES.markers).insert({ hash, kind: 'erased', at: 5, expires_at: Date.now() + DAY });
      await trx.commit();
      const result = await commit;
      expect(result.ok).toBe(false);
      if (result.ok || result.duplicate) throw new Error('expected a conflict');
      expect(result.snapshot).toMatchObject({ profile: null, marker: 'erased:5' });
      expect(await store.read(hash)).toBeNull();
      expect(await other(TABLES.profiles).where({ hash })).toEqual([]);
    } finally {
      await Promise.all([locker.destroy(), other.destroy()]);
      await harness.close();
    }
  }, 30_000);
});

describe('a group commit that hits a deadlock', () => {
  it('runs the group again, and answers each commit once', async () => {
    const file = path.join(os.tmpdir(), `personalize-deadlock-${suffix}.db`);
    const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
    let deadlocks = 1;
    // Strapi's knex with a transaction that fails once as PostgreSQL fails a deadlock victim.
    const flaky = new Proxy(knex, {
      get(target, property, receiver) {
        if (property !== 'transaction') return Reflect.get(target, property, receiver);
        return (...args: Parameters<Knex['transaction']>) => {
          if (deadlocks-- > 0) return Promise.reject(Object.assign(new Error('deadlock detected'), { code: '40P01' }));
          return target.transaction(...args);
        };
      },
    });
    const store = createDatabaseStore({ knex: () => flaky });
    try {
      const hash = visitorHash();
      const result = await store.commit(
        commitOf(hash, await store.snapshot(hash), profileAt(1, 1), {
          counters: [{ experiment: 'dl', increments: [{ field: 'u', by: 1 }] }],
        })
      );
      expect(result).toEqual({ ok: true });
      expect(deadlocks).toBe(-1);
      expect(await store.counters('dl')).toEqual({ u: 1 });
    } finally {
      await knex.destroy();
      fs.rmSync(file, { force: true });
    }
  });
});

describe('a database that is down', () => {
  it('throws StoreUnavailableError on every operation, never a raw driver error', async () => {
    const knex = knexFactory({
      client: 'pg',
      connection: { host: '127.0.0.1', port: 1, user: 'postgres', database: 'test', connectionTimeoutMillis: 500 },
      acquireConnectionTimeout: 1000,
    });
    const store = createDatabaseStore({ knex: () => knex });
    try {
      await expect(store.read('h')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.snapshot('h', 'b')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(
        store.commit(commitOf('h', { profile: null, token: null, marker: null, seen: false }, profileAt(1, 1)))
      ).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.erase('h', { kind: 'erased', at: 1 }, 1000)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.counters('e')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.reconcile('e')).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await knex.destroy();
    }
  });
});
