import type { Core } from '@strapi/strapi';
import { isbot } from 'isbot';
import { LRUCache } from 'lru-cache';
import type { Context } from 'koa';

import {
  applyConversions,
  applyExposures,
  type ConversionIncrement,
  type ExposureRequest,
  type UnitIncrement,
} from '../../../engine/src/experiments';
import { applyEvents, applyServe, emptyProfile } from '../../../engine/src/profile/apply';
import { covariatesOf } from '../../../engine/src/profile/goal-days';
import { consentRecord, effectiveConsent, type ConsentChoice, type EffectiveConsent } from '../../../engine/src/profile/consent';
import { DAY_MS } from '../../../engine/src/profile/decay';
import type { AcceptedEvent } from '../../../engine/src/profile/events';
import { profileSignals, type ProfileSignals } from '../../../engine/src/profile/signals';
import type { VisitorProfile } from '../../../engine/src/profile/types';
import { EVENT_LIMITS } from '../../../contracts/src/events';
import type { VisitorExport } from '../../../contracts/src/visitors';
import { storageOf, type StorageKind } from '../config/schema';
import { counterIncrements } from '../storage/experiment-counts';
import { getService } from '../platform/services';
import { createDatabaseStore, type DatabaseStore } from '../storage/database-store';
import { countingFailures } from '../storage/counting-store';
import { createEmbeddedStore } from '../storage/embedded-store';
import { createVisitorHasher, isVisitorId, visitorSecret } from './identity';
import { createRedisStore } from '../storage/redis-store';
import {
  compareAndSet,
  parseMarker,
  StoreUnavailableError,
  suppresses,
  type ReconcileReport,
  type SuppressionMarker,
  type VisitorStore,
} from '../storage/store';

/** How long a batchId is remembered: events older than 24 h (+ 5 min ahead) are dropped anyway. */
const DEDUP_MS = EVENT_LIMITS.maxAgeMs + EVENT_LIMITS.maxAheadMs;
/** An erasure's marker outlives every event still in flight (they are dropped after 24 h anyway). */
const ERASED_MARKER_MS = DEDUP_MS;
/** A visitor hash no HMAC yields (22 characters, one not base64url): the metrics' store probe reads it. */
const STORE_PROBE_HASH = '#'.repeat(22);
/** The retention job of the database store: hourly, at a minute of its own (docs/events.md, "Where state lives"). */
export const RETENTION_CRON_RULE = '0 17 * * * *';

export interface IngestInput {
  visitorId: string;
  /** `hash(visitorId)`, when the caller has it already. */
  visitorHash?: string;
  batchId: string;
  /** Valid events with their server time `at`, in the order received. */
  events: AcceptedEvent[];
  receivedAt: number;
  /** The batch's `consent`, if any. */
  consent?: ConsentChoice | null;
  /** `Sec-GPC: 1` on the request. */
  gpc?: boolean;
}

export type IngestOutcome =
  | { status: 'applied'; accepted: AcceptedEvent[]; dropped: AcceptedEvent[] }
  | { status: 'duplicate' }
  | { status: 'no-consent' }
  | { status: 'suppressed' }
  | { status: 'unavailable' };

export type { VisitorExport };

export type ReadResult = { profile: VisitorProfile | null } | { unavailable: true };

/**
 * Visitors: identity (HMAC of the visitor id, the only form stored), the profile store (the app's
 * database, Redis or in process, per `storage`), consent, event ingestion, caps' serve counting and privacy
 * (export, erasure, opt-out). Delivery reads profiles here (`read`: one round trip).
 */
const createVisitorsService = ({ strapi }: { strapi: Core.Strapi }) => {
  let hasher: ((visitorId: string) => string) | undefined;
  let store: VisitorStore | undefined;
  let database: DatabaseStore | undefined;
  // User-Agents repeat: isbot's pattern runs once per distinct one.
  const botAnswers = new LRUCache<string, boolean>({ max: 2000 });

  const config = () => getService(strapi, 'settings').get();

  const hash = (visitorId: string) => {
    hasher ??= createVisitorHasher(visitorSecret(strapi, config().visitors.secret));
    return hasher(visitorId);
  };

  /** `storage` in force (`auto` and the deprecated `events.transport` resolved). */
  const storage = (): StorageKind => storageOf(config());

  /** The store itself, its failures not counted (the metrics' probe: a scrape while it is down is no failed operation). */
  let uncounted: VisitorStore | undefined;

  const getStore = (): VisitorStore => {
    if (store) return store;
    const kind = storage();
    if (kind === 'database') {
      // Strapi's own knex, read on each use (docs/design.md, "Storage"): nothing writable cached here.
      store = database = createDatabaseStore({ knex: () => strapi.db.connection });
    } else if (kind === 'redis') {
      const redis = getService(strapi, 'redis');
      store = createRedisStore({
        prefix: () => config().redis.keyPrefix,
        retentionMs,
        attempt: (operation, fallback) => redis.attempt(operation, fallback),
        ...(config().redis.durability === 'replica' ? { durable: () => redis.blocking() } : {}),
      });
    } else {
      store = createEmbeddedStore();
    }
    uncounted = store;
    // Every failed operation counts in personalize_store_errors_total{store,operation} (docs/observability.md).
    const metrics = getService(strapi, 'metrics');
    store = countingFailures(store, (operation) => metrics.storeError(kind, operation));
    return store;
  };

  const retentionMs = () => config().visitors.retentionDays * DAY_MS;
  /** Profiles expire `retentionDays` after the visitor's last event. */
  const ttlOf = (profile: VisitorProfile, now: number) => Math.max(1000, profile.lastSeen + retentionMs() - now);

  const profileOptions = () => {
    const { profiles } = config();
    return { halfLifeDays: profiles.halfLifeDays, weights: profiles.weights, maxInterests: profiles.maxInterests };
  };

  const consentOf = (
    profile: VisitorProfile | null,
    request: { gpc?: boolean; consent?: ConsentChoice | null } = {}
  ): EffectiveConsent => {
    const { visitors } = config();
    return effectiveConsent({
      mode: visitors.consent,
      honorGpc: visitors.honorGpc,
      sent: request.consent,
      stored: profile?.consent,
      gpc: request.gpc,
    });
  };

  const erase = async (visitorId: string, kind: SuppressionMarker['kind'], at = Date.now()): Promise<boolean> => {
    const visitorHash = hash(visitorId);
    try {
      await getStore().erase(visitorHash, { kind, at }, kind === 'optout' ? retentionMs() : ERASED_MARKER_MS);
    } catch (error) {
      if (error instanceof StoreUnavailableError) return false;
      throw error;
    }
    await getService(strapi, 'rate-limit').forgetVisitor(visitorHash);
    return true;
  };

  /**
   * CUPED: each request of a running experiment with CUPED on gets the unit's pre-exposure values of its goals
   * (docs/statistics.md, "CUPED"), recorded with the exposure and counted as Σx, Σx² in the same write.
   */
  const withCovariates = (requests: readonly ExposureRequest[], profile: VisitorProfile, now: number): readonly ExposureRequest[] => {
    const experiments = getService(strapi, 'experiments');
    return requests.map((request) => {
      if (request.covariates || Object.prototype.hasOwnProperty.call(profile.exposures, request.key)) return request;
      const experiment = experiments.running(request.key);
      const lookbackDays = experiment?.cupedLookbackDays;
      if (!experiment || !lookbackDays) return request;
      return { ...request, covariates: covariatesOf(profile.goalDays, experiment.goals, lookbackDays, now) };
    });
  };

  /** Deletes what is past `visitors.retentionDays` from the database store (the others expire by themselves). */
  const purgeExpired = async (now = Date.now()) => {
    getStore();
    if (!database) return null;
    return database.purge({ eventsBefore: now - retentionMs(), batchesBefore: now - DEDUP_MS });
  };

  return {
    /** Where state lives: `database`, `redis` or `memory` (`storage`, docs/design.md "Storage"). */
    storage,

    /**
     * Bootstrap: says at startup what the config means (memory loses everything on restart; the
     * deprecated `events.transport`), creates or migrates the database store's tables and schedules
     * its retention job.
     */
    async init() {
      const { events, storage: asked } = config();
      if (events.transport) {
        strapi.log.warn(
          `[personalize] events.transport is deprecated: use storage: '${events.transport === 'inline' ? 'memory' : 'redis'}'` +
            (asked !== 'auto' ? ` (storage: '${asked}' is set and wins)` : '')
        );
      }
      const kind = storage();
      if (kind === 'memory') {
        strapi.log.warn(
          '[personalize] storage is memory: visitor profiles, experiment counts and the event log are lost on restart (tests and demos only)'
        );
      }
      getStore();
      // The store's state for the metrics: a read of a hash no visitor has, through the store's own path.
      getService(strapi, 'metrics').probeStore(async () => {
        try {
          getStore();
          await uncounted!.read(STORE_PROBE_HASH);
          return { store: kind, up: true };
        } catch {
          return { store: kind, up: false };
        }
      });
      if (database) {
        await database.ready();
        const task = () =>
          purgeExpired().catch((error: Error) => strapi.log.warn(`[personalize] retention job failed: ${error.message}`));
        strapi.cron.add({ personalizeRetention: { task, options: { rule: RETENTION_CRON_RULE } } });
      }
    },

    /** Runs the retention job now (the cron job's task; tests). Null when the store expires by itself. */
    purgeExpired,

    /** Commits of the database store still queued are done (shutdown, tests). */
    async drain() {
      await database?.drain();
    },
    /** The only form of a visitor id ever stored: HMAC-SHA256(visitors.secret, id), base64url, 22 chars. */
    hash,
    isVisitorId,
    /** The store itself (tests and benchmarks). */
    store: getStore,

    /** A visitor's stored profile, in one round trip; `{ unavailable: true }` when the store cannot be read. */
    async read(visitorId: string): Promise<ReadResult> {
      try {
        return { profile: await getStore().read(hash(visitorId)) };
      } catch (error) {
        if (error instanceof StoreUnavailableError) return { unavailable: true };
        throw error;
      }
    },

    /** The `profile.*` signals of a profile at `now` (interests decayed with `profiles.halfLifeDays`). */
    signalsOf(profile: VisitorProfile, now = Date.now()): ProfileSignals {
      return profileSignals(profile, now, { halfLifeDays: config().profiles.halfLifeDays });
    },

    /**
     * What the visitor allows: the request's own answer (an events batch's `consent`), else the one
     * remembered with the profile, else `visitors.consent`'s default; GPC means no profiling unless
     * `visitors.honorGpc` is false.
     */
    consentOf,

    /** `Sec-GPC: 1` on a request. */
    gpcOf: (ctx: Pick<Context, 'get'>) => ctx.get('sec-gpc').trim() === '1',

    /** A crawler or other bot, from the User-Agent (isbot; answers remembered per User-Agent). */
    isBot: (userAgent: string | undefined) => {
      if (!userAgent) return false;
      let bot = botAnswers.get(userAgent);
      if (bot === undefined) botAnswers.set(userAgent, (bot = isbot(userAgent)));
      return bot;
    },

    /**
     * Applies a batch of valid events to the visitor's profile (atomically, before the caller
     * answers 202): consent, suppression and batchId de-duplication checked in the same write.
     */
    async ingest(input: IngestInput): Promise<IngestOutcome> {
      const visitorHash = input.visitorHash ?? hash(input.visitorId);
      const { receivedAt } = input;
      const options = profileOptions();
      let withdrawn = false;
      type Stop = Exclude<IngestOutcome, { status: 'applied' }>;
      let accepted: AcceptedEvent[] = [];
      let dropped: AcceptedEvent[] = [];
      let conversions: ConversionIncrement[] = [];
      try {
        const outcome = await compareAndSet<Stop>(
          getStore(),
          visitorHash,
          input.batchId,
          (snapshot) => {
            const consentInput = { consent: input.consent, gpc: input.gpc };
            const consent = consentOf(snapshot.profile, consentInput);
            if (!consent.events) {
              withdrawn = input.consent?.events === false && snapshot.profile !== null;
              return { stop: { status: 'no-consent' } };
            }
            const marker = parseMarker(snapshot.marker);
            accepted = input.events.filter((event) => !suppresses(marker, event.at));
            dropped = input.events.filter((event) => suppresses(marker, event.at));
            if (accepted.length === 0) return { stop: { status: 'suppressed' } };
            const { visitors } = config();
            const applied = applyEvents(snapshot.profile, accepted, {
              ...options,
              // CUPED: goal events of running experiments per day, for the longest lookback in use.
              goalDays: getService(strapi, 'experiments').cupedGoals(),
              now: receivedAt,
              profiling: consent.profiling,
              consent: consentRecord(
                {
                  mode: visitors.consent,
                  honorGpc: visitors.honorGpc,
                  sent: input.consent,
                  stored: snapshot.profile?.consent,
                  gpc: input.gpc,
                },
                receivedAt
              ),
            });
            // Goal events of experiments the visitor was exposed to convert, in the same atomic write.
            const converted = applyConversions(applied.exposures, accepted, getService(strapi, 'experiments').converting());
            const next = converted.increments.length > 0 ? { ...applied, exposures: converted.exposures } : applied;
            conversions = converted.increments;
            return {
              write: {
                next,
                ttlMs: ttlOf(next, receivedAt),
                batch: { id: input.batchId, receivedAt, dedupMs: DEDUP_MS, streamEvents: JSON.stringify(accepted) },
                ...(converted.increments.length > 0 ? { counters: counterIncrements(converted.increments) } : {}),
              },
            };
          },
          () => ({ status: 'duplicate' })
        );
        if (withdrawn) await erase(input.visitorId, 'erased', receivedAt);
        if (!outcome.written) return outcome.result;
        const metrics = getService(strapi, 'metrics');
        for (const increment of conversions) metrics.conversion(increment.experiment, increment.arm, increment.goal);
        return { status: 'applied', accepted, dropped };
      } catch (error) {
        // A batch that itself says no needs no store to be answered (there is nothing to keep).
        if (error instanceof StoreUnavailableError)
          return input.consent?.events === false ? { status: 'no-consent' } : { status: 'unavailable' };
        throw error;
      }
    },

    /**
     * Counts a personalized serve at `now` (after delivery served variant `capKey` =
     * `${uid}:${documentId}:${variantId}`, or null for the session count only): the variant's
     * `serve` counter and the session's `personalizedServes`. Creates the profile if there is none,
     * so call it only when `consentOf` allows. False when nothing was counted (suppressed visitor,
     * store unavailable).
     */
    async recordServe(visitorId: string, capKey: string | readonly string[] | null, now = Date.now()): Promise<boolean> {
      try {
        const outcome = await compareAndSet<false>(
          getStore(),
          hash(visitorId),
          undefined,
          (snapshot) => {
            if (suppresses(parseMarker(snapshot.marker), now)) return { stop: false };
            const next = applyServe(snapshot.profile, capKey, now);
            return { write: { next, ttlMs: ttlOf(next, now) } };
          },
          () => false
        );
        return outcome.written;
      } catch (error) {
        if (error instanceof StoreUnavailableError) return false;
        throw error;
      }
    },

    /**
     * Records the visitor's first exposure to each experiment not already in their profile (their
     * arm from then on) and counts one unit for its arm and cohort, in one atomic write: a visitor is
     * counted once per experiment whatever the concurrent requests. Creates the profile if there is
     * none, so call it only when the visitor allows storing events. False when nothing was counted.
     */
    async recordExposures(visitorId: string, requests: readonly ExposureRequest[], now = Date.now()): Promise<boolean> {
      let counted: UnitIncrement[] = [];
      try {
        const outcome = await compareAndSet<false>(
          getStore(),
          hash(visitorId),
          undefined,
          (snapshot) => {
            if (suppresses(parseMarker(snapshot.marker), now)) return { stop: false };
            const current = snapshot.profile ?? emptyProfile(now);
            const { exposures, units } = applyExposures(current.exposures, withCovariates(requests, current, now), now);
            counted = units;
            if (units.length === 0) return { stop: false };
            const next = { ...current, exposures };
            return { write: { next, ttlMs: ttlOf(next, now), counters: counterIncrements(units) } };
          },
          () => false
        );
        if (outcome.written) {
          const metrics = getService(strapi, 'metrics');
          for (const unit of counted) metrics.exposure(unit.experiment, unit.arm);
        }
        return outcome.written;
      } catch (error) {
        if (error instanceof StoreUnavailableError) return false;
        throw error;
      }
    },

    /**
     * Rebuilds an experiment's counts from its per-unit facts, on every store (docs/design.md,
     * "Storage"), reporting what it repaired; `{ unavailable: true }` when the store cannot be reached.
     */
    async reconcileCounters(experiment: string): Promise<ReconcileReport | { unavailable: true }> {
      try {
        return await getStore().reconcile(experiment);
      } catch (error) {
        if (error instanceof StoreUnavailableError) return { unavailable: true };
        throw error;
      }
    },

    /** An experiment's counters (field → value), or `{ unavailable: true }` when the store cannot be read. */
    async experimentCounters(experiment: string): Promise<Record<string, number> | { unavailable: true }> {
      try {
        return await getStore().counters(experiment);
      } catch (error) {
        if (error instanceof StoreUnavailableError) return { unavailable: true };
        throw error;
      }
    },

    /**
     * Erases every key of the visitor and their entries in the event log, and keeps a marker (no
     * personal data) so that events still in flight (up to now) are dropped; later events build a new
     * profile. False when the store is unavailable.
     */
    erase: (visitorId: string) => erase(visitorId, 'erased'),

    /** Erases and suppresses the visitor for the retention period (opt-out). */
    suppress: (visitorId: string) => erase(visitorId, 'optout'),

    /** Everything stored for a visitor; `{ unavailable: true }` when the store cannot be read. */
    async export(visitorId: string, now = Date.now()): Promise<VisitorExport | { unavailable: true }> {
      const visitorHash = hash(visitorId);
      try {
        const [profile, suppressed] = await Promise.all([getStore().read(visitorHash), getStore().marker(visitorHash)]);
        return {
          visitor: { hash: visitorHash },
          profile,
          decayed: profile
            ? { at: now, ...profileSignals(profile, now, { halfLifeDays: config().profiles.halfLifeDays }) }
            : null,
          events: profile?.events ?? [],
          caps: profile?.caps ?? {},
          consent: profile?.consent ?? null,
          exposures: profile?.exposures ?? {},
          suppressed,
        };
      } catch (error) {
        if (error instanceof StoreUnavailableError) return { unavailable: true };
        throw error;
      }
    },
  };
};

export type VisitorsService = ReturnType<typeof createVisitorsService>;
export default createVisitorsService;
