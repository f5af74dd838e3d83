/**
 * Experiment assignment (docs/design.md, "Experiments", Assignment): engine/src/experiments/assign.ts.
 *
 * Bucket ranges and arm choice are GrowthBook's (growthbook/growthbook@8f1db4456915a8e7b7faf23d5632ca7219d2f469,
 * packages/sdk-js/src/util.ts getBucketRanges/chooseVariation), so their shared cases
 * (packages/sdk-js/test/cases.json, "getBucketRange" and "chooseVariation") are ported where they apply.
 * Not ported: GrowthBook's hash and inNamespace cases (FNV-1a; ours is MurmurHash3 x86_32 of
 * `key.visitorId`), and the getBucketRange cases whose weights do not sum to 1 or do not match the
 * number of variations (GrowthBook falls back to equal weights; our contract rejects such weights).
 */
import fc from 'fast-check';
import { murmur3String } from '../../engine/src';
import {
  assignExperiment,
  bucketRanges,
  chooseArm,
  experimentBucket,
  roundBucket,
  type AssignableExperiment,
  type BucketRange,
} from '../../engine/src/experiments';

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

const visitor = (index: number) => `visitor-${String(index).padStart(8, '0')}-abcdef`;

/** χ² statistic of observed counts against expected counts. */
const chiSquare = (observed: readonly number[], expected: readonly number[]) =>
  observed.reduce((sum, count, index) => sum + (count - expected[index]) ** 2 / expected[index], 0);

describe('bucketRanges (GrowthBook getBucketRange cases)', () => {
  // [name, [numVariations, coverage, weights | null], expected ranges]
  const cases: [string, [number, number, number[] | null], [number, number][]][] = [
    [
      'normal 50/50',
      [2, 1, null],
      [
        [0, 0.5],
        [0.5, 1],
      ],
    ],
    [
      'reduced coverage',
      [2, 0.5, null],
      [
        [0, 0.25],
        [0.5, 0.75],
      ],
    ],
    [
      'zero coverage',
      [2, 0, null],
      [
        [0, 0],
        [0.5, 0.5],
      ],
    ],
    [
      '4 variations',
      [4, 1, null],
      [
        [0, 0.25],
        [0.25, 0.5],
        [0.5, 0.75],
        [0.75, 1],
      ],
    ],
    [
      'uneven weights',
      [2, 1, [0.4, 0.6]],
      [
        [0, 0.4],
        [0.4, 1],
      ],
    ],
    [
      'uneven weights, 3 variations',
      [3, 1, [0.2, 0.3, 0.5]],
      [
        [0, 0.2],
        [0.2, 0.5],
        [0.5, 1],
      ],
    ],
    [
      'uneven weights, reduced coverage, 3 variations',
      [3, 0.2, [0.2, 0.3, 0.5]],
      [
        [0, 0.04],
        [0.2, 0.26],
        [0.5, 0.6],
      ],
    ],
    [
      'negative coverage',
      [2, -0.2, null],
      [
        [0, 0],
        [0.5, 0.5],
      ],
    ],
    [
      'coverage above 1',
      [2, 1.5, null],
      [
        [0, 0.5],
        [0.5, 1],
      ],
    ],
    [
      'weights sum almost equals 1',
      [2, 1, [0.4, 0.5999]],
      [
        [0, 0.4],
        [0.4, 0.9999],
      ],
    ],
  ];
  it.each(cases)('%s', (_name, [count, coverage, weights], expected) => {
    const ranges = bucketRanges(weights ?? new Array(count).fill(1 / count), coverage);
    expect(ranges).toHaveLength(expected.length);
    ranges.forEach(([start, end], index) => {
      expect(start).toBeCloseTo(expected[index][0], 12);
      expect(end).toBeCloseTo(expected[index][1], 12);
    });
  });

  it('NaN traffic is 0; negative and non-finite weights count as 0', () => {
    expect(bucketRanges([0.5, 0.5], NaN)).toEqual([
      [0, 0],
      [0.5, 0.5],
    ]);
    expect(bucketRanges([-1, 0.5, NaN, 0.5], 1)).toEqual([
      [0, 0],
      [0, 0.5],
      [0.5, 0.5],
      [0.5, 1],
    ]);
  });
});

describe('chooseArm (GrowthBook chooseVariation cases)', () => {
  const cases: [string, number, [number, number][], number][] = [
    [
      'even range, 0.2',
      0.2,
      [
        [0, 0.5],
        [0.5, 1],
      ],
      0,
    ],
    [
      'even range, 0.4',
      0.4,
      [
        [0, 0.5],
        [0.5, 1],
      ],
      0,
    ],
    [
      'even range, 0.6',
      0.6,
      [
        [0, 0.5],
        [0.5, 1],
      ],
      1,
    ],
    [
      'even range, 0.8',
      0.8,
      [
        [0, 0.5],
        [0.5, 1],
      ],
      1,
    ],
    [
      'even range, 0',
      0,
      [
        [0, 0.5],
        [0.5, 1],
      ],
      0,
    ],
    [
      'even range, 0.5',
      0.5,
      [
        [0, 0.5],
        [0.5, 1],
      ],
      1,
    ],
    [
      'reduced range, 0.2',
      0.2,
      [
        [0, 0.25],
        [0.5, 0.75],
      ],
      0,
    ],
    [
      'reduced range, 0.4',
      0.4,
      [
        [0, 0.25],
        [0.5, 0.75],
      ],
      -1,
    ],
    [
      'reduced range, 0.6',
      0.6,
      [
        [0, 0.25],
        [0.5, 0.75],
      ],
      1,
    ],
    [
      'reduced range, 0.8',
      0.8,
      [
        [0, 0.25],
        [0.5, 0.75],
      ],
      -1,
    ],
    [
      'reduced range, 0.25',
      0.25,
      [
        [0, 0.25],
        [0.5, 0.75],
      ],
      -1,
    ],
    [
      'reduced range, 0.5',
      0.5,
      [
        [0, 0.25],
        [0.5, 0.75],
      ],
      1,
    ],
    [
      'zero range',
      0.5,
      [
        [0, 0.5],
        [0.5, 0.5],
        [0.5, 1],
      ],
      2,
    ],
  ];
  it.each(cases)('%s', (_name, u, ranges, expected) => {
    expect(chooseArm(u, ranges as BucketRange[])).toBe(expected);
  });
});

describe('experimentBucket', () => {
  it('is murmur3_x86_32(key + "." + visitorId, seed 0) / 2^32', () => {
    for (const [key, id] of [
      ['hero-test', 'abcdefghijklmnop'],
      ['k', 'ABCDEFGHIJKLMNOP_-0123456789'],
      ['pricing_2026', visitor(42)],
    ]) {
      expect(experimentBucket(key, id)).toBe(murmur3String(`${key}.${id}`, 0) / 2 ** 32);
    }
  });

  it('known values (computed independently with a Python port of the reference MurmurHash3_x86_32)', () => {
    const known: [string, string, number][] = [
      ['hero-test', 'abcdefghijklmnop', 3765649008],
      ['pricing_2026', 'visitor-00000042-abcdef', 1469003377],
      ['k', 'ABCDEFGHIJKLMNOP_-0123456789', 1446972439],
      ['hero-test', 'visitor-00000007-abcdef', 14208537],
    ];
    for (const [key, id, hash] of known) expect(experimentBucket(key, id)).toBe(hash / 4294967296);
    expect(roundBucket(experimentBucket('hero-test', 'abcdefghijklmnop'))).toBe(0.8768);
  });

  it('is in [0, 1)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (key, id) => {
        const u = experimentBucket(key, id);
        return u >= 0 && u < 1;
      })
    );
  });

  it('rounds to 4 decimals for meta.personalize.experiments', () => {
    expect(roundBucket(0.46021234)).toBe(0.4602);
    expect(roundBucket(0.46025)).toBe(0.4603);
    expect(roundBucket(0)).toBe(0);
  });
});

describe('assignExperiment', () => {
  const id = visitor(7);

  it('not running → not in it, whatever else holds', () => {
    for (const status of ['draft', 'paused', 'stopped'] as const) {
      expect(assignExperiment({ experiment: experiment({ status }), visitorId: id, consent: true, sticky: 'b' })).toEqual({
        inExperiment: false,
        reason: 'not-running',
        bucket: null,
      });
    }
  });

  it('no visitor id → no-visitor', () => {
    for (const visitorId of [undefined, null, '']) {
      expect(assignExperiment({ experiment: experiment(), visitorId, consent: true, sticky: 'b' })).toEqual({
        inExperiment: false,
        reason: 'no-visitor',
        bucket: null,
      });
    }
  });

  it('no consent → no-consent, even with a sticky assignment', () => {
    expect(assignExperiment({ experiment: experiment(), visitorId: id, consent: false, sticky: 'b' })).toEqual({
      inExperiment: false,
      reason: 'no-consent',
      bucket: null,
    });
  });

  it('a sticky assignment wins over the condition, the traffic and the weights', () => {
    const bucket = roundBucket(experimentBucket('hero-test', id));
    const expected = { inExperiment: true, arm: 'b', reason: 'sticky', bucket };
    expect(assignExperiment({ experiment: experiment(), visitorId: id, consent: true, sticky: 'b', eligible: false })).toEqual(
      expected
    );
    expect(assignExperiment({ experiment: experiment({ traffic: 0 }), visitorId: id, consent: true, sticky: 'b' })).toEqual(
      expected
    );
    const moved = experiment({
      arms: [
        { key: 'control', weight: 1 },
        { key: 'b', weight: 0 },
      ],
    });
    expect(assignExperiment({ experiment: moved, visitorId: id, consent: true, sticky: 'b' })).toEqual(expected);
  });

  it('a sticky arm the experiment no longer has is ignored', () => {
    const result = assignExperiment({ experiment: experiment(), visitorId: id, consent: true, sticky: 'removed' });
    expect(result.reason).toBe('hash');
  });

  it('condition false → not-eligible, with the bucket', () => {
    expect(assignExperiment({ experiment: experiment(), visitorId: id, consent: true, eligible: false })).toEqual({
      inExperiment: false,
      reason: 'not-eligible',
      bucket: roundBucket(experimentBucket('hero-test', id)),
    });
  });

  it('hash: the arm whose range holds u; holdout outside every range', () => {
    const weights = [0.2, 0.3, 0.5];
    const arms = weights.map((weight, index) => ({ key: `arm${index}`, weight }));
    for (let index = 0; index < 1000; index++) {
      const visitorId = visitor(index);
      const u = experimentBucket('split', visitorId);
      for (const traffic of [0, 0.25, 0.5, 1]) {
        const result = assignExperiment({ experiment: experiment({ key: 'split', arms, traffic }), visitorId, consent: true });
        const expected = chooseArm(u, bucketRanges(weights, traffic));
        expect(result.bucket).toBe(roundBucket(u));
        if (expected < 0) expect(result).toEqual({ inExperiment: false, reason: 'holdout', bucket: roundBucket(u) });
        else expect(result).toEqual({ inExperiment: true, arm: `arm${expected}`, reason: 'hash', bucket: roundBucket(u) });
      }
    }
  });

  it('traffic 0 puts nobody in, traffic 1 everybody', () => {
    for (let index = 0; index < 500; index++) {
      expect(assignExperiment({ experiment: experiment({ traffic: 0 }), visitorId: visitor(index), consent: true }).reason).toBe(
        'holdout'
      );
      expect(
        assignExperiment({ experiment: experiment({ traffic: 1 }), visitorId: visitor(index), consent: true }).inExperiment
      ).toBe(true);
    }
  });

  it('raising traffic only adds visitors, never moves them (property)', () => {
    const arbWeights = fc
      .array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 8 })
      .map((raw) => raw.map((value) => value / raw.reduce((sum, item) => sum + item, 0)));
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9_-]{1,64}$/),
        fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/),
        arbWeights,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (key, visitorId, weights, first, second) => {
          const [low, high] = first <= second ? [first, second] : [second, first];
          const arms = weights.map((weight, index) => ({ key: `a${index}`, weight }));
          const before = assignExperiment({ experiment: experiment({ key, arms, traffic: low }), visitorId, consent: true });
          const after = assignExperiment({ experiment: experiment({ key, arms, traffic: high }), visitorId, consent: true });
          if (before.inExperiment) return after.inExperiment && after.arm === before.arm;
          return true;
        }
      ),
      { numRuns: 2000 }
    );
  });

  it('the same visitor gets the same answer every time, and a different key hashes independently', () => {
    const a = assignExperiment({ experiment: experiment({ key: 'one' }), visitorId: id, consent: true });
    expect(assignExperiment({ experiment: experiment({ key: 'one' }), visitorId: id, consent: true })).toEqual(a);
    expect(experimentBucket('one', id)).not.toBe(experimentBucket('two', id));
  });
});

describe('uniformity (100 000 visitor ids)', () => {
  const ids = Array.from({ length: 100_000 }, (_, index) => visitor(index));

  it('buckets are uniform: χ² over 100 bins below the 0.001 critical value (99 df: 148.23)', () => {
    const bins = new Array(100).fill(0);
    for (const visitorId of ids) bins[Math.floor(experimentBucket('hero-test', visitorId) * 100)] += 1;
    expect(chiSquare(bins, new Array(100).fill(1000))).toBeLessThan(148.23);
  });

  it('arms get their share: weights 0.2/0.3/0.5 at traffic 0.5 (χ², 3 df incl. holdout: below 16.27)', () => {
    const arms = [
      { key: 'a', weight: 0.2 },
      { key: 'b', weight: 0.3 },
      { key: 'c', weight: 0.5 },
    ];
    const counts: Record<string, number> = { a: 0, b: 0, c: 0, holdout: 0 };
    for (const visitorId of ids) {
      const result = assignExperiment({ experiment: experiment({ key: 'share', arms, traffic: 0.5 }), visitorId, consent: true });
      counts[result.arm ?? result.reason] += 1;
    }
    const observed = [counts.a, counts.b, counts.c, counts.holdout];
    expect(chiSquare(observed, [10_000, 15_000, 25_000, 50_000])).toBeLessThan(16.27);
  });

  it('two experiments bucket independently (χ² of a 10×10 table, 81 df: below 126.08)', () => {
    const table = new Array(100).fill(0);
    for (const visitorId of ids) {
      const first = Math.floor(experimentBucket('first', visitorId) * 10);
      const second = Math.floor(experimentBucket('second', visitorId) * 10);
      table[first * 10 + second] += 1;
    }
    const rows = Array.from({ length: 10 }, (_, r) => table.slice(r * 10, r * 10 + 10).reduce((sum, count) => sum + count, 0));
    const columns = Array.from({ length: 10 }, (_, c) => rows.reduce((sum, _row, r) => sum + table[r * 10 + c], 0));
    const expected = table.map((_, cell) => (rows[Math.floor(cell / 10)] * columns[cell % 10]) / ids.length);
    expect(chiSquare(table, expected)).toBeLessThan(126.08);
  });
});
