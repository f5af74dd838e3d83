/** Seeded random draws for the statistics simulations (tests/engine/stats-*simulation.test.ts). */

// Local aliases: global lookups are slow inside Jest's vm sandbox.
const { imul, pow } = Math;

/** mulberry32: a small seeded PRNG, uniform on [0, 1). */
export const prng = (seed: number) => {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = imul(state ^ (state >>> 15), 1 | state);
    t = (t + imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/**
 * Exact binomial draw by inversion of the CDF, O(n · min(p, 1 − p)) steps: for the few hundred trials these
 * simulations draw at once ((1 − p)ⁿ must not underflow: n · p ≲ 700).
 */
export const binomial = (random: () => number, n: number, p: number): number => {
  if (p <= 0 || n <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(random, n, 1 - p);
  const ratio = p / (1 - p);
  let probability = pow(1 - p, n);
  let cdf = probability;
  const u = random();
  let k = 0;
  while (u > cdf && k < n) {
    probability *= (ratio * (n - k)) / (k + 1);
    k += 1;
    cdf += probability;
  }
  return k;
};

/** Share of true flags. */
export const rate = (flags: readonly boolean[]) => flags.filter(Boolean).length / flags.length;
