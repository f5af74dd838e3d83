/** The plugin's own operators, the public surface, and the compiler's specialised paths vs json-logic-js. */
import jsonLogic from 'json-logic-js';
import { DEFAULT_LIMITS, OPERATORS, truthy, type Rule } from '../../engine/src';
import { exactlyEqual } from './helpers';
import { BACKENDS, engineFor } from './backends';

describe.each(BACKENDS)('%s backend', (backend) => {
  const { compile, evaluate } = engineFor(backend);

  describe('audience', () => {
    const audiences: Record<string, Rule> = {
      mobile: { '==': [{ var: 'context.device' }, 'mobile'] },
      hesitant: { and: [{ audience: 'mobile' }, { '<': [{ var: 'behavior.dwellSec' }, 10] }] },
      score: { '+': [{ var: 'profile.visits' }, 1] },
      buyer: { in: ['buyer', { var: 'segments' }] },
    };

    it("evaluates the audience's rule in place", () => {
      const rule = compile({ audience: 'hesitant' }, { audiences });
      expect(rule.evaluate({ context: { device: 'mobile' }, behavior: { dwellSec: 3 } })).toBe(true);
      expect(rule.evaluate({ context: { device: 'mobile' }, behavior: { dwellSec: 30 } })).toBe(false);
      expect(rule.evaluate({ context: { device: 'desktop' }, behavior: { dwellSec: 3 } })).toBe(false);
    });

    it("returns the audience rule's own value (as if written in place)", () => {
      expect(evaluate({ audience: 'score' }, { profile: { visits: 4 } }, { audiences })).toBe(5);
      expect(evaluate({ audience: ['score'] }, { profile: { visits: 1 } }, { audiences })).toBe(2);
    });

    it('reads the current scope, so it works per item inside some/all', () => {
      const people = { people: [{ segments: ['new'] }, { segments: ['buyer'] }] };
      expect(evaluate({ some: [{ var: 'people' }, { audience: 'buyer' }] }, people, { audiences })).toBe(true);
      expect(evaluate({ all: [{ var: 'people' }, { audience: 'buyer' }] }, people, { audiences })).toBe(false);
    });

    it('literal audience rules work (true/false constants)', () => {
      expect(evaluate({ audience: 'everyone' }, {}, { audiences: { everyone: true } })).toBe(true);
    });

    it('lists the audiences a rule reaches, including nested ones', () => {
      const rule = compile({ or: [{ audience: 'hesitant' }, { audience: 'buyer' }, { audience: 'mobile' }] }, { audiences });
      expect([...rule.references.audiences].sort()).toEqual(['buyer', 'hesitant', 'mobile']);
      expect(rule.references.vars).toEqual(expect.arrayContaining(['context.device', 'behavior.dwellSec', 'segments']));
    });
  });

  describe('experiment', () => {
    const data = { experiments: { hero: 'b', price: 'control', n: 1 } };

    it('is true when the visitor is in that arm', () => {
      expect(evaluate({ experiment: ['hero', 'b'] }, data)).toBe(true);
      expect(evaluate({ experiment: ['hero', 'a'] }, data)).toBe(false);
      expect(evaluate({ experiment: ['price', 'control'] }, data)).toBe(true);
      expect(evaluate({ experiment: ['unknown', 'a'] }, data)).toBe(false);
    });

    it('compares strings strictly', () => {
      expect(evaluate({ experiment: ['n', '1'] }, data)).toBe(false);
      expect(evaluate({ experiment: ['n', 1] }, data)).toBe(false);
      expect(evaluate({ experiment: [1, 'b'] }, { experiments: { 1: 'b' } })).toBe(false);
    });

    it('accepts computed keys and arms', () => {
      expect(evaluate({ experiment: [{ var: 'which' }, { cat: ['', 'b'] }] }, { ...data, which: 'hero' })).toBe(true);
      expect(evaluate({ experiment: [{ var: 'missing' }, 'b'] }, data)).toBe(false);
    });

    it('reads own properties only and tolerates missing/odd experiments', () => {
      expect(evaluate({ experiment: ['constructor', 'x'] }, data)).toBe(false);
      expect(evaluate({ experiment: ['toString', 'x'] }, data)).toBe(false);
      expect(evaluate({ experiment: ['__proto__', 'x'] }, JSON.parse('{"experiments": {"__proto__": "x"}}'))).toBe(false);
      expect(evaluate({ experiment: ['hero', 'b'] }, {})).toBe(false);
      expect(evaluate({ experiment: ['hero', 'b'] }, { experiments: 'hero' })).toBe(false);
      expect(evaluate({ experiment: ['hero', 'b'] }, null)).toBe(false);
      expect(evaluate({ experiment: ['length', 4] }, { experiments: 'abcd' })).toBe(false);
    });

    it('lists literal experiment keys', () => {
      expect(compile({ and: [{ experiment: ['hero', 'b'] }, { experiment: ['price', 'x'] }] }).references.experiments).toEqual(['hero', 'price']);
    });
  });

  describe('public surface', () => {
    it('OPERATORS lists every supported operator and not method', () => {
      const standard = ['==', '===', '!=', '!==', '!', '!!', 'or', 'and', '?:', 'if', 'in', 'cat', 'substr', '%', 'max', 'min', '+', '-', '*', '/', '<', '<=', '>', '>=', 'var', 'missing', 'missing_some', 'merge', 'map', 'filter', 'reduce', 'all', 'none', 'some', 'log'];
      const domain = ['audience', 'experiment', 'fractional', 'sem_ver', 'starts_with', 'ends_with'];
      expect([...OPERATORS].sort()).toEqual([...standard, ...domain].sort());
      expect(OPERATORS).not.toContain('method');
    });

    it('truthy follows JSON-logic (empty array falsy, "0" truthy)', () => {
      expect([[], [0], 0, '0', '', null, undefined, {}, NaN, -0, 'a'].map(truthy)).toEqual([false, true, false, true, false, false, false, true, false, false, true]);
    });

    it('matches() is truthy(evaluate())', () => {
      const rule = compile({ var: 'xs' });
      expect(rule.matches({ xs: [] })).toBe(false);
      expect(rule.matches({ xs: [1] })).toBe(true);
    });

    it('exposes limits and var references', () => {
      const rule = compile({ and: [{ '==': [{ var: 'context.device' }, 'mobile'] }, { some: [{ var: 'behavior.recentlyViewed' }, { '==': [{ var: '' }, 'x'] }] }, { missing: ['session.isNew'] }] }, { limits: { fuel: 5 } });
      expect(rule.limits).toEqual({ ...DEFAULT_LIMITS, fuel: 5 });
      // `iterations`, the budget's former name, still sets it
      expect(compile(true, { limits: { iterations: 7 } }).limits.fuel).toBe(7);
      expect(rule.references.vars).toEqual(['context.device', 'behavior.recentlyViewed', 'session.isNew']);
    });

    it('evaluate with no data', () => {
      expect(evaluate({ var: 'a' })).toBeNull();
      expect(evaluate({ '+': [1, 2] })).toBe(3);
    });
  });

  /** Shapes the compiler specialises, checked against json-logic-js on tricky values. */
  describe('specialised shapes agree with json-logic-js', () => {
    // in the reference mode: the default semantics differ on purpose for ordering comparisons of missing signals
    const reference = engineFor(backend, 'json-logic-js');
    const values: unknown[] = [0, -0, 1, '1', '', 'a', 'A', null, true, false, [], [1], ['1'], { a: 1, b: 2 }, 2.5, '2.5', NaN, Infinity, ' '];
    const check = (rule: unknown, data: unknown) => {
      let expected: unknown;
      let expectedThrows = false;
      try {
        expected = jsonLogic.apply(rule as never, data);
      } catch {
        expectedThrows = true;
      }
      if (expectedThrows) {
        expect(() => reference.evaluate(rule as Rule, data)).toThrow();
        return;
      }
      const actual = reference.evaluate(rule as Rule, data);
      if (!exactlyEqual(actual, expected)) throw new Error(`${JSON.stringify(rule)} on ${String(data)}: expected ${String(expected)}, got ${String(actual)}`);
    };

    it('in with constant lists (scan and Set) and constant strings', () => {
      const shortList = [1, '1', 'a', null, true, 0];
      const longList = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 1, 0, null, false, 2.5];
      for (const x of values) {
        check({ in: [{ var: 'x' }, shortList] }, { x });
        check({ in: [{ var: 'x' }, longList] }, { x });
        check({ in: [{ var: 'x' }, 'Springfield 1'] }, { x });
        check({ in: [{ var: 'x' }, ''] }, { x });
        check({ in: ['a', { var: 'x' }] }, { x });
      }
    });

    it('comparisons with a literal on either side, between, and odd arities', () => {
      for (const op of ['==', '===', '!=', '!==', '<', '<=', '>', '>=']) {
        for (const x of values) {
          for (const lit of [0, 1, '1', '', null, true, 'a']) {
            check({ [op]: [{ var: 'x' }, lit] }, { x });
            check({ [op]: [lit, { var: 'x' }] }, { x });
          }
          check({ [op]: [{ var: 'x' }] }, { x });
          check({ [op]: [{ var: 'x' }, { var: 'x' }, 5] }, { x });
          check({ [op]: [1, { var: 'x' }, 5, { var: 'x' }] }, { x });
          check({ [op]: [1, { var: 'x' }, { and: [] }] }, { x }); // third operand evaluates to undefined
        }
      }
    });

    it('arithmetic on numeric strings, -0, and single operands', () => {
      for (const x of values) {
        for (const op of ['+', '-', '*', '/', '%', 'min', 'max']) {
          check({ [op]: [{ var: 'x' }] }, { x });
          check({ [op]: [{ var: 'x' }, 2] }, { x });
          check({ [op]: [2, { var: 'x' }, '3'] }, { x });
          check({ [op]: { var: 'x' } }, { x });
        }
      }
      check({ '+': [-0] }, {});
      check({ '+': ['-0'] }, {});
      check({ '+': ['-0', '-0'] }, {});
      check({ '*': ['-0'] }, {});
      check({ '-': [0] }, {});
    });

    it('var with literal, computed and default paths', () => {
      const data = { a: { b: null, c: 0, d: '' }, xs: ['p', 'q'], s: 'str', '': 'empty-key' };
      for (const path of ['a', 'a.b', 'a.c', 'a.d', 'a.b.c', 'xs.1', 'xs.length', 's.1', 's.length', '', 'a..b', '.', 'zzz']) {
        check({ var: path }, data);
        check({ var: [path, 'dflt'] }, data);
        check({ var: [path, { var: 'a.c' }] }, data);
        check({ var: { cat: [path] } }, data);
        check({ missing: [path] }, data);
        check({ missing_some: [1, [path, 'a']] }, data);
      }
    });

    it('substr, cat and merge', () => {
      for (const x of values) {
        check({ substr: [{ var: 'x' }, 1] }, { x });
        check({ substr: ['jsonlogic', { var: 'x' }, -2] }, { x });
        check({ substr: ['jsonlogic', 1, { var: 'x' }] }, { x });
        check({ cat: [{ var: 'x' }, '-', { var: 'x' }] }, { x });
        check({ merge: [{ var: 'x' }, [1], 2] }, { x });
      }
    });
  });
});
