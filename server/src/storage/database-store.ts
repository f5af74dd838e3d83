import { randomUUID } from 'node:crypto';

import type { Knex } from 'knex';

import type { VisitorProfile } from '../../../engine/src/profile/types';
import {
  parseMarker,
  repairsOf,
  StoreUnavailableError,
  type Commit,
  type CommitResult,
  type ReconcileReport,
  type Snapshot,
  type SuppressionMarker,
  type VisitorStore,
} from './store';

/**
 * The database store (docs/design.md, "Storage"): the host app's own database through Strapi's knex
 * (SQLite, PostgreSQL, MySQL/MariaDB), in the plugin's own tables. Nothing writable is cached in
 * process, so several instances on one database agree: a profile is read per request by primary
 * key, and a write is a compare-and-set on the profile's version inside a transaction that also
 * records the batch id, appends to the event log and increments the experiment counters.
 * Concurrent commits share one transaction (group commit): a commit resolves only once that
 * transaction committed, so a `202` means durable.
 */

export const TABLES = {
  schema: 'personalize_schema',
  profiles: 'personalize_profiles',
  batches: 'personalize_batches',
  counters: 'personalize_counters',
  facts: 'personalize_facts',
  events: 'personalize_events',
  markers: 'personalize_markers',
} as const;

/** The tables' layout version (personalize_schema); raise it with a step in `UPGRADES`. */
export const SCHEMA_VERSION = 2;

/**
 * The unit that holds, as per-unit facts, the counts written before facts were kept (schema 1):
 * a reconcile keeps them. No visitor hash looks like it.
 */
export const LEGACY_UNIT = 'schema-1';

/**
 * The upsert's new value: the stored value plus the increment, unless the sum would leave the finite
 * doubles (PostgreSQL and MySQL fail the statement, so the whole group, on an overflow; SQLite stores
 * Infinity): then the value stays. Compared without computing the sum, so nothing overflows.
 */
const boundedSum = (dialect: Dialect, table: string = TABLES.counters) => {
  const current = `${table}.value`;
  const added = dialect === 'mysql' ? 'VALUES(value)' : 'excluded.value';
  const max = '1.7976931348623157e308';
  return (
    `CASE WHEN ${added} > 0 AND ${current} > ${max} - ${added} THEN ${current} ` +
    `WHEN ${added} < 0 AND ${current} < -${max} - ${added} THEN ${current} ` +
    `ELSE ${current} + ${added} END`
  );
};

/** Commits gathered into one transaction at most, and how long the first one waits for company. */
const GROUP_MAX = 64;
const GROUP_WAIT_MS = 3;
/**
 * How long a statement may wait (a locked table, a saturated pool) before the store says
 * "unavailable": delivery serves without the profile, /events answers 503 and the SDK retries
 * (docs/design.md, "Storage"). Reads are on the request's path, so they wait less.
 */
const READ_TIMEOUT_MS = 2000;
const WRITE_TIMEOUT_MS = 5000;
/**
 * Reads coalesce (docs/events.md, "Storage"): the profile reads of requests arriving together go out
 * as one statement (`WHERE hash IN (…)`), at most this many keys each, with at most this many such
 * statements in flight per process. A read waits for no timer: it goes out with the next free slot.
 */
const READ_GROUP_MAX = 128;
const READS_IN_FLIGHT = { sqlite: 1, postgres: 4, mysql: 4 } as const;
/**
 * Group-commit transactions in flight per process: one on SQLite (one writer), two on PostgreSQL
 * and MySQL, where the next group gathers and commits while the previous one waits for its commit.
 * Two overlapping groups are what two instances are: row locks and the version compare-and-set keep
 * them exact, and both lock rows in one order (visitors, then counters, sorted).
 */
const FLUSHES_IN_FLIGHT = { sqlite: 1, postgres: 2, mysql: 2 } as const;
/** A flush that hit a deadlock (PostgreSQL 40P01, MySQL 1213) or a busy SQLite is run again this often. */
const FLUSH_ATTEMPTS = 3;

export type Dialect = 'sqlite' | 'postgres' | 'mysql';

/** The SQL dialect of a knex connection (Strapi's `strapi.db.connection`). */
export const dialectOf = (knex: Knex): Dialect => {
  const client = String((knex.client as { config?: { client?: unknown } }).config?.client ?? '');
  if (/postgres|pg/.test(client)) return 'postgres';
  if (/mysql|maria/.test(client)) return 'mysql';
  return 'sqlite';
};

interface DbError {
  code?: string | number;
  errno?: number;
  message?: string;
  name?: string;
}

const UNAVAILABLE_CODES = new Set<string>([
  // Node's socket errors (PostgreSQL, MySQL)
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  // MySQL/MariaDB: connection lost, lock wait timeout, deadlock, too many connections, server gone
  'PROTOCOL_CONNECTION_LOST',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  // PostgreSQL: lock not available, deadlock, statement / lock timeout (query_canceled), shutdown, too many connections
  '55P03',
  '40P01',
  '40001',
  '57014',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  // SQLite: the file is locked by another writer past the busy timeout
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
]);

/** A database that is down, unreachable, locked or out of connections: the caller answers "unavailable". */
export const isUnavailable = (error: unknown): boolean => {
  if (!error || typeof error !== 'object') return false;
  const { code, name, message } = error as DbError;
  if (code !== undefined && (UNAVAILABLE_CODES.has(String(code)) || /^08/.test(String(code)))) return true;
  if (name === 'KnexTimeoutError') return true;
  return /Timeout acquiring a connection|Connection terminated|connection is closed|database is locked|Pool is destroyed|The database connection is not open|Unable to acquire a connection/i.test(
    String(message ?? '')
  );
};

const isRetriable = (error: unknown) => {
  const code = String((error as DbError | undefined)?.code ?? '');
  return code === '40P01' || code === '40001' || code === 'ER_LOCK_DEADLOCK' || code === 'SQLITE_BUSY';
};

const isUniqueViolation = (error: unknown) => {
  const code = String((error as DbError | undefined)?.code ?? '');
  return code === '23505' || code === 'ER_DUP_ENTRY' || code.startsWith('SQLITE_CONSTRAINT');
};

const guard = async <T>(operation: () => Promise<T>): Promise<T> => {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error;
    if (isUnavailable(error)) throw new StoreUnavailableError(`visitor store unavailable: ${(error as Error).message}`);
    throw error;
  }
};

/** Creates a table unless it exists; another instance creating it at the same moment is not an error. */
const createTable = async (knex: Knex, name: string, build: (table: Knex.CreateTableBuilder) => void) => {
  if (await knex.schema.hasTable(name)) return;
  try {
    await knex.schema.createTable(name, build);
  } catch (error) {
    // A concurrent creator won the race: the table is there, which is all this asked for.
    if (await knex.schema.hasTable(name)) return;
    throw error;
  }
};

/** Each step's data migration, by the version it upgrades to, run once in the transaction that claims it. */
const UPGRADES: Record<number, (trx: Knex.Transaction) => Promise<void>> = {
  // Per-unit facts: the counts written before them become one unit's share, so a reconcile keeps them.
  2: async (trx) => {
    await trx.raw(
      `INSERT INTO ${TABLES.facts} (experiment, unit, field, value) SELECT experiment, ?, field, value FROM ${TABLES.counters}`,
      [LEGACY_UNIT]
    );
  },
};

/**
 * Creates and migrates the plugin's tables, idempotently: a second start, or two instances starting
 * together, find them and the version row and change nothing.
 */
export const migrate = async (knex: Knex): Promise<void> => {
  await createTable(knex, TABLES.schema, (table) => {
    table.integer('id').primary();
    table.integer('version').notNullable();
  });
  await createTable(knex, TABLES.profiles, (table) => {
    table.string('hash', 64).primary();
    table.bigInteger('version').notNullable();
    // MySQL's TEXT holds 64 KB; a profile with its last 50 events may need more.
    table.text('profile', 'longtext').notNullable();
    table.bigInteger('expires_at').notNullable().index();
  });
  await createTable(knex, TABLES.batches, (table) => {
    table.string('hash', 64).notNullable();
    table.string('batch_id', 128).notNullable();
    table.bigInteger('received_at').notNullable().index();
    table.primary(['hash', 'batch_id']);
  });
  await createTable(knex, TABLES.counters, (table) => {
    table.string('experiment', 128).notNullable();
    table.string('field', 255).notNullable();
    table.double('value').notNullable();
    table.primary(['experiment', 'field']);
  });
  // Per-unit facts (docs/design.md, "Storage"): each unit's share of each counter of an experiment,
  // written in the same transaction as the counters, so a counter is the sum of its units' shares
  // and a reconcile can rebuild it. `unit` is the visitor hash, or an erased visitor's anonymous id.
  await createTable(knex, TABLES.facts, (table) => {
    table.string('experiment', 128).notNullable();
    table.string('unit', 64).notNullable().index();
    table.string('field', 255).notNullable();
    table.double('value').notNullable();
    table.primary(['experiment', 'unit', 'field']);
  });
  await createTable(knex, TABLES.events, (table) => {
    table.bigIncrements('id').primary();
    table.string('hash', 64).notNullable().index();
    table.bigInteger('received_at').notNullable().index();
    table.text('events', 'longtext').notNullable();
  });
  await createTable(knex, TABLES.markers, (table) => {
    table.string('hash', 64).primary();
    table.string('kind', 16).notNullable();
    table.bigInteger('at').notNullable();
    table.bigInteger('expires_at').notNullable().index();
  });
  const row = await knex(TABLES.schema).where({ id: 1 }).first<{ version: number | string } | undefined>();
  if (!row) {
    try {
      await knex(TABLES.schema).insert({ id: 1, version: SCHEMA_VERSION });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  } else {
    for (let to = Number(row.version) + 1; to <= SCHEMA_VERSION; to += 1) {
      await knex.transaction(async (trx) => {
        // Claims the step: of instances upgrading together, one moves the version, the others find it moved.
        const claimed = await trx(TABLES.schema).where({ id: 1, version: to - 1 }).update({ version: to });
        if (Number(claimed) === 1) await UPGRADES[to]?.(trx);
      });
    }
  }
};

const parseProfile = (raw: string | null | undefined): VisitorProfile | null => {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as VisitorProfile;
    return value && typeof value === 'object' && value.v === 1 ? value : null;
  } catch {
    return null;
  }
};

/** A row of `stateRows`: its kind, the visitor hash and three values whose meaning depends on the kind. */
interface StateRow {
  k: 'p' | 'v' | 'm' | 'b';
  h: string;
  a: number | string;
  b: string;
  c: number | string;
}

interface ProfileRow {
  version: number | string;
  profile: string;
  expires_at: number | string;
}

interface MarkerRow {
  kind: string;
  at: number | string;
  expires_at: number | string;
}

const markerText = (row: MarkerRow | undefined, now: number): string | null =>
  row && Number(row.expires_at) > now ? `${row.kind}:${Math.floor(Number(row.at))}` : null;

export interface DatabaseStoreOptions {
  /** The connection (Strapi's `strapi.db.connection`), read on each use. */
  knex: () => Knex;
  /** Creates the tables first (default true: a store is usable before bootstrap ran `migrate`). */
  migrate?: boolean;
  /** Group commit: commits gathered into one transaction at most, and the first one's wait (ms). */
  groupMax?: number;
  groupWaitMs?: number;
  /** Statement timeouts (ms) of reads and of the writes of a flush or an erasure. */
  readTimeoutMs?: number;
  writeTimeoutMs?: number;
  now?: () => number;
}

interface Pending {
  commit: Commit;
  resolve: (result: CommitResult) => void;
  reject: (error: unknown) => void;
}

export interface DatabaseStore extends VisitorStore {
  /** Creates or migrates the tables (idempotent). */
  ready(): Promise<void>;
  /**
   * Deletes what is past retention: profiles and markers by their own expiry, event-log rows received
   * before `eventsBefore`, batch ids received before `batchesBefore` (past the de-duplication window
   * their events are dropped anyway).
   */
  purge(horizon: {
    eventsBefore: number;
    batchesBefore: number;
  }): Promise<{ profiles: number; batches: number; events: number; markers: number }>;
  /** Commits queued and in flight are done. */
  drain(): Promise<void>;
}

export const createDatabaseStore = (options: DatabaseStoreOptions): DatabaseStore => {
  const now = options.now ?? Date.now;
  const groupMax = options.groupMax ?? GROUP_MAX;
  const groupWaitMs = options.groupWaitMs ?? GROUP_WAIT_MS;
  let readyPromise: Promise<void> | undefined;
  const readTimeout = options.readTimeoutMs ?? READ_TIMEOUT_MS;
  const writeTimeout = options.writeTimeoutMs ?? WRITE_TIMEOUT_MS;
  /** A statement that gives up after `ms` (cancelled on the server where the driver can: PostgreSQL, MySQL). */
  const timed = <T extends Knex.QueryBuilder>(query: T, ms: number): T =>
    query.timeout(ms, { cancel: dialectOf(options.knex()) !== 'sqlite' }) as T;

  const ready = () => {
    if (options.migrate === false) return Promise.resolve();
    readyPromise ??= guard(() => migrate(options.knex())).catch((error) => {
      readyPromise = undefined;
      throw error;
    });
    return readyPromise;
  };

  const db = async () => {
    await ready();
    return options.knex();
  };

  const readMarkerRow = (q: Knex | Knex.Transaction, hash: string, ms = readTimeout): Promise<MarkerRow | undefined> =>
    timed(q(TABLES.markers).select('kind', 'at', 'expires_at').where({ hash }).first(), ms);

  /** A profile past its expiry reads as none, but keeps its version so the next write replaces it. */
  const snapshotOf = (row: ProfileRow | undefined, marker: MarkerRow | undefined, seen: boolean, at: number): Snapshot => ({
    profile: row && Number(row.expires_at) > at ? parseProfile(row.profile) : null,
    token: row ? String(row.version) : null,
    marker: markerText(marker, at),
    seen,
  });

  /**
   * Visitors' rows in one statement (`UNION ALL`): profiles (`k` 'p', with the profile's JSON, or
   * 'v' with its version only), markers ('m') and the batch ids asked that were applied ('b').
   * Written out (the tables' names are constants): on the request path, knex's query builder and
   * compiler cost more than the statement itself.
   */
  const stateRows = async (
    q: Knex | Knex.Transaction,
    hashes: string[],
    pairs: (readonly [string, string])[],
    { profiles, ms }: { profiles: boolean; ms: number }
  ): Promise<StateRow[]> => {
    if (hashes.length === 0) return [];
    const keys = hashes.map(() => '?').join(', ');
    const profile = profiles
      ? `'p' AS k, hash AS h, version AS a, profile AS b, expires_at AS c`
      : `'v' AS k, hash AS h, version AS a, '' AS b, expires_at AS c`;
    let sql =
      `SELECT ${profile} FROM ${TABLES.profiles} WHERE hash IN (${keys}) ` +
      `UNION ALL SELECT 'm', hash, at, kind, expires_at FROM ${TABLES.markers} WHERE hash IN (${keys})`;
    if (pairs.length > 0) {
      const tuples = pairs.map(() => '(?, ?)').join(', ');
      sql += ` UNION ALL SELECT 'b', hash, received_at, batch_id, received_at FROM ${TABLES.batches} WHERE (hash, batch_id) IN (${tuples})`;
    }
    const dialect = dialectOf(options.knex());
    const result: unknown = await q
      .raw(sql, [...hashes, ...hashes, ...pairs.flat()])
      .timeout(ms, { cancel: dialect !== 'sqlite' });
    // PostgreSQL answers a result object, MySQL [rows, fields], SQLite the rows.
    const rows = Array.isArray(result) ? (dialect === 'mysql' ? result[0] : result) : (result as { rows: unknown[] }).rows;
    return rows as StateRow[];
  };

  // ---- Coalesced reads: the requests of one moment share one statement (profile, marker, batch id).
  interface ReadAsk {
    hash: string;
    batchId?: string;
    resolve: (state: { row?: ProfileRow; marker?: MarkerRow; seen: boolean; at: number }) => void;
    reject: (error: unknown) => void;
  }
  const readQueue: ReadAsk[] = [];
  let readsInFlight = 0;
  let readPumpScheduled = false;

  /** Up to three kinds of rows in one statement: each visitor's profile and marker, and the batch ids asked. */
  const readGroup = async (group: ReadAsk[]) => {
    try {
      const rows = await guard(async () => {
        const knex = await db();
        const hashes = [...new Set(group.map(({ hash }) => hash))];
        const pairs = group.flatMap(({ hash, batchId }) => (batchId === undefined ? [] : [[hash, batchId] as const]));
        return stateRows(knex, hashes, pairs, { profiles: true, ms: readTimeout });
      });
      const at = now();
      const found = new Map<string, { row?: ProfileRow; marker?: MarkerRow }>();
      const seen = new Set<string>();
      for (const { k, h, a, b, c } of rows) {
        const entry = found.get(h) ?? {};
        if (k === 'p') entry.row = { version: a, profile: b, expires_at: c };
        else if (k === 'm') entry.marker = { at: a, kind: b, expires_at: c };
        else seen.add(`${h}\n${b}`);
        found.set(h, entry);
      }
      for (const ask of group) {
        const entry = found.get(ask.hash);
        ask.resolve({
          row: entry?.row,
          marker: entry?.marker,
          seen: ask.batchId !== undefined && seen.has(`${ask.hash}\n${ask.batchId}`),
          at,
        });
      }
    } catch (error) {
      for (const ask of group) ask.reject(error);
    }
  };

  const pumpReads = () => {
    readPumpScheduled = false;
    const limit = READS_IN_FLIGHT[dialectOf(options.knex())];
    while (readsInFlight < limit && readQueue.length > 0) {
      readsInFlight += 1;
      void readGroup(readQueue.splice(0, READ_GROUP_MAX)).finally(() => {
        readsInFlight -= 1;
        if (readQueue.length > 0) pumpReads();
      });
    }
  };

  /** One visitor's rows, read with whoever else asks at the same moment. */
  const readState = (hash: string, batchId?: string) =>
    new Promise<{ row?: ProfileRow; marker?: MarkerRow; seen: boolean; at: number }>((resolve, reject) => {
      readQueue.push({ hash, batchId, resolve, reject });
      // The requests parsed in this turn of the event loop join before the statement goes out.
      if (!readPumpScheduled) {
        readPumpScheduled = true;
        setImmediate(pumpReads);
      }
    });

  // ---- Group commit: one flush at a time per process, each a transaction holding every queued commit.
  const queue: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  /** Flushes running now; PostgreSQL and MySQL overlap two (one gathers while one commits). */
  const flushing = new Set<Promise<void>>();
  const flushLimit = () => FLUSHES_IN_FLIGHT[dialectOf(options.knex())];

  /** Adds the winners' counter increments, summed per field, in one order (no deadlock between instances). */
  const applyCounters = async (trx: Knex.Transaction, totals: Map<string, Map<string, number>>) => {
    const knex = options.knex();
    const rows: { experiment: string; field: string; value: number }[] = [];
    for (const [experiment, fields] of [...totals].sort(([a], [b]) => a.localeCompare(b))) {
      for (const [field, value] of [...fields].sort(([a], [b]) => a.localeCompare(b))) {
        if (Number.isFinite(value) && value !== 0) rows.push({ experiment, field, value });
      }
    }
    for (let start = 0; start < rows.length; start += 100) {
      const chunk = rows.slice(start, start + 100);
      await timed(
        trx(TABLES.counters)
          .insert(chunk)
          .onConflict(['experiment', 'field'])
          .merge({ value: knex.raw(boundedSum(dialectOf(knex)), []) }),
        writeTimeout
      );
    }
  };

  /**
   * Adds the winners' per-unit facts (each unit's share of each counter), in one order, in the
   * transaction of the counters they make up: a reconcile's snapshot holds both or neither.
   */
  const applyFacts = async (trx: Knex.Transaction, facts: Map<string, Map<string, Map<string, number>>>) => {
    const knex = options.knex();
    const rows: { experiment: string; unit: string; field: string; value: number }[] = [];
    for (const [experiment, units] of [...facts].sort(([a], [b]) => a.localeCompare(b))) {
      for (const [unit, shares] of [...units].sort(([a], [b]) => a.localeCompare(b))) {
        for (const [field, value] of [...shares].sort(([a], [b]) => a.localeCompare(b))) {
          if (value !== 0) rows.push({ experiment, unit, field, value });
        }
      }
    }
    for (let start = 0; start < rows.length; start += 100) {
      await timed(
        trx(TABLES.facts)
          .insert(rows.slice(start, start + 100))
          .onConflict(['experiment', 'unit', 'field'])
          .merge({ value: knex.raw(boundedSum(dialectOf(knex), TABLES.facts), []) }),
        writeTimeout
      );
    }
  };

  /**
   * One group in one transaction, in a few statements whatever its size: three reads (batch ids,
   * versions, markers of every visitor in it), then each winner's compare-and-set (`UPDATE … WHERE
   * version = ?`, or an insert that finds the key taken), then the winners' batch ids, event-log rows
   * and counter increments as multi-row inserts. A commit that conflicts (here, or with another
   * instance's write) gets the state as it now is and changes nothing; the others go through.
   */
  const flushOnce = async (group: Pending[]): Promise<CommitResult[]> => {
    const knex = await db();
    const dialect = dialectOf(knex);
    const commits = group.map(({ commit }) => commit);
    const hashes = [...new Set(commits.map(({ hash }) => hash))];
    const pair = (hash: string, batchId: string) => `${hash}\n${batchId}`;
    return knex.transaction(async (trx) => {
      const at = now();
      // One statement: each visitor's version and marker, and which of the group's batch ids were applied.
      const asked = commits.flatMap(({ hash, batch }) => (batch ? [[hash, batch.id] as const] : []));
      const seen = new Set<string>();
      const versions = new Map<string, string>();
      const markers = new Map<string, MarkerRow>();
      for (const { k, h, a, b, c } of await stateRows(trx, hashes, asked, { profiles: false, ms: writeTimeout })) {
        if (k === 'v') versions.set(h, String(a));
        else if (k === 'm') markers.set(h, { at: a, kind: b, expires_at: c });
        else if (k === 'b') seen.add(pair(h, b));
      }

      // Decided in order: a visitor's second commit in the group was computed before the first was written.
      const results: (CommitResult | 'conflict' | 'won')[] = [];
      const winners: { index: number; hash: string; from: string | null; values: Record<string, unknown> }[] = [];
      for (const [index, { hash, expected, next, ttlMs, batch }] of commits.entries()) {
        if (batch && seen.has(pair(hash, batch.id))) {
          results.push({ ok: false, duplicate: true });
          continue;
        }
        const current = versions.get(hash) ?? null;
        if (current !== expected.token || markerText(markers.get(hash), at) !== expected.marker) {
          results.push('conflict');
          continue;
        }
        const to = current === null ? 1 : Number(current) + 1;
        versions.set(hash, String(to));
        if (batch) seen.add(pair(hash, batch.id));
        winners.push({
          index,
          hash,
          from: current,
          values: { version: to, profile: JSON.stringify(next), expires_at: Math.floor(at + Math.max(1, ttlMs)) },
        });
        results.push('won');
      }

      const lost = (index: number) => {
        results[index] = 'conflict';
      };
      if (dialect !== 'mysql' && winners.length > 0) {
        // PostgreSQL and SQLite: every winner in one conditional upsert. A row is written only when
        // its stored version is the one the commit read (an absent row: inserted); RETURNING names
        // the rows written, and a winner missing from it lost to another instance's write.
        const returned = await timed(
          trx(TABLES.profiles)
            .insert(winners.map(({ hash, values }) => ({ hash, ...values })))
            .onConflict('hash')
            .merge(['version', 'profile', 'expires_at'])
            .whereRaw('?? = ?? - 1', [`${TABLES.profiles}.version`, 'excluded.version'])
            .returning('hash'),
          writeTimeout
        );
        const written = new Set((returned as { hash: string }[]).map(({ hash }) => hash));
        for (const { index, hash } of winners) if (!written.has(hash)) lost(index);
      }
      for (const { index, hash, from, values } of winners) {
        if (dialect !== 'mysql' || from === null) continue;
        const updated = await timed(trx(TABLES.profiles).where({ hash, version: from }).update(values), writeTimeout);
        if (Number(updated) !== 1) lost(index);
      }
      const created = winners.filter(({ from, index }) => from === null && results[index] === 'won');
      if (created.length > 0) {
        // MySQL: one insert per new profile; a key another instance took meanwhile is a conflict
        // (INSERT IGNORE skips it, where an error would fail the whole group).
        if (dialect === 'mysql') {
          for (const { index, hash, values } of created) {
            const { sql, bindings } = trx(TABLES.profiles)
              .insert({ hash, ...values })
              .onConflict('hash')
              .ignore()
              .toSQL()
              .toNative();
            const [header] = (await trx.raw(sql, bindings).timeout(writeTimeout, { cancel: true })) as [{ affectedRows: number }];
            if (header.affectedRows !== 1) lost(index);
          }
        }
        // An erasure on another connection that committed its marker after the read above must win:
        // read again now the row is ours (its own insert of the key waits for this transaction, then
        // deletes the row), with a locking read so MySQL's snapshot does not hide it. SQLite has one
        // writer at a time: nothing can have changed.
        const mine = created.filter(({ index }) => results[index] === 'won');
        if (dialect !== 'sqlite' && mine.length > 0) {
          const again = await timed(
            trx(TABLES.markers)
              .select('hash', 'kind', 'at', 'expires_at')
              .whereIn(
                'hash',
                mine.map(({ hash }) => hash)
              )
              .forShare(),
            writeTimeout
          );
          const rechecked = new Map((again as (MarkerRow & { hash: string })[]).map((row) => [row.hash, row]));
          for (const { index, hash } of mine) {
            if (markerText(rechecked.get(hash), at) === commits[index].expected.marker) continue;
            await timed(trx(TABLES.profiles).where({ hash }).delete(), writeTimeout);
            lost(index);
          }
        }
      }

      const won = winners.filter(({ index }) => results[index] === 'won').map(({ index }) => commits[index]);
      const batchRows = won.flatMap(({ hash, batch }) =>
        batch ? [{ hash, batch_id: batch.id, received_at: Math.floor(batch.receivedAt) }] : []
      );
      if (batchRows.length > 0) await timed(trx(TABLES.batches).insert(batchRows), writeTimeout);
      const eventRows = won.flatMap(({ hash, batch }) =>
        batch?.streamEvents ? [{ hash, received_at: Math.floor(batch.receivedAt), events: batch.streamEvents }] : []
      );
      if (eventRows.length > 0) await timed(trx(TABLES.events).insert(eventRows), writeTimeout);
      const totals = new Map<string, Map<string, number>>();
      // experiment → unit → field → share: the same increments, per unit (one winner per visitor in a group).
      const facts = new Map<string, Map<string, Map<string, number>>>();
      for (const { hash, counters } of won) {
        for (const { experiment, increments } of counters ?? []) {
          let fields = totals.get(experiment);
          if (!fields) totals.set(experiment, (fields = new Map()));
          let units = facts.get(experiment);
          if (!units) facts.set(experiment, (units = new Map()));
          let shares = units.get(hash);
          if (!shares) units.set(hash, (shares = new Map()));
          for (const { field, by } of increments) {
            // Never a non-finite counter: it would hide every other visitor's values.
            const after = (fields.get(field) ?? 0) + by;
            if (!Number.isFinite(by) || !Number.isFinite(after)) continue;
            fields.set(field, after);
            shares.set(field, (shares.get(field) ?? 0) + by);
          }
        }
      }
      await applyFacts(trx, facts);
      await applyCounters(trx, totals);

      // The state a conflicting commit recomputes from, as it is now (this group's writes included).
      const conflicting = [...new Set(commits.filter((_, index) => results[index] === 'conflict').map(({ hash }) => hash))];
      const current = new Map<string, { row?: ProfileRow; marker?: MarkerRow }>();
      if (conflicting.length > 0) {
        const rows = await timed(
          trx(TABLES.profiles).select('hash', 'version', 'profile', 'expires_at').whereIn('hash', conflicting),
          writeTimeout
        );
        for (const row of rows as (ProfileRow & { hash: string })[]) current.set(row.hash, { row });
        const marks = await timed(
          trx(TABLES.markers).select('hash', 'kind', 'at', 'expires_at').whereIn('hash', conflicting),
          writeTimeout
        );
        for (const marker of marks as (MarkerRow & { hash: string })[])
          current.set(marker.hash, { ...current.get(marker.hash), marker });
      }
      return results.map((result, index): CommitResult => {
        if (result === 'won') return { ok: true };
        if (result !== 'conflict') return result;
        const state = current.get(commits[index].hash);
        return { ok: false, snapshot: snapshotOf(state?.row, state?.marker, false, at) };
      });
    });
  };

  const flush = async (): Promise<void> => {
    if (flushing.size >= flushLimit()) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    const group = queue.splice(0, groupMax);
    if (group.length === 0) return;
    // The same visitor's commits keep their order; visitors are sorted so two instances lock rows alike.
    const ordered = group.map((pending, index) => ({ pending, index }));
    ordered.sort((a, b) =>
      a.pending.commit.hash < b.pending.commit.hash ? -1 : a.pending.commit.hash > b.pending.commit.hash ? 1 : a.index - b.index
    );
    const sorted = ordered.map(({ pending }) => pending);
    const job = (async () => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          const results = await flushOnce(sorted);
          sorted.forEach((pending, index) => pending.resolve(results[index]));
          return;
        } catch (error) {
          // A deadlock or a busy SQLite rolled the whole group back: run it again before giving up.
          if (attempt < FLUSH_ATTEMPTS && isRetriable(error)) continue;
          const failure =
            !(error instanceof StoreUnavailableError) && isUnavailable(error)
              ? new StoreUnavailableError(`visitor store unavailable: ${(error as Error).message}`)
              : error;
          for (const pending of sorted) pending.reject(failure);
          return;
        }
      }
    })();
    flushing.add(job);
    await job;
    flushing.delete(job);
    // On SQLite what queued meanwhile waits for company too (one transaction, one fsync, for more
    // commits): its commit blocks the event loop, so right after one few requests have been read.
    if (queue.length === 0) return;
    if (dialectOf(options.knex()) === 'sqlite') schedule();
    else void flush();
  };

  const schedule = () => {
    if (flushing.size >= flushLimit()) return; // a running flush starts the next one when done
    if (queue.length >= groupMax) void flush();
    else
      timer ??= setTimeout(() => {
        timer = undefined;
        void flush();
      }, groupWaitMs);
  };

  return {
    kind: 'database',
    ready,

    async read(hash) {
      const { row, at } = await readState(hash);
      return row && Number(row.expires_at) > at ? parseProfile(row.profile) : null;
    },

    async snapshot(hash, batchId) {
      const { row, marker, seen, at } = await readState(hash, batchId);
      return snapshotOf(row, marker, seen, at);
    },

    commit(commit) {
      return new Promise<CommitResult>((resolve, reject) => {
        queue.push({ commit, resolve, reject });
        schedule();
      });
    },

    async erase(hash, marker: SuppressionMarker, markerTtlMs) {
      await guard(async () => {
        const knex = await db();
        await knex.transaction(async (trx) => {
          // Takes the profile's key first (an insert that finds it is nothing): a new profile being
          // inserted by a concurrent commit is waited for, then deleted below, never left behind.
          await timed(
            trx(TABLES.profiles).insert({ hash, version: 0, profile: '', expires_at: 0 }).onConflict('hash').ignore(),
            writeTimeout
          );
          for (const table of [TABLES.profiles, TABLES.batches, TABLES.events]) {
            await timed(trx(table).where({ hash }).delete(), writeTimeout);
          }
          // The visitor's facts stay counted under an anonymous unit: nothing links them to the visitor.
          await timed(
            trx(TABLES.facts)
              .where({ unit: hash })
              .update({ unit: `e:${randomUUID().replace(/-/g, '')}` }),
            writeTimeout
          );
          const at = now();
          const current = await readMarkerRow(trx, hash, writeTimeout);
          // An opt-out is never downgraded to an erasure (nor shortened by one).
          if (current && Number(current.expires_at) > at && current.kind === 'optout' && marker.kind === 'erased') return;
          const row = { kind: marker.kind, at: Math.floor(marker.at), expires_at: Math.floor(at + Math.max(1, markerTtlMs)) };
          await timed(
            trx(TABLES.markers)
              .insert({ hash, ...row })
              .onConflict('hash')
              .merge(row),
            writeTimeout
          );
        });
      });
    },

    async marker(hash) {
      return guard(async () => {
        const row = await readMarkerRow(await db(), hash);
        const at = now();
        const marker = parseMarker(markerText(row, at));
        return marker && { ...marker, until: Number(row?.expires_at) };
      });
    },

    async counters(experiment) {
      return guard(async () => {
        const rows = await timed((await db())(TABLES.counters).select('field', 'value').where({ experiment }), readTimeout);
        const values: Record<string, number> = {};
        for (const { field, value } of rows as { field: string; value: number | string }[]) values[field] = Number(value);
        return values;
      });
    },

    async dropCounters(experiment) {
      await guard(async () => {
        await (await db()).transaction(async (trx) => {
          await trx(TABLES.counters).where({ experiment }).delete();
          await trx(TABLES.facts).where({ experiment }).delete();
        });
      });
    },

    async reconcile(experiment): Promise<ReconcileReport> {
      return guard(async () => {
        const knex = await db();
        // The counters and the sums of their facts from one snapshot (a group commit writes both in
        // one transaction: either both hold it or neither does) ...
        const [stored, expected] = await knex.transaction(
          async (trx) => {
            const counters = await timed(trx(TABLES.counters).select('field', 'value').where({ experiment }), writeTimeout);
            const sums = await timed(
              trx(TABLES.facts).select('field').sum({ total: 'value' }).where({ experiment }).groupBy('field'),
              writeTimeout
            );
            return [
              Object.fromEntries((counters as { field: string; value: number | string }[]).map(({ field, value }) => [field, Number(value)])),
              Object.fromEntries((sums as { field: string; total: number | string }[]).map(({ field, total }) => [field, Number(total)])),
            ];
          },
          // SQLite's transactions are serializable already (and knex warns when asked for a level).
          dialectOf(knex) === 'sqlite' ? {} : { isolationLevel: 'repeatable read' }
        );
        const repaired = repairsOf(stored, expected);
        if (repaired.length === 0) return { shards: 0, repaired };
        // ... repaired by adding the difference (what commits added since then stays added), and a
        // counter no unit has is deleted once it is back to 0.
        await knex.transaction(async (trx) => {
          const rows = repaired.map(({ field, before, after }) => ({ experiment, field, value: after - before }));
          await timed(
            trx(TABLES.counters)
              .insert(rows)
              .onConflict(['experiment', 'field'])
              .merge({ value: knex.raw(boundedSum(dialectOf(knex)), []) }),
            writeTimeout
          );
          const gone = repaired.filter(({ field }) => !(field in expected)).map(({ field }) => field);
          if (gone.length > 0) {
            await timed(trx(TABLES.counters).where({ experiment, value: 0 }).whereIn('field', gone).delete(), writeTimeout);
          }
        });
        return { shards: 1, repaired };
      });
    },

    async purge({ eventsBefore, batchesBefore }) {
      return guard(async () => {
        const knex = await db();
        const at = now();
        const profiles = Number(await knex(TABLES.profiles).where('expires_at', '<=', at).delete());
        const batches = Number(await knex(TABLES.batches).where('received_at', '<', batchesBefore).delete());
        const events = Number(await knex(TABLES.events).where('received_at', '<', eventsBefore).delete());
        const markers = Number(await knex(TABLES.markers).where('expires_at', '<=', at).delete());
        return { profiles, batches, events, markers };
      });
    },

    async drain() {
      while (queue.length > 0 || flushing.size > 0) {
        if (flushing.size > 0) await Promise.all(flushing);
        else await flush();
      }
    },

    close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
};
