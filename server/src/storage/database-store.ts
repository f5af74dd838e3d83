import type { Knex } from 'knex';

import type { VisitorProfile } from '../../../engine/src/profile/types';
import {
  parseMarker,
  StoreUnavailableError,
  type Commit,
  type CommitResult,
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
  events: 'personalize_events',
  markers: 'personalize_markers',
} as const;

/** The tables' layout version (personalize_schema); raise it with a migration step in `migrate`. */
export const SCHEMA_VERSION = 1;

/**
 * The upsert's new value: the stored value plus the increment, unless the sum would leave the finite
 * doubles (PostgreSQL and MySQL fail the statement, so the whole group, on an overflow; SQLite stores
 * Infinity): then the value stays. Compared without computing the sum, so nothing overflows.
 */
const boundedSum = (dialect: Dialect) => {
  const current = `${TABLES.counters}.value`;
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
/** A flush that hit a deadlock (PostgreSQL 40P01, MySQL 1213) or a busy SQLite is run again this often. */
const FLUSH_ATTEMPTS = 3;

type Dialect = 'sqlite' | 'postgres' | 'mysql';

const dialectOf = (knex: Knex): Dialect => {
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
  } else if (Number(row.version) < SCHEMA_VERSION) {
    // Future layout changes go here, each guarded by the version it upgrades from.
    await knex(TABLES.schema).where({ id: 1 }).update({ version: SCHEMA_VERSION });
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

/** A marker committed by an erasure between a commit's read and its insert (the insert is undone). */
class MarkerChanged extends Error {}

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
  purge(horizon: { eventsBefore: number; batchesBefore: number }): Promise<{ profiles: number; batches: number; events: number; markers: number }>;
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

  const readProfileRow = (q: Knex | Knex.Transaction, hash: string, ms = readTimeout): Promise<ProfileRow | undefined> =>
    timed(q(TABLES.profiles).select('version', 'profile', 'expires_at').where({ hash }).first(), ms);
  const readMarkerRow = (q: Knex | Knex.Transaction, hash: string, ms = readTimeout): Promise<MarkerRow | undefined> =>
    timed(q(TABLES.markers).select('kind', 'at', 'expires_at').where({ hash }).first(), ms);
  const readBatchRow = (q: Knex | Knex.Transaction, hash: string, batchId: string, ms = readTimeout) =>
    timed(q(TABLES.batches).select('hash').where({ hash, batch_id: batchId }).first(), ms);

  /** A profile past its expiry reads as none, but keeps its version so the next write replaces it. */
  const snapshotOf = (row: ProfileRow | undefined, marker: MarkerRow | undefined, seen: boolean, at: number): Snapshot => ({
    profile: row && Number(row.expires_at) > at ? parseProfile(row.profile) : null,
    token: row ? String(row.version) : null,
    marker: markerText(marker, at),
    seen,
  });

  // ---- Group commit: one flush at a time per process, each a transaction holding every queued commit.
  const queue: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;

  /** One commit inside the shared transaction: its own result, its counter increments for the flush. */
  const applyOne = async (
    trx: Knex.Transaction,
    { hash, expected, next, ttlMs, batch }: Commit,
    at: number
  ): Promise<CommitResult> => {
    if (batch) {
      const seen = await readBatchRow(trx, hash, batch.id, writeTimeout);
      if (seen) return { ok: false, duplicate: true };
    }
    const [row, marker] = [await readProfileRow(trx, hash, writeTimeout), await readMarkerRow(trx, hash, writeTimeout)];
    const token = row ? String(row.version) : null;
    if (token !== expected.token || markerText(marker, at) !== expected.marker) {
      return { ok: false, snapshot: snapshotOf(row, marker, false, at) };
    }
    const values = { profile: JSON.stringify(next), expires_at: Math.floor(at + Math.max(1, ttlMs)) };
    if (token === null) {
      // A new profile: another instance may insert the same one first (unique violation = conflict);
      // the savepoint keeps the shared transaction usable (PostgreSQL aborts it on any error).
      // An erasure on another connection that committed its marker after this one was read must win:
      // the marker is read again once the row is inserted (the erasure's own insert of the row waits
      // for this one, then deletes it), a locking read so MySQL's snapshot does not hide it.
      try {
        await trx.transaction(async (savepoint) => {
          await timed(savepoint(TABLES.profiles).insert({ hash, version: 1, ...values }), writeTimeout);
          if (dialectOf(options.knex()) === 'sqlite') return; // one writer at a time: nothing to re-check
          const again = await timed(
            savepoint(TABLES.markers).select('kind', 'at', 'expires_at').where({ hash }).forShare().first(),
            writeTimeout
          );
          if (markerText(again as MarkerRow | undefined, at) !== expected.marker) throw new MarkerChanged();
        });
      } catch (error) {
        if (!isUniqueViolation(error) && !(error instanceof MarkerChanged)) throw error;
        return {
          ok: false,
          snapshot: snapshotOf(await readProfileRow(trx, hash, writeTimeout), await readMarkerRow(trx, hash, writeTimeout), false, at),
        };
      }
    } else {
      const updated = await timed(
        trx(TABLES.profiles)
          .where({ hash, version: row?.version })
          .update({ version: Number(token) + 1, ...values }),
        writeTimeout
      );
      if (Number(updated) !== 1) {
        return { ok: false, snapshot: snapshotOf(await readProfileRow(trx, hash, writeTimeout), marker, false, at) };
      }
    }
    if (batch) {
      await timed(trx(TABLES.batches).insert({ hash, batch_id: batch.id, received_at: Math.floor(batch.receivedAt) }), writeTimeout);
      if (batch.streamEvents) {
        await timed(
          trx(TABLES.events).insert({ hash, received_at: Math.floor(batch.receivedAt), events: batch.streamEvents }),
          writeTimeout
        );
      }
    }
    return { ok: true };
  };

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

  const flushOnce = async (group: Pending[]): Promise<CommitResult[]> => {
    const knex = await db();
    return knex.transaction(async (trx) => {
      const at = now();
      const results: CommitResult[] = [];
      const totals = new Map<string, Map<string, number>>();
      for (const { commit } of group) {
        const result = await applyOne(trx, commit, at);
        results.push(result);
        if (!result.ok) continue;
        for (const { experiment, increments } of commit.counters ?? []) {
          let fields = totals.get(experiment);
          if (!fields) totals.set(experiment, (fields = new Map()));
          for (const { field, by } of increments) {
            // Never a non-finite counter: it would hide every other visitor's values.
            const after = (fields.get(field) ?? 0) + by;
            if (Number.isFinite(by) && Number.isFinite(after)) fields.set(field, after);
          }
        }
      }
      await applyCounters(trx, totals);
      return results;
    });
  };

  const flush = async (): Promise<void> => {
    if (flushing) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    const group = queue.splice(0, groupMax);
    if (group.length === 0) return;
    // The same visitor's commits keep their order; visitors are sorted so two instances lock rows alike.
    const ordered = group.map((pending, index) => ({ pending, index }));
    ordered.sort((a, b) => (a.pending.commit.hash < b.pending.commit.hash ? -1 : a.pending.commit.hash > b.pending.commit.hash ? 1 : a.index - b.index));
    const sorted = ordered.map(({ pending }) => pending);
    flushing = (async () => {
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
    await flushing;
    flushing = undefined;
    if (queue.length > 0) void flush();
  };

  const schedule = () => {
    if (flushing) return; // the running flush starts the next one when done
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
      return guard(async () => {
        const row = await readProfileRow(await db(), hash);
        return row && Number(row.expires_at) > now() ? parseProfile(row.profile) : null;
      });
    },

    async snapshot(hash, batchId) {
      return guard(async () => {
        const knex = await db();
        const [row, marker, seen] = await Promise.all([
          readProfileRow(knex, hash),
          readMarkerRow(knex, hash),
          batchId === undefined ? undefined : readBatchRow(knex, hash, batchId),
        ]);
        return snapshotOf(row, marker, seen !== undefined, now());
      });
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
          const at = now();
          const current = await readMarkerRow(trx, hash, writeTimeout);
          // An opt-out is never downgraded to an erasure (nor shortened by one).
          if (current && Number(current.expires_at) > at && current.kind === 'optout' && marker.kind === 'erased') return;
          const row = { kind: marker.kind, at: Math.floor(marker.at), expires_at: Math.floor(at + Math.max(1, markerTtlMs)) };
          await timed(trx(TABLES.markers).insert({ hash, ...row }).onConflict('hash').merge(row), writeTimeout);
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
        await (await db())(TABLES.counters).where({ experiment }).delete();
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
      while (queue.length > 0 || flushing) {
        if (flushing) await flushing;
        else await flush();
      }
    },

    close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
};
