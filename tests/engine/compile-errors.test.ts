/** Invalid rules are refused at compile time with a RuleError naming the offending node. */
import { DEFAULT_LIMITS, RuleError, type CompileOptions, type Rule } from '../../engine/src';
import { BACKENDS, engineFor } from './backends';

describe.each(BACKENDS)('%s backend', (backend) => {
  const { compile } = engineFor(backend);

  function compileError(rule: unknown, options?: CompileOptions): RuleError {
    try {
      compile(rule as Rule, options);
    } catch (error) {
      expect(error).toBeInstanceOf(RuleError);
      expect(error).toBeInstanceOf(Error);
      return error as RuleError;
    }
    throw new Error(`expected ${JSON.stringify(rule)} not to compile`);
  }

  describe('unknown operators', () => {
    it('names the operator and the path of its node', () => {
      const error = compileError({ and: [{ '==': [1, 1] }, { or: [true, { frobnicate: [1] }] }] });
      expect(error.code).toBe('unknown_operator');
      expect(error.path).toEqual(['and', 1, 'or', 1]);
      expect(error.message).toBe('Unknown operator "frobnicate" at /and/1/or/1');
      expect(error.name).toBe('RuleError');
    });

    it('even in a branch json-logic-js would never evaluate', () => {
      expect(compileError({ if: [true, 1, { nope: [] }] }).path).toEqual(['if', 2]);
    });

    it.each(['toString', '__proto__', 'hasOwnProperty', 'constructor', '==.length', 'var.x', ''])('"%s" is unknown', (op) => {
      const rule = JSON.parse(`{${JSON.stringify(op)}: [1, 2]}`) as unknown;
      const error = compileError(rule);
      expect(error.code).toBe('unknown_operator');
      expect(error.path).toEqual([]);
    });

    it('inside a per-item rule and a wrapped operand', () => {
      expect(compileError({ map: [[1], { nope: 1 }] }).path).toEqual(['map', 1]);
      expect(compileError({ '!': { nope: 1 } }).path).toEqual(['!']);
      expect(compileError([1, { nope: 1 }]).path).toEqual([1]);
    });
  });

  describe('method', () => {
    it('is refused: rules cannot call methods', () => {
      const error = compileError({ method: [{ var: 's' }, 'toUpperCase'] });
      expect(error.code).toBe('unsupported_operator');
      expect(error.path).toEqual([]);
      expect(error.message).toMatch(/"method" is not supported/);
      expect(compileError({ and: [true, { method: ['abc', 'toString', []] }] }).path).toEqual(['and', 1]);
    });
  });

  describe('arity', () => {
    it.each<[string, unknown, (string | number)[]]>([
      ['* without operands (json-logic-js always throws)', { '*': [] }, []],
      ['missing_some without keys (json-logic-js always throws)', { missing_some: [1] }, []],
      ['missing_some with a single unwrapped operand', { missing_some: 1 }, []],
      ['map without a per-item rule', { map: [[1, 2]] }, []],
      ['filter without a per-item rule', { and: [{ filter: [{ var: 'xs' }] }] }, ['and', 0]],
      ['reduce without a per-item rule', { reduce: [[1]] }, []],
      ['all without a per-item rule', { all: [] }, []],
      ['none without a per-item rule', { none: { var: 'x' } }, []],
      ['some without a per-item rule', { some: [[1]] }, []],
      ['in without a haystack', { in: ['a'] }, []],
      ['experiment with one operand', { experiment: ['exp'] }, []],
      ['audience with a non-string key', { audience: [1] }, []],
      ['audience with two keys', { audience: ['a', 'b'] }, []],
    ])('%s', (_name, rule, path) => {
      const error = compileError(rule, { audiences: { a: true, b: true } });
      expect(error.code).toBe('invalid_arguments');
      expect(error.path).toEqual(path);
    });

    it('accepts the odd arities json-logic-js evaluates (if with 0 operands, var with many, < with 1...)', () => {
      const rules: Rule[] = [{ if: [] }, { var: ['a', 1, 2] }, { '<': [1] }, { '-': [] }, { substr: [] }, { and: [] }, { cat: [] }, { merge: [] }, { '!': [] }];
      for (const rule of rules) expect(() => compile(rule)).not.toThrow();
    });
  });

  describe('too deep', () => {
    const nested = (levels: number): unknown => {
      let rule: unknown = { var: 'x' };
      for (let i = 0; i < levels; i++) rule = { '!': [rule] };
      return rule;
    };

    it(`accepts ${DEFAULT_LIMITS.depth} levels and refuses more, at the first level too deep`, () => {
      // each `!` adds an object and an array: 15 of them + the innermost var object and its operand = 31 levels
      expect(() => compile(nested(15) as Rule)).not.toThrow();
      const error = compileError(nested(16));
      expect(error.code).toBe('too_deep');
      expect(error.message).toMatch(/deeper than 32 levels/);
      expect(error.path.length).toBe(32);
      expect(error.path.slice(0, 4)).toEqual(['!', 0, '!', 0]);
    });

    it('the limit is configurable', () => {
      expect(compileError({ and: [{ and: [true] }] }, { limits: { depth: 3 } }).code).toBe('too_deep');
      expect(() => compile(nested(40) as Rule, { limits: { depth: 100 } })).not.toThrow();
    });

    it('refuses cyclic objects instead of looping', () => {
      const rule: Record<string, unknown[]> = { and: [] };
      rule.and.push(rule);
      expect(compileError(rule).code).toBe('too_deep');
    });
  });

  describe('too large', () => {
    it('measures the rule as compact UTF-8 JSON', () => {
      const big = { in: [{ var: 'x' }, Array.from({ length: 3000 }, (_, i) => `item-${i}`)] };
      expect(JSON.stringify(big).length).toBeGreaterThan(DEFAULT_LIMITS.bytes);
      const error = compileError(big);
      expect(error.code).toBe('too_large');
      expect(error.path).toEqual([]);
      expect(error.message).toMatch(/larger than 16384 bytes/);
    });

    it('counts exactly: a rule of exactly the limit passes, one byte more fails', () => {
      const ruleOf = (n: number) => ({ '==': [{ var: 'x' }, 'é'.repeat(n)] });
      const size = (n: number) => new TextEncoder().encode(JSON.stringify(ruleOf(n))).length;
      const limit = size(100);
      expect(() => compile(ruleOf(100) as Rule, { limits: { bytes: limit } })).not.toThrow();
      expect(compileError(ruleOf(100), { limits: { bytes: limit - 1 } }).code).toBe('too_large');
      // escapes, exponents, -0, surrogates, empty containers: the count equals JSON.stringify's UTF-8 length
      const samples = [
        '{"cat":["a\\"b\\n\\u0001",1.5e300,-0,true,null,{}]}',
        '{"a":{"b":[1,2,{"c":"\\ud800x😀é"}],"d":{}},"e":[]}',
        '[[],[[]],{"y":null,"z":{}}]',
      ];
      for (const text of samples) {
        const rule = JSON.parse(text) as Rule;
        const bytes = new TextEncoder().encode(JSON.stringify(rule)).length;
        expect(() => compile(rule, { limits: { bytes } })).not.toThrow();
        expect(compileError(rule, { limits: { bytes: bytes - 1 } }).code).toBe('too_large');
      }
    });
  });

  describe('not JSON', () => {
    it.each<[string, unknown]>([
      ['undefined', undefined],
      ['a function', { '==': [() => 1, 1] }],
      ['a class instance', { '==': [new Date(0), 1] }],
      ['a Map', { var: new Map() }],
      ['a symbol', { '==': [Symbol('x'), 1] }],
      ['a bigint', { '==': [10n, 1] }],
    ])('%s is refused', (_name, rule) => {
      expect(compileError(rule).code).toBe('invalid_rule');
    });
  });

  describe('audiences', () => {
    it('unknown audience', () => {
      const error = compileError({ and: [true, { audience: 'ghosts' }] }, { audiences: { returning: true } });
      expect(error.code).toBe('unknown_audience');
      expect(error.path).toEqual(['and', 1]);
      expect(error.message).toBe('Unknown audience "ghosts" at /and/1');
    });

    it('no audiences given', () => {
      expect(compileError({ audience: 'x' }).code).toBe('unknown_audience');
    });

    it('inherited names are not audiences', () => {
      expect(compileError({ audience: 'toString' }, { audiences: {} }).code).toBe('unknown_audience');
      expect(compileError({ audience: '__proto__' }, { audiences: {} }).code).toBe('unknown_audience');
    });

    it('a cycle a → b → a, named in the message', () => {
      const audiences = { a: { or: [{ audience: 'b' }] }, b: { and: [true, { audience: 'a' }] } };
      const error = compileError({ audience: 'a' }, { audiences });
      expect(error.code).toBe('audience_cycle');
      expect(error.path).toEqual([]);
      expect(error.message).toContain('Audience cycle: a → b → a');
    });

    it('a self-reference and a longer cycle', () => {
      expect(compileError({ audience: 'me' }, { audiences: { me: { audience: 'me' } } }).message).toContain('me → me');
      const audiences = { a: { audience: 'b' }, b: { audience: 'c' }, c: { '!': { audience: 'a' } } };
      expect(compileError({ and: [{ audience: 'b' }] }, { audiences }).message).toContain('b → c → a → b');
    });

    it('an error inside an audience is reported at the reference, with the place inside the audience', () => {
      const error = compileError({ and: [true, { audience: 'mobile' }] }, { audiences: { mobile: { or: [{ nope: 1 }] } } });
      expect(error.code).toBe('unknown_operator');
      expect(error.path).toEqual(['and', 1]);
      expect(error.message).toBe('Unknown operator "nope" (at /or/0 in audience "mobile") at /and/1');
    });

    it('audience rules are held to the same limits', () => {
      const error = compileError({ audience: 'big' }, { audiences: { big: { in: [{ var: 'x' }, 'x'.repeat(20000)] } } });
      expect(error.code).toBe('too_large');
    });

    it('audience chains are bounded', () => {
      const audiences: Record<string, Rule> = {};
      for (let i = 0; i < 20; i++) audiences[`a${i}`] = { audience: `a${i + 1}` };
      audiences.a20 = true;
      expect(compileError({ audience: 'a0' }, { audiences }).code).toBe('too_deep');
    });

    it('a diamond (two paths to the same audience) is not a cycle', () => {
      const audiences = { top: { and: [{ audience: 'left' }, { audience: 'right' }] }, left: { audience: 'base' }, right: { audience: 'base' }, base: true };
      expect(compile({ audience: 'top' }, { audiences }).evaluate({})).toBe(true);
    });
  });

  describe('options', () => {
    it('rejects invalid limits', () => {
      expect(() => compile(true, { limits: { depth: -1 } })).toThrow(RangeError);
      expect(() => compile(true, { limits: { iterations: 1.5 } })).toThrow(RangeError);
      expect(() => compile(true, { limits: { bytes: Number.NaN } })).toThrow(RangeError);
    });
  });
});
