/**
 * The contextual policy's off-policy value (engine/src/contextual/policy.ts): the grouped sums the server keeps
 * give the same SNIPS estimate and interval as the definition applied unit by unit.
 */
import { prng } from '../../bench/contextual/simulate';
import { snipsEstimate, SNIPS_Z, type SnipsGroup } from '../../engine/src/contextual';

interface Unit {
  cell: string;
  arm: number;
  propensity: number;
  reward: number;
}

/** The definition, unit by unit: V = Σ wᵢyᵢ / Σ wᵢ, Var = Σ wᵢ²(yᵢ − V)² / (Σ wᵢ)². */
const direct = (units: readonly Unit[], policy: (cell: string, arm: number) => number) => {
  const weights = units.map((unit) => policy(unit.cell, unit.arm) / unit.propensity);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const value = units.reduce((sum, unit, index) => sum + weights[index] * unit.reward, 0) / total;
  const variance = units.reduce((sum, unit, index) => sum + weights[index] ** 2 * (unit.reward - value) ** 2, 0) / total ** 2;
  return { value, se: Math.sqrt(variance) };
};

const grouped = (units: readonly Unit[], policy: (cell: string, arm: number) => number): SnipsGroup[] => {
  const groups = new Map<string, SnipsGroup & { cell: string; arm: number }>();
  for (const unit of units) {
    const id = `${unit.cell}/${unit.arm}`;
    const group = groups.get(id) ?? {
      cell: unit.cell,
      arm: unit.arm,
      probability: policy(unit.cell, unit.arm),
      units: 0,
      inverse: 0,
      inverseSquares: 0,
      weightedSum: 0,
      weightedSum2: 0,
      weightedSquares2: 0,
    };
    const inverse = 1 / unit.propensity;
    groups.set(id, {
      ...group,
      units: group.units + 1,
      inverse: group.inverse + inverse,
      inverseSquares: group.inverseSquares + inverse * inverse,
      weightedSum: group.weightedSum + unit.reward * inverse,
      weightedSum2: group.weightedSum2 + unit.reward * inverse * inverse,
      weightedSquares2: group.weightedSquares2 + unit.reward * unit.reward * inverse * inverse,
    });
  }
  return [...groups.values()];
};

describe('snipsEstimate', () => {
  it('gives the hand-computed value of four units under a uniform policy', () => {
    const units: Unit[] = [
      { cell: 'a', arm: 0, propensity: 0.5, reward: 1 },
      { cell: 'a', arm: 1, propensity: 0.5, reward: 0 },
      { cell: 'b', arm: 0, propensity: 0.8, reward: 0 },
      { cell: 'b', arm: 1, propensity: 0.2, reward: 1 },
    ];
    const estimate = snipsEstimate(grouped(units, () => 0.5));
    // w = 1, 1, 0.625, 2.5: V = (1 + 2.5) / 5.125 = 28/41.
    expect(estimate.value).toBeCloseTo(28 / 41, 12);
    expect(estimate.units).toBe(4);
    // Σ w²(y − V)² = (13/41)²(1 + 6.25) + (28/41)²(1 + 0.390625), over 5.125².
    const se = Math.sqrt(((13 / 41) ** 2 * 7.25 + (28 / 41) ** 2 * 1.390625) / 5.125 ** 2);
    expect(estimate.ci![0]).toBeCloseTo(28 / 41 - SNIPS_Z * se, 12);
    expect(estimate.ci![1]).toBeCloseTo(28 / 41 + SNIPS_Z * se, 12);
  });

  it('matches the unit-by-unit definition on random logs, for a deterministic and a uniform policy', () => {
    const random = prng(7);
    const cells = ['m|0', 'm|1', 'd|0', 'd|1', 't|0'];
    const units: Unit[] = [];
    for (let index = 0; index < 5000; index++) {
      const cell = cells[Math.floor(random() * cells.length)];
      const weights = random() < 0.5 ? [0.2, 0.3, 0.5] : [0.6, 0.2, 0.2];
      const u = random();
      const arm = u < weights[0] ? 0 : u < weights[0] + weights[1] ? 1 : 2;
      const rate = 0.1 + 0.1 * arm + (cell.startsWith('m') ? 0.2 : 0);
      const reward = random() < rate ? (random() < 0.3 ? 2.5 : 1) : 0;
      units.push({ cell, arm, propensity: weights[arm], reward });
    }
    const greedy = (cell: string, arm: number) => (cell.startsWith('m') ? (arm === 2 ? 0.9 : 0.05) : arm === 1 ? 1 : 0);
    for (const policy of [() => 1 / 3, greedy]) {
      const expected = direct(
        units.filter((unit) => policy(unit.cell, unit.arm) > 0),
        policy
      );
      const estimate = snipsEstimate(grouped(units, policy));
      expect(estimate.value).toBeCloseTo(expected.value, 10);
      expect(estimate.ci![1] - estimate.value!).toBeCloseTo(SNIPS_Z * expected.se, 10);
    }
    // The deterministic part takes no unit of arm 0 or 2 outside mobile cells.
    expect(snipsEstimate(grouped(units, greedy)).units).toBe(
      units.filter((unit) => greedy(unit.cell, unit.arm) > 0).length
    );
  });

  it('has no value without units the policy weighs', () => {
    expect(snipsEstimate([])).toEqual({ value: null, ci: null, units: 0 });
  });
});
