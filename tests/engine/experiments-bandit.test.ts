/**
 * Bandit weights (docs/design.md, "Experiments", Bandits): engine/src/experiments/{normal,quadrature,bandit}.ts.
 *
 * GrowthBook references (growthbook/growthbook@8f1db4456915a8e7b7faf23d5632ca7219d2f469):
 * - packages/stats/gbstats/bayesian/bandits.py (`Bandits`: prior, posterior, P(best), additive floor) and
 *   packages/stats/tests/test_gbstats.py `TestBanditMinVariationWeightFloor` (ported below);
 * - packages/back-end/src/integrations/sql/ctes/bandit-statistics-cte.ts (the period weighting).
 * gbstats' own bandit tests print no numbers (the two that did are skipped), so the "GrowthBook
 * reproduction" numbers below were computed by running GrowthBook's code at that commit on a fixed data
 * set: 3 600 users (3 arms × 3 periods with changing allocations, a gamma-distributed value and a 0/1
 * conversion, numpy seed 20260101); GrowthBook's SQL (getBanditStatisticsCTE, run in SQLite) reduced them
 * per arm, and gbstats' `BanditsSimple` (prior N(0, 1e4) proper, top_two False, min weight 0.01, seed 100)
 * gave the posteriors and its Monte Carlo P(best) with its 10⁴ draws and with 10⁶.
 */
import {
  armPosterior,
  BANDIT_PRIOR,
  floorWeights,
  nextBanditWeights,
  periodWeights,
  probabilityBest,
  type BanditArm,
} from '../../engine/src/experiments';
import { erfc, normalCdf, normalPdf } from '../../engine/src/stats/normal';
import { gaussHermite, gaussHermite128, gaussLegendre, hermiteOrthonormal } from '../../engine/src/experiments/quadrature';

const DAY = 86_400_000;

/** mulberry32: a small seeded PRNG. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** Monte Carlo P(best) with Box–Muller normals. */
const monteCarloBest = (arms: { mean: number; variance: number }[], draws: number, seed: number) => {
  const random = prng(seed);
  const wins = new Array(arms.length).fill(0);
  const sds = arms.map((arm) => Math.sqrt(arm.variance));
  let spare: number | null = null;
  const gaussian = () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const u = 1 - random();
    const v = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
  for (let draw = 0; draw < draws; draw++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let k = 0; k < arms.length; k++) {
      const value = arms[k].mean + sds[k] * gaussian();
      if (value > bestValue) {
        bestValue = value;
        best = k;
      }
    }
    wins[best] += 1;
  }
  return wins.map((count) => count / draws);
};

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

describe('normal distribution', () => {
  // Reference values: mpmath.ncdf at 40 digits, rounded to double.
  const cdf: [number, number][] = [
    [-37, 5.725571222524577e-300],
    [-30, 4.906713927148187e-198],
    [-20, 2.7536241186062337e-89],
    [-10, 7.619853024160525e-24],
    [-8, 6.220960574271784e-16],
    [-6, 9.86587645037698e-10],
    [-5, 2.866515718791939e-7],
    [-4, 3.1671241833119924e-5],
    [-3, 0.0013498980316300946],
    [-2, 0.02275013194817921],
    [-1.5, 0.06680720126885807],
    [-1, 0.15865525393145705],
    [-0.5, 0.3085375387259869],
    [-0.1, 0.460172162722971],
    [0, 0.5],
    [0.1, 0.539827837277029],
    [0.5, 0.6914624612740131],
    [1, 0.8413447460685429],
    [1.5, 0.9331927987311419],
    [2, 0.9772498680518208],
    [3, 0.9986501019683699],
    [5, 0.9999997133484281],
    [8, 0.9999999999999993],
  ];
  it.each(cdf)('Φ(%d)', (x, expected) => {
    expect(Math.abs(normalCdf(x) - expected)).toBeLessThanOrEqual(2e-16);
    // relative accuracy in the lower tail
    if (x < 0) expect(Math.abs(normalCdf(x) / expected - 1)).toBeLessThan(1e-14);
  });

  it('edge values', () => {
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(NaN)).toBeNaN();
    expect(erfc(0)).toBe(1);
    expect(normalPdf(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 15);
  });

  it('Φ(x) + Φ(−x) = 1 and Φ is increasing', () => {
    let previous = 0;
    for (let x = -12; x <= 12; x += 0.01) {
      expect(Math.abs(normalCdf(x) + normalCdf(-x) - 1)).toBeLessThan(4e-16);
      expect(normalCdf(x)).toBeGreaterThanOrEqual(previous);
      previous = normalCdf(x);
    }
  });
});

describe('Gauss–Hermite, 128 points', () => {
  const { nodes, weights } = gaussHermite128();

  it('128 nodes, ascending, symmetric about 0; weights positive', () => {
    expect(nodes).toHaveLength(128);
    for (let i = 0; i < 128; i++) {
      if (i > 0) expect(nodes[i]).toBeGreaterThan(nodes[i - 1]);
      expect(nodes[i]).toBe(-nodes[127 - i]);
      expect(weights[i]).toBe(weights[127 - i]);
      expect(weights[i]).toBeGreaterThan(0);
    }
    expect(gaussHermite128()).toBe(gaussHermite128()); // computed once
  });

  it('agrees with numpy.polynomial.hermite.hermgauss(128)', () => {
    expect(nodes[127]).toBeCloseTo(15.29181976688274, 13);
    expect(weights[127] / 1.7990659801093173e-102 - 1).toBeLessThan(1e-12);
    expect(nodes[64]).toBeCloseTo(0.09798382195581895, 14);
    expect(weights[64]).toBeCloseTo(0.19409761186408767, 14);
  });

  it('Σw = √π', () => {
    expect(Math.abs(sum(Array.from(weights)) - Math.sqrt(Math.PI))).toBeLessThan(1e-14);
  });

  it('the nodes are the zeros of h₁₂₈', () => {
    for (const x of nodes) {
      const [h, previous] = hermiteOrthonormal(128, x);
      expect(Math.abs(h / previous)).toBeLessThan(1e-12);
    }
  });

  it('exact on polynomials up to degree 255: Σ wᵢ·hₘ(xᵢ)·hₙ(xᵢ) = δₘₙ for m + n ≤ 255', () => {
    // hₖ at every node for k = 0..128 (orthonormal Hermite functions, weight e^(−x²))
    const table = Array.from({ length: 129 }, (_, k) => Array.from(nodes, (x) => hermiteOrthonormal(k, x)[0]));
    let worst = 0;
    for (let m = 0; m <= 128; m++) {
      for (let n = m; n <= 128 && m + n <= 255; n++) {
        let total = 0;
        for (let i = 0; i < 128; i++) total += weights[i] * table[m][i] * table[n][i];
        worst = Math.max(worst, Math.abs(total - (m === n ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-11);
    // ... and not beyond: h₁₂₈ vanishes at every node, so degree 256 fails.
    let square = 0;
    for (let i = 0; i < 128; i++) square += weights[i] * table[128][i] ** 2;
    expect(square).toBeLessThan(1e-20);
  });

  it('even moments: Σ wᵢ·xᵢ^(2k) = Γ(k + ½) for k ≤ 127; odd moments vanish', () => {
    let gamma = Math.sqrt(Math.PI); // Γ(½)
    for (let k = 0; k <= 127; k++) {
      let total = 0;
      let odd = 0;
      for (let i = 0; i < 128; i++) {
        total += weights[i] * nodes[i] ** (2 * k);
        odd += weights[i] * nodes[i] ** (2 * k + 1);
      }
      expect(Math.abs(total / gamma - 1)).toBeLessThan(1e-11);
      expect(Math.abs(odd / gamma)).toBeLessThan(1e-12);
      gamma *= k + 0.5; // Γ(k + 3/2) = (k + ½)·Γ(k + ½)
    }
  });

  it('small rules: n = 1, 2, 3 in closed form', () => {
    expect(Array.from(gaussHermite(1).nodes)).toEqual([0]);
    expect(gaussHermite(1).weights[0]).toBeCloseTo(Math.sqrt(Math.PI), 14);
    expect(gaussHermite(2).nodes[1]).toBeCloseTo(Math.SQRT1_2, 14);
    expect(gaussHermite(3).nodes[2]).toBeCloseTo(Math.sqrt(1.5), 14);
    expect(gaussHermite(3).weights[1]).toBeCloseTo((2 * Math.sqrt(Math.PI)) / 3, 14);
    expect(() => gaussHermite(0)).toThrow(RangeError);
  });
});

describe('Gauss–Legendre, 16 points', () => {
  it('Σw = 2 and exact on x^k for k ≤ 31', () => {
    const { nodes, weights } = gaussLegendre(16);
    expect(Math.abs(sum(Array.from(weights)) - 2)).toBeLessThan(1e-14);
    for (let k = 0; k <= 31; k++) {
      let total = 0;
      for (let i = 0; i < 16; i++) total += weights[i] * nodes[i] ** k;
      expect(Math.abs(total - (k % 2 === 0 ? 2 / (k + 1) : 0))).toBeLessThan(1e-14);
    }
  });
});

describe('probabilityBest', () => {
  it('two arms: Φ((μ₁ − μ₂)/√(σ₁² + σ₂²)), also with very different widths', () => {
    const cases: [number, number, number, number][] = [
      [0.05, 1e-4, 0.052, 1e-4],
      [1, 1, 0, 1],
      [0, 1, 3, 4],
      [0.1, 1e-4, 0.1, 1e-6],
      [0.1, 1e-4, 0.1003, 1e-6], // σ ratio 10
      [0, 1e4, 0.05, 1e-6], // a prior-only arm against a tight one (σ ratio 10⁵)
      [0.07, 1e-5, 0.3, 1e4],
      [5, 0, 4, 1], // a point mass
    ];
    for (const [m1, v1, m2, v2] of cases) {
      const [p1, p2] = probabilityBest([
        { mean: m1, variance: v1 },
        { mean: m2, variance: v2 },
      ]);
      const exact = normalCdf((m1 - m2) / Math.sqrt(v1 + v2));
      expect(Math.abs(p1 - exact)).toBeLessThan(1e-8);
      expect(Math.abs(p2 - (1 - exact))).toBeLessThan(1e-8);
    }
  });

  it('K arms: within 0.005 of a seeded Monte Carlo estimate (400 000 draws)', () => {
    const cases = [
      [
        { mean: 0.1, variance: 0.01 },
        { mean: 0.11, variance: 0.0001 },
        { mean: 0.105, variance: 0.000001 },
        { mean: 0.09, variance: 0.04 },
      ],
      [
        { mean: 3, variance: 4 },
        { mean: 2.9, variance: 0.0004 },
        { mean: 3.05, variance: 0.000004 },
        { mean: 2, variance: 9 },
        { mean: 3.2, variance: 1 },
      ],
      [
        { mean: 0.05, variance: 2e-5 },
        { mean: 0.055, variance: 2.5e-5 },
        { mean: 0.052, variance: 1.8e-5 },
      ],
      [
        { mean: 0, variance: BANDIT_PRIOR.variance },
        { mean: 0.04, variance: 1e-5 },
        { mean: 0.05, variance: 1e-5 },
      ],
    ];
    cases.forEach((arms, index) => {
      const exact = probabilityBest(arms);
      const estimate = monteCarloBest(arms, 400_000, 1234 + index);
      exact.forEach((p, k) => expect(Math.abs(p - estimate[k])).toBeLessThan(0.005));
      expect(Math.abs(sum(exact) - 1)).toBeLessThan(1e-9);
    });
  });

  it('agrees with adaptive quadrature (scipy.integrate.quad) to 1e-12 on 3–5 arms of mixed widths', () => {
    // Reference: quad of N(μₖ, σₖ²)(y)·Π Φ((y − μⱼ)/σⱼ) with breakpoints at every mean ± 1, 3 σ.
    const cases: [{ mean: number; variance: number }[], number[]][] = [
      [
        [
          { mean: 0.1, variance: 0.01 },
          { mean: 0.11, variance: 0.0001 },
          { mean: 0.105, variance: 0.000001 },
          { mean: 0.09, variance: 0.04 },
        ],
        [0.3071093988466137, 0.21282149924370258, 0.08535912477891987, 0.3947099771307639],
      ],
      [
        [
          { mean: 0.1, variance: 0.01 },
          { mean: 0.1, variance: 0.0001 },
          { mean: 0.1, variance: 0.01 },
        ],
        [0.37421209136869976, 0.25157581726260053, 0.37421209136869976],
      ],
      [
        [
          { mean: 3, variance: 4 },
          { mean: 2.9, variance: 0.0004 },
          { mean: 3.05, variance: 0.000004 },
          { mean: 2, variance: 9 },
          { mean: 3.2, variance: 1 },
        ],
        [0.3263701516009479, 6.067995182141173e-15, 0.14302163358825817, 0.2539728491332083, 0.2766353656775878],
      ],
    ];
    for (const [arms, expected] of cases) {
      probabilityBest(arms).forEach((p, k) => expect(Math.abs(p - expected[k])).toBeLessThan(1e-12));
    }
  });

  it('identical arms share evenly; one arm is best for sure; none is nothing', () => {
    const same = probabilityBest([1, 2, 3].map(() => ({ mean: 1, variance: 1 })));
    same.forEach((p) => expect(p).toBeCloseTo(1 / 3, 14));
    expect(probabilityBest([{ mean: 0, variance: 1 }])).toEqual([1]);
    expect(probabilityBest([])).toEqual([]);
    // point masses: the higher wins, a tie is shared
    expect(
      probabilityBest([
        { mean: 1, variance: 0 },
        { mean: 2, variance: 0 },
      ])
    ).toEqual([0, 1]);
    expect(
      probabilityBest([
        { mean: 1, variance: 0 },
        { mean: 1, variance: 0 },
      ])
    ).toEqual([0.5, 0.5]);
  });

  it('is deterministic', () => {
    const arms = [
      { mean: 0.1, variance: 0.01 },
      { mean: 0.12, variance: 0.02 },
    ];
    expect(probabilityBest(arms)).toEqual(probabilityBest(arms));
  });
});

describe('floorWeights (GrowthBook TestBanditMinVariationWeightFloor, ported)', () => {
  // gbstats' data: one dominant arm, so several raw Thompson weights fall below the floor.
  const arms: BanditArm[] = [
    [10, 2000],
    [20, 2000],
    [30, 2000],
    [300, 20000],
  ].map(([total, squares], index) => ({ key: `v${index}`, periods: [{ units: 1000, sum: total, sumSquares: squares }] }));
  const pBest = probabilityBest(arms.map((arm) => armPosterior(arm.periods, [1])));
  const pure = floorWeights(pBest, 0);

  it('the floor is additive on the simplex: pᵢ = f + (1 − n·f)·wᵢ', () => {
    const floored = floorWeights(pBest, 0.1);
    floored.forEach((p, index) => {
      expect(p).toBeGreaterThanOrEqual(0.1 - 1e-9);
      expect(Math.abs(p - (0.1 + (1 - 4 * 0.1) * pure[index]))).toBeLessThan(1e-9);
    });
    expect(Math.abs(sum(floored) - 1)).toBeLessThan(1e-9);
  });

  it('a zero floor is pure Thompson', () => {
    expect(Math.abs(sum(pure) - 1)).toBeLessThan(1e-9);
    pure.forEach((w) => expect(w).toBeGreaterThanOrEqual(-1e-12));
  });

  it('a floor too large falls back to uniform', () => {
    expect(floorWeights(pBest, 0.5)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(floorWeights(pBest, 0.25)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('a negative floor is clamped to zero', () => {
    const clamped = floorWeights(pBest, -0.3);
    clamped.forEach((w, index) => {
      expect(w).toBeGreaterThanOrEqual(-1e-12);
      expect(w).toBeLessThanOrEqual(1 + 1e-9);
      expect(Math.abs(w - pure[index])).toBeLessThan(1e-9);
    });
  });

  it('the default floor of docs/design.md: wₖ = 0.01 + 0.96·P(best)ₖ for 4 arms', () => {
    floorWeights(pBest, 0.01).forEach((w, index) => expect(w).toBeCloseTo(0.01 + 0.96 * (pBest[index] / sum(pBest)), 14));
  });

  it('weights with no mass are uniform', () => {
    expect(floorWeights([0, 0], 0.01)).toEqual([0.5, 0.5]);
    expect(floorWeights([], 0.01)).toEqual([]);
  });
});

describe('period weighting and posteriors', () => {
  it("one period: the arm's mean and s²/n; the posterior is the prior updated", () => {
    const posterior = armPosterior([{ units: 200, sum: 50, sumSquares: 50 }], [1]);
    const mean = 0.25;
    const variance = (50 - (50 * 50) / 200) / 199 / 200;
    expect(posterior.units).toBe(200);
    expect(posterior.dataMean).toBeCloseTo(mean, 15);
    expect(posterior.dataVariance).toBeCloseTo(variance, 15);
    const precision = 1 / BANDIT_PRIOR.variance + 1 / variance;
    expect(posterior.variance).toBeCloseTo(1 / precision, 15);
    expect(posterior.mean).toBeCloseTo(((1 / variance) * mean) / precision, 15);
  });

  it('an arm whose values are all equal (no conversions yet) keeps the prior, as gbstats', () => {
    expect(armPosterior([{ units: 500, sum: 0, sumSquares: 0 }], [1])).toEqual({
      units: 500,
      dataMean: 0,
      dataVariance: 0,
      mean: 0,
      variance: BANDIT_PRIOR.variance,
    });
  });

  it("GrowthBook's period weights: each period's share of all units, over every arm", () => {
    const arms: BanditArm[] = [
      {
        key: 'a',
        periods: [
          { units: 100, sum: 0, sumSquares: 0 },
          { units: 300, sum: 0, sumSquares: 0 },
        ],
      },
      {
        key: 'b',
        periods: [
          { units: 100, sum: 0, sumSquares: 0 },
          { units: 0, sum: 0, sumSquares: 0 },
          { units: 500, sum: 0, sumSquares: 0 },
        ],
      },
    ];
    expect(periodWeights(arms)).toEqual([0.2, 0.3, 0.5]);
    expect(periodWeights([{ key: 'a', periods: [{ units: 0, sum: 0, sumSquares: 0 }] }])).toEqual([0]);
  });

  it('explicit period weights are used as given', () => {
    const periods = [
      { units: 100, sum: 10, sumSquares: 10, weight: 0.25 },
      { units: 100, sum: 30, sumSquares: 30, weight: 0.75 },
    ];
    const arms: BanditArm[] = [
      { key: 'a', periods },
      { key: 'b', periods },
    ];
    const result = nextBanditWeights({ arms, now: 10 * DAY, startedAt: 0 });
    expect(result.posteriors[0].dataMean).toBeCloseTo(0.25 * 0.1 + 0.75 * 0.3, 15);
    const variance = 0.25 ** 2 * ((10 - 1) / 99 / 100) + 0.75 ** 2 * ((30 - 9) / 99 / 100);
    expect(result.posteriors[0].dataVariance).toBeCloseTo(variance, 15);
  });

  describe('GrowthBook reproduction (3 arms × 3 periods)', () => {
    // Per arm, per period: [units, Σy, Σy²]
    const value = [
      [
        [400, 390.8128, 563.23886542],
        [300, 347.7378, 606.38943502],
        [150, 147.5329, 220.38421249],
      ],
      [
        [400, 440.9029, 740.34710495],
        [700, 923.3922, 1831.42497082],
        [900, 953.911, 1572.7128424],
      ],
      [
        [400, 398.9233, 576.63356213],
        [200, 227.3869, 364.66948579],
        [150, 127.9282, 160.92394122],
      ],
    ];
    const conversion = [
      [
        [400, 24, 24],
        [300, 20, 20],
        [150, 13, 13],
      ],
      [
        [400, 25, 25],
        [700, 41, 41],
        [900, 82, 82],
      ],
      [
        [400, 33, 33],
        [200, 11, 11],
        [150, 13, 13],
      ],
    ];
    const toArms = (data: number[][][]): BanditArm[] =>
      data.map((periods, index) => ({
        key: String(index),
        periods: periods.map(([units, total, squares]) => ({ units, sum: total, sumSquares: squares })),
      }));

    it('value (a mean goal): posteriors equal gbstats to 1e-12, P(best) within its Monte Carlo error', () => {
      const result = nextBanditWeights({ arms: toArms(value), now: 30 * DAY, startedAt: 0 });
      const gbMean = [1.0399034773157563, 1.1604299794702557, 0.9956990713392149];
      const gbVariance = [0.0007523755336856713, 0.0003934922254651735, 0.0006784145047020503];
      result.posteriors.forEach((posterior, k) => {
        expect(Math.abs(posterior.mean / gbMean[k] - 1)).toBeLessThan(1e-12);
        expect(Math.abs(posterior.variance / gbVariance[k] - 1)).toBeLessThan(1e-12);
      });
      // gbstats, 10⁶ draws: [0.000187, 0.999812, 0.000001]; weights [0.01018139, 0.97981764, 0.01000097]
      [0.000187, 0.999812, 0.000001].forEach((p, k) => expect(Math.abs(result.pBest[k] - p)).toBeLessThan(0.0001));
      [0.01018139, 0.97981764, 0.01000097].forEach((w, k) => expect(Math.abs(result.weights[k] - w)).toBeLessThan(0.0001));
      expect(result.updated).toBe(true);
    });

    it('conversions through the period-weighted variance: posteriors equal gbstats, P(best) within 3 standard errors', () => {
      const result = nextBanditWeights({ arms: toArms(conversion), now: 30 * DAY, startedAt: 0 });
      const gbMean = [0.07111111041524955, 0.07072751297772713, 0.07472222140680777];
      const gbVariance = [9.785553242287082e-5, 3.531667919224235e-5, 0.00010912609774672557];
      result.posteriors.forEach((posterior, k) => {
        expect(Math.abs(posterior.mean / gbMean[k] - 1)).toBeLessThan(1e-12);
        expect(Math.abs(posterior.variance / gbVariance[k] - 1)).toBeLessThan(1e-12);
      });
      const se = (p: number, draws: number) => Math.sqrt((p * (1 - p)) / draws);
      // gbstats' default 10⁴ draws (seed 100), and 10⁶ draws
      [0.3002, 0.2158, 0.484].forEach((p, k) => expect(Math.abs(result.pBest[k] - p)).toBeLessThan(3 * se(p, 1e4)));
      [0.302066, 0.218636, 0.479298].forEach((p, k) => expect(Math.abs(result.pBest[k] - p)).toBeLessThan(3 * se(p, 1e6)));
      [0.30300402, 0.22207692, 0.47491906].forEach((w, k) => expect(Math.abs(result.weights[k] - w)).toBeLessThan(0.002));
    });
  });
});

describe('nextBanditWeights: the rules', () => {
  const arm = (key: string, units: number, rate: number, weight?: number): BanditArm => ({
    key,
    weight,
    periods: [{ units, sum: Math.round(units * rate), sumSquares: Math.round(units * rate) }],
  });
  const started = 1_700_000_000_000;

  it('no start → not-started; the current weights are kept, P(best) is still computed', () => {
    const result = nextBanditWeights({ arms: [arm('a', 500, 0.1, 0.7), arm('b', 500, 0.2, 0.3)], now: started, startedAt: null });
    expect(result).toMatchObject({ updated: false, reason: 'not-started', weights: [0.7, 0.3] });
    expect(result.pBest[1]).toBeGreaterThan(0.99);
  });

  it('burn-in: no update before startedAt + burnInMinutes (default 1440), one at that instant', () => {
    const arms = [arm('a', 500, 0.1), arm('b', 500, 0.2)];
    expect(nextBanditWeights({ arms, now: started + DAY - 1, startedAt: started })).toMatchObject({
      updated: false,
      reason: 'burn-in',
      weights: [0.5, 0.5],
    });
    expect(nextBanditWeights({ arms, now: started + DAY, startedAt: started }).updated).toBe(true);
    expect(nextBanditWeights({ arms, now: started + 60_000, startedAt: started, config: { burnInMinutes: 1 } }).updated).toBe(
      true
    );
  });

  it('every arm needs minUnitsPerArm units (default 100)', () => {
    const now = started + 2 * DAY;
    expect(nextBanditWeights({ arms: [arm('a', 99, 0.1), arm('b', 5000, 0.2)], now, startedAt: started })).toMatchObject({
      updated: false,
      reason: 'not-enough-units',
    });
    expect(nextBanditWeights({ arms: [arm('a', 100, 0.1), arm('b', 5000, 0.2)], now, startedAt: started }).updated).toBe(true);
    expect(
      nextBanditWeights({ arms: [arm('a', 10, 0.1), arm('b', 10, 0.2)], now, startedAt: started, config: { minUnitsPerArm: 10 } })
        .updated
    ).toBe(true);
    // units over all periods count
    const split: BanditArm = {
      key: 'a',
      periods: [
        { units: 60, sum: 6, sumSquares: 6 },
        { units: 40, sum: 4, sumSquares: 4 },
      ],
    };
    expect(nextBanditWeights({ arms: [split, arm('b', 100, 0.2)], now, startedAt: started }).updated).toBe(true);
  });

  it('an update: weights = f + (1 − K·f)·P(best), each ≥ f, summing to 1; undefined overrides keep the defaults', () => {
    const arms = [arm('a', 1000, 0.1), arm('b', 1000, 0.12), arm('c', 1000, 0.3)];
    const result = nextBanditWeights({ arms, now: started + 2 * DAY, startedAt: started, config: { minWeight: undefined } });
    expect(result.updated).toBe(true);
    expect(result.reason).toBeUndefined();
    result.weights.forEach((w, k) => {
      expect(w).toBeGreaterThanOrEqual(0.01);
      expect(w).toBeCloseTo(0.01 + 0.97 * (result.pBest[k] / sum(result.pBest)), 14);
    });
    expect(Math.abs(sum(result.weights) - 1)).toBeLessThan(1e-12);
    expect(result.weights[2]).toBeCloseTo(0.98, 6);
    const floored = nextBanditWeights({ arms, now: started + 2 * DAY, startedAt: started, config: { minWeight: 0.1 } });
    expect(floored.weights[0]).toBeCloseTo(0.1, 6);
  });

  it('no arms is an error', () => {
    expect(() => nextBanditWeights({ arms: [], now: 0, startedAt: 0 })).toThrow(RangeError);
  });
});
