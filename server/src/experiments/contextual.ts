/**
 * Contextual experiments on the server (docs/experiments.md, "Contextual bandits"): the model in force (the
 * starting weights in one `true` leaf until the first fit), the fit from the counts per (cell, arm), and the
 * results per leaf with the policy's estimated value. Pure functions of the stored experiment and its counters;
 * the bandit service runs refits under its lock, the controller answers results and freezes.
 */
import type {
  ContextualFrozenLeaf,
  ContextualModelEntry,
  ContextualResults,
  ContextualSettings,
  ExperimentArm,
  ExperimentResults,
} from '../../../contracts/src/experiments';
import {
  cellSignals,
  contextualLeafIndex,
  fitContextualModel,
  parseContextualCellKey,
  snipsEstimate,
  type ContextualCellCounts,
  type SnipsGroup,
} from '../../../engine/src/contextual';
import { DEFAULT_BANDIT_CONFIG, type BanditConfig, type BanditSkipReason } from '../../../engine/src/experiments';
import { srmCheckByPeriod, type SrmPeriod } from '../../../engine/src/stats';
import type { ContextualArmCounters, ContextualCounters } from '../storage/experiment-counts';

/** The version of the model written at start, before any fit. */
export const INITIAL_MODEL_VERSION = 'initial';

export interface ContextualExperiment {
  key: string;
  mode: string;
  status: string;
  arms: readonly ExperimentArm[];
  startedAt?: string | null;
  bandit?: Partial<BanditConfig> | null;
  contextual?: ContextualSettings | null;
  contextualHistory?: ContextualModelEntry[] | null;
  contextualFrozen?: ContextualFrozenLeaf[] | null;
}

/** The model at start: one leaf `true` (the fitter's root leaf id) with the arms' starting weights. */
export const initialModel = (settings: ContextualSettings, arms: readonly { weight: number }[], at: string): ContextualModelEntry => {
  const root = fitContextualModel([], { attributes: settings.attributes, arms: arms.length }).leaves[0];
  return {
    version: INITIAL_MODEL_VERSION,
    at,
    leaves: [{ id: root.id, condition: true, weights: arms.map((arm) => arm.weight), pBest: [], units: 0 }],
    attributes: [],
  };
};

/** The model in force: the last version (the initial model of the settings when none was written). */
export const modelInForce = (experiment: ContextualExperiment): ContextualModelEntry | null => {
  const last = experiment.contextualHistory?.at(-1);
  if (last) return last;
  return experiment.contextual ? initialModel(experiment.contextual, experiment.arms, experiment.startedAt ?? new Date(0).toISOString()) : null;
};

interface CellArms {
  signals: Record<string, unknown>;
  arms: (ContextualArmCounters | undefined)[];
}

/** The counted cells with their counters in arm order (cells whose key does not parse under the settings are skipped). */
const countedCells = (counters: ContextualCounters, settings: ContextualSettings, arms: readonly { key: string }[]) => {
  const cells: (CellArms & { context: Record<string, string | number | boolean | null> })[] = [];
  for (const [key, byArm] of counters.cells) {
    const context = parseContextualCellKey(key, settings.attributes);
    if (!context) continue;
    cells.push({ context, signals: cellSignals(context), arms: arms.map((arm) => byArm.get(arm.key)) });
  }
  return cells;
};

/** The fitter's input: per cell, each arm's primary-goal units, Σy and Σy². */
export const fitCellsOf = (
  counters: ContextualCounters,
  settings: ContextualSettings,
  arms: readonly { key: string }[]
): ContextualCellCounts[] =>
  countedCells(counters, settings, arms).map((cell) => ({
    context: cell.context,
    arms: cell.arms.map((counts) => ({ units: counts?.units ?? 0, sum: counts?.sum ?? 0, sumSquares: counts?.sumSquares ?? 0 })),
  }));

export type RefitDecision = { reason: BanditSkipReason } | { entry: ContextualModelEntry };

/**
 * A refit under the plain bandit's rules: after the burn-in, once every arm has `minUnitsPerArm` units; the
 * model is fitted on every counted cell with the experiment's settings and the bandit's floor.
 */
export const refitContextual = (
  experiment: ContextualExperiment,
  counters: ContextualCounters,
  now: number,
  config: Partial<BanditConfig>
): RefitDecision => {
  const settings = experiment.contextual;
  const overrides = Object.fromEntries(Object.entries(experiment.bandit ?? {}).filter(([, value]) => typeof value === 'number'));
  const rules: BanditConfig = { ...DEFAULT_BANDIT_CONFIG, ...config, ...overrides };
  const started = experiment.startedAt ? Date.parse(experiment.startedAt) : Number.NaN;
  if (!settings || !Number.isFinite(started)) return { reason: 'not-started' };
  if (now < started + rules.burnInMinutes * 60_000) return { reason: 'burn-in' };
  const cells = fitCellsOf(counters, settings, experiment.arms);
  const units = experiment.arms.map((_, index) => cells.reduce((sum, cell) => sum + cell.arms[index].units, 0));
  if (units.some((count) => count < rules.minUnitsPerArm)) return { reason: 'not-enough-units' };
  const model = fitContextualModel(cells, {
    attributes: settings.attributes,
    maxLeaves: settings.maxLeaves,
    minUnitsPerLeaf: settings.minUnitsPerLeaf,
    minWeight: rules.minWeight,
    arms: experiment.arms.length,
  });
  return {
    entry: {
      version: model.version,
      at: new Date(now).toISOString(),
      leaves: model.leaves.map((leaf) => ({
        id: leaf.id,
        condition: leaf.condition,
        weights: leaf.weights,
        pBest: leaf.pBest,
        units: leaf.units,
      })),
      attributes: model.attributes.map((attribute) => ({ ...attribute, cuts: [...attribute.cuts] })),
    },
  };
};

/**
 * The χ² test of SRM needs this many expected units in every arm: below it (a small leaf whose weights are near
 * the floor, where one draw of a 1 % arm would read as p ≈ 0.001) the check answers no p-value.
 */
export const SRM_MIN_EXPECTED = 5;

/**
 * Sample-ratio mismatch of logged (model version, leaf) groups: each group's units per arm against that
 * version's leaf weights, pooled with their exact covariance (`'pooled-adjusted'`, as bandits' periods); no
 * p-value while an arm expects fewer than SRM_MIN_EXPECTED units.
 */
const srmOfGroups = (
  counters: ContextualCounters,
  history: readonly ContextualModelEntry[],
  arms: readonly { key: string }[],
  threshold: number,
  leafId?: string
): { pValue: number | null; ok: boolean } => {
  const armIndex = new Map(arms.map((arm, index) => [arm.key, index] as const));
  const groups = new Map<string, SrmPeriod & { units: number[] }>();
  for (const logged of counters.leaves) {
    if (leafId !== undefined && logged.leaf !== leafId) continue;
    const index = armIndex.get(logged.arm);
    const weights = history.find((entry) => entry.version === logged.version)?.leaves.find((leaf) => leaf.id === logged.leaf)?.weights;
    if (index === undefined || !weights) continue;
    const id = `${logged.version}/${logged.leaf}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { units: arms.map(() => 0), weights }));
    group.units[index] += logged.units;
  }
  const periods = [...groups.values()];
  const expected = arms.map((_, index) =>
    periods.reduce((sum, period) => {
      const total = period.units.reduce((all, units) => all + units, 0);
      const weightSum = period.weights.reduce((all, weight) => all + Math.max(0, weight), 0);
      return weightSum > 0 ? sum + (total * Math.max(0, period.weights[index] ?? 0)) / weightSum : sum;
    }, 0)
  );
  // An arm no weight ever reached (a floor of 0) expects nothing and is left to the test.
  if (expected.every((units) => units === 0) || expected.some((units) => units > 0 && units < SRM_MIN_EXPECTED)) {
    return { pValue: null, ok: true };
  }
  const { pValue, ok } = srmCheckByPeriod(periods, { threshold, method: 'pooled-adjusted' });
  return { pValue, ok };
};

/** `srm` of a contextual experiment's results: every logged (version, leaf) against its weights. */
export const contextualSrm = (experiment: ContextualExperiment, counters: ContextualCounters, threshold: number): ExperimentResults['srm'] =>
  srmOfGroups(counters, experiment.contextualHistory ?? [], experiment.arms, threshold);

const snipsGroup = (probability: number, counts: ContextualArmCounters): SnipsGroup => ({
  probability,
  units: counts.units,
  inverse: counts.inverse,
  inverseSquares: counts.inverseSquares,
  weightedSum: counts.weightedSum,
  weightedSum2: counts.weightedSum2,
  weightedSquares2: counts.weightedSquares2,
});

/**
 * `results.contextual`: the model in force's leaves with the counts of the cells they route (all model versions),
 * each leaf's SRM against the logged propensities, the policy's SNIPS value against uniform assignment, and every
 * model version. `variantIds`: the target entry's variant ids, so a frozen leaf whose variant was deleted is not
 * reported frozen.
 */
export const contextualResults = (
  experiment: ContextualExperiment,
  counters: ContextualCounters,
  threshold: number,
  variantIds: ReadonlySet<string>
): ContextualResults | undefined => {
  const settings = experiment.contextual;
  const model = modelInForce(experiment);
  if (!settings || !model) return undefined;
  const history = experiment.contextualHistory ?? [];
  const arms = experiment.arms;
  const totals = model.leaves.map(() => arms.map(() => ({ units: 0, conversions: 0, sum: 0 })));
  const policyGroups: SnipsGroup[] = [];
  const uniformGroups: SnipsGroup[] = [];
  let policyUnits = 0;
  for (const cell of countedCells(counters, settings, arms)) {
    const leafIndex = contextualLeafIndex(model, cell.signals);
    const leaf = model.leaves[leafIndex];
    cell.arms.forEach((counts, index) => {
      if (!counts) return;
      const total = totals[leafIndex][index];
      total.units += counts.units;
      total.conversions += counts.conversions;
      total.sum += counts.sum;
      policyUnits += counts.units;
      policyGroups.push(snipsGroup(leaf.weights[index] ?? 0, counts));
      uniformGroups.push(snipsGroup(1 / arms.length, counts));
    });
  }
  const frozen = new Map(
    (experiment.contextualFrozen ?? []).filter((leaf) => variantIds.has(leaf.variantId)).map((leaf) => [leaf.leafId, leaf.variantId] as const)
  );
  const policy = snipsEstimate(policyGroups);
  const uniform = snipsEstimate(uniformGroups);
  const fitted = model.version !== INITIAL_MODEL_VERSION;
  return {
    modelVersion: fitted ? model.version : null,
    fittedAt: fitted ? model.at : null,
    attributes: settings.attributes.map((attribute) => ({ ...attribute })),
    leaves: model.leaves.map((leaf, leafIndex) => {
      const frozenVariantId = frozen.get(leaf.id);
      return {
        id: leaf.id,
        condition: leaf.condition,
        units: totals[leafIndex].reduce((sum, total) => sum + total.units, 0),
        arms: arms.map((arm, index) => {
          const total = totals[leafIndex][index];
          return {
            key: arm.key,
            units: total.units,
            conversions: total.conversions,
            mean: total.units > 0 ? total.sum / total.units : null,
            pBest: leaf.pBest[index] ?? 1 / arms.length,
            weight: leaf.weights[index] ?? 0,
          };
        }),
        srm: srmOfGroups(counters, history, arms, threshold, leaf.id),
        ...(frozenVariantId ? { frozenVariantId } : {}),
      };
    }),
    policy: { value: policy.value, ci: policy.ci, uniform: uniform.value, uniformCi: uniform.ci, units: policyUnits },
    history: history.map((entry) => ({
      version: entry.version,
      at: entry.at,
      leaves: entry.leaves.map((leaf) => ({ id: leaf.id, condition: leaf.condition, weights: [...leaf.weights], pBest: [...leaf.pBest], units: leaf.units })),
    })),
  };
};

/** The arm a frozen leaf serves: its highest P(best) (the highest weight before the first fit). */
export const bestArmOf = (leaf: { weights: readonly number[]; pBest: readonly number[] }): number => {
  const scores = leaf.pBest.length > 0 ? leaf.pBest : leaf.weights;
  return scores.reduce((best, score, index) => (score > scores[best] ? index : best), 0);
};
