/**
 * The contextual bandit's offline simulator (docs/experiments.md, "Contextual bandits: the simulator"): seeded
 * visitors with signals, a true conversion rate per (context, arm), and five policies served the same visitors:
 *
 * - `uniform`: equal weights; `oracle`: the best arm of each visitor's context (regret 0 by definition);
 * - `thompson`: the plain bandit (nextBanditWeights: P(best) with the floor) over all visitors;
 * - `tree`: fitContextualModel on the counts per (cell, arm), visitors routed by assignContextual;
 * - `linucb`: disjoint LinUCB (Li et al. 2010) on one-hot features of the same cells, updated after every visitor.
 *
 * Every visitor is a new unit whose conversion is known at once. Refits (Thompson and the tree) every
 * `refitEvery` visitors, once every arm has 100 units (the bandit's rule). Regret is the expected one: the
 * oracle's rate minus the rate of the arm served, summed. The visitors, their contexts and the uniform numbers
 * that decide conversions are the same for every policy of a seed (common random numbers), so the ratios
 * between policies are less noisy than each regret.
 */
import {
  assignContextual,
  bucketRanges,
  chooseArm,
  contextualCell,
  experimentBucket,
  fitContextualModel,
  nextBanditWeights,
  type ContextualAttribute,
  type ContextualCellCounts,
  type ContextualModel,
  type ContextValue,
} from '../../engine/src';

/** mulberry32: a small seeded PRNG, uniform on [0, 1). */
export const prng = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export interface VisitorSignals {
  context: { device: 'mobile' | 'desktop' | 'tablet'; country?: string };
  profile: { visits: number };
  session: { isNew: boolean };
  time: { hour: number };
}

/** The attributes every policy sees (the tree's, and LinUCB's features). */
export const ATTRIBUTES: ContextualAttribute[] = [
  { path: 'context.device' },
  { path: 'profile.visits' },
  { path: 'context.country' },
  { path: 'session.isNew' },
  { path: 'time.hour', cuts: [6, 12, 18] },
];

const DEVICES = [
  ['mobile', 0.5],
  ['desktop', 0.42],
  ['tablet', 0.08],
] as const;
/** Visits as a new or returning visitor's profile has them (always present: 0 for a first visit). */
const VISITS = [
  [0, 0.25],
  [1, 0.2],
  [2, 0.1],
  [3, 0.08],
  [4, 0.07],
  [6, 0.1],
  [8, 0.05],
  [12, 0.07],
  [25, 0.05],
  [60, 0.02],
  [150, 0.01],
] as const;
/** Four large countries, 30 small ones (beyond the 20 a category keeps) and 5 % without a country. */
const SMALL_COUNTRIES = 'AT BE CH NL LU IT ES PT IE DK SE NO FI PL CZ SK HU RO BG GR HR SI EE LV LT CA AU NZ JP BR'.split(' ');
const COUNTRIES: [string | undefined, number][] = [
  ['US', 0.35],
  ['GB', 0.15],
  ['DE', 0.15],
  ['FR', 0.1],
  [undefined, 0.05],
  ...SMALL_COUNTRIES.map((code): [string, number] => [code, 0.2 / SMALL_COUNTRIES.length]),
];

export interface Scenario {
  name: string;
  description: string;
  arms: number;
  /** The true conversion rate of each arm for these signals. */
  rates: (signals: VisitorSignals) => number[];
}

const hourShift = (signals: VisitorSignals) => (signals.time.hour >= 18 ? 0.01 : 0);

export const SCENARIOS: Scenario[] = [
  {
    name: 'interaction',
    description:
      'best arm depends on two signals together: mobile & visits < 2 → b, desktop & visits ≥ 5 → c, else a (all arms +0.01 after 18:00)',
    arms: 3,
    rates: (signals) => {
      const { device } = signals.context;
      const visits = signals.profile.visits;
      const shift = hourShift(signals);
      return [
        0.1 + shift,
        (device === 'mobile' && visits < 2 ? 0.14 : 0.08) + shift,
        (device === 'desktop' && visits >= 5 ? 0.14 : 0.08) + shift,
      ];
    },
  },
  {
    name: 'no-context',
    description: 'context shifts every arm alike (mobile −0.03, desktop +0.02, visits ≥ 5 +0.03, DE +0.02); c is best everywhere',
    arms: 3,
    rates: (signals) => {
      const { device, country } = signals.context;
      const shift =
        (device === 'mobile' ? -0.03 : device === 'desktop' ? 0.02 : 0) +
        (signals.profile.visits >= 5 ? 0.03 : 0) +
        (country === 'DE' ? 0.02 : 0) +
        hourShift(signals);
      return [0.1 + shift, 0.11 + shift, 0.12 + shift];
    },
  },
  {
    name: 'small-segment',
    description: 'tablets (8 % of visitors) prefer a (0.15 against 0.10); everyone else prefers b (0.12, a 0.10, c 0.11)',
    arms: 3,
    rates: (signals) =>
      signals.context.device === 'tablet' ? [0.15, 0.1, 0.1] : [0.1, 0.12, 0.11].map((rate) => rate + hourShift(signals)),
  },
];

export const POLICIES = ['uniform', 'thompson', 'tree', 'linucb', 'oracle'] as const;
export type Policy = (typeof POLICIES)[number];

export interface SimulationOptions {
  events: number;
  refitEvery: number;
  seed: number;
  /** LinUCB's exploration α (default LINUCB_ALPHA). */
  linucbAlpha?: number;
  /** Policies to run (default all). */
  policies?: readonly Policy[];
  /** Called after each refit of the tree. */
  onFit?: (event: number, model: ContextualModel) => void;
}

export interface PolicyResult {
  regret: number;
  conversions: number;
}

export interface SimulationResult {
  scenario: string;
  seed: number;
  policies: Partial<Record<Policy, PolicyResult>>;
  /** The tree's last model. */
  model?: ContextualModel;
  /** Share of visitors (by traffic) whose leaf's best arm is their context's best arm, for the last model. */
  leafAgreement?: number;
  leaves?: number;
  fits?: number;
  /** Milliseconds spent fitting. */
  fitMs?: number;
}

export const LINUCB_ALPHA = 0.5;
const EXPERIMENT_KEY = 'simulated';
const unitId = (seed: number, event: number) => `${seed}:${event}`;
const MIN_UNITS_PER_ARM = 100;

/** A finite population of contexts with their probabilities; visitors are drawn from it. */
interface Population {
  signals: VisitorSignals[];
  cumulative: Float64Array;
  probability: Float64Array;
  /** Cell id per context (for the counts), and the cells' values. */
  cellOf: Int32Array;
  cells: Record<string, ContextValue>[];
  /** One-hot feature indexes per context (LinUCB). */
  features: Int32Array[];
  dimension: number;
}

const population = (): Population => {
  const signals: VisitorSignals[] = [];
  const weights: number[] = [];
  for (const [device, pDevice] of DEVICES)
    for (const [visits, pVisits] of VISITS)
      for (const [country, pCountry] of COUNTRIES)
        for (let hour = 0; hour < 24; hour += 3) {
          signals.push({
            context: country === undefined ? { device } : { device, country },
            profile: { visits },
            session: { isNew: visits === 0 },
            time: { hour: hour + 1 },
          });
          weights.push(pDevice * pVisits * pCountry * (3 / 24));
        }
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const probability = Float64Array.from(weights, (weight) => weight / total);
  const cumulative = new Float64Array(probability.length);
  probability.reduce((sum, p, index) => (cumulative[index] = sum + p), 0);
  const cellIds = new Map<string, number>();
  const cells: Record<string, ContextValue>[] = [];
  const featureIds = new Map<string, number>([['bias', 0]]);
  const cellOf = new Int32Array(signals.length);
  const features: Int32Array[] = [];
  signals.forEach((visitor, index) => {
    const cell = contextualCell(visitor, ATTRIBUTES);
    const key = JSON.stringify(cell);
    let id = cellIds.get(key);
    if (id === undefined) {
      id = cells.length;
      cellIds.set(key, id);
      cells.push(cell);
    }
    cellOf[index] = id;
    const ids = [0];
    for (const attribute of ATTRIBUTES) {
      const name = `${attribute.path}=${JSON.stringify(cell[attribute.path])}`;
      if (!featureIds.has(name)) featureIds.set(name, featureIds.size);
      ids.push(featureIds.get(name) as number);
    }
    features.push(Int32Array.from(ids));
  });
  return { signals, cumulative, probability, cellOf, cells, features, dimension: featureIds.size };
};

let cachedPopulation: Population | undefined;

const draw = (cumulative: Float64Array, u: number): number => {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cumulative[middle] > u) high = middle;
    else low = middle + 1;
  }
  return low;
};

const argmax = (values: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
};

/** Counts per (cell, arm) as the server keeps them. */
class CellCounts {
  readonly data: Float64Array;
  constructor(
    readonly cells: number,
    readonly arms: number
  ) {
    this.data = new Float64Array(cells * arms * 2);
  }
  add(cell: number, arm: number, reward: number) {
    const at = (cell * this.arms + arm) * 2;
    this.data[at] += 1;
    this.data[at + 1] += reward; // rewards are 0/1: Σy² = Σy
  }
  toCells(values: Record<string, ContextValue>[]): ContextualCellCounts[] {
    const out: ContextualCellCounts[] = [];
    for (let cell = 0; cell < this.cells; cell++) {
      const arms = [];
      let units = 0;
      for (let arm = 0; arm < this.arms; arm++) {
        const at = (cell * this.arms + arm) * 2;
        units += this.data[at];
        arms.push({ units: this.data[at], sum: this.data[at + 1], sumSquares: this.data[at + 1] });
      }
      if (units > 0) out.push({ context: values[cell], arms });
    }
    return out;
  }
}

/** Disjoint LinUCB with ridge 1: per arm A⁻¹ (Sherman–Morrison) and b, on one-hot features. */
class LinUcb {
  private readonly inverse: Float64Array[];
  private readonly b: Float64Array[];
  private readonly scratch: Float64Array;
  constructor(
    private readonly arms: number,
    private readonly dimension: number,
    private readonly alpha: number
  ) {
    this.inverse = Array.from({ length: arms }, () => {
      const matrix = new Float64Array(dimension * dimension);
      for (let i = 0; i < dimension; i++) matrix[i * dimension + i] = 1;
      return matrix;
    });
    this.b = Array.from({ length: arms }, () => new Float64Array(dimension));
    this.scratch = new Float64Array(dimension);
  }
  choose(features: Int32Array): number {
    const d = this.dimension;
    let best = 0;
    let bestScore = -Infinity;
    for (let arm = 0; arm < this.arms; arm++) {
      const inverse = this.inverse[arm];
      const b = this.b[arm];
      let mean = 0;
      let variance = 0;
      for (const i of features) {
        const row = i * d;
        for (let j = 0; j < d; j++) mean += inverse[row + j] * b[j];
        for (const j of features) variance += inverse[row + j];
      }
      const score = mean + this.alpha * Math.sqrt(Math.max(0, variance));
      if (score > bestScore) {
        bestScore = score;
        best = arm;
      }
    }
    return best;
  }
  update(arm: number, features: Int32Array, reward: number) {
    const d = this.dimension;
    const inverse = this.inverse[arm];
    const ax = this.scratch; // A⁻¹x (A⁻¹ is symmetric)
    ax.fill(0);
    for (const i of features) {
      const row = i * d;
      for (let j = 0; j < d; j++) ax[j] += inverse[row + j];
    }
    let xAx = 0;
    for (const i of features) xAx += ax[i];
    const scale = 1 / (1 + xAx);
    for (let i = 0; i < d; i++) {
      const ai = ax[i] * scale;
      if (ai === 0) continue;
      const row = i * d;
      for (let j = 0; j < d; j++) inverse[row + j] -= ai * ax[j];
    }
    if (reward !== 0) for (const i of features) this.b[arm][i] += reward;
  }
}

/** One seed of one scenario, every policy on the same visitors. */
export const simulate = (scenario: Scenario, options: SimulationOptions): SimulationResult => {
  const people = (cachedPopulation ??= population());
  const { events, refitEvery, seed } = options;
  const run = new Set(options.policies ?? POLICIES);
  const arms = scenario.arms;
  const rates = people.signals.map((signals) => scenario.rates(signals));
  const bestRate = rates.map((row) => Math.max(...row));
  const random = prng(seed);
  const result: SimulationResult = { scenario: scenario.name, seed, policies: {} };

  // The visitors and their uniforms, shared by every policy.
  const visitor = new Int32Array(events);
  const conversionDraw = new Float64Array(events);
  const assignmentDraw = new Float64Array(events);
  for (let event = 0; event < events; event++) {
    visitor[event] = draw(people.cumulative, random());
    conversionDraw[event] = random();
    // The experiment's hash of the unit, as assignContextual draws it: a tree of one leaf serves exactly the arms
    // the plain bandit serves with the same weights.
    assignmentDraw[event] = experimentBucket(EXPERIMENT_KEY, unitId(seed, event));
  }
  const serve = (
    policy: Policy,
    chooseFor: (event: number, context: number) => number,
    learn?: (event: number, context: number, arm: number, reward: number) => void
  ) => {
    let regret = 0;
    let conversions = 0;
    for (let event = 0; event < events; event++) {
      const context = visitor[event];
      const arm = chooseFor(event, context);
      const rate = rates[context][arm];
      const reward = conversionDraw[event] < rate ? 1 : 0;
      regret += bestRate[context] - rate;
      conversions += reward;
      learn?.(event, context, arm, reward);
    }
    result.policies[policy] = { regret, conversions };
  };

  if (run.has('oracle')) serve('oracle', (_, context) => argmax(rates[context]));
  if (run.has('uniform')) serve('uniform', (event) => Math.min(arms - 1, Math.floor(assignmentDraw[event] * arms)));

  if (run.has('thompson')) {
    let weights = new Array<number>(arms).fill(1 / arms);
    let ranges = bucketRanges(weights, 1);
    const totals = Array.from({ length: arms }, () => ({ units: 0, sum: 0 }));
    serve(
      'thompson',
      (event) => Math.max(0, chooseArm(assignmentDraw[event], ranges)),
      (event, _context, arm, reward) => {
        totals[arm].units += 1;
        totals[arm].sum += reward;
        if ((event + 1) % refitEvery !== 0 || totals.some((total) => total.units < MIN_UNITS_PER_ARM)) return;
        const update = nextBanditWeights({
          arms: totals.map((total, index) => ({
            key: String(index),
            periods: [{ units: total.units, sum: total.sum, sumSquares: total.sum, weight: 1 }],
          })),
          now: 1,
          startedAt: 0,
          config: { burnInMinutes: 0, minUnitsPerArm: MIN_UNITS_PER_ARM },
        });
        weights = update.weights;
        ranges = bucketRanges(weights, 1);
      }
    );
  }

  if (run.has('tree')) {
    const counts = new CellCounts(people.cells.length, arms);
    const armUnits = new Array<number>(arms).fill(0);
    let model: ContextualModel = fitContextualModel([], { attributes: ATTRIBUTES, arms });
    let fits = 0;
    let fitMs = 0;
    serve(
      'tree',
      (event, context) => assignContextual(model, people.signals[context], EXPERIMENT_KEY, unitId(seed, event)).arm,
      (event, context, arm, reward) => {
        counts.add(people.cellOf[context], arm, reward);
        armUnits[arm] += 1;
        if ((event + 1) % refitEvery !== 0 || armUnits.some((units) => units < MIN_UNITS_PER_ARM)) return;
        const started = performance.now();
        model = fitContextualModel(counts.toCells(people.cells), { attributes: ATTRIBUTES });
        fitMs += performance.now() - started;
        fits++;
        options.onFit?.(event + 1, model);
      }
    );
    result.model = model;
    result.leaves = model.leaves.length;
    result.fits = fits;
    result.fitMs = fitMs;
    let agreement = 0;
    people.signals.forEach((signals, context) => {
      const leaf = assignContextual(model, signals, EXPERIMENT_KEY, 'agreement').leafId;
      const chosen = argmax((model.leaves.find((entry) => entry.id === leaf) as ContextualModel['leaves'][number]).weights);
      if (rates[context][chosen] === bestRate[context]) agreement += people.probability[context];
    });
    result.leafAgreement = agreement;
  }

  if (run.has('linucb')) {
    const bandit = new LinUcb(arms, people.dimension, options.linucbAlpha ?? LINUCB_ALPHA);
    serve(
      'linucb',
      (_, context) => bandit.choose(people.features[context]),
      (_, context, arm, reward) => bandit.update(arm, people.features[context], reward)
    );
  }
  return result;
};
