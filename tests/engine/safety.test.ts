/**
 * Attacks tried against the engine, each with its expected outcome:
 *  1. prototype reads through `var` dotted paths (__proto__, constructor, prototype, inherited methods)
 *  2. the same through array-form paths and computed paths
 *  3. `__proto__`/`constructor` keys that JSON.parse made own properties of the data
 *  4. constructor.constructor (reaching Function)
 *  5. `missing` / `missing_some` on prototype names
 *  6. the `method` operator
 *  7. `var` with non-string path types (numbers, booleans, null, arrays, objects, values from data)
 *  8. huge arrays given to reduce/map/filter/all/none/some/missing
 *  9. nested map bombs (quadratic and cubic work)
 * 10. merge and cat doubling inside reduce (exponential arrays and strings)
 * 11. audiences referencing audiences many times (exponential evaluation)
 * 12. deep nesting (stack exhaustion) and giant rules (memory/time)
 * 13. `in` on a data object carrying an "indexOf" key
 * 14. `log` writing to the console
 * 15. work inside iterations: long strings and arrays copied, scanned or coerced in every iteration (the
 *     condition of issue 16, finding 1, and its relatives in fuel-constructions.ts)
 * and after all of them, Object.prototype is unchanged.
 */
import { RuleError, type CompileOptions, type Rule } from '../../engine/src';
import { BACKENDS, engineFor } from './backends';
import { CONSTRUCTIONS, CONSTRUCTION_AUDIENCES } from './fuel-constructions';

describe.each(BACKENDS)('%s backend', (backend) => {
  const { compile, evaluate } = engineFor(backend);

  const run = (rule: unknown, data?: unknown, options?: CompileOptions) => evaluate(rule as Rule, data, options);

  function runtimeError(rule: unknown, data?: unknown, options?: CompileOptions): RuleError {
    const compiled = compile(rule as Rule, options);
    try {
      compiled.evaluate(data);
    } catch (error) {
      expect(error).toBeInstanceOf(RuleError);
      return error as RuleError;
    }
    throw new Error(`expected ${JSON.stringify(rule)} to throw`);
  }

  const objectPrototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  afterAll(() => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(objectPrototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  const signals = {
    context: { device: 'mobile' },
    s: 'abc',
    n: 42,
    flag: true,
    xs: [1, 2, 3],
    o: { a: 1 },
  };

  describe('1. prototype reads through var dotted paths', () => {
    it.each([
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'valueOf',
      'hasOwnProperty',
      'isPrototypeOf',
      '__defineGetter__',
      'context.__proto__',
      'context.constructor',
      'context.toString',
      'o.__proto__.constructor',
      'xs.map',
      'xs.push',
      'xs.constructor',
      'xs.__proto__',
      's.toUpperCase',
      's.constructor',
      'n.toFixed',
      'n.constructor',
      'flag.valueOf',
      '__proto__.__proto__',
      'constructor.prototype',
      'constructor.name',
    ])('{"var": "%s"} reads as missing (null, or the default)', (path) => {
      expect(run({ var: path }, signals)).toBeNull();
      expect(run({ var: [path, 'fallback'] }, signals)).toBe('fallback');
    });

    it('own properties are read, including array indices/length and string indices/length', () => {
      expect(run({ var: 'context.device' }, signals)).toBe('mobile');
      expect(run({ var: 'xs.1' }, signals)).toBe(2);
      expect(run({ var: 'xs.length' }, signals)).toBe(3); // own property of an array
      expect(run({ var: 's.length' }, signals)).toBe(3); // own property of the String object, as hasOwnProperty sees it
      expect(run({ var: 's.0' }, signals)).toBe('a');
    });
  });

  describe('2. array-form and computed paths', () => {
    it.each<[string, unknown]>([
      ['array form', { var: ['__proto__'] }],
      ['array form with default', { var: ['constructor', 'safe'] }],
      ['path as a nested array literal', { var: [['__proto__']] }],
      ['computed with cat', { var: { cat: ['con', 'structor'] } }],
      ['computed from data', { var: { var: 'p' } }],
      ['computed via if', { var: { if: [true, 'toString', 'x'] } }],
    ])('%s', (_name, rule) => {
      const result = run(rule, { ...signals, p: '__proto__' });
      expect(result === null || result === 'safe').toBe(true);
    });

    it('inside map/filter/reduce scopes too', () => {
      expect(run({ map: [{ var: 'xs' }, { var: 'constructor' }] }, signals)).toEqual([null, null, null]);
      expect(run({ map: [{ var: 'xs' }, { var: 'toFixed' }] }, signals)).toEqual([null, null, null]);
      expect(run({ reduce: [{ var: 'xs' }, { var: 'accumulator.constructor' }, 0] }, signals)).toBeNull();
      expect(run({ reduce: [[1], { var: 'current.__proto__' }, 0] }, signals)).toBeNull();
    });
  });

  describe('3. __proto__ / constructor keys created by JSON.parse', () => {
    const data = JSON.parse('{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"polluted": 1}}, "user": {"__proto__": "x", "name": "ann"}}') as unknown;

    it('are never read, even though they are own keys', () => {
      expect(run({ var: '__proto__' }, data)).toBeNull();
      expect(run({ var: '__proto__.isAdmin' }, data)).toBeNull();
      expect(run({ var: 'isAdmin' }, data)).toBeNull();
      expect(run({ var: 'constructor.prototype.polluted' }, data)).toBeNull();
      expect(run({ var: 'user.__proto__' }, data)).toBeNull();
      expect(run({ var: 'user.name' }, data)).toBe('ann');
    });

    it('do not pollute anything while evaluating', () => {
      run({ map: [{ var: '' }, { var: '__proto__' }] }, [data, data]);
      run({ merge: [{ var: '' }, { var: 'constructor' }] }, data);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe('4. constructor.constructor', () => {
    it('cannot reach Function (or anything callable)', () => {
      for (const path of ['constructor.constructor', 's.constructor.constructor', 'xs.constructor.constructor', 'n.constructor.constructor']) {
        expect(run({ var: path }, signals)).toBeNull();
      }
      expect(run({ '==': [{ var: 'constructor.constructor' }, null] }, signals)).toBe(true);
    });
  });

  describe('5. missing / missing_some on prototype names', () => {
    it('count prototype names as missing', () => {
      expect(run({ missing: ['toString', '__proto__', 'constructor', 'context.valueOf', 'context.device'] }, signals)).toEqual([
        'toString',
        '__proto__',
        'constructor',
        'context.valueOf',
      ]);
      expect(run({ missing_some: [1, ['hasOwnProperty', 'constructor']] }, signals)).toEqual(['hasOwnProperty', 'constructor']);
      expect(run({ missing: { var: 'keys' } }, { keys: ['__proto__', 'valueOf'] })).toEqual(['__proto__', 'valueOf']);
    });
  });

  describe('6. method', () => {
    it('is a compile error wherever it appears', () => {
      expect(() => compile({ method: [{ var: 's' }, 'toUpperCase'] })).toThrow(RuleError);
      expect(() => compile({ or: [true, { method: ['x', 'constructor'] }] })).toThrow(/"method" is not supported/);
    });
  });

  describe('7. var with non-string path types', () => {
    const data = { '1': 'one', '1.5': 'no', true: 'yes', null: 'nul', '[object Object]': 'obj', 'a,b': 'ab', a: { b: 'deep' }, p1: ['a', 'b'], p2: 1 };
    it.each<[string, unknown, unknown]>([
      ['number', { var: 1 }, 'one'],
      ['fraction (splits on ".")', { var: 1.5 }, null],
      ['boolean', { var: true }, 'yes'],
      ['null (whole data)', { var: null }, data],
      ['array literal (joined with commas)', { var: [['a', 'b']] }, 'ab'],
      ['object literal (as "[object Object]")', { var: [{ x: 1, y: 2 }] }, 'obj'],
      ['path from data: array', { var: { var: 'p1' } }, 'ab'],
      ['path from data: number', { var: { var: 'p2' } }, 'one'],
    ])('%s', (_name, rule, expected) => {
      expect(run(rule, data)).toEqual(expected);
    });

    it('a path object whose string form would run data-provided code throws a RuleError instead', () => {
      // json-logic-js throws a TypeError here too (the object has a non-callable own toString).
      const error = runtimeError({ var: { var: 'p' } }, JSON.parse('{"p": {"toString": 1}}'));
      expect(error.code).toBe('evaluation_failed');
    });
  });

  describe('8. huge arrays', () => {
    const huge = Array.from({ length: 10_001 }, (_, i) => i);
    it.each<[string, unknown]>([
      ['reduce', { reduce: [{ var: 'xs' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] }],
      ['map', { map: [{ var: 'xs' }, { var: '' }] }],
      ['filter', { filter: [{ var: 'xs' }, true] }],
      ['all', { all: [{ var: 'xs' }, true] }],
      ['none', { none: [{ var: 'xs' }, false] }],
      ['some', { some: [{ var: 'xs' }, false] }],
      ['missing', { missing: { var: 'xs' } }],
      ['merge', { merge: [{ var: 'xs' }, 1] }],
    ])('%s over more than arrayLength items is refused', (_name, rule) => {
      const error = runtimeError(rule, { xs: huge });
      expect(error.code).toBe('limit_exceeded');
      expect(error.path).toEqual([]);
    });

    it('within the limit it works, and the limit is configurable', () => {
      expect(run({ reduce: [{ var: 'xs' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] }, { xs: huge.slice(0, 10_000) })).toBe(49995000);
      expect(runtimeError({ map: [{ var: 'xs' }, 1] }, { xs: [1, 2, 3] }, { limits: { arrayLength: 2 } }).code).toBe('limit_exceeded');
    });
  });

  describe('9. nested map bombs', () => {
    const square = Array.from({ length: 1000 }, () => Array.from({ length: 1000 }, (_, i) => i));
    it('1000 × 1000 nested iterations exceed the work budget quickly', () => {
      const started = Date.now();
      const error = runtimeError({ map: [{ var: 'rows' }, { map: [{ var: '' }, { '*': [{ var: '' }, 2] }] }] }, { rows: square });
      expect(error.code).toBe('limit_exceeded');
      expect(error.message).toMatch(/work budget/);
      expect(error.path).toEqual(['map', 1]);
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('cubic work (100 × 100 × 100) is bounded too', () => {
      const cube = { xs: Array.from({ length: 100 }, () => Array.from({ length: 100 }, () => Array.from({ length: 100 }, (_, i) => i))) };
      const rule = { map: [{ var: 'xs' }, { map: [{ var: '' }, { map: [{ var: '' }, 1] }] }] };
      expect(runtimeError(rule, cube).code).toBe('limit_exceeded');
      expect(run(rule, cube, { limits: { fuel: 4_000_000 } })).toHaveLength(100);
    });

    it('the budget is per evaluation: the same compiled rule works again on small data', () => {
      const rule = compile({ map: [{ var: 'rows' }, { map: [{ var: '' }, 1] }] });
      expect(() => rule.evaluate({ rows: square })).toThrow(RuleError);
      expect(rule.evaluate({ rows: [[1, 2], [3]] })).toEqual([[1, 1], [1]]);
      expect(() => rule.evaluate({ rows: square })).toThrow(RuleError);
    });
  });

  describe('10. doubling bombs', () => {
    const steps = Array.from({ length: 64 }, (_, i) => i);
    it('cat doubling a string in reduce hits stringLength', () => {
      const error = runtimeError({ reduce: [{ var: 'steps' }, { cat: [{ var: 'accumulator' }, { var: 'accumulator' }] }, 'xx'] }, { steps });
      expect(error.code).toBe('limit_exceeded');
      expect(error.message).toMatch(/String of \d+ characters exceeds the limit of 65536/);
    });

    it('cat of many long operands is checked as it grows', () => {
      const long = 'x'.repeat(40_000);
      expect(runtimeError({ cat: [{ var: 's' }, { var: 's' }, { var: 's' }] }, { s: long }).code).toBe('limit_exceeded');
    });

    it('merge doubling an array in reduce hits arrayLength', () => {
      const error = runtimeError({ reduce: [{ var: 'steps' }, { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] }, [1]] }, { steps });
      expect(error.code).toBe('limit_exceeded');
    });
  });

  describe('11. audience fan-out', () => {
    it('audiences referencing audiences 50 times per level run out of budget instead of running 50^4 times', () => {
      const fan = (next: string) => ({ and: Array.from({ length: 50 }, () => ({ audience: next })) });
      const audiences = { a: fan('b'), b: fan('c'), c: fan('d'), d: { '==': [1, 1] } };
      const started = Date.now();
      const error = runtimeError({ audience: 'a' }, {}, { audiences });
      expect(error.code).toBe('limit_exceeded');
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });

  describe('12. deep nesting and giant rules', () => {
    it('a 100 000-level rule is refused without exhausting the stack', () => {
      let rule: unknown = true;
      for (let i = 0; i < 100_000; i++) rule = { '!': rule };
      expect(() => compile(rule as Rule)).toThrow(/deeper than 32 levels/);
    });

    it('a 5 MB rule is refused quickly (the walk stops at the byte limit)', () => {
      const rule = { in: [{ var: 'x' }, Array.from({ length: 500_000 }, (_, i) => `value-${i}`)] };
      const started = Date.now();
      expect(() => compile(rule)).toThrow(/larger than 16384 bytes/);
      expect(Date.now() - started).toBeLessThan(200);
    });
  });

  describe('13. in with an object carrying "indexOf"', () => {
    it('is refused without calling anything (json-logic-js would call it and throw)', () => {
      const error = runtimeError({ in: ['a', { var: 'o' }] }, JSON.parse('{"o": {"indexOf": "boom"}}'));
      expect(error.code).toBe('evaluation_failed');
      expect(run({ in: ['a', { var: 'o' }] }, { o: { other: 1 } })).toBe(false);
    });
  });

  describe('14. log', () => {
    it('never writes to the console; values go to onLog when given', () => {
      const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        expect(run({ log: { var: 's' } }, signals)).toBe('abc');
        expect(spy).not.toHaveBeenCalled();
        const seen: unknown[] = [];
        expect(run({ log: [{ var: 'n' }] }, signals, { onLog: (value) => seen.push(value) })).toBe(42);
        expect(seen).toEqual([42]);
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe('15. work inside iterations (the work budget, limits.fuel)', () => {
    it.each(CONSTRUCTIONS.map((c) => [c.name, c] as const))('%s: ends within its budget', (_name, construction) => {
      const compiled = compile(construction.rule, { audiences: CONSTRUCTION_AUDIENCES }); // within every static limit
      let outcome: unknown;
      try {
        outcome = { value: compiled.evaluate(construction.data) };
      } catch (error) {
        expect(error).toBeInstanceOf(RuleError);
        expect((error as RuleError).code).toBe('limit_exceeded');
        outcome = 'out of fuel';
      }
      expect(outcome).toBeDefined();
    });

    it('the condition of finding 1 (98,020 iterations, within the former limit) now runs out of fuel', () => {
      const [finding] = CONSTRUCTIONS;
      const error = runtimeError(finding.rule, finding.data);
      expect(error.code).toBe('limit_exceeded');
      expect(error.message).toMatch(/work budget/);
    });

    it('strings cost a unit per 8 characters, wherever they are read, converted or produced', () => {
      const s = 'x'.repeat(800); // 100 units
      for (const rule of [
        { cat: [{ var: 's' }] },
        { substr: [{ var: 's' }, 1] },
        { '<': [{ var: 's' }, 1] },
        { '==': [{ var: 's' }, 1] },
        { '+': [{ var: 's' }, 1] },
        { '-': [{ var: 's' }, 1] },
        { max: [{ var: 's' }, 1] },
        { starts_with: [{ var: 's' }, 'x'] },
      ]) {
        expect(runtimeError(rule, { s }, { limits: { fuel: 99 } }).message).toMatch(/work budget/);
        expect(() => run(rule, { s }, { limits: { fuel: 100 } })).not.toThrow();
      }
      // strict equality with a literal is bounded by the literal: free
      expect(run({ '===': [{ var: 's' }, 'x'] }, { s }, { limits: { fuel: 0 } })).toBe(false);
      // an array coerced to a string costs its items and their strings
      expect(runtimeError({ cat: [{ var: 'xs' }] }, { xs: [s, s] }, { limits: { fuel: 202 } }).code).toBe('limit_exceeded');
      expect(run({ cat: [{ var: 'xs' }] }, { xs: [s, s] }, { limits: { fuel: 203 } })).toHaveLength(1601);
    });

    it('an iteration costs one unit plus its per-item rule’s weight; an audience its rule’s weight', () => {
      // per item: 1 + 5 JSON nodes ({"+": …}, its array, {"var": …}, "", 1)
      const rule = { map: [{ var: 'xs' }, { '+': [{ var: '' }, 1] }] };
      expect(run(rule, { xs: [1, 2, 3] }, { limits: { fuel: 18 } })).toEqual([2, 3, 4]);
      expect(runtimeError(rule, { xs: [1, 2, 3] }, { limits: { fuel: 17 } }).path).toEqual([]);
      const audiences = { a: { '==': [{ var: 'x' }, 1] } }; // 5 nodes
      expect(run({ and: [{ audience: 'a' }, { audience: 'a' }] }, { x: 1 }, { audiences, limits: { fuel: 10 } })).toBe(true);
      expect(runtimeError({ and: [{ audience: 'a' }, { audience: 'a' }] }, { x: 1 }, { audiences, limits: { fuel: 9 } }).code).toBe('limit_exceeded');
    });

    it('a computed var path costs a unit per character (it is split at every dot)', () => {
      const path = 'a.'.repeat(50) + 'b'; // 101 characters
      expect(runtimeError({ var: { cat: [path] } }, {}, { limits: { fuel: 100 } }).code).toBe('limit_exceeded');
      expect(run({ var: { cat: [path] } }, {}, { limits: { fuel: 101 } })).toBeNull();
    });
  });

  describe('results are fresh', () => {
    it('array literals are rebuilt per evaluation, so a caller mutating a result changes nothing', () => {
      const rule = compile(['a', 'b']);
      (rule.evaluate({}) as string[]).push('mutated');
      expect(rule.evaluate({})).toEqual(['a', 'b']);
    });
  });
});
