/**
 * Contextual bandits (docs/experiments.md, "Contextual bandits"): engine/src/contextual. The fitter's tree, its
 * determinism, the parity between the fitter's leaves and the engine's first match, the rules' validity on save,
 * merging, the floor, the edge cases and the assignment.
 */
import { prng } from '../../bench/contextual/simulate';
import { unknownSignals } from '../../contracts/src/signals/check';
import { signalsSchema } from '../../contracts/src/signals/schema';
import {
  assignContextual,
  bucketNumber,
  compile,
  contextualCell,
  contextualLeafIndex,
  fitContextualModel,
  type ContextualAttribute,
  type ContextualCellCounts,
  type ContextualModel,
  type ContextualTest,
  type ContextValue,
} from '../../engine/src';

const pick = <T>(random: () => number, values: readonly T[]): T => values[Math.floor(random() * values.length)];

const ATTRIBUTES: ContextualAttribute[] = [
  { path: 'context.device' },
  { path: 'profile.visits' },
  { path: 'context.country' },
  { path: 'session.isNew' },
  { path: 'time.hour', cuts: [6, 12, 18] },
];

const DEVICES = ['mobile', 'desktop', 'tablet'];
const COUNTRIES = [
  'US',
  'GB',
  'DE',
  'FR',
  'AT',
  'BE',
  'CH',
  'NL',
  'LU',
  'IT',
  'ES',
  'PT',
  'IE',
  'DK',
  'SE',
  'NO',
  'FI',
  'PL',
  'CZ',
  'SK',
  'HU',
  'RO',
  'BG',
  'GR',
  'HR',
];

/** Signals as a request may send them: some missing, visits on and around the cuts. */
const randomSignals = (random: () => number): Record<string, Record<string, unknown>> => {
  const signals: Record<string, Record<string, unknown>> = { context: {}, profile: {}, session: {}, time: {} };
  if (random() < 0.95) signals.context.device = pick(random, DEVICES);
  if (random() < 0.9) signals.context.country = random() < 0.7 ? pick(random, COUNTRIES.slice(0, 6)) : pick(random, COUNTRIES);
  if (random() < 0.9)
    signals.profile.visits =
      random() < 0.5 ? pick(random, [0, 1, 2, 4, 5, 9, 10, 20, 49, 50, 1000, 5000]) : Math.floor(random() * 80);
  if (random() < 0.8) signals.session.isNew = random() < 0.4;
  if (random() < 0.9) signals.time.hour = Math.floor(random() * 24);
  return signals;
};

/**
 * Cells of traffic whose best arm depends on several attributes: mobile visitors under 2 visits prefer b,
 * visitors without a country prefer c, new German visitors prefer c, and the rest a; evening lifts every arm.
 */
const richRates = (signals: Record<string, Record<string, unknown>>): number[] => {
  const device = signals.context.device;
  const visits = signals.profile.visits as number | undefined;
  const country = signals.context.country;
  const shift = ((signals.time.hour as number | undefined) ?? 0) >= 18 ? 0.02 : 0;
  if (country === undefined) return [0.1 + shift, 0.1 + shift, 0.25 + shift];
  if (country === 'DE' && signals.session.isNew === true) return [0.1 + shift, 0.05 + shift, 0.3 + shift];
  if (device === 'mobile' && visits !== undefined && visits < 2) return [0.1 + shift, 0.3 + shift, 0.1 + shift];
  return [0.3 + shift, 0.1 + shift, 0.1 + shift];
};

/** Uniform traffic summed per (cell, arm), with Bernoulli rewards. */
const trafficCells = (seed: number, visitors: number, rates = richRates): ContextualCellCounts[] => {
  const random = prng(seed);
  const cells = new Map<
    string,
    { context: Record<string, ContextValue>; arms: { units: number; sum: number; sumSquares: number }[] }
  >();
  for (let i = 0; i < visitors; i++) {
    const signals = randomSignals(random);
    const context = contextualCell(signals, ATTRIBUTES);
    const key = JSON.stringify(context);
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { context, arms: [0, 1, 2].map(() => ({ units: 0, sum: 0, sumSquares: 0 })) }));
    const arm = Math.floor(random() * 3);
    const reward = random() < rates(signals)[arm] ? 1 : 0;
    cell.arms[arm].units += 1;
    cell.arms[arm].sum += reward;
    cell.arms[arm].sumSquares += reward;
  }
  return [...cells.values()];
};

/** The fitter's own partition, read from a leaf's tests (independent of the engine's JSON-logic). */
const passes = (test: ContextualTest, value: ContextValue): boolean => {
  const holds = test.op === '==' ? value === test.value : typeof value === 'number' && value < (test.value as number);
  return holds === test.holds;
};
const fitterLeaf = (model: ContextualModel, cell: Record<string, ContextValue>): number[] =>
  model.leaves.flatMap((leaf, index) => (leaf.tests.every((test) => passes(test, cell[test.path])) ? [index] : []));

const shuffle = <T>(values: readonly T[], random: () => number): T[] => {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
};

describe('fitContextualModel: the tree', () => {
  const cells = trafficCells(1, 60_000);
  const model = fitContextualModel(cells, { attributes: ATTRIBUTES });

  it('finds the segments, with every kind of split, within maxLeaves', () => {
    expect(model.leaves.length).toBeGreaterThanOrEqual(4);
    expect(model.leaves.length).toBeLessThanOrEqual(12);
    const tests = model.leaves.flatMap((leaf) => leaf.tests);
    expect(tests.some((test) => test.op === '<' && test.path === 'profile.visits')).toBe(true);
    expect(tests.some((test) => test.op === '==' && test.path === 'context.device' && test.value === 'mobile')).toBe(true);
    expect(tests.some((test) => test.op === '==' && test.path === 'context.country' && test.value === null)).toBe(true);
    expect(tests.some((test) => test.op === '==' && test.path === 'session.isNew' && typeof test.value === 'boolean')).toBe(true);
    // Nearly every visitor gets, from their leaf, the arm that is best for them (one arm for all: about 6 in 10).
    const random = prng(99);
    let best = 0;
    const visitors = 2000;
    for (let i = 0; i < visitors; i++) {
      const signals = randomSignals(random);
      const rates = richRates(signals);
      const leaf = model.leaves[contextualLeafIndex(model, signals)];
      if (rates[leaf.weights.indexOf(Math.max(...leaf.weights))] === Math.max(...rates)) best++;
    }
    expect(best / visitors).toBeGreaterThan(0.95);
  });

  it('has leaves that partition the cells: the units of each are those of the cells its tests take', () => {
    const units = model.leaves.map(() => 0);
    for (const cell of cells) {
      const owners = fitterLeaf(model, cell.context as Record<string, ContextValue>);
      expect(owners).toHaveLength(1);
      units[owners[0]] += cell.arms.reduce((sum, arm) => sum + arm.units, 0);
    }
    expect(units).toEqual(model.leaves.map((leaf) => leaf.units));
  });

  it('is deterministic: the same cells in any order, or split in parts, give the same model and version', () => {
    const random = prng(7);
    const json = JSON.stringify(model);
    for (let round = 0; round < 3; round++) {
      const again = fitContextualModel(shuffle(cells, random), { attributes: ATTRIBUTES });
      expect(JSON.stringify(again)).toBe(json);
      expect(again.version).toBe(model.version);
    }
    // A cell counted in two rows (two instances, two days) is the same cell.
    const [first, ...rest] = cells;
    const halves = [0, 1].map((part) => ({
      context: { ...first.context },
      arms: first.arms.map((arm) => ({
        units: part ? Math.floor(arm.units / 2) : arm.units - Math.floor(arm.units / 2),
        sum: part ? Math.floor(arm.sum / 2) : arm.sum - Math.floor(arm.sum / 2),
        sumSquares: part ? Math.floor(arm.sumSquares / 2) : arm.sumSquares - Math.floor(arm.sumSquares / 2),
      })),
    }));
    expect(fitContextualModel(shuffle([...rest, ...halves], random), { attributes: ATTRIBUTES }).version).toBe(model.version);
    // and other counts give another version
    const fewer = cells.slice(1);
    expect(fitContextualModel(fewer, { attributes: ATTRIBUTES }).version).not.toBe(model.version);
  });

  it('routes 10,000 random contexts through the engine to exactly the leaf the fitter assigned their cell', () => {
    const random = prng(2024);
    for (let i = 0; i < 10_000; i++) {
      const signals = randomSignals(random);
      const cell = contextualCell(signals, ATTRIBUTES, model);
      const owners = fitterLeaf(model, cell);
      expect(owners).toHaveLength(1);
      const routed = contextualLeafIndex(model, signals);
      if (routed !== owners[0]) throw new Error(`${JSON.stringify(signals)} → leaf ${routed}, fitter: ${owners[0]}`);
      expect(assignContextual(model, signals, 'exp', `u${i}`).leafId).toBe(model.leaves[owners[0]].id);
    }
  });

  it('emits rules that pass the checks on save: valid JSON-logic over vocabulary signals, the last leaf true', () => {
    expect(model.leaves[model.leaves.length - 1].condition).toBe(true);
    for (const leaf of model.leaves) {
      expect(() => compile(leaf.condition)).not.toThrow();
      expect(unknownSignals(leaf.condition)).toEqual([]);
      // the whole region of the leaf, the last one's too, is a rule of the same kind
      for (const test of leaf.tests) expect(unknownSignals({ var: test.path })).toEqual([]);
    }
    // a rule the check refuses would be caught here
    expect(unknownSignals({ '==': [{ var: 'context.devise' }, 'mobile'] })).toHaveLength(1);
    // and the signals the parity test sends are ones a request may send
    const random = prng(3);
    for (let i = 0; i < 1000; i++) expect(signalsSchema.safeParse(randomSignals(random)).success).toBe(true);
  });

  it('keeps each leaf above minUnitsPerLeaf and at most maxLeaves', () => {
    const small = fitContextualModel(cells, { attributes: ATTRIBUTES, maxLeaves: 3 });
    expect(small.leaves.length).toBeLessThanOrEqual(3);
    const strict = fitContextualModel(cells, { attributes: ATTRIBUTES, minUnitsPerLeaf: 8000 });
    for (const leaf of strict.leaves) expect(leaf.units).toBeGreaterThanOrEqual(8000);
    expect(strict.leaves.length).toBeLessThan(model.leaves.length);
  });
});

describe('fitContextualModel: splits only where the best arm can change', () => {
  it('does not split on a context that moves every arm alike', () => {
    const cells = trafficCells(5, 60_000, (signals) => {
      const shift = (signals.context.device === 'mobile' ? -0.05 : 0.05) + (signals.context.country === 'DE' ? 0.05 : 0);
      return [0.1 + shift, 0.12 + shift, 0.2 + shift];
    });
    const model = fitContextualModel(cells, { attributes: ATTRIBUTES });
    expect(model.leaves).toHaveLength(1);
    expect(model.leaves[0].condition).toBe(true);
    expect(model.leaves[0].weights[2]).toBeCloseTo(0.98, 5);
  });
});

const cellOf = (context: Record<string, ContextValue>, arms: [number, number][]): ContextualCellCounts => ({
  context,
  arms: arms.map(([units, sum]) => ({ units, sum, sumSquares: sum })),
});

describe('fitContextualModel: merging', () => {
  const attributes = [{ path: 'context.device' }];
  it('merges siblings that agree on their best arm with P(best) ≥ 0.9, and keeps them when they do not', () => {
    // a is best on both devices; b is much worse on mobile: a significant split whose leaves agree.
    const agree = [
      cellOf({ 'context.device': 'mobile' }, [
        [20_000, 10_000],
        [20_000, 400],
        [20_000, 4000],
      ]),
      cellOf({ 'context.device': 'desktop' }, [
        [20_000, 10_000],
        [20_000, 6000],
        [20_000, 4000],
      ]),
    ];
    const merged = fitContextualModel(agree, { attributes });
    expect(merged.leaves).toHaveLength(1);
    expect(merged.leaves[0].pBest[0]).toBeGreaterThan(0.99);
    // the same split with a's lead on mobile uncertain: the split stays (P(best) < 0.9 on mobile)
    const unsure = [
      cellOf({ 'context.device': 'mobile' }, [
        [2000, 201],
        [2000, 40],
        [2000, 200],
      ]),
      cellOf({ 'context.device': 'desktop' }, [
        [20_000, 10_000],
        [20_000, 6000],
        [20_000, 4000],
      ]),
    ];
    const kept = fitContextualModel(unsure, { attributes });
    expect(kept.leaves).toHaveLength(2);
    expect(kept.leaves[0].condition).toEqual({ '==': [{ var: 'context.device' }, 'desktop'] });
    expect(Math.max(...kept.leaves[1].pBest)).toBeLessThan(0.9);
    // and siblings whose best arms differ are never merged
    const differ = [
      cellOf({ 'context.device': 'mobile' }, [
        [20_000, 2000],
        [20_000, 6000],
        [20_000, 4000],
      ]),
      cellOf({ 'context.device': 'desktop' }, [
        [20_000, 10_000],
        [20_000, 6000],
        [20_000, 4000],
      ]),
    ];
    const split = fitContextualModel(differ, { attributes });
    expect(split.leaves.map((leaf) => leaf.weights.indexOf(Math.max(...leaf.weights)))).toEqual([0, 1]);
    expect(split.leaves[1].condition).toBe(true);
    expect(split.leaves[1].tests).toEqual([{ path: 'context.device', op: '==', value: 'desktop', holds: false }]);
  });
});

describe('fitContextualModel: weights and the floor', () => {
  const decisive = [
    cellOf({ 'context.device': 'mobile' }, [
      [10_000, 3000],
      [10_000, 1000],
      [10_000, 1000],
      [10_000, 1000],
    ]),
  ];
  it('gives the losing arms the floor, and the weights sum to 1', () => {
    const [leaf] = fitContextualModel(decisive, { attributes: [{ path: 'context.device' }] }).leaves;
    expect(leaf.weights[0]).toBeCloseTo(1 - 3 * 0.01, 6);
    for (const weight of leaf.weights.slice(1)) expect(weight).toBeCloseTo(0.01, 6);
    const [floored] = fitContextualModel(decisive, { attributes: [{ path: 'context.device' }], minWeight: 0.05 }).leaves;
    expect(floored.weights[0]).toBeCloseTo(0.85, 6);
    expect(Math.min(...floored.weights)).toBeCloseTo(0.05, 6);
    expect(floored.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('never gives any arm of any leaf less than the floor', () => {
    const model = fitContextualModel(trafficCells(11, 40_000), { attributes: ATTRIBUTES, minWeight: 0.02 });
    for (const leaf of model.leaves) {
      expect(Math.min(...leaf.weights)).toBeGreaterThanOrEqual(0.02 - 1e-12);
      expect(leaf.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });
});

describe('fitContextualModel: edge cases', () => {
  it('without data: one leaf, true, equal weights', () => {
    const model = fitContextualModel([], { attributes: ATTRIBUTES, arms: 3 });
    expect(model.leaves).toHaveLength(1);
    expect(model.leaves[0]).toMatchObject({ condition: true, units: 0, tests: [] });
    for (const weight of model.leaves[0].weights) expect(weight).toBeCloseTo(1 / 3, 10);
    expect(fitContextualModel([], { attributes: ATTRIBUTES, arms: 3 }).version).toBe(model.version);
    expect(() => fitContextualModel([], { attributes: ATTRIBUTES })).toThrow(RangeError);
    // cells without units are no data either
    expect(
      fitContextualModel(
        [
          cellOf({ 'context.device': 'mobile' }, [
            [0, 0],
            [0, 0],
          ]),
        ],
        { attributes: ATTRIBUTES }
      ).leaves[0].weights
    ).toEqual([0.5, 0.5]);
  });

  it('with one arm: one leaf, weight 1', () => {
    const cells = trafficCells(3, 5000).map((cell) => ({ context: cell.context, arms: cell.arms.slice(0, 1) }));
    const model = fitContextualModel(cells, { attributes: ATTRIBUTES });
    expect(model.leaves).toHaveLength(1);
    expect(model.leaves[0].weights).toEqual([1]);
    expect(assignContextual(model, {}, 'exp', 'u1')).toEqual({ arm: 0, leafId: model.leaves[0].id, propensity: 1 });
  });

  it('caps a category at its 20 most frequent values: the rest is "other", never a split', () => {
    const cells: ContextualCellCounts[] = COUNTRIES.map((country, index) =>
      cellOf({ 'context.country': country }, [
        [1000 + index * 10, 100],
        [1000, index < 22 ? 100 : 900],
      ])
    );
    const model = fitContextualModel(cells, { attributes: [{ path: 'context.country' }] });
    const country = model.attributes.find((attribute) => attribute.path === 'context.country');
    expect(country?.kind).toBe('category');
    expect(country?.values).toHaveLength(20);
    expect(country?.values).not.toContain('US'); // the 5 smallest are US, GB, DE, FR, AT
    for (const leaf of model.leaves) for (const test of leaf.tests) expect(test.value).not.toBe('other');
    expect(contextualCell({ context: { country: 'US' } }, [{ path: 'context.country' }], model)).toEqual({
      'context.country': 'other',
    });
    expect(contextualCell({ context: { country: 'HR' } }, [{ path: 'context.country' }], model)).toEqual({
      'context.country': 'HR',
    });
  });
});

describe('contextualCell and bucketNumber', () => {
  it('buckets numbers at the cuts, so that < at a cut reads the same on the bucket and on the number', () => {
    const cuts = [1, 2, 5, 10];
    expect([-3, 0, 0.5, 1, 1.5, 2, 4.99, 5, 9, 10, 1e9].map((x) => bucketNumber(x, cuts))).toEqual([
      0, 0, 0, 1, 1, 2, 2, 5, 5, 10, 10,
    ]);
    for (const x of [-3, 0, 0.5, 1, 1.5, 2, 4.99, 5, 9, 10, 1e9])
      for (const cut of cuts) expect(bucketNumber(x, cuts) < cut).toBe(x < cut);
  });

  it('reads each attribute as the engine does, a missing signal as null, and non-scalars as other', () => {
    const attributes = [...ATTRIBUTES, { path: 'profile.topInterests.0' }, { path: 'context.utm' }, { path: 'context.referrer' }];
    expect(
      contextualCell(
        {
          context: { device: 'mobile', utm: { source: 'x' }, referrer: 'r'.repeat(100) },
          profile: { visits: 7, topInterests: ['shoes'] },
          time: { hour: 23 },
        },
        attributes
      )
    ).toEqual({
      'context.device': 'mobile',
      'profile.visits': 5,
      'context.country': null,
      'session.isNew': null,
      'time.hour': 18,
      'profile.topInterests.0': 'shoes',
      'context.utm': 'other',
      'context.referrer': 'other',
    });
  });
});

describe('assignContextual', () => {
  const model = fitContextualModel(trafficCells(1, 60_000), { attributes: ATTRIBUTES });
  it('draws the arm from the leaf weights by the experiment hash, sticky per unit, and reports the propensity', () => {
    const signals = { context: { device: 'mobile', country: 'US' }, profile: { visits: 0 }, time: { hour: 9 } };
    const leaf = model.leaves[contextualLeafIndex(model, signals)];
    const counts = leaf.weights.map(() => 0);
    const draws = 20_000;
    for (let i = 0; i < draws; i++) {
      const assignment = assignContextual(model, signals, 'hero', `visitor-${i}`);
      expect(assignment.leafId).toBe(leaf.id);
      expect(assignment.propensity).toBe(leaf.weights[assignment.arm]);
      counts[assignment.arm]++;
    }
    leaf.weights.forEach((weight, arm) =>
      expect(Math.abs(counts[arm] / draws - weight)).toBeLessThan(4 * Math.sqrt((weight * (1 - weight)) / draws) + 1e-9)
    );
    expect(assignContextual(model, signals, 'hero', 'visitor-1')).toEqual(assignContextual(model, signals, 'hero', 'visitor-1'));
  });
});
