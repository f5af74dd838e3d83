import { randomUUID } from 'node:crypto';

import type { Core } from '@strapi/strapi';

import type { BanditHistoryEntry, BanditUpdateResponse, BanditUpdateSkip, ExperimentArm } from '../../../contracts/src/experiments';
import { nextBanditWeights } from '../../../engine/src/experiments';
import { experimentsWritten } from './document-middleware';
import { EXPERIMENT_UID } from './model';
import { cellsOf, contextualCountersOf } from '../storage/experiment-counts';
import { INITIAL_MODEL_VERSION, refitContextual, type ContextualExperiment } from './contextual';
import { writeHistoryIfLength } from './history-write';
import { StoreUnavailableError } from '../storage/store';
import { banditInputOf, type ResultsExperiment } from './results';
import { getService } from '../platform/services';

export type BanditUpdateResult = BanditUpdateResponse['data'];

const MINUTE_MS = 60_000;
/** A lock outlives any update (a few reads and one write) but not a crashed instance for long. */
const LOCK_MS = 60_000;
/** Every minute: each running bandit is updated when its cadence is due. */
export const BANDIT_CRON_RULE = '0 * * * * *';

type StoredBandit = ResultsExperiment & { documentId: string; arms: ExperimentArm[] } & Pick<ContextualExperiment, 'contextual' | 'contextualHistory'>;

const FIELDS = ['key', 'status', 'mode', 'arms', 'goal', 'secondary', 'guardrails', 'startedAt', 'banditHistory', 'bandit', 'contextual', 'contextualHistory'];

/** What the schedule reads of an experiment: a contextual one's last fit is its last model (the in-memory copy has only that). */
type Scheduled = Pick<StoredBandit, 'status' | 'mode' | 'startedAt' | 'banditHistory' | 'bandit'> & {
  contextualHistory?: readonly { version: string; at: string }[] | null;
  model?: { version: string; at: string } | null;
};

/** Releases the lock only if it is still ours (it may have expired and been taken since). One key, declared (shebang). */
export const RELEASE_LUA = `#!lua
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Bandit updates (docs/design.md, "Experiments", Bandits): a Strapi cron job every minute runs each running
 * bandit whose cadence is due; `POST .../bandit/update` runs one now. Either way one instance does
 * it, under a lock (Redis `SET NX PX` shared by every instance, or in-process without Redis), reads
 * the experiment fresh from the database (so a second instance sees the first one's update), applies
 * the engine's rules (burn-in, units per arm, floor) and writes the new weights with a history
 * entry. The write reloads the experiments here and, over pub/sub, on every instance.
 */
const createBanditService = ({ strapi }: { strapi: Core.Strapi }) => {
  const owner = randomUUID();
  const localLocks = new Set<string>();

  const config = () => getService(strapi, 'settings').get().experiments.bandit;

  const cadenceMs = (experiment: Pick<StoredBandit, 'bandit'>) => (experiment.bandit?.cadenceMinutes ?? config().cadenceMinutes) * MINUTE_MS;
  const burnInMs = (experiment: Pick<StoredBandit, 'bandit'>) => (experiment.bandit?.burnInMinutes ?? config().burnInMinutes) * MINUTE_MS;

  /** When the next scheduled update is due: after the burn-in, one cadence after the last update. */
  const nextUpdateAt = (experiment: Scheduled): number | null => {
    if (experiment.status !== 'running' || (experiment.mode !== 'bandit' && experiment.mode !== 'contextual') || !experiment.startedAt) return null;
    const started = Date.parse(experiment.startedAt);
    if (experiment.mode === 'contextual') {
      // Refits: the first model is the start record (version `initial`).
      const model = experiment.contextualHistory?.at(-1) ?? experiment.model;
      const last = model && model.version !== INITIAL_MODEL_VERSION ? Date.parse(model.at) : started;
      return Math.max(started + burnInMs(experiment), last + cadenceMs(experiment));
    }
    const history = experiment.banditHistory ?? [];
    // history[0] is the start record; later entries are updates.
    const last = history.length > 1 ? Date.parse(history[history.length - 1].at) : started;
    return Math.max(started + burnInMs(experiment), last + cadenceMs(experiment));
  };

  const lockKey = (key: string) => `${getService(strapi, 'settings').get().redis.keyPrefix}lock:bandit:{${key}}`;

  /** Runs `task` holding the experiment's lock; null when another instance (or call) holds it. */
  const withLock = async <T>(key: string, task: () => Promise<T>): Promise<T | null> => {
    const redis = getService(strapi, 'redis');
    if (!redis.enabled()) {
      if (localLocks.has(key)) return null;
      localLocks.add(key);
      try {
        return await task();
      } finally {
        localLocks.delete(key);
      }
    }
    const token = `${owner}:${randomUUID()}`;
    const taken = await redis.attempt((connection) => connection.set(lockKey(key), token, 'PX', LOCK_MS, 'NX'), null);
    if (taken !== 'OK') return null;
    try {
      return await task();
    } finally {
      await redis.attempt((connection) => connection.eval(RELEASE_LUA, 1, lockKey(key), token), 0);
    }
  };

  const findBandit = async (documentId: string) =>
    (await strapi.documents(EXPERIMENT_UID as never).findOne({ documentId, fields: FIELDS } as never)) as unknown as StoredBandit | null;

  const kept = (experiment: StoredBandit, reason: BanditUpdateSkip): BanditUpdateResult => {
    const next = nextUpdateAt(experiment);
    return {
      updated: false,
      reason,
      weights: experiment.arms.map((arm) => arm.weight),
      pBest: null,
      nextUpdateAt: next === null ? null : new Date(next).toISOString(),
    };
  };

  /** Weights that sum to exactly 1 (the contract's check), the rounding error on the largest. */
  const normalized = (weights: readonly number[]) => {
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    const scaled = weights.map((weight) => weight / total);
    const largest = scaled.indexOf(Math.max(...scaled));
    scaled[largest] = 1 - scaled.reduce((sum, weight, index) => (index === largest ? sum : sum + weight), 0);
    return scaled;
  };

  /**
   * A contextual experiment's refit (docs/experiments.md, "Contextual bandits"): a new model from the counts per
   * (cell, arm) under the bandit's rules, appended to `contextualHistory` only if the history still has the
   * length read (compare-and-set: each version is written once even when two instances refit at once).
   */
  const refit = async (experiment: StoredBandit, now: number): Promise<BanditUpdateResult> => {
    const counters = await getService(strapi, 'visitors').experimentCounters(experiment.key);
    if ('unavailable' in counters) throw new StoreUnavailableError();
    const decision = refitContextual(experiment, contextualCountersOf(counters), now, config());
    if ('reason' in decision) return kept(experiment, decision.reason);
    const read = experiment.contextualHistory ?? [];
    const history = [...read, decision.entry];
    if (!(await writeHistoryIfLength(strapi, experiment.documentId, 'contextualHistory', read.length, history))) {
      return kept((await findBandit(experiment.documentId)) ?? experiment, 'locked');
    }
    await experimentsWritten(strapi);
    const next = nextUpdateAt({ ...experiment, contextualHistory: history });
    return {
      updated: true,
      weights: experiment.arms.map((arm) => arm.weight),
      pBest: null,
      nextUpdateAt: next === null ? null : new Date(next).toISOString(),
      modelVersion: decision.entry.version,
    };
  };

  /**
   * One update of one experiment. `due`: only when its cadence is due (the cron job); without it the
   * update runs now (the admin's button), under the same rules otherwise.
   */
  const update = async (documentId: string, options: { due?: boolean } = {}): Promise<BanditUpdateResult | null> => {
    const first = await findBandit(documentId);
    if (!first) return null;
    if (first.mode !== 'bandit' && first.mode !== 'contextual') return kept(first, 'not-bandit');
    if (first.status !== 'running') return kept(first, 'not-running');
    const result = await withLock(first.key, async (): Promise<BanditUpdateResult> => {
      // Fresh from the database, inside the lock: another instance may just have updated it.
      const experiment = (await findBandit(documentId)) ?? first;
      if (experiment.status !== 'running') return kept(experiment, 'not-running');
      const now = Date.now();
      const due = nextUpdateAt(experiment);
      if (options.due && (due === null || now < due)) return kept(experiment, 'not-due');
      if (experiment.mode === 'contextual') return refit(experiment, now);
      const counters = await getService(strapi, 'visitors').experimentCounters(experiment.key);
      if ('unavailable' in counters) throw new StoreUnavailableError();
      // An arm that harms a guardrail gains no weight (docs/experiments.md, "Guardrails").
      const { alpha, sequentialNStar } = getService(strapi, 'settings').get().experiments;
      const decision = nextBanditWeights(banditInputOf(experiment, cellsOf(counters), now, config(), { alpha, sequentialNStar }));
      if (!decision.updated) return { ...kept(experiment, decision.reason ?? 'not-enough-units'), pBest: decision.pBest };
      const weights = normalized(decision.weights);
      const entry: BanditHistoryEntry = { at: new Date(now).toISOString(), weights, pBest: decision.pBest };
      const read = experiment.banditHistory ?? [];
      const history = [...read, entry];
      const arms = experiment.arms.map((arm, index) => ({ ...arm, weight: weights[index] }));
      // Compare-and-set on the history's length (its version): the lock alone is not enough.
      // One conditional UPDATE writes the weights and the entry together, so the arms always carry the last entry's weights.
      if (!(await writeHistoryIfLength(strapi, documentId, 'banditHistory', read.length, history, { arms }))) {
        return kept((await findBandit(documentId)) ?? experiment, 'locked');
      }
      await experimentsWritten(strapi);
      const next = nextUpdateAt({ ...experiment, banditHistory: history });
      return { updated: true, weights, pBest: decision.pBest, nextUpdateAt: next === null ? null : new Date(next).toISOString() };
    });
    const final = result ?? kept(first, 'locked');
    getService(strapi, 'metrics').banditUpdate(first.key, final.updated ? 'updated' : (final.reason ?? 'kept'));
    return final;
  };

  /** The cron job's tick: every running bandit whose update is due. Never throws. */
  const tick = async (): Promise<void> => {
    const now = Date.now();
    for (const experiment of getService(strapi, 'experiments').live()) {
      // The in-memory copy may lag a moment; the update checks again against the database under the lock.
      const due = nextUpdateAt(experiment);
      if (due === null || now < due) continue;
      try {
        await update(experiment.documentId, { due: true });
      } catch (error) {
        strapi.log.warn(`[personalize] bandit update of "${experiment.key}" failed: ${(error as Error).message}`);
      }
    }
  };

  return {
    update,
    nextUpdateAt,
    tick,

    /** Registers the cron job (bootstrap). */
    schedule() {
      strapi.cron.add({ personalizeBandits: { task: tick, options: { rule: BANDIT_CRON_RULE } } });
    },
  };
};

export type BanditService = ReturnType<typeof createBanditService>;
export default createBanditService;
