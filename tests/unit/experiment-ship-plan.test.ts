/**
 * contracts/src/experiment-ship.ts: what shipping an arm does to the target entry's variants
 * (docs/experiments.md, "Shipping the winner"), and the route's body.
 */
import { shipBodySchema, shipPlan } from '../../contracts/src/experiment-ship';

const variant = (id: string, enabled = true) => ({ id, name: id.toUpperCase(), enabled, condition: null, overrides: { title: id } });

// The entry: its own variant before and after the arms' ones, and one that is disabled.
const entry = [variant('v_own'), variant('v_c'), variant('v_b1'), variant('v_off', false), variant('v_b2'), variant('v_tail')];
const arms = [
  { key: 'control', variants: [] },
  { key: 'b', variants: ['v_b2', 'v_b1'] },
  { key: 'c', variants: ['v_c', 'v_b1'] },
];

const ids = (variants: readonly { id: string; enabled?: boolean }[]) => variants.map((one) => `${one.id}${one.enabled === false ? ' (off)' : ''}`);

describe('shipPlan', () => {
  it("puts the arm's variants first in its order, disables the other arms' variants it does not list, leaves the rest", () => {
    const plan = shipPlan(entry, arms, 'b');
    expect(plan && ids(plan.variants)).toEqual(['v_b2', 'v_b1', 'v_own', 'v_c (off)', 'v_off (off)', 'v_tail']);
    expect(plan).toMatchObject({ first: ['v_b2', 'v_b1'], disabled: ['v_c'], keptDisabled: [], missing: [] });
  });

  it("carries every variant over whole (name, condition, overrides), and does not touch the input", () => {
    const before = JSON.stringify(entry);
    const plan = shipPlan(entry, arms, 'c');
    expect(plan?.variants.find((one) => one.id === 'v_b2')).toEqual({ ...variant('v_b2'), enabled: false });
    expect(plan?.variants.find((one) => one.id === 'v_own')).toBe(entry[0]);
    expect(JSON.stringify(entry)).toBe(before);
    // v_b1 is in both arms: shipping c keeps it enabled.
    expect(plan && ids(plan.variants)).toEqual(['v_c', 'v_b1', 'v_own', 'v_off (off)', 'v_b2 (off)', 'v_tail']);
  });

  it("shipping the control (no variants) disables every treatment's variants and keeps the order", () => {
    const plan = shipPlan(entry, arms, 'control');
    expect(plan && ids(plan.variants)).toEqual(['v_own', 'v_c (off)', 'v_b1 (off)', 'v_off (off)', 'v_b2 (off)', 'v_tail']);
    expect(plan).toMatchObject({ first: [], disabled: ['v_c', 'v_b1', 'v_b2'] });
  });

  it("enables nothing: an arm's disabled variant stays disabled (its visitors never got it), and is reported", () => {
    const plan = shipPlan(entry, [{ key: 'control', variants: [] }, { key: 'x', variants: ['v_off', 'v_gone', 'v_tail'] }], 'x');
    expect(plan && ids(plan.variants)).toEqual(['v_off (off)', 'v_tail', 'v_own', 'v_c', 'v_b1', 'v_b2']);
    expect(plan).toMatchObject({ first: ['v_off', 'v_tail'], disabled: [], keptDisabled: ['v_off'], missing: ['v_gone'] });
  });

  it('is null for an arm the experiment does not have', () => {
    expect(shipPlan(entry, arms, 'nope')).toBeNull();
  });
});

describe('shipBodySchema', () => {
  it('takes an arm key, nothing else', () => {
    expect(shipBodySchema.parse({ arm: 'b' })).toEqual({ arm: 'b' });
    expect(shipBodySchema.safeParse({}).success).toBe(false);
    expect(shipBodySchema.safeParse({ arm: 'B C' }).success).toBe(false);
    expect(shipBodySchema.safeParse({ arm: 'b', publish: false }).success).toBe(false);
  });
});
