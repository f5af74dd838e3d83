/**
 * Both public conformance suites pass exactly in the reference mode (`semantics: 'json-logic-js'`);
 * explain's root agrees with evaluate on every rule. The product's default semantics (missing signals never
 * satisfy an ordering comparison) changes no case of either suite, which is checked too.
 */
import jsonLogic from 'json-logic-js';
import { explain, type Rule } from '../../engine/src';
import { exactlyEqual, loadCompatTests, loadJsonLogicTests, show, type ConformanceCase } from './helpers';
import { BACKENDS, engineFor } from './backends';

describe.each(BACKENDS)('%s backend', (backend) => {
  const { compile } = engineFor(backend, 'json-logic-js');
  const product = engineFor(backend);

  const suites: [string, ConformanceCase[], number][] = [
    ['jsonlogic-tests.json', loadJsonLogicTests(), 277],
    ['compat-compatible.json', loadCompatTests(), 278],
  ];

  describe.each(suites)('%s', (_name, cases, expectedCount) => {
    it(`has ${expectedCount} cases`, () => {
      expect(cases).toHaveLength(expectedCount);
    });

    it('every case matches exactly', () => {
      const failures: string[] = [];
      for (const c of cases) {
        const actual = compile(c.rule as Rule).evaluate(c.data);
        if (!exactlyEqual(actual, c.expected)) {
          failures.push(`#${c.index} ${c.description} data=${show(c.data)}: expected ${show(c.expected)}, got ${show(actual)}`);
        }
      }
      expect(failures).toEqual([]);
      expect(cases.length - failures.length).toBe(expectedCount);
    });

    it('every case matches exactly with the default (personalize) semantics too: none is an ordering comparison of a missing signal', () => {
      const failures = cases.filter((c) => !exactlyEqual(product.compile(c.rule as Rule).evaluate(c.data), c.expected));
      expect(failures.map((c) => `#${c.index} ${c.description}`)).toEqual([]);
    });

    it('json-logic-js agrees with the expected results (sanity check of the reference)', () => {
      for (const c of cases) expect(exactlyEqual(jsonLogic.apply(c.rule as never, c.data), c.expected)).toBe(true);
    });

    it("explain's root result equals evaluate's", () => {
      for (const c of cases) {
        const evaluated = compile(c.rule as Rule).evaluate(c.data);
        const node = explain(c.rule as Rule, c.data, { semantics: 'json-logic-js' });
        if (!exactlyEqual(node.result, evaluated)) throw new Error(`explain differs on ${c.description}`);
        expect(node.truthy).toBe(Array.isArray(evaluated) ? evaluated.length > 0 : !!evaluated);
        expect(() => JSON.stringify(node)).not.toThrow();
      }
    });
  });
});
