import type { Core } from '@strapi/strapi';

import { LIVE_EXPERIMENT_FIELDS, type LiveExperiment, type StoredExperiment } from '../../../contracts/src/experiments';
import { cupedLookbackOf } from '../../../contracts/src/cuped';
import { HOLDOUT_EXPERIMENT_KEY } from '../../../contracts/src/holdout';
import type { CompiledRule } from '../../../engine/src';

export type { LiveExperiment };
import type { ConvertingExperiment } from '../../../engine/src/experiments';
import { referencedExperiments } from '../../../engine/src/experiments';
import { EXPERIMENT_UID } from './model';
import { getService } from '../platform/services';

const LIVE_FIELDS = [...LIVE_EXPERIMENT_FIELDS];

/** CUPED's pre-exposure history to keep (docs/experiments.md, "CUPED"): goal events and the longest lookback. */
export interface CupedGoals {
  events: ReadonlySet<string>;
  lookbackDays: number;
}

const cupedGoalsOf = (experiments: readonly LiveExperiment[]): CupedGoals => {
  const events = new Set<string>();
  let lookbackDays = 0;
  for (const experiment of experiments) {
    if (!experiment.cupedLookbackDays) continue;
    lookbackDays = Math.max(lookbackDays, experiment.cupedLookbackDays);
    for (const goal of experiment.goals) events.add(goal.event);
  }
  return { events, lookbackDays };
};

const targetKey = (uid: string, documentId: string) => `${uid}\u0000${documentId}`;

/**
 * The experiments in force, held in memory (reloaded after every write of an experiment, here and,
 * through Redis pub/sub, on every instance): the running ones by target entry and key for delivery,
 * and the running and paused ones' goals for conversion counting. Eligibility conditions are
 * compiled once per audience-library version.
 */
const createExperimentsService = ({ strapi }: { strapi: Core.Strapi }) => {
  let live: LiveExperiment[] = [];
  let running: LiveExperiment[] = [];
  let byTarget = new Map<string, LiveExperiment[]>();
  let byKey = new Map<string, LiveExperiment>();
  let converting: ConvertingExperiment[] = [];
  let cupedInUse: CupedGoals = { events: new Set(), lookbackDays: 0 };
  let version = 0;
  let loaded = false;
  const compiledConditions = new Map<string, { audiences: number; rule: CompiledRule | null }>();
  const references = new WeakMap<readonly { variant: { condition?: unknown } }[], { audiences: number; keys: string[] }>();

  const toLive = (stored: StoredExperiment): LiveExperiment => {
    const history = Array.isArray(stored.banditHistory) ? stored.banditHistory : null;
    return {
      documentId: stored.documentId,
      key: stored.key,
      name: stored.name,
      status: stored.status,
      mode: stored.mode,
      arms: stored.arms,
      traffic: stored.traffic,
      target: stored.target ?? null,
      condition: stored.condition ?? null,
      cupedLookbackDays: cupedLookbackOf(stored.cuped),
      goals: [stored.goal, ...(stored.secondary ?? []), ...(stored.guardrails ?? [])],
      namespace: stored.namespace ?? null,
      startedAt: stored.startedAt ?? null,
      banditHistory: history,
      period: stored.mode === 'bandit' && history && history.length > 0 ? history.length - 1 : 0,
      bandit: stored.bandit ?? null,
      contextual: stored.mode === 'contextual' ? (stored.contextual ?? null) : null,
      model: stored.mode === 'contextual' && Array.isArray(stored.contextualHistory) ? (stored.contextualHistory.at(-1) ?? null) : null,
      frozen: stored.mode === 'contextual' && Array.isArray(stored.contextualFrozen) ? stored.contextualFrozen.map((leaf) => leaf.variantId) : [],
      factors: stored.mode === 'multivariate' && Array.isArray(stored.factors) ? stored.factors : null,
    };
  };

  const install = (stored: StoredExperiment[]) => {
    live = stored.map(toLive);
    // Oldest start first: when two running experiments target one entry, the first one started applies.
    running = live
      .filter((experiment) => experiment.status === 'running')
      .sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? ''));
    byTarget = new Map();
    for (const experiment of running) {
      if (!experiment.target) continue;
      const key = targetKey(experiment.target.uid, experiment.target.documentId);
      byTarget.set(key, [...(byTarget.get(key) ?? []), experiment]);
    }
    byKey = new Map(running.map((experiment) => [experiment.key, experiment]));
    converting = live.map((experiment) => ({ key: experiment.key, goals: experiment.goals }));
    cupedInUse = cupedGoalsOf(running);
    compiledConditions.clear();
    version += 1;
    loaded = true;
  };

  const reload = async (): Promise<void> => {
    const stored = (await strapi.documents(EXPERIMENT_UID as never).findMany({
      filters: { status: { $in: ['running', 'paused'] } },
      fields: LIVE_FIELDS,
      limit: -1,
    } as never)) as unknown as StoredExperiment[];
    install(stored);
  };

  return {
    reload,
    isLoaded: () => loaded,
    version: () => version,
    /** True when some experiment is running (delivery skips the stage otherwise). */
    anyRunning: () => running.length > 0,
    /** Running experiments that target the entry, oldest start first. */
    targeting: (uid: string, documentId: string): readonly LiveExperiment[] => byTarget.get(targetKey(uid, documentId)) ?? [],
    /** A running experiment by key. */
    running: (key: string): LiveExperiment | undefined => byKey.get(key),
    /** Running and paused experiments (exposed visitors of a paused one still convert). */
    live: (): readonly LiveExperiment[] => live,
    /** What conversion counting needs: every running or paused experiment's goals, and the holdout's when it is on. */
    converting: (): readonly ConvertingExperiment[] => {
      const { holdout } = getService(strapi, 'settings').get();
      return holdout.share > 0 && holdout.goals.length > 0 ? [...converting, { key: HOLDOUT_EXPERIMENT_KEY, goals: holdout.goals }] : converting;
    },

    /** CUPED: the goal events of running experiments with CUPED on and their longest lookback (what profiles keep per day). */
    cupedGoals: (): CupedGoals => cupedInUse,

    /** Running experiments the program's variant conditions reference (`experiment` or `experiments.<key>`, through audiences too). */
    referencedBy(program: readonly { variant: { condition?: unknown } }[]): LiveExperiment[] {
      if (running.length === 0) return [];
      const audiences = getService(strapi, 'audiences');
      let cached = references.get(program);
      if (!cached || cached.audiences !== audiences.version()) {
        const keys = referencedExperiments(
          program.map((candidate) => candidate.variant.condition),
          audiences.rules() as Record<string, unknown>
        );
        cached = { audiences: audiences.version(), keys: [...keys] };
        references.set(program, cached);
      }
      return cached.keys.map((key) => byKey.get(key)).filter((experiment): experiment is LiveExperiment => experiment !== undefined);
    },

    /** The eligibility condition, compiled (null: none, everyone is eligible). A broken one makes nobody eligible. */
    eligibility(experiment: LiveExperiment): CompiledRule | null | 'broken' {
      if (experiment.condition === null || experiment.condition === undefined) return null;
      const audiences = getService(strapi, 'audiences').version();
      let entry = compiledConditions.get(experiment.key);
      if (!entry || entry.audiences !== audiences) {
        const result = getService(strapi, 'conditions').compileCondition(experiment.condition);
        if ('error' in result) {
          strapi.log.warn(`[personalize] eligibility of experiment "${experiment.key}" does not compile: ${result.error}`);
        }
        entry = { audiences, rule: 'rule' in result ? result.rule : null };
        compiledConditions.set(experiment.key, entry);
        if (!entry.rule) return 'broken';
      }
      return entry.rule ?? 'broken';
    },
  };
};

export type ExperimentsService = ReturnType<typeof createExperimentsService>;
export default createExperimentsService;
