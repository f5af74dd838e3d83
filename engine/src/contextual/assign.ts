/**
 * assignContextual (docs/experiments.md, "Contextual bandits"): a visitor's leaf is the first whose condition
 * matches their signals (compiled by the engine, once per model), and their arm is drawn from the leaf's weights
 * by the experiment's hash, `murmur3_x86_32(key + "." + unitId) / 2³²` over the weights' ranges, as a plain
 * bandit draws it. The caller keeps the arm sticky from the first exposure.
 */
import { compile, type CompiledRule } from '../compile';
import { bucketRanges, chooseArm, experimentBucket } from '../experiments/assign';
import type { ContextualModel } from './fit';

export interface ContextualAssignment {
  /** The arm's index, in the experiment's arm order. */
  readonly arm: number;
  readonly leafId: string;
  /** The probability the policy gave this arm for this visitor: the leaf's weight of the arm. */
  readonly propensity: number;
}

/** What routing reads of a model: its leaves' conditions (the admin routes a sample visitor with a results' leaves). */
type Routable = { readonly leaves: readonly Pick<ContextualModel['leaves'][number], 'condition'>[] };

const compiledLeaves = new WeakMap<Routable, CompiledRule[]>();

const compiledOf = (model: Routable): CompiledRule[] => {
  let rules = compiledLeaves.get(model);
  if (!rules) {
    rules = model.leaves.map((leaf) => compile(leaf.condition));
    compiledLeaves.set(model, rules);
  }
  return rules;
};

/** The index of the visitor's leaf: the first whose condition matches (a condition that fails counts as no match). */
export const contextualLeafIndex = (model: Routable, signals: unknown): number => {
  const rules = compiledOf(model);
  for (let index = 0; index < rules.length - 1; index++) {
    try {
      if (rules[index].matches(signals)) return index;
    } catch {
      // A rule that runs out of its budget on odd signals matches nobody, as a variant's condition would.
    }
  }
  return rules.length - 1;
};

/** The visitor's leaf and arm (module comment). */
export const assignContextual = (
  model: Pick<ContextualModel, 'leaves'>,
  signals: unknown,
  experimentKey: string,
  unitId: string
): ContextualAssignment => {
  if (model.leaves.length === 0) throw new RangeError('assignContextual: the model has no leaves');
  const leaf = model.leaves[contextualLeafIndex(model, signals)];
  const u = experimentBucket(experimentKey, unitId);
  let arm = chooseArm(u, bucketRanges(leaf.weights, 1));
  // Weights that sum to a hair below 1 leave u near 1 in no range: it belongs to the last arm with weight.
  if (arm < 0) arm = leaf.weights.reduce((last, weight, index) => (weight > 0 ? index : last), 0);
  return { arm, leafId: leaf.id, propensity: leaf.weights[arm] };
};
