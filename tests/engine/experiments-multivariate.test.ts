/**
 * Multivariate experiments: per-factor assignment by independent hashes (engine/src/experiments/multivariate.ts)
 * and the factorial results (engine/src/stats/factorial.ts): main effects that are exactly the A/B comparisons of
 * the pooled counts, interactions as differences in differences, and the best cell. Shares are checked with χ²
 * against the 0.1 % points (16.27 with 3 degrees of freedom, 10.83 with 1) over fixed visitor ids.
 */
import { murmur3String } from '../../engine/src';
import { assignFactors, checkFactors, experimentBucket, factorBucket, type Factor } from '../../engine/src/experiments';
import {
  armStatistic,
  cellKey,
  compareArms,
  differenceInDifferences,
  factorialCells,
  factorialResults,
  studentTQuantile,
  type SufficientStats,
} from '../../engine/src/stats';

const visitor = (index: number) => `visitor-${String(index).padStart(8, '0')}-abcdef`;
const VISITORS = Array.from({ length: 20_000 }, (_, index) => visitor(index));

const chiSquareEqual = (observed: readonly number[]) => {
  const expected = observed.reduce((sum, count) => sum + count, 0) / observed.length;
  return observed.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
};

const factor = (key: string, ...levels: string[]): Factor => ({ key, levels: levels.map((level) => ({ key: level })) });
const HEADLINE = factor('headline', 'h0', 'h1');
const BUTTON = factor('button', 'b0', 'b1');

describe('assignFactors', () => {
  it('hashes each factor by murmur3(key + "." + factor + "." + visitor id), level ⌊u · levels⌋', () => {
    const colour = factor('colour', 'red', 'green', 'blue');
    for (const id of VISITORS.slice(0, 100)) {
      const u = murmur3String(`hero.colour.${id}`) / 2 ** 32;
      expect(factorBucket('hero', 'colour', id)).toBe(u);
      const assignment = assignFactors('hero', [colour], id, 1);
      expect(assignment.levels).toEqual({ colour: colour.levels[Math.floor(u * 3)].key });
    }
  });

  it('is stable, keys the arm as the cell, and takes the visitor when the experiment hash is below traffic', () => {
    for (const id of VISITORS.slice(0, 500)) {
      const assignment = assignFactors('hero', [HEADLINE, BUTTON], id, 0.6);
      expect(assignFactors('hero', [HEADLINE, BUTTON], id, 0.6)).toEqual(assignment);
      expect(assignment.inExperiment).toBe(experimentBucket('hero', id) < 0.6);
      if (assignment.inExperiment) {
        expect(assignment.arm).toBe(`${assignment.levels?.headline}|${assignment.levels?.button}`);
        // Raising traffic only adds visitors, and keeps their cell.
        expect(assignFactors('hero', [HEADLINE, BUTTON], id, 0.9)).toEqual(assignment);
      }
    }
    expect(assignFactors('hero', [HEADLINE], VISITORS[0], 0).inExperiment).toBe(false);
  });

  it('splits a 2×2 evenly into its four cells, and each factor evenly whatever the other’s level (independent hashes)', () => {
    const counts = new Map<string, number>();
    for (const id of VISITORS) {
      const { arm } = assignFactors('hero', [HEADLINE, BUTTON], id, 1);
      counts.set(arm ?? '', (counts.get(arm ?? '') ?? 0) + 1);
    }
    const cells = factorialCells([HEADLINE, BUTTON]).map((cell) => counts.get(cellKey(cell)) ?? 0);
    expect(cells.reduce((sum, count) => sum + count, 0)).toBe(VISITORS.length);
    expect(chiSquareEqual(cells)).toBeLessThan(16.27);
    // Within each headline level, the button levels split evenly.
    expect(chiSquareEqual(cells.slice(0, 2))).toBeLessThan(10.83);
    expect(chiSquareEqual(cells.slice(2, 4))).toBeLessThan(10.83);
  });

  it('levels do not depend on the experiment hash: among the first 30 % by traffic, four levels still split evenly', () => {
    const four = factor('layout', 'l0', 'l1', 'l2', 'l3');
    const counts = [0, 0, 0, 0];
    for (const id of VISITORS) {
      const assignment = assignFactors('hero', [four], id, 0.3);
      if (assignment.inExperiment) counts[Number(assignment.levels?.layout.slice(1))] += 1;
    }
    expect(chiSquareEqual(counts)).toBeLessThan(16.27);
  });

  it('checkFactors: 1 to 3 factors of 1 to 4 levels, unique keys', () => {
    expect(() => checkFactors([HEADLINE, BUTTON])).not.toThrow();
    expect(() => checkFactors([])).toThrow(RangeError);
    expect(() => checkFactors([HEADLINE, BUTTON, factor('c', 'x'), factor('d', 'y')])).toThrow(/1 to 3 factors/);
    expect(() => checkFactors([factor('a', 'l0', 'l1', 'l2', 'l3', 'l4')])).toThrow(/1 to 4 levels/);
    expect(() => checkFactors([factor('a', 'x'), factor('a', 'y')])).toThrow(/unique/);
    expect(() => checkFactors([factor('a', 'x', 'x')])).toThrow(/unique/);
  });
});

const conversions = (units: number, converted: number): SufficientStats => ({ units, sum: converted, sumSquares: converted });
const add = (...parts: SufficientStats[]): SufficientStats => ({
  units: parts.reduce((sum, part) => sum + part.units, 0),
  sum: parts.reduce((sum, part) => sum + part.sum, 0),
  sumSquares: parts.reduce((sum, part) => sum + part.sumSquares, 0),
});

describe('factorialResults: a 2×2', () => {
  // Unequal cells, so pooling weighs each by its units.
  const cells: Record<string, SufficientStats> = {
    'h0|b0': conversions(1000, 100),
    'h0|b1': conversions(1100, 132),
    'h1|b0': conversions(950, 114),
    'h1|b1': conversions(1020, 153),
  };
  const results = factorialResults('conversion', [HEADLINE, BUTTON], cells);

  it('each main effect equals the A/B comparison of the pooled counts, exactly', () => {
    const [headline, button] = results.factors;
    expect(headline.effects).toEqual([
      {
        level: 'h1',
        baseline: 'h0',
        result: compareArms('conversion', add(cells['h0|b0'], cells['h0|b1']), add(cells['h1|b0'], cells['h1|b1'])),
      },
    ]);
    expect(button.effects).toEqual([
      {
        level: 'b1',
        baseline: 'b0',
        result: compareArms('conversion', add(cells['h0|b0'], cells['h1|b0']), add(cells['h0|b1'], cells['h1|b1'])),
      },
    ]);
    expect(headline.levels).toEqual([
      { key: 'h0', units: 2100, sum: 232, sumSquares: 232, mean: 232 / 2100 },
      { key: 'h1', units: 1970, sum: 267, sumSquares: 267, mean: 267 / 1970 },
    ]);
  });

  it('the interaction is the difference in differences with its Welch t interval', () => {
    expect(results.interactions).toHaveLength(1);
    const [interaction] = results.interactions;
    expect(interaction.factors).toEqual(['headline', 'button']);
    expect(interaction.levels).toEqual(['h1', 'b1']);
    if (!interaction.result.ok) throw new Error('no interaction result');
    const p = { base: 100 / 1000, second: 132 / 1100, first: 114 / 950, both: 153 / 1020 };
    expect(interaction.result.estimate).toBeCloseTo(p.both - p.second - (p.first - p.base), 15);
    const parts = [
      [p.base, 1000],
      [p.second, 1100],
      [p.first, 950],
      [p.both, 1020],
    ].map(([rate, n]) => (rate * (1 - rate)) / n);
    const variance = parts.reduce((sum, part) => sum + part, 0);
    expect(interaction.result.standardError).toBeCloseTo(Math.sqrt(variance), 15);
    const units = [1000, 1100, 950, 1020];
    const dof = variance ** 2 / parts.reduce((sum, part, index) => sum + part ** 2 / (units[index] - 1), 0);
    expect(interaction.result.degreesOfFreedom).toBeCloseTo(dof, 9);
    const half = studentTQuantile(0.975, dof) * Math.sqrt(variance);
    expect(interaction.result.ci[0]).toBeCloseTo(interaction.result.estimate - half, 12);
    expect(interaction.result.ci[1]).toBeCloseTo(interaction.result.estimate + half, 12);
    expect(interaction.result.pValue).toBeGreaterThan(0.05); // 0.0062 on a standard error of 0.0185
  });

  it('the best cell is the highest mean', () => {
    expect(results.bestCell).toEqual({ arm: 'h1|b1', levels: ['h1', 'b1'], units: 1020, mean: 153 / 1020 });
  });

  it('additive cell means have no interaction: estimate 0 and an interval around it; a real one is found', () => {
    const additive = factorialResults('conversion', [HEADLINE, BUTTON], {
      'h0|b0': conversions(10_000, 1000),
      'h0|b1': conversions(10_000, 1200),
      'h1|b0': conversions(10_000, 1500),
      'h1|b1': conversions(10_000, 1700),
    }).interactions[0].result;
    if (!additive.ok) throw new Error('no result');
    expect(additive.estimate).toBeCloseTo(0, 15);
    expect(additive.ci[0]).toBeLessThan(0);
    expect(additive.ci[1]).toBeGreaterThan(0);
    const synergy = factorialResults('conversion', [HEADLINE, BUTTON], {
      'h0|b0': conversions(10_000, 1000),
      'h0|b1': conversions(10_000, 1000),
      'h1|b0': conversions(10_000, 1000),
      'h1|b1': conversions(10_000, 1500),
    }).interactions[0].result;
    if (!synergy.ok) throw new Error('no result');
    expect(synergy.estimate).toBeCloseTo(0.05, 15);
    expect(synergy.ci[0]).toBeGreaterThan(0);
    expect(synergy.pValue).toBeLessThan(0.001);
  });
});

describe('factorialResults: 2×3×2 and missing cells', () => {
  const A = factor('a', 'a0', 'a1');
  const B = factor('b', 'b0', 'b1', 'b2');
  const C = factor('c', 'c0', 'c1');
  const factors = [A, B, C];
  // Mean goal counters per cell: units, Σy, Σy² from a rule of the cell's position.
  const cells: Record<string, SufficientStats> = Object.fromEntries(
    factorialCells(factors).map((cell, index) => {
      const units = 200 + 13 * index;
      const sum = units * (5 + index * 0.3);
      return [cellKey(cell), { units, sum, sumSquares: (sum * sum) / units + 40 * (units - 1) }];
    })
  );

  it('lists the cells in factor order and every pairwise interaction of non-first levels', () => {
    expect(factorialCells(factors)).toHaveLength(12);
    expect(factorialCells(factors)[0]).toEqual(['a0', 'b0', 'c0']);
    expect(factorialCells(factors)[1]).toEqual(['a0', 'b0', 'c1']);
    const results = factorialResults('mean', factors, cells);
    expect(results.interactions.map((i) => `${i.factors.join('×')}:${i.levels.join(',')}`)).toEqual([
      'a×b:a1,b1',
      'a×b:a1,b2',
      'a×c:a1,c1',
      'b×c:b1,c1',
      'b×c:b2,c1',
    ]);
  });

  it("b's main effects pool over a and c and equal the pooled A/B comparisons", () => {
    const results = factorialResults('mean', factors, cells);
    const poolB = (level: string) =>
      add(
        ...factorialCells(factors)
          .filter((cell) => cell[1] === level)
          .map((cell) => cells[cellKey(cell)])
      );
    expect(results.factors[1].effects.map((effect) => effect.result)).toEqual([
      compareArms('mean', poolB('b0'), poolB('b1')),
      compareArms('mean', poolB('b0'), poolB('b2')),
    ]);
    expect(results.factors[1].levels[2].mean).toBeCloseTo(armStatistic('mean', poolB('b2')).mean, 15);
  });

  it('without counts: no results and no best cell', () => {
    const results = factorialResults('conversion', [HEADLINE, BUTTON], {});
    expect(results.bestCell).toBeNull();
    expect(results.factors[0].effects[0].result).toEqual({ ok: false, reason: 'no-units' });
    expect(results.interactions[0].result).toEqual({ ok: false, reason: 'no-units' });
    expect(
      differenceInDifferences('conversion', {
        base: conversions(10, 0),
        first: conversions(10, 0),
        second: conversions(10, 0),
        both: conversions(10, 0),
      })
    ).toEqual({ ok: false, reason: 'zero-variance' });
  });
});
