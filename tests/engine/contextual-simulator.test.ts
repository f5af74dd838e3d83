/**
 * A small seeded run of the contextual bandit's simulator (bench/contextual/simulate.ts; the full run is
 * `npm run bench -- contextual`, docs/experiments.md): on the same 40,000 visitors, the tree earns more than the
 * plain bandit when the best arm depends on the context, and stays one leaf when it does not.
 */
import { SCENARIOS, simulate } from '../../bench/contextual/simulate';

const scenario = (name: string) => {
  const found = SCENARIOS.find((entry) => entry.name === name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
};

describe('contextual simulator (smoke)', () => {
  it('interaction: the tree finds the segments and regrets much less than the plain bandit and uniform', () => {
    const result = simulate(scenario('interaction'), {
      events: 40_000,
      refitEvery: 1000,
      seed: 2,
      policies: ['uniform', 'thompson', 'tree'],
    });
    const { tree, thompson, uniform } = result.policies;
    expect(tree!.regret).toBeLessThan(0.7 * thompson!.regret);
    expect(tree!.regret).toBeLessThan(0.5 * uniform!.regret);
    expect(result.leaves).toBeGreaterThanOrEqual(3);
    expect(result.leafAgreement).toBeGreaterThan(0.9);
    expect(tree!.conversions).toBeGreaterThan(thompson!.conversions);
  });

  it("no-context: one leaf whose weights are the plain bandit's, so it serves what the plain bandit serves", () => {
    const result = simulate(scenario('no-context'), {
      events: 40_000,
      refitEvery: 1000,
      seed: 1,
      policies: ['thompson', 'tree'],
    });
    expect(result.leaves).toBe(1);
    expect(result.leafAgreement).toBeCloseTo(1, 9);
    expect(result.policies.tree!.regret).toBeCloseTo(result.policies.thompson!.regret, 6);
  });
});
