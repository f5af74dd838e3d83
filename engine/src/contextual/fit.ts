/**
 * fitContextualModel (docs/experiments.md, "Contextual bandits"): a small regression tree over the counts per
 * (cell, arm) whose leaves are JSON-logic rules an editor can read, each with its own bandit weights.
 *
 * 1. **Cells** are read canonically: numbers bucketed at the attribute's cuts, categories capped at their 20
 *    most frequent values (the rest `"other"`), identical cells summed, everything sorted, so the same cells
 *    in any order give the same model, down to its `version`.
 * 2. **Growth**, best leaf first, until `maxLeaves`: a split is `==` on one value of a category, boolean or
 *    missing (`null`), or `<` at a cut of a number (a missing number is never `<`). Its gain is the reduction of
 *    the reward's squared error with a mean per (node, arm), less the part a shift common to every arm explains:
 *    `Σₖ wₖ(dₖ − d̄)²`, `dₖ` the arm's difference of means between the children, `wₖ = n_Lk·n_Rk/nₖ`, `d̄` their
 *    wₖ-weighted mean. A context that moves every arm alike (mobile visitors convert less, whatever they see)
 *    changes no arm's rank, so it is not worth a leaf. A split is taken only when each child has
 *    `minUnitsPerLeaf` units and its gain is significant: `gain/σ²` (σ² the pooled within-arm variance) against
 *    χ² with (arms − 1) degrees of freedom, below SPLIT_ALPHA.
 * 3. **Merging**: two sibling leaves whose best arm is the same with P(best) ≥ 0.9 in both become one, from the
 *    bottom up.
 * 4. **Weights**: each arm's reward in a leaf has a Gaussian posterior shrunk towards the arm's mean over the
 *    other cells (PRIOR_UNITS pseudo-units; see leafStatistics), so a leaf with little data behaves like the
 *    plain bandit; then P(best) and the floor of the plain bandit (probabilityBest, floorWeights).
 *
 * Each leaf's condition is the whole path from the root (`!=` and `!<` for the other side), so leaves are
 * disjoint and readable alone; the last is `true` (first match: every visitor no other leaf takes).
 */
import { armPosterior, BANDIT_PRIOR, DEFAULT_BANDIT_CONFIG, floorWeights, probabilityBest } from '../experiments/bandit';
import { murmur3String } from '../murmur3';
import { chiSquareSf } from '../stats/special';
import type { Rule } from '../types';
import {
  cellValue,
  cutsOf,
  isSplittableString,
  MAX_CATEGORY_VALUES,
  OTHER,
  type ContextualAttribute,
  type ContextValue,
  type FittedAttribute,
} from './cells';

/** One arm's counts in one cell: units, Σy, Σy². */
export interface ContextualArmCounts {
  readonly units: number;
  readonly sum: number;
  readonly sumSquares: number;
}

export interface ContextualCellCounts {
  /** The cell's value per attribute path (contextualCell). */
  readonly context: Readonly<Record<string, ContextValue>>;
  /** Per arm, in the experiment's arm order. */
  readonly arms: readonly ContextualArmCounts[];
}

export interface ContextualOptions {
  readonly attributes: readonly ContextualAttribute[];
  /** At most this many leaves (default 12). */
  readonly maxLeaves?: number;
  /** Each side of a split has at least this many units, all arms together (default 100). */
  readonly minUnitsPerLeaf?: number;
  /** The floor of every arm's weight in every leaf (default 0.01, the bandit's). */
  readonly minWeight?: number;
  /** The number of arms, when no cell says it (no data yet); otherwise the longest `arms` of the cells. */
  readonly arms?: number;
}

/** One test on the path to a leaf: `path op value` holds (`holds`) or not. */
export interface ContextualTest {
  readonly path: string;
  readonly op: '==' | '<';
  readonly value: ContextValue;
  readonly holds: boolean;
}

export interface ContextualLeaf {
  /** Stable while the leaf's rule is the same: a hash of its tests. */
  readonly id: string;
  /** JSON-logic, evaluated in leaf order (first match); the last leaf's is `true`. */
  readonly condition: Rule;
  /** Assignment weights per arm (sum to 1). */
  readonly weights: number[];
  readonly pBest: number[];
  readonly units: number;
  /** The tests from the root that define the leaf's region (for the rule in words; the last leaf's too). */
  readonly tests: ContextualTest[];
  /** Per arm: units and observed mean reward (null without units). */
  readonly arms: { units: number; mean: number | null }[];
}

export interface ContextualModel {
  /** A hash of everything else in the model: the same cells give the same version. */
  readonly version: string;
  readonly leaves: ContextualLeaf[];
  readonly attributes: FittedAttribute[];
}

export const DEFAULT_MAX_LEAVES = 12;
export const DEFAULT_MIN_UNITS_PER_LEAF = 100;
/** Siblings merge when they agree on the best arm with at least this P(best) each. */
export const MERGE_P_BEST = 0.9;
/**
 * The best split of a node is taken when its gain is significant at this level (χ², no correction for the node's
 * many candidates: a spurious split costs little, since its leaves keep the best arm and lean on the rest of the
 * traffic, while a missed one leaves a segment on the wrong arm; bench/contextual measured both).
 */
export const SPLIT_ALPHA = 0.01;
/** Strength, in units per arm, of the prior that shrinks a leaf's arm means towards the arm's overall mean. */
export const PRIOR_UNITS = 50;

interface Counts {
  n: number[];
  s: number[];
  q: number[];
}

interface CanonicalCell extends Counts {
  key: string;
  values: ContextValue[];
}

interface Split {
  attribute: number;
  op: '==' | '<';
  value: ContextValue;
  gain: number;
  left: number[];
  right: number[];
}

interface TreeNode {
  statistics?: LeafStatistics;
  cells: number[];
  counts: Counts;
  tests: ContextualTest[];
  split?: Split;
  children?: [TreeNode, TreeNode];
}

const zeros = (length: number): number[] => new Array<number>(length).fill(0);
const emptyCounts = (arms: number): Counts => ({ n: zeros(arms), s: zeros(arms), q: zeros(arms) });

const addInto = (target: Counts, source: Counts) => {
  for (let k = 0; k < target.n.length; k++) {
    target.n[k] += source.n[k];
    target.s[k] += source.s[k];
    target.q[k] += source.q[k];
  }
};

const finite = (value: number): number => (Number.isFinite(value) ? value : 0);

/** Total order on cell values: null, booleans, numbers, strings. */
const rank = (value: ContextValue): number =>
  value === null ? 0 : typeof value === 'boolean' ? 1 : typeof value === 'number' ? 2 : 3;
const compareValues = (a: ContextValue, b: ContextValue): number => {
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  if (a === b) return 0;
  return (a as string | number | boolean) < (b as string | number | boolean) ? -1 : 1;
};
const compareArrays = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
};

/** How the cells show each attribute: numbers only → number; booleans only → boolean; else a category. */
const fitAttributes = (
  attributes: readonly ContextualAttribute[],
  cells: readonly ContextualCellCounts[],
  unitsOf: (cell: ContextualCellCounts) => number
): FittedAttribute[] =>
  attributes.map((attribute) => {
    const cuts = cutsOf(attribute);
    let numbers = 0;
    let booleans = 0;
    let others = 0;
    const units = new Map<string, number>();
    for (const cell of cells) {
      const value = cellValue(cell.context[attribute.path], cuts);
      if (value === null) continue;
      if (typeof value === 'number') numbers++;
      else if (typeof value === 'boolean') booleans++;
      else {
        others++;
        if (isSplittableString(value)) units.set(value, (units.get(value) ?? 0) + unitsOf(cell));
      }
    }
    if (others === 0 && booleans === 0) return { path: attribute.path, kind: 'number', cuts: [...cuts] };
    if (others === 0 && numbers === 0) return { path: attribute.path, kind: 'boolean', cuts: [...cuts] };
    const values = [...units.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, MAX_CATEGORY_VALUES)
      .map(([value]) => value)
      .sort();
    return { path: attribute.path, kind: 'category', cuts: [...cuts], values };
  });

/** A cell value as the fitted attribute reads it: categories not kept (and non-strings in a category) are OTHER. */
const canonicalValue = (raw: ContextValue | undefined, attribute: FittedAttribute): ContextValue => {
  const value = cellValue(raw, attribute.cuts);
  if (value === null || attribute.kind !== 'category') return value;
  return typeof value === 'string' && attribute.values?.includes(value) ? value : OTHER;
};

/** The cells, canonical: values read by the fitted attributes, the same cells summed, sorted by values. */
const canonicalCells = (cells: readonly ContextualCellCounts[], attributes: FittedAttribute[], arms: number): CanonicalCell[] => {
  const rows = cells.map((cell) => {
    const values = attributes.map((attribute) => canonicalValue(cell.context[attribute.path], attribute));
    const counts = emptyCounts(arms);
    cell.arms.forEach((arm, k) => {
      counts.n[k] = Math.max(0, finite(arm.units));
      counts.s[k] = finite(arm.sum);
      counts.q[k] = Math.max(0, finite(arm.sumSquares));
    });
    // JSON tells every value apart (null, true, 1, "1"), so sorting by it is a total order.
    return { key: JSON.stringify(values), values, ...counts };
  });
  rows.sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : compareArrays(a.n, b.n) || compareArrays(a.s, b.s) || compareArrays(a.q, b.q)
  );
  const merged: CanonicalCell[] = [];
  for (const row of rows) {
    const last = merged[merged.length - 1];
    if (last && last.key === row.key) addInto(last, row);
    else merged.push(row);
  }
  return merged.filter((cell) => cell.n.some((units) => units > 0));
};

const sumCounts = (cells: readonly CanonicalCell[], indexes: readonly number[], arms: number): Counts => {
  const counts = emptyCounts(arms);
  for (const index of indexes) addInto(counts, cells[index]);
  return counts;
};

const totalUnits = (counts: Counts): number => counts.n.reduce((sum, units) => sum + units, 0);

/** The interaction gain of a split (module comment) and its degrees of freedom. */
const interactionGain = (left: Counts, right: Counts): { gain: number; df: number } => {
  let weightSum = 0;
  let weighted = 0;
  let weightedSquares = 0;
  let armsBothSides = 0;
  for (let k = 0; k < left.n.length; k++) {
    const nL = left.n[k];
    const nR = right.n[k];
    if (!(nL > 0 && nR > 0)) continue;
    armsBothSides++;
    const d = left.s[k] / nL - right.s[k] / nR;
    const w = (nL * nR) / (nL + nR);
    weightSum += w;
    weighted += w * d;
    weightedSquares += w * d * d;
  }
  if (armsBothSides < 2 || !(weightSum > 0)) return { gain: 0, df: 0 };
  return { gain: Math.max(0, weightedSquares - (weighted * weighted) / weightSum), df: armsBothSides - 1 };
};

/** The pooled within-arm variance of the reward over every cell (the noise a split's gain is measured against). */
const noiseVariance = (root: Counts): number => {
  let squares = 0;
  let units = 0;
  let arms = 0;
  for (let k = 0; k < root.n.length; k++) {
    if (!(root.n[k] > 0)) continue;
    squares += Math.max(0, root.q[k] - (root.s[k] * root.s[k]) / root.n[k]);
    units += root.n[k];
    arms++;
  }
  return units > arms ? squares / (units - arms) : 0;
};

interface GrowSettings {
  arms: number;
  minUnits: number;
  noise: number;
}

interface Candidate {
  attribute: number;
  op: '==' | '<';
  value: ContextValue;
  /** The counts of the cells the test holds for. */
  counts: Counts;
}

/** The candidate splits of a node, from its counts per value of each attribute (one pass over its cells). */
const candidates = (
  cells: readonly CanonicalCell[],
  node: TreeNode,
  attributes: readonly FittedAttribute[],
  arms: number
): Candidate[] => {
  const out: Candidate[] = [];
  attributes.forEach((attribute, a) => {
    const byValue = new Map<ContextValue, Counts>();
    for (const index of node.cells) {
      const cell = cells[index];
      const value = cell.values[a];
      let counts = byValue.get(value);
      if (!counts) byValue.set(value, (counts = emptyCounts(arms)));
      addInto(counts, cell);
    }
    if (byValue.size < 2) return;
    const values = [...byValue.keys()].sort(compareValues);
    for (const value of values) {
      const testable = value === null || typeof value === 'boolean' || (typeof value === 'string' && isSplittableString(value));
      if (testable) out.push({ attribute: a, op: '==', value, counts: byValue.get(value) as Counts });
    }
    if (attribute.kind !== 'number') return;
    const below = emptyCounts(arms);
    let next = 0;
    const numbers = values.filter((value): value is number => typeof value === 'number');
    for (const cut of attribute.cuts) {
      let grew = false;
      while (next < numbers.length && numbers[next] < cut) {
        addInto(below, byValue.get(numbers[next]) as Counts);
        next++;
        grew = true;
      }
      if (next === 0 || next === numbers.length) continue;
      if (!grew && out[out.length - 1]?.op === '<' && out[out.length - 1].attribute === a) continue; // same cells as the previous cut
      out.push({ attribute: a, op: '<', value: cut, counts: { n: below.n.slice(), s: below.s.slice(), q: below.q.slice() } });
    }
  });
  return out;
};

/** Whether a cell value passes a split's test, as the engine reads the leaf's condition. */
const holdsFor = (value: ContextValue, op: '==' | '<', test: ContextValue): boolean =>
  op === '==' ? value === test : typeof value === 'number' && value < (test as number);

/** The node's best significant split, if any (ties go to the first candidate, in attribute and value order). */
const bestSplit = (
  cells: readonly CanonicalCell[],
  node: TreeNode,
  attributes: readonly FittedAttribute[],
  settings: GrowSettings
): Split | undefined => {
  if (!(settings.noise > 0)) return undefined;
  const options = candidates(cells, node, attributes, settings.arms);
  let best: { option: Candidate; gain: number; df: number } | undefined;
  const right = emptyCounts(settings.arms);
  for (const option of options) {
    const left = option.counts;
    for (let k = 0; k < settings.arms; k++) {
      right.n[k] = node.counts.n[k] - left.n[k];
      right.s[k] = node.counts.s[k] - left.s[k];
      right.q[k] = node.counts.q[k] - left.q[k];
    }
    if (totalUnits(left) < settings.minUnits || totalUnits(right) < settings.minUnits) continue;
    const { gain, df } = interactionGain(left, right);
    if (df === 0) continue;
    if (!best || gain > best.gain) best = { option, gain, df };
  }
  if (!best) return undefined;
  if (!(chiSquareSf(best.gain / settings.noise, best.df) < SPLIT_ALPHA)) return undefined;
  const { attribute, op, value } = best.option;
  const left: number[] = [];
  const rest: number[] = [];
  for (const index of node.cells) (holdsFor(cells[index].values[attribute], op, value) ? left : rest).push(index);
  return { attribute, op, value, gain: best.gain, left, right: rest };
};

const testOf = (split: Split, attributes: readonly FittedAttribute[], holds: boolean): ContextualTest => ({
  path: attributes[split.attribute].path,
  op: split.op,
  value: split.value,
  holds,
});

/** Grows the tree best leaf first (the largest gain) until maxLeaves or no leaf has a significant split. */
const grow = (
  cells: readonly CanonicalCell[],
  attributes: readonly FittedAttribute[],
  settings: GrowSettings,
  maxLeaves: number
): TreeNode => {
  const root: TreeNode = {
    cells: cells.map((_, index) => index),
    counts: sumCounts(
      cells,
      cells.map((_, i) => i),
      settings.arms
    ),
    tests: [],
  };
  root.split = bestSplit(cells, root, attributes, settings);
  const leaves: TreeNode[] = [root];
  while (leaves.length < maxLeaves) {
    let chosen = -1;
    leaves.forEach((leaf, index) => {
      if (leaf.split && (chosen < 0 || leaf.split.gain > (leaves[chosen].split as Split).gain)) chosen = index;
    });
    if (chosen < 0) break;
    const node = leaves[chosen];
    const split = node.split as Split;
    const children = ([true, false] as const).map((holds): TreeNode => {
      const indexes = holds ? split.left : split.right;
      const child: TreeNode = {
        cells: indexes,
        counts: sumCounts(cells, indexes, settings.arms),
        tests: [...node.tests, testOf(split, attributes, holds)],
      };
      child.split = bestSplit(cells, child, attributes, settings);
      return child;
    }) as [TreeNode, TreeNode];
    node.children = children;
    leaves.splice(chosen, 1, ...children);
  }
  return root;
};

interface LeafStatistics {
  pBest: number[];
  arms: { units: number; mean: number | null }[];
}

const sampleVariance = (units: number, sum: number, sumSquares: number): number =>
  units > 1 ? Math.max(0, (sumSquares - (sum * sum) / units) / (units - 1)) : 0;

/**
 * Each arm's Gaussian posterior in a leaf, then P(best). The data part is the plain bandit's (armPosterior of
 * the leaf's counts); the prior is the arm's mean over every other cell, worth PRIOR_UNITS units (fewer when the
 * rest has fewer), so a leaf with little data leans on the rest of the traffic and never counts its own data
 * twice; the whole population (one leaf) keeps the plain bandit's prior N(0, 10⁴). An arm whose values do not
 * vary yet (no conversion) is measured with the arm's variance over every cell.
 */
const leafStatistics = (counts: Counts, root: Counts, noise: number): LeafStatistics => {
  const arms = counts.n.length;
  const posteriors = [];
  const observed = [];
  for (let k = 0; k < arms; k++) {
    const n = counts.n[k];
    observed.push({ units: n, mean: n > 0 ? counts.s[k] / n : null });
    const overall = sampleVariance(root.n[k], root.s[k], root.q[k]) || noise;
    const data = armPosterior([{ units: n, sum: counts.s[k], sumSquares: counts.q[k] }], [1]);
    const dataPrecision = !(n > 0) ? 0 : data.dataVariance > 0 ? 1 / data.dataVariance : overall > 0 ? n / overall : 0;
    const restUnits = root.n[k] - n;
    let priorMean = BANDIT_PRIOR.mean;
    let priorVariance = BANDIT_PRIOR.variance;
    if (restUnits >= 1) {
      const restSum = root.s[k] - counts.s[k];
      priorMean = restSum / restUnits;
      const restVariance = sampleVariance(restUnits, restSum, root.q[k] - counts.q[k]) || overall;
      if (restVariance > 0) priorVariance = restVariance / Math.min(PRIOR_UNITS, restUnits);
    }
    const precision = 1 / priorVariance + dataPrecision;
    posteriors.push({ mean: (priorMean / priorVariance + data.dataMean * dataPrecision) / precision, variance: 1 / precision });
  }
  return { pBest: probabilityBest(posteriors), arms: observed };
};

const argmax = (values: readonly number[]): number =>
  values.reduce((best, value, index) => (value > values[best] ? index : best), 0);

/** Merges sibling leaves that agree on their best arm with P(best) ≥ MERGE_P_BEST, from the bottom up. */
const merge = (node: TreeNode, statistics: (node: TreeNode) => LeafStatistics): void => {
  if (!node.children) return;
  const [left, right] = node.children;
  merge(left, statistics);
  merge(right, statistics);
  if (left.children || right.children) return;
  const a = statistics(left).pBest;
  const b = statistics(right).pBest;
  const best = argmax(a);
  if (best === argmax(b) && a[best] >= MERGE_P_BEST && b[best] >= MERGE_P_BEST) {
    node.children = undefined;
    node.split = undefined;
  }
};

const leavesOf = (node: TreeNode): TreeNode[] =>
  node.children ? [...leavesOf(node.children[0]), ...leavesOf(node.children[1])] : [node];

const conditionOf = (test: ContextualTest): Rule => {
  const signal = { var: test.path };
  if (test.op === '==') return { [test.holds ? '==' : '!=']: [signal, test.value] };
  const less = { '<': [signal, test.value] };
  return test.holds ? less : { '!': less };
};

const hex = (value: number): string => (value >>> 0).toString(16).padStart(8, '0');
const hash64 = (text: string): string => hex(murmur3String(text, 0)) + hex(murmur3String(text, 0x9747b28c));

/** Fits the model (module comment). Pure and deterministic. */
export const fitContextualModel = (cells: readonly ContextualCellCounts[], options: ContextualOptions): ContextualModel => {
  const arms = Math.max(options.arms ?? 0, ...cells.map((cell) => cell.arms.length));
  if (!(arms >= 1)) throw new RangeError('fitContextualModel: no arms (give options.arms when there are no cells)');
  const maxLeaves = Math.max(1, Math.floor(options.maxLeaves ?? DEFAULT_MAX_LEAVES));
  const minUnits = Math.max(1, options.minUnitsPerLeaf ?? DEFAULT_MIN_UNITS_PER_LEAF);
  const minWeight = options.minWeight ?? DEFAULT_BANDIT_CONFIG.minWeight;
  const unitsOf = (cell: ContextualCellCounts) => cell.arms.reduce((sum, arm) => sum + Math.max(0, finite(arm.units)), 0);
  const attributes = fitAttributes(options.attributes, cells, unitsOf);
  const canonical = canonicalCells(cells, attributes, arms);
  const rootCounts = sumCounts(
    canonical,
    canonical.map((_, index) => index),
    arms
  );
  const noise = noiseVariance(rootCounts);
  const root = grow(canonical, attributes, { arms, minUnits, noise }, maxLeaves);
  const statistics = (node: TreeNode) => (node.statistics ??= leafStatistics(node.counts, rootCounts, noise));
  merge(root, statistics);
  const nodes = leavesOf(root);
  const leaves = nodes.map((node, index): ContextualLeaf => {
    const { pBest, arms: observed } = statistics(node);
    const full: Rule =
      node.tests.length === 0
        ? true
        : node.tests.length === 1
          ? conditionOf(node.tests[0])
          : { and: node.tests.map(conditionOf) };
    return {
      id: `leaf-${hash64(JSON.stringify(node.tests)).slice(0, 8)}`,
      condition: index === nodes.length - 1 ? true : full,
      weights: floorWeights(pBest, minWeight),
      pBest,
      units: totalUnits(node.counts),
      tests: node.tests,
      arms: observed,
    };
  });
  const body = { leaves, attributes };
  return { version: hash64(JSON.stringify(body)), ...body };
};
