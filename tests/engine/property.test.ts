/**
 * Random rules over every standard operator and random data, engine vs json-logic-js 2.0.5, case by case:
 * exact deep equality (NaN, -0, undefined), and when json-logic-js throws the engine throws too.
 *
 * Intentional differences are kept out of the generated space with clear predicates:
 * - arities the engine refuses at compile time (documented in docs/engine.md) are not generated:
 *   `*` without operands, `missing_some` with fewer than 2, map/filter/reduce/all/none/some and `in`
 *   with fewer than 2;
 * - data keys never name prototype members (`constructor`, `toString`, `__proto__`...): safety.test.ts
 *   covers those;
 * - a case is skipped when the rule uses `missing`/`missing_some` and the data contains an object with
 *   exactly one key: json-logic-js would re-evaluate that data value as a rule.
 */
import fc from 'fast-check';
import jsonLogic from 'json-logic-js';
import { explain, type Rule } from '../../engine/src';
import { exactlyEqual, run, show } from './helpers';
import { BACKENDS, engineFor, SEMANTICS } from './backends';

describe.each(BACKENDS)('%s backend', (backend) => {
  // json-logic-js's exact semantics; the product's default is checked against a rewritten rule below
  const { compile } = engineFor(backend, 'json-logic-js');
  const product = engineFor(backend);

  const NUMBERS = [0, -0, 1, -1, 2, 3, 10, 0.5, -2.5, 1e21, 100];
  const STRINGS = ['', 'a', 'b', 'abc', 'ab', '0', '1', '2', '10', '1.5', '-3', ' 2 ', '1e3', '0x10', 'true', 'null', 'xs', 'a.b'];
  const DATA_KEYS = ['a', 'b', 'c', 'n', 's', 'xs', 'o', 'k', '0', '1', 'current', 'accumulator'];
  const VAR_PATHS: unknown[] = ['', 'a', 'o.b.c.d', 'a.b.c.d.e', 'b', 'c', 'n', 's', 'xs', 'o', 'k', 'a.b', 'a.c', 'o.a', 'o.b.c', 'xs.0', 'xs.1', 'xs.length', 's.length', 's.0', '0', '1', 'current', 'accumulator', 'current.a', 'missing.key', 0, 1, null];

  const literal = fc.oneof(
    fc.constantFrom(...NUMBERS),
    fc.integer({ min: -5, max: 12 }),
    fc.constantFrom(...STRINGS),
    fc.boolean(),
    fc.constant(null),
  );

  /** Every standard operator with the fewest operands the engine accepts (see the header). */
  const MIN_OPERANDS: Record<string, number> = {
    '==': 0, '===': 0, '!=': 0, '!==': 0, '<': 0, '<=': 0, '>': 0, '>=': 0, '!': 0, '!!': 0, or: 0, and: 0,
    '?:': 0, if: 0, cat: 0, substr: 0, '%': 0, max: 0, min: 0, '+': 0, '-': 0, '/': 0, merge: 0, missing: 0,
    var: 0, log: 0, '*': 1, in: 2, missing_some: 2, map: 2, filter: 2, reduce: 2, all: 2, none: 2, some: 2,
  };
  const OPS = Object.keys(MIN_OPERANDS);

  function ruleArbitrary(maxDepth: number): fc.Arbitrary<unknown> {
    const { node } = fc.letrec<{ rule: unknown; node: unknown }>((tie) => ({
      rule: fc.oneof(
        { depthSize: 'medium', maxDepth },
        { arbitrary: literal, weight: 3 },
        { arbitrary: fc.oneof(fc.constantFrom(...VAR_PATHS), fc.tuple(fc.constantFrom(...VAR_PATHS), literal)).map((path) => ({ var: path })), weight: 4 },
        { arbitrary: fc.array(literal, { maxLength: 3 }), weight: 1 },
        { arbitrary: tie('node'), weight: 5 },
      ),
      node: fc.constantFrom(...OPS).chain((op) =>
        MIN_OPERANDS[op] <= 1
          ? fc.oneof(
              { arbitrary: fc.array(tie('rule'), { minLength: MIN_OPERANDS[op], maxLength: 4 }).map((args) => ({ [op]: args })), weight: 5 },
              // a single operand written without an array (an array there would be the operand list)
              { arbitrary: tie('rule').filter((arg) => !Array.isArray(arg)).map((arg) => ({ [op]: arg })), weight: 1 },
            )
          : fc.array(tie('rule'), { minLength: MIN_OPERANDS[op], maxLength: 4 }).map((args) => ({ [op]: args })),
      ),
    }));
    return node;
  }

  const dataArbitrary: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      { arbitrary: literal, weight: 3 },
      { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 1 },
      // Objects as JSON.parse makes them; a few null-prototype ones too (String() of those throws in both engines).
      { arbitrary: fc.dictionary(fc.constantFrom(...DATA_KEYS), tie('value'), { maxKeys: 5, noNullPrototype: true }), weight: 4 },
      { arbitrary: fc.dictionary(fc.constantFrom(...DATA_KEYS), tie('value'), { maxKeys: 3 }), weight: 1 },
    ),
  })).value;

  /** Top-level data: usually an object with the usual keys, sometimes anything (or undefined). */
  const topData = fc.oneof(
    { arbitrary: fc.dictionary(fc.constantFrom(...DATA_KEYS), dataArbitrary, { minKeys: 1, maxKeys: 8, noNullPrototype: true }), weight: 6 },
    { arbitrary: dataArbitrary, weight: 2 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );

  function usesMissing(rule: unknown): boolean {
    if (Array.isArray(rule)) return rule.some(usesMissing);
    if (typeof rule !== 'object' || rule === null) return false;
    return Object.entries(rule).some(([k, v]) => k === 'missing' || k === 'missing_some' || usesMissing(v));
  }

  function hasSingleKeyObject(value: unknown): boolean {
    if (Array.isArray(value)) return value.some(hasSingleKeyObject);
    if (typeof value !== 'object' || value === null) return false;
    const values = Object.values(value);
    return values.length === 1 || values.some(hasSingleKeyObject);
  }


  function excluded(rule: unknown, data: unknown): boolean {
    return usesMissing(rule) && hasSingleKeyObject(data);
  }

  /** ENGINE_FUZZ_SCALE=50 npx jest tests/engine/property — a much longer run of the unseeded property. */
  const FUZZ_SCALE = Math.max(1, Number(process.env.ENGINE_FUZZ_SCALE ?? 1));

  let logSpy: jest.SpyInstance;
  beforeAll(() => {
    logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined); // json-logic-js's `log`
  });
  afterAll(() => logSpy.mockRestore());

  describe('engine vs json-logic-js on random rules and data', () => {
    it('agrees case by case (results, and throwing)', () => {
      let compared = 0;
      let throwing = 0;
      fc.assert(
        fc.property(ruleArbitrary(5), topData, (rule, data) => {
          if (excluded(rule, data)) return;
          const reference = run(() => jsonLogic.apply(rule as never, data));
          const ours = run(() => compile(rule as Rule).evaluate(data));
          compared++;
          if (!reference.ok) {
            throwing++;
            if (ours.ok) throw new Error(`json-logic-js threw but the engine returned ${show(ours.value)} for ${show(rule)} on ${show(data)}`);
            return;
          }
          if (!ours.ok) throw new Error(`engine threw ${String(ours.error)} for ${show(rule)} on ${show(data)}; json-logic-js gave ${show(reference.value)}`);
          if (!exactlyEqual(ours.value, reference.value)) {
            throw new Error(`${show(rule)} on ${show(data)}: json-logic-js ${show(reference.value)}, engine ${show(ours.value)}`);
          }
        }),
        { numRuns: 25000, seed: 20240607 },
      );
      expect(compared).toBeGreaterThan(22000);
      expect(throwing).toBeGreaterThan(200); // the throwing paths are exercised too
    });

    it('agrees with fresh random seeds too', () => {
      fc.assert(
        fc.property(ruleArbitrary(4), topData, (rule, data) => {
          if (excluded(rule, data)) return;
          const reference = run(() => jsonLogic.apply(rule as never, data));
          const ours = run(() => compile(rule as Rule).evaluate(data));
          expect(ours.ok).toBe(reference.ok);
          if (ours.ok && reference.ok) expect(exactlyEqual(ours.value, reference.value)).toBe(true);
        }),
        { numRuns: 5000 * FUZZ_SCALE },
      );
    });

    it("explain's root result equals evaluate's (both semantics)", () => {
      fc.assert(
        fc.property(ruleArbitrary(4), topData, fc.constantFrom(...SEMANTICS), (rule, data, semantics) => {
          const ours = run(() => compile(rule as Rule, { semantics }).evaluate(data));
          const explained = run(() => explain(rule as Rule, data, { semantics }).result);
          expect(explained.ok).toBe(ours.ok);
          if (ours.ok && explained.ok) expect(exactlyEqual(explained.value, ours.value)).toBe(true);
        }),
        { numRuns: 1500, seed: 7 },
      );
    });
  });

  /** A `var` without a default (or with a literal null one): what the personalize semantics checks. */
  function isBareVar(rule: unknown): boolean {
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) return false;
    const keys = Object.keys(rule);
    if (keys.length !== 1 || keys[0] !== 'var') return false;
    const raw: unknown = (rule as Record<string, unknown>).var;
    return !Array.isArray(raw) || raw.length < 2 || raw[1] === null;
  }

  /**
   * The `personalize` semantics written in plain JSON-logic, for json-logic-js to evaluate: every ordering
   * comparison with bare `var`s among the operands it compares (the first three of a between form, else
   * two) becomes "if one of them is null/undefined, evaluate every operand (for their errors) and give
   * false; else compare", everywhere in the rule.
   */
  function personalizeOracle(rule: unknown): unknown {
    if (Array.isArray(rule)) return rule.map(personalizeOracle);
    if (typeof rule !== 'object' || rule === null || Object.keys(rule).length !== 1) return rule;
    const [op] = Object.keys(rule);
    const raw: unknown = (rule as Record<string, unknown>)[op];
    const original: unknown[] = Array.isArray(raw) ? raw : [raw];
    const operands = original.map(personalizeOracle);
    const rewritten = { [op]: Array.isArray(raw) ? operands : operands[0] };
    if (!['<', '<=', '>', '>='].includes(op)) return rewritten;
    const compared = (op === '<' || op === '<=') && operands.length >= 3 ? 3 : Math.min(operands.length, 2);
    const guards: unknown[] = [];
    for (let i = 0; i < compared; i++) if (isBareVar(original[i])) guards.push({ '==': [operands[i], null] });
    if (guards.length === 0) return rewritten;
    return { if: [{ or: guards }, { if: [{ merge: operands }, false, false] }, rewritten] };
  }

  describe('the personalize semantics (default) vs json-logic-js on the rewritten rule', () => {
    it('agrees case by case (results, and throwing)', () => {
      let compared = 0;
      let rewritten = 0;
      let differs = 0; // cases where the two semantics give different results
      fc.assert(
        fc.property(ruleArbitrary(5), topData, (rule, data) => {
          if (excluded(rule, data)) return;
          const oracleRule = personalizeOracle(rule);
          const reference = run(() => jsonLogic.apply(oracleRule as never, data));
          const ours = run(() => product.compile(rule as Rule).evaluate(data));
          compared++;
          if (JSON.stringify(oracleRule) !== JSON.stringify(rule)) {
            rewritten++;
            const plain = run(() => jsonLogic.apply(rule as never, data));
            if (plain.ok && reference.ok && !exactlyEqual(plain.value, reference.value)) differs++;
          }
          if (!reference.ok) {
            if (ours.ok) throw new Error(`json-logic-js threw but the engine returned ${show(ours.value)} for ${show(rule)} on ${show(data)}`);
            return;
          }
          if (!ours.ok) throw new Error(`engine threw ${String(ours.error)} for ${show(rule)} on ${show(data)}; json-logic-js gave ${show(reference.value)}`);
          if (!exactlyEqual(ours.value, reference.value)) {
            throw new Error(`${show(rule)} on ${show(data)}: oracle ${show(reference.value)}, engine ${show(ours.value)}`);
          }
        }),
        { numRuns: 20000, seed: 20240608 },
      );
      expect(compared).toBeGreaterThan(17000);
      expect(compared).toBeGreaterThan(17000);
      expect(rewritten).toBeGreaterThan(1000);
      expect(differs).toBeGreaterThan(50);
    });

    /** Conditions as editors write them: connectives over ordering comparisons of signals, defaults, between forms. */
    const comparedOperand = fc.oneof(
      { arbitrary: fc.constantFrom(...VAR_PATHS).map((path) => ({ var: path })), weight: 4 },
      { arbitrary: fc.tuple(fc.constantFrom(...VAR_PATHS), literal).map((args) => ({ var: args })), weight: 2 },
      { arbitrary: literal, weight: 3 },
      { arbitrary: fc.constantFrom(...VAR_PATHS).map((path) => ({ '-': [{ var: path }, 1] })), weight: 1 },
    );
    const comparison = fc
      .tuple(fc.constantFrom('<', '<=', '>', '>='), fc.array(comparedOperand, { minLength: 1, maxLength: 4 }))
      .map(([op, args]) => ({ [op]: args }));
    const condition: fc.Arbitrary<unknown> = fc.letrec<{ c: unknown }>((tie) => ({
      c: fc.oneof(
        { depthSize: 'small', maxDepth: 3 },
        { arbitrary: comparison, weight: 4 },
        { arbitrary: fc.array(tie('c'), { minLength: 1, maxLength: 3 }).map((args) => ({ and: args })), weight: 1 },
        { arbitrary: fc.array(tie('c'), { minLength: 1, maxLength: 3 }).map((args) => ({ or: args })), weight: 1 },
        { arbitrary: tie('c').map((arg) => ({ '!': [arg] })), weight: 1 },
        { arbitrary: fc.array(tie('c'), { minLength: 3, maxLength: 3 }).map((args) => ({ if: args })), weight: 1 },
        { arbitrary: fc.tuple(fc.constantFrom('xs', 'o', 'a'), tie('c')).map(([path, c]) => ({ some: [{ var: path }, c] })), weight: 1 },
      ),
    })).c;

    it('agrees on conditions made of ordering comparisons of signals', () => {
      let differs = 0;
      fc.assert(
        fc.property(condition, topData, (rule, data) => {
          const reference = run(() => jsonLogic.apply(personalizeOracle(rule) as never, data));
          const ours = run(() => product.compile(rule as Rule).evaluate(data));
          expect(ours.ok).toBe(reference.ok);
          if (ours.ok && reference.ok && !exactlyEqual(ours.value, reference.value)) {
            throw new Error(`${show(rule)} on ${show(data)}: oracle ${show(reference.value)}, engine ${show(ours.value)}`);
          }
          const plain = run(() => jsonLogic.apply(rule as never, data));
          if (plain.ok && ours.ok && !exactlyEqual(plain.value, ours.value)) differs++;
        }),
        { numRuns: 10000, seed: 20240609 },
      );
      expect(differs).toBeGreaterThan(1000);
    });
  });
});
