/**
 * The site-wide holdout and namespaces (engine/src/experiments/exclusion.ts) and namespaces in assignExperiment.
 * Shares are checked against binomial bounds: over n visitors a share p is within 4 standard deviations,
 * |count − np| ≤ 4√(np(1 − p)) (the visitor ids are fixed, so the checks are deterministic).
 */
import fc from 'fast-check';
import { murmur3String } from '../../engine/src';
import {
  assignExperiment,
  experimentBucket,
  HOLDOUT_KEY,
  holdoutBucket,
  inHoldout,
  inNamespaceRange,
  namespaceBucket,
  overlappingRange,
  rangesOverlap,
  type AssignableExperiment,
  type NamespaceRange,
} from '../../engine/src/experiments';

const visitor = (index: number) => `visitor-${String(index).padStart(8, '0')}-abcdef`;
const VISITORS = Array.from({ length: 20_000 }, (_, index) => visitor(index));

const withinBinomial = (count: number, n: number, p: number) => Math.abs(count - n * p) <= 4 * Math.sqrt(n * p * (1 - p));

/** χ² of observed counts against equal expected counts; 10.83 is its 0.1 % point with 1 df. */
const chiSquareEqual = (observed: readonly number[]) => {
  const expected = observed.reduce((sum, count) => sum + count, 0) / observed.length;
  return observed.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
};

const experiment = (overrides: Partial<AssignableExperiment> = {}): AssignableExperiment => ({
  key: 'hero-test',
  status: 'running',
  arms: [
    { key: 'control', weight: 0.5 },
    { key: 'b', weight: 0.5 },
  ],
  traffic: 1,
  ...overrides,
});

describe('inHoldout', () => {
  it('hashes "holdout." + visitor id with murmur3 (seed 0) over 2^32', () => {
    for (const id of ['a', 'visitor-1', 'ünïcode-✓', VISITORS[123]]) {
      expect(holdoutBucket(id)).toBe(murmur3String(`holdout.${id}`) / 2 ** 32);
      expect(inHoldout(id, 0.5)).toBe(murmur3String(`holdout.${id}`) / 2 ** 32 < 0.5);
    }
  });

  it('is stable: the same visitor gets the same answer every time', () => {
    const first = VISITORS.slice(0, 1000).map((id) => inHoldout(id, 0.2));
    const second = VISITORS.slice(0, 1000).map((id) => inHoldout(id, 0.2));
    expect(second).toEqual(first);
  });

  it('a 20 % holdout holds 20 % of 20,000 visitors within binomial bounds, 5 % likewise', () => {
    for (const share of [0.2, 0.05]) {
      const count = VISITORS.filter((id) => inHoldout(id, share)).length;
      expect(withinBinomial(count, VISITORS.length, share)).toBe(true);
    }
  });

  it('raising the share only adds visitors; 0 and NaN hold nobody, 1 and above everybody', () => {
    const sample = VISITORS.slice(0, 5000);
    for (const id of sample) if (inHoldout(id, 0.1)) expect(inHoldout(id, 0.3)).toBe(true);
    expect(sample.some((id) => inHoldout(id, 0))).toBe(false);
    expect(sample.some((id) => inHoldout(id, Number.NaN))).toBe(false);
    expect(sample.every((id) => inHoldout(id, 1) && inHoldout(id, 2))).toBe(true);
  });

  it('is independent of experiment buckets: outside the holdout an experiment still splits 50/50', () => {
    const counts = [0, 0];
    for (const id of VISITORS) {
      if (inHoldout(id, 0.2)) continue;
      const assignment = assignExperiment({ experiment: experiment(), visitorId: id, consent: true });
      counts[assignment.arm === 'control' ? 0 : 1] += 1;
    }
    expect(chiSquareEqual(counts)).toBeLessThan(10.83);
  });

  it(`is the experiment hash of the key "${HOLDOUT_KEY}", which is therefore reserved`, () => {
    expect(holdoutBucket(VISITORS[7])).toBe(experimentBucket(HOLDOUT_KEY, VISITORS[7]));
  });
});

describe('namespaceBucket and inNamespaceRange', () => {
  it('hashes "namespace:" + key + "." + visitor id into [0, 1)', () => {
    for (const id of VISITORS.slice(0, 200)) {
      const u = namespaceBucket('checkout', id);
      expect(u).toBe(murmur3String(`namespace:checkout.${id}`) / 2 ** 32);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });

  it('ranges are half-open: from ≤ u < to', () => {
    expect(inNamespaceRange(0.3, [0.3, 0.7])).toBe(true);
    expect(inNamespaceRange(0.7, [0.3, 0.7])).toBe(false);
    expect(inNamespaceRange(0.5, [0.5, 0.5])).toBe(false);
  });

  it('a namespace named like its experiment does not skew the arms (its bucket is not the experiment’s)', () => {
    const counts = [0, 0];
    for (const id of VISITORS) {
      const assignment = assignExperiment({
        experiment: experiment({ key: 'checkout', namespace: { key: 'checkout', range: [0, 0.25] } }),
        visitorId: id,
        consent: true,
      });
      if (assignment.inExperiment) counts[assignment.arm === 'control' ? 0 : 1] += 1;
    }
    expect(withinBinomial(counts[0] + counts[1], VISITORS.length, 0.25)).toBe(true);
    expect(chiSquareEqual(counts)).toBeLessThan(10.83);
  });
});

describe('experiments of one namespace', () => {
  const ranges: NamespaceRange[] = [
    [0, 0.3],
    [0.3, 0.7],
    [0.7, 1],
  ];
  const experiments = ranges.map((range, index) => experiment({ key: `exp-${index}`, namespace: { key: 'pages', range } }));

  it('with disjoint ranges covering [0, 1) every visitor is in exactly one, each in its share', () => {
    const counts = [0, 0, 0];
    let notInExactlyOne = 0;
    for (const id of VISITORS) {
      const taken = experiments.map((e) => assignExperiment({ experiment: e, visitorId: id, consent: true }).inExperiment);
      if (taken.filter(Boolean).length !== 1) notInExactlyOne += 1;
      counts[taken.indexOf(true)] += 1;
    }
    expect(notInExactlyOne).toBe(0);
    ranges.forEach(([from, to], index) => expect(withinBinomial(counts[index], VISITORS.length, to - from)).toBe(true));
  });

  it('outside its range a visitor is held out (reason holdout, with the experiment bucket); sticky still wins', () => {
    const outside = VISITORS.find((id) => !inNamespaceRange(namespaceBucket('pages', id), ranges[0]));
    if (outside === undefined) throw new Error('no visitor outside the range');
    const assignment = assignExperiment({ experiment: experiments[0], visitorId: outside, consent: true });
    expect(assignment).toEqual({
      inExperiment: false,
      reason: 'holdout',
      bucket: Math.round(experimentBucket('exp-0', outside) * 10000) / 10000,
    });
    expect(assignExperiment({ experiment: experiments[0], visitorId: outside, consent: true, sticky: 'b' })).toMatchObject({
      inExperiment: true,
      arm: 'b',
      reason: 'sticky',
    });
    // Not eligible is said before the namespace.
    expect(assignExperiment({ experiment: experiments[0], visitorId: outside, consent: true, eligible: false }).reason).toBe(
      'not-eligible'
    );
  });

  it('any two non-overlapping ranges never share a visitor (property)', () => {
    const sample = VISITORS.slice(0, 200);
    const range = fc
      .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([a, b]): NamespaceRange => (a <= b ? [a, b] : [b, a]));
    fc.assert(
      fc.property(range, range, (a, b) => {
        fc.pre(!rangesOverlap(a, b));
        const first = experiment({ key: 'one', namespace: { key: 'ns', range: a } });
        const second = experiment({ key: 'two', namespace: { key: 'ns', range: b } });
        return sample.every(
          (id) =>
            !(
              assignExperiment({ experiment: first, visitorId: id, consent: true }).inExperiment &&
              assignExperiment({ experiment: second, visitorId: id, consent: true }).inExperiment
            )
        );
      }),
      { numRuns: 100, seed: 24 }
    );
  });
});

describe('overlappingRange (the 409 on save)', () => {
  it('finds the first overlapping pair in the order given, the saved range first', () => {
    const saved = { key: 'new', range: [0.4, 0.6] as NamespaceRange };
    const others = [
      { key: 'left', range: [0, 0.4] as NamespaceRange },
      { key: 'right', range: [0.5, 1] as NamespaceRange },
    ];
    expect(overlappingRange([saved, ...others])).toEqual([saved, others[1]]);
    expect(overlappingRange(others)).toBeNull();
  });

  it('adjacent ranges and empty ranges do not overlap; nested and equal ones do', () => {
    expect(rangesOverlap([0, 0.5], [0.5, 1])).toBe(false);
    expect(rangesOverlap([0.2, 0.2], [0, 1])).toBe(false);
    expect(rangesOverlap([0, 1], [0.2, 0.3])).toBe(true);
    expect(rangesOverlap([0.1, 0.4], [0.1, 0.4])).toBe(true);
    expect(overlappingRange([])).toBeNull();
  });

  it('agrees with sharing a bucket: overlapping ranges share a point, others none (property)', () => {
    const range = fc
      .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }))
      .map(([a, b]): NamespaceRange => (a <= b ? [a / 20, b / 20] : [b / 20, a / 20]));
    fc.assert(
      fc.property(range, range, (a, b) => {
        // On the grid of 1/40 steps, the midpoints of 1/20 cells: a shared cell is a shared bucket.
        const shared = Array.from({ length: 20 }, (_, cell) => (cell + 0.5) / 20).some(
          (u) => inNamespaceRange(u, a) && inNamespaceRange(u, b)
        );
        return rangesOverlap(a, b) === shared;
      }),
      { numRuns: 500, seed: 7 }
    );
  });
});
