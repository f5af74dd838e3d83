/**
 * Guardrails: the verdict on a comparison (engine/src/stats/guardrail.ts: harmful when the sequential interval is
 * wholly on the harmful side) and the bandit rule (engine/src/experiments/bandit.ts: an arm that harms a guardrail
 * gains no weight).
 */
import { guardrailWeights, nextBanditWeights, type BanditArm } from '../../engine/src/experiments';
import { compareArms, compareArmsCuped, guardrailVerdict, type SufficientStats } from '../../engine/src/stats';

const conversions = (units: number, converted: number): SufficientStats => ({ units, sum: converted, sumSquares: converted });

describe('guardrailVerdict', () => {
  // Add-to-cart rate 10 % in control; the treatment's falls to 8 % (a sequential interval wholly below 0), or to
  // 9.6 % (an interval across 0).
  const control = conversions(20_000, 2000);
  const dropped = compareArms('conversion', control, conversions(20_000, 1600));
  const dipped = compareArms('conversion', control, conversions(20_000, 1920));

  it('a goal that should increase is harmed when the sequential interval is wholly below 0', () => {
    if (!dropped.ok) throw new Error('no result');
    expect(dropped.relative.sequential.ci[1]).toBeLessThan(0);
    expect(guardrailVerdict(dropped, 'increase')).toBe('harmful');
    expect(guardrailVerdict(dropped, 'decrease')).toBe('ok');
  });

  it('an interval across 0 harms nothing, whichever the direction', () => {
    if (!dipped.ok) throw new Error('no result');
    expect(dipped.relative.sequential.ci[0]).toBeLessThan(0);
    expect(dipped.relative.sequential.ci[1]).toBeGreaterThan(0);
    expect(guardrailVerdict(dipped, 'increase')).toBe('ok');
    expect(guardrailVerdict(dipped, 'decrease')).toBe('ok');
  });

  it('a goal that should decrease (errors, bounces) is harmed when the interval is wholly above 0', () => {
    const errors = compareArms('conversion', conversions(20_000, 400), conversions(20_000, 600));
    expect(guardrailVerdict(errors, 'decrease')).toBe('harmful');
    expect(guardrailVerdict(errors, 'increase')).toBe('ok');
  });

  it('uses the sequential interval, not the fixed-horizon one', () => {
    // Fixed-horizon significant (p < 0.05) but the sequential interval still crosses 0.
    const early = compareArms('conversion', conversions(3000, 300), conversions(3000, 250));
    if (!early.ok) throw new Error('no result');
    expect(early.relative.ci[1]).toBeLessThan(0);
    expect(early.relative.sequential.ci[1]).toBeGreaterThan(0);
    expect(guardrailVerdict(early, 'increase')).toBe('ok');
  });

  it('reads a CUPED comparison on its adjusted interval; no comparison → no-result', () => {
    const cuped = compareArmsCuped(
      'conversion',
      { ...control, preSum: 3000, preSumSquares: 3000, crossSum: 1200 },
      { ...conversions(20_000, 1600), preSum: 3000, preSumSquares: 3000, crossSum: 1000 }
    );
    if (!cuped.ok) throw new Error('no result');
    expect(guardrailVerdict(cuped, 'increase')).toBe(cuped.relative.sequential.ci[1] < 0 ? 'harmful' : 'ok');
    expect(guardrailVerdict(cuped, 'increase')).toBe('harmful');
    expect(guardrailVerdict({ ok: false, reason: 'no-units' }, 'increase')).toBe('no-result');
  });
});

describe('guardrailWeights', () => {
  it('caps a harmful arm at its current weight and gives the excess to the others in proportion', () => {
    const weights = guardrailWeights([0.1, 0.2, 0.7], [1 / 3, 1 / 3, 1 / 3], [false, false, true]);
    expect(weights[2]).toBeCloseTo(1 / 3, 15);
    const excess = 0.7 - 1 / 3;
    expect(weights[0]).toBeCloseTo(0.1 + (excess * 0.1) / 0.3, 15);
    expect(weights[1]).toBeCloseTo(0.2 + (excess * 0.2) / 0.3, 15);
    expect(weights.reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(1, 15);
  });

  it('a harmful arm may lose weight; with nothing harmful gaining the new weights are kept as they are', () => {
    expect(guardrailWeights([0.6, 0.3, 0.1], [0.2, 0.3, 0.5], [false, false, true])).toEqual([0.6, 0.3, 0.1]);
    expect(guardrailWeights([0.6, 0.4], [0.5, 0.5], [false, false])).toEqual([0.6, 0.4]);
  });

  it('when only harmful arms could take the excess, the current weights stay', () => {
    expect(guardrailWeights([0.2, 0.8], [0.5, 0.5], [true, true])).toEqual([0.5, 0.5]);
  });
});

describe('nextBanditWeights with a harmful arm', () => {
  const DAY = 86_400_000;
  const arm = (key: string, rate: number, harmful?: boolean): BanditArm => ({
    key,
    weight: 1 / 3,
    harmful,
    periods: [{ units: 2000, sum: 2000 * rate, sumSquares: 2000 * rate }],
  });

  it('the best arm gains weight unless it harms a guardrail; then it keeps its weight and the others share the rest', () => {
    const free = nextBanditWeights({ arms: [arm('a', 0.1), arm('b', 0.11), arm('c', 0.14)], now: 2 * DAY, startedAt: 0 });
    expect(free.updated).toBe(true);
    expect(free.weights[2]).toBeGreaterThan(0.9);
    const guarded = nextBanditWeights({
      arms: [arm('a', 0.1), arm('b', 0.11), arm('c', 0.14, true)],
      now: 2 * DAY,
      startedAt: 0,
    });
    expect(guarded.weights[2]).toBeCloseTo(1 / 3, 15);
    expect(guarded.weights).toEqual(guardrailWeights(free.weights, [1 / 3, 1 / 3, 1 / 3], [false, false, true]));
    expect(guarded.pBest).toEqual(free.pBest);
    expect(guarded.weights.reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(1, 15);
    expect(Math.min(...guarded.weights)).toBeGreaterThanOrEqual(0.01);
  });
});
