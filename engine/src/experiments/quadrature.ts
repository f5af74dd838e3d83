/**
 * Gaussian quadrature rules, computed once by Newton's method on the orthonormal polynomials:
 *
 * - Gauss–Hermite: ∫ e^(−x²) f(x) dx ≈ Σᵢ wᵢ f(xᵢ), exact when f is a polynomial of degree ≤ 2n − 1.
 *   The orthonormal Hermite functions hₖ (h₀ = π^(−1/4), hₖ₊₁ = x·√(2/(k+1))·hₖ − √(k/(k+1))·hₖ₋₁)
 *   avoid the overflow of the physicists' Hₙ; the nodes are the zeros of hₙ, wᵢ = 2 / (√(2n)·hₙ₋₁(xᵢ))²
 *   (Numerical Recipes 3rd ed. §4.6, `gauher`, with its initial guesses). Weights come out with full
 *   relative precision even for the outer nodes (w ≈ 1e−105 at n = 128), which an eigenvector method
 *   (Golub–Welsch) would not give.
 * - Gauss–Legendre on [−1, 1] (the composite rule of bandit.ts for steep integrands).
 */

export interface QuadratureRule {
  /** Ascending. */
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

const PI_M4 = Math.pow(Math.PI, -0.25);

/** hₙ(x) and hₙ₋₁(x), orthonormal Hermite functions (weight e^(−x²)). */
export const hermiteOrthonormal = (n: number, x: number): [number, number] => {
  let p1 = PI_M4;
  let p2 = 0;
  for (let j = 0; j < n; j++) {
    const p3 = p2;
    p2 = p1;
    p1 = x * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
  }
  return [p1, p2];
};

/** The n-point Gauss–Hermite rule (weight e^(−x²)); nodes symmetric about 0, exactly. */
export const gaussHermite = (n: number): QuadratureRule => {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('gaussHermite: n must be a positive integer');
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const half = (n + 1) >> 1;
  const found: number[] = [];
  let z = 0;
  for (let i = 0; i < half; i++) {
    // Largest zero first (Numerical Recipes' initial guesses).
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * Math.pow(2 * n + 1, -0.16667);
    else if (i === 1) z -= (1.14 * Math.pow(n, 0.426)) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * found[0];
    else if (i === 3) z = 1.91 * z - 0.91 * found[1];
    else z = 2 * z - found[i - 2];
    for (let iteration = 0; iteration < 100; iteration++) {
      const [p, previous] = hermiteOrthonormal(n, z);
      const derivative = Math.sqrt(2 * n) * previous;
      const step = p / derivative;
      z -= step;
      if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(z))) break;
    }
    if (n % 2 === 1 && i === half - 1) z = 0;
    found.push(z);
    const derivative = Math.sqrt(2 * n) * hermiteOrthonormal(n, z)[1];
    const weight = 2 / (derivative * derivative);
    nodes[n - 1 - i] = z;
    nodes[i] = z === 0 ? 0 : -z;
    weights[i] = weight;
    weights[n - 1 - i] = weight;
  }
  return { nodes, weights };
};

/** The n-point Gauss–Legendre rule on [−1, 1]. */
export const gaussLegendre = (n: number): QuadratureRule => {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('gaussLegendre: n must be a positive integer');
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const half = (n + 1) >> 1;
  for (let i = 0; i < half; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j + 1) * z * p2 - j * p3) / (j + 1);
      }
      derivative = (n * (z * p1 - p2)) / (z * z - 1);
      const step = p1 / derivative;
      z -= step;
      if (Math.abs(step) <= 1e-16) break;
    }
    if (n % 2 === 1 && i === half - 1) z = 0;
    // Recompute the derivative at the final z.
    let p1 = 1;
    let p2 = 0;
    for (let j = 0; j < n; j++) {
      const p3 = p2;
      p2 = p1;
      p1 = ((2 * j + 1) * z * p2 - j * p3) / (j + 1);
    }
    derivative = (n * (z * p1 - p2)) / (z * z - 1);
    const weight = 2 / ((1 - z * z) * derivative * derivative);
    nodes[n - 1 - i] = z;
    nodes[i] = z === 0 ? 0 : -z;
    weights[i] = weight;
    weights[n - 1 - i] = weight;
  }
  return { nodes, weights };
};

let hermite128: QuadratureRule | undefined;

/** The 128-point Gauss–Hermite rule of docs/design.md, "Bandits", computed on first use and kept. */
export const gaussHermite128 = (): QuadratureRule => (hermite128 ??= gaussHermite(128));
