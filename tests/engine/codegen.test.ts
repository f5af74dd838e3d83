/**
 * The code-generation backend specifically:
 *  - it agrees with the interpreter on random rules over every operator (domain operators included), random
 *    data (prototype-named keys included) and tiny limits: same value, or the same RuleError (code, path,
 *    message); same references;
 *  - rule text cannot alter the generated code: strings, keys, paths, audience keys and data keys with
 *    quotes, backslashes, comment and template delimiters, newlines, U+2028/U+2029, `</script>`, the
 *    generator's own placeholder character, prototype names and numeric-like keys give the interpreter's
 *    results, and the source names no global (identifier allowlist);
 *  - the CSP fallback: without `new Function`, 'auto' uses the interpreter and 'codegen' says why it cannot.
 */
import fc from 'fast-check';
import { compile, RuleError, type CompileOptions, type Rule } from '../../engine/src';
import { resetBackendDetection } from '../../engine/src/backend';
import { generateModule } from '../../engine/src/codegen';
import { RUNTIME_NAMES } from '../../engine/src/codegen/runtime';
import { CompileSession } from '../../engine/src/session';
import { exactlyEqual, run, show, type Outcome } from './helpers';


function describeOutcome(outcome: Outcome): string {
  if (outcome.ok) return `value ${show(outcome.value)}`;
  const e = outcome.error;
  return e instanceof RuleError ? `RuleError ${e.code} ${JSON.stringify(e.path)} ${e.message}` : `non-RuleError ${String(e)}`;
}

/** Same value (exactly), or the same RuleError; and the same references. */
function expectSameOnBothBackends(rule: unknown, data: unknown, options?: CompileOptions): void {
  const interpreted = run(() => compile(rule as Rule, { ...options, backend: 'interpreter' }));
  const generated = run(() => compile(rule as Rule, { ...options, backend: 'codegen' }));
  if (!interpreted.ok || !generated.ok) {
    // compile errors come from the shared validation: identical by construction, checked anyway
    expect(describeOutcome(generated)).toBe(describeOutcome(interpreted));
    return;
  }
  const a = interpreted.value as ReturnType<typeof compile>;
  const b = generated.value as ReturnType<typeof compile>;
  expect(b.backend).toBe('codegen');
  expect(b.references).toEqual(a.references);
  const expected = run(() => a.evaluate(data));
  const actual = run(() => b.evaluate(data));
  const same = expected.ok && actual.ok ? exactlyEqual(actual.value, expected.value) : describeOutcome(actual) === describeOutcome(expected);
  if (!same) {
    throw new Error(`${show(rule)} on ${show(data)}: interpreter ${describeOutcome(expected)}, codegen ${describeOutcome(actual)}`);
  }
}

// ---------------------------------------------------------------- random rules over every operator

const KEYS = ['a', 'b', 'xs', 'o', 's', 'n', '0', '1', 'length', 'current', 'accumulator', 'experiments', 'targetingKey', 'toString', 'constructor', '__proto__', 'valueOf'];
const PATHS: unknown[] = ['', 'a', 'b', 'xs', 'o', 's', 'n', 'o.a', 'o.b.a', 'xs.0', 'xs.length', 's.length', 's.0', 'current', 'accumulator', 'experiments.e', 'toString', 'constructor.name', 'o.__proto__', '__proto__.a', 0, 1, null];
const literal = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 2, 3, 0.5, 10, 1e21, NaN),
  fc.constantFrom('', 'a', 'b', '0', '1', '2', 'ab', '1.5', 'x', 'e', 'v1', '1.2.3', '>=', '^'),
  fc.boolean(),
  fc.constant(null),
);
const OPS = [
  '==', '===', '!=', '!==', '<', '<=', '>', '>=', '!', '!!', 'or', 'and', '?:', 'if', 'cat', 'substr', '%', 'max', 'min', '+', '-',
  '/', '*', 'merge', 'missing', 'missing_some', 'var', 'in', 'map', 'filter', 'reduce', 'all', 'none', 'some', 'log',
  'experiment', 'fractional', 'sem_ver', 'starts_with', 'ends_with', 'audience',
];
const AUDIENCES: Record<string, Rule> = {
  big: { '>': [{ var: 'n' }, 1] },
  hasA: { '!!': { var: 'a' } },
  both: { and: [{ audience: 'big' }, { audience: 'hasA' }] },
  items: { some: [{ var: 'xs' }, { audience: 'hasA' }] },
};

function ruleArbitrary(maxDepth: number): fc.Arbitrary<unknown> {
  const { node } = fc.letrec<{ rule: unknown; node: unknown }>((tie) => ({
    rule: fc.oneof(
      { depthSize: 'medium', maxDepth },
      { arbitrary: literal, weight: 3 },
      { arbitrary: fc.oneof(fc.constantFrom(...PATHS), fc.tuple(fc.constantFrom(...PATHS), literal)).map((p) => ({ var: p })), weight: 4 },
      { arbitrary: fc.array(literal, { maxLength: 3 }), weight: 1 },
      { arbitrary: fc.tuple(fc.constantFrom('v1', 'v2', null, 1), fc.integer({ min: -1, max: 5 })), weight: 1 },
      { arbitrary: tie('node'), weight: 5 },
    ),
    node: fc.constantFrom(...OPS).chain((op) => {
      if (op === 'audience') return fc.constantFrom(...Object.keys(AUDIENCES)).map((key) => ({ audience: key }));
      const min = ['in', 'missing_some', 'map', 'filter', 'reduce', 'all', 'none', 'some', 'experiment'].includes(op) ? 2 : op === '*' ? 1 : 0;
      const max = op === 'experiment' ? 2 : 4;
      const written = fc.array(tie('rule'), { minLength: min, maxLength: max }).map((args) => ({ [op]: args }));
      if (min > 1) return written;
      // a single operand written without an array
      return fc.oneof({ arbitrary: written, weight: 5 }, { arbitrary: tie('rule').filter((arg) => !Array.isArray(arg)).map((arg) => ({ [op]: arg })), weight: 1 });
    }),
  }));
  return node;
}

/** An object to be, as its entries: encoded as JSON text and parsed, so `__proto__` becomes an own key. */
class Entries {
  constructor(readonly entries: [string, unknown][]) {}
}

const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    { arbitrary: literal.map((v) => (typeof v === 'number' && !Number.isFinite(v) ? 7 : v)), weight: 3 },
    { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 1 },
    { arbitrary: fc.array(fc.tuple(fc.constantFrom(...KEYS), tie('value')), { maxLength: 5 }).map((e) => new Entries(e)), weight: 4 },
  ),
})).value;

/** JSON text → value, as request bodies are parsed. */
function toData(value: unknown): unknown {
  const encode = (v: unknown): string => {
    if (v instanceof Entries) return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${encode(x)}`).join(',')}}`;
    if (Array.isArray(v)) return `[${v.map(encode).join(',')}]`;
    return JSON.stringify(v) ?? 'null';
  };
  return JSON.parse(encode(value));
}

/** Both semantics: the default (missing signals never satisfy an ordering comparison) and json-logic-js's. */
const semanticsArbitrary = fc.constantFrom<'personalize' | 'json-logic-js'>('personalize', 'json-logic-js');

const limitsArbitrary = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: fc.record({ fuel: fc.integer({ min: 0, max: 40 }), arrayLength: fc.integer({ min: 0, max: 3 }), stringLength: fc.integer({ min: 0, max: 6 }) }), weight: 1 },
);

describe('codegen agrees with the interpreter', () => {
  it('on random rules over every operator, random JSON data and tiny limits (values, errors, references)', () => {
    fc.assert(
      fc.property(ruleArbitrary(5), jsonValue, limitsArbitrary, semanticsArbitrary, (rule, rawData, limits, semantics) => {
        expectSameOnBothBackends(rule, toData(rawData), { audiences: AUDIENCES, limits, semantics });
      }),
      { numRuns: 6000, seed: 424242, endOnFailure: true },
    );
  });

  it('with an onLog callback (hoisting is off; values reach onLog in the same order)', () => {
    fc.assert(
      fc.property(ruleArbitrary(4), jsonValue, semanticsArbitrary, (rule, rawData, semantics) => {
        const data = toData(rawData);
        const logs: unknown[][] = [[], []];
        const outcomes = (['interpreter', 'codegen'] as const).map((backend, i) =>
          run(() => compile(rule as Rule, { audiences: AUDIENCES, backend, semantics, onLog: (v) => logs[i].push(v) }).evaluate(data)),
        );
        expect(describeOutcome(outcomes[1])).toBe(describeOutcome(outcomes[0]));
        expect(exactlyEqual(logs[1], logs[0])).toBe(true);
      }),
      { numRuns: 1000, seed: 99, endOnFailure: true },
    );
  });

  it('on the realistic rule shapes of the benchmark', () => {
    const audiences: Record<string, Rule> = {
      engaged: { or: [{ '>=': [{ var: 'profile.visits' }, 3] }, { in: ['loyal', { var: 'profile.segments' }] }] },
    };
    const rule: Rule = {
      and: [
        { '==': [{ var: 'context.device' }, 'mobile'] },
        { in: [{ var: 'context.country' }, ['DE', 'AT', 'CH', 'FR', 'NL', 'BE', 'LU', 'IT', 'ES', 'PT', 'PL', 'CZ', 'DK', 'SE', 'NO', 'FI', 'IE']] },
        { some: [{ var: 'behavior.recentlyViewed' }, { in: [{ var: '' }, ['a', 'b']] }] },
        { audience: 'engaged' },
        { '!': { missing_some: [1, ['profile.visits', 'session.pageviews']] } },
        { experiment: ['checkout-copy', 'b'] },
        { '==': [{ fractional: [{ cat: ['salt-', { var: 'visitorId' }] }, ['control', 50], ['variant', 50]] }, 'variant'] },
      ],
    };
    const visitors = [
      {},
      { context: { device: 'mobile', country: 'SE' }, behavior: { recentlyViewed: ['b'] }, profile: { visits: 4 }, experiments: { 'checkout-copy': 'b' }, visitorId: 'v-1' },
      { context: { device: 'mobile', country: 'DE' }, behavior: { recentlyViewed: 'ab' }, profile: { segments: ['loyal'] }, visitorId: 'ü-2' },
      { context: 'mobile', behavior: null, profile: [], visitorId: 7 },
      ...Array.from({ length: 40 }, (_, i) => ({
        context: { device: 'mobile', country: ['DE', 'US', 'NO'][i % 3] },
        behavior: { recentlyViewed: ['x', i % 2 ? 'a' : 'z'] },
        profile: { visits: i % 5 },
        session: { pageviews: i % 2 ? 1 : null },
        experiments: { 'checkout-copy': i % 4 ? 'b' : 'a' },
        visitorId: `v-${i}`,
      })),
    ];
    for (const visitor of visitors) {
      for (const semantics of ['personalize', 'json-logic-js'] as const) expectSameOnBothBackends(rule, visitor, { audiences, semantics });
    }
  });
});

// ---------------------------------------------------------------- rule text never becomes code

/** Strings that would break out of, or change, code built by concatenation. */
const NASTY = [
  '"', "'", '\\', '\\"', '`', '${globalThis.pwned = 1}', '*/', '/*', '//', '<!--', '-->', '</script>', '<script>',
  '\n', '\r\n', '\u2028', '\u2029', '\u0000', '\u0001', '\u00010\u0001', '\u00011\u0001',
  '"); globalThis.pwned = 1; ("', "'); globalThis.pwned = 1; ('", '"] + (globalThis.pwned = 1) + ["',
  '" + (globalThis.pwned = 1) + "', '\\u0022', '\ud800', '\udfff', '😀',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'length',
  '0', '1', '-1', '01', '1e3', '0x10', 'NaN', 'Infinity', 'undefined', 'null', 'a.b', '',
];

const VALUE = 'value';

/** Rules that put `text` in every place a rule can hold text. */
function rulesWith(text: string): { rule: Rule; audiences?: Record<string, Rule> }[] {
  return [
    { rule: { '==': [{ var: 'k' }, text] } },
    { rule: { '===': [text, { var: 'k' }] } },
    { rule: { var: text } },
    { rule: { var: [text, text] } },
    { rule: { var: `obj.${text}` } },
    { rule: { var: [`obj.${text}.x`, 1] } },
    { rule: { in: [{ var: 'k' }, [text, 'other']] } },
    { rule: { in: [{ var: 'k' }, Array.from({ length: 20 }, (_, i) => `${text}${i}`).concat(text)] } },
    { rule: { in: [{ var: 'k' }, `«${text}»`] } },
    { rule: { cat: [text, { var: 'k' }] } },
    { rule: { missing: [text, 'k'] } },
    { rule: { missing_some: [1, [text, `obj.${text}`]] } },
    { rule: { experiment: [text, text] } },
    { rule: { fractional: [{ cat: [text, { var: 'k' }] }, [text, 1], ['b', 1]] } },
    { rule: { if: [{ var: 'k' }, text, { cat: [text, text] }] } },
    { rule: { some: [{ var: 'list' }, { '==': [{ var: text }, VALUE] }] } },
    { rule: { map: [{ var: 'list' }, { var: text }] } },
    { rule: { '!!': { [text]: 1, other: 2 } } }, // an object that is data
    { rule: [text, { var: text }] },
    { rule: { audience: text }, audiences: { [text]: { '==': [{ var: text }, VALUE] } } },
  ];
}

/** Data with `text` as a key (made by JSON.parse, as request bodies are) at the top, in `obj` and in list items. */
function dataWith(text: string): unknown {
  const key = JSON.stringify(text);
  return JSON.parse(`{${key}: "${VALUE}", "k": ${JSON.stringify(text)}, "obj": {${key}: {"x": 2}}, "list": [{${key}: "${VALUE}"}], "experiments": {${key}: ${key}}}`);
}

/** Identifiers the generated source may contain (outside string literals and after no dot). */
const ALLOWED = new Set([
  'use', 'strict', 'const', 'let', 'function', 'return', 'if', 'for', 'typeof', 'void', 'null', 'true', 'false', 'throw',
  'try', 'catch', 'R', 'K', 'B', 'd', 's', 'a', 'i', 'v', 'e', 'out', 'evaluate', ...RUNTIME_NAMES,
]);

function unexpectedIdentifiers(source: string): string[] {
  const withoutStrings = source.replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
  const bad = new Set<string>();
  for (const match of withoutStrings.matchAll(/(\.?)([A-Za-z_$0-9][\w$]*)/g)) {
    const [, dot, name] = match;
    if (dot === '.' || /^[0-9]/.test(name) || /^[cftp][0-9]+$/.test(name) || ALLOWED.has(name)) continue;
    bad.add(name);
  }
  return [...bad];
}

function sourceOf(rule: Rule, options?: CompileOptions): string {
  const session = new CompileSession(options);
  session.compileRoot(rule);
  return generateModule(rule, session).source;
}

describe('rule text never becomes code', () => {
  afterEach(() => {
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  it.each(NASTY.map((text) => [JSON.stringify(text), text]))('%s anywhere in a rule or as a data key', (_name, text) => {
    for (const { rule, audiences } of rulesWith(text)) {
      expectSameOnBothBackends(rule, dataWith(text), { audiences });
      expectSameOnBothBackends(rule, { k: text, list: [text] }, { audiences });
      const source = sourceOf(rule, { audiences });
      expect(unexpectedIdentifiers(source)).toEqual([]);
      expect(source).not.toMatch(/[\u2028\u2029`]/);
    }
  });

  it('literal values come back exactly (the escaping round-trips)', () => {
    for (const text of NASTY) {
      const rule = compile({ if: [true, text, 0] } as Rule, { backend: 'codegen' });
      expect(rule.evaluate({})).toBe(text);
      expect(compile({ cat: [text, { var: 'k' }] }, { backend: 'codegen' }).evaluate({ k: text })).toBe(text + text);
    }
    for (const n of [0, -0, 1e21, -1.5, 5e-324, Number.MAX_VALUE]) {
      expect(Object.is(compile({ if: [{ var: 'x' }, n, n] }, { backend: 'codegen' }).evaluate({}), n)).toBe(true);
    }
  });

  it('prototype-named and blocked keys stay missing in generated reads', () => {
    const data = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"name": "x"}, "o": {"prototype": 1}}');
    for (const path of ['__proto__', '__proto__.polluted', 'constructor', 'constructor.name', 'o.prototype', 'toString', 'o.hasOwnProperty']) {
      expect(compile({ var: [path, 'missing'] }, { backend: 'codegen' }).evaluate(data)).toBe('missing');
    }
    expect(compile({ experiment: ['__proto__', 'x'] }, { backend: 'codegen' }).evaluate(data)).toBe(false);
    expect(compile({ missing: ['__proto__', 'constructor', 'o'] }, { backend: 'codegen' }).evaluate(data)).toEqual(['__proto__', 'constructor']);
  });

  it('the generated source names nothing but its parameters, its locals and the runtime helpers', () => {
    const rule: Rule = {
      and: [
        { some: [{ var: 'xs' }, { '>': [{ var: 'n' }, 1] }] },
        { map: [{ var: 'xs' }, { '+': [{ var: '' }, 1] }] },
        { filter: [{ var: 'xs' }, { var: 'a' }] },
        { all: [{ var: 'xs' }, 1] },
        { none: [{ var: 'xs' }, 0] },
        { reduce: [{ var: 'xs' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] },
        { audience: 'x' },
        { '-': [{ var: 'a' }, { var: 'b' }] },
        { '<': [1, { var: 'a' }, 3] },
        { fractional: [{ cat: ['s', { var: 'id' }] }, ['a', 1], ['b', 0]] },
        { var: ['a', { var: 'b' }] },
      ],
    };
    expect(unexpectedIdentifiers(sourceOf(rule, { audiences: { x: { '!': { var: 'q' } } } }))).toEqual([]);
  });
});

// ---------------------------------------------------------------- backend selection and the CSP fallback

describe('backend selection', () => {
  const rule: Rule = { '==': [{ var: 'a' }, 1] };

  it("'auto' (the default) uses generated code where new Function works", () => {
    expect(compile(rule).backend).toBe('codegen');
    expect(compile(rule, { backend: 'auto' }).backend).toBe('codegen');
    expect(compile(rule, { backend: 'interpreter' }).backend).toBe('interpreter');
  });

  it('refuses an unknown backend', () => {
    expect(() => compile(rule, { backend: 'jit' as never })).toThrow(RangeError);
  });

  describe('under a Content Security Policy without unsafe-eval', () => {
    const RealFunction = globalThis.Function;
    let probes = 0;

    beforeEach(() => {
      probes = 0;
      // What a browser does with new Function under such a CSP.
      globalThis.Function = function blocked() {
        probes++;
        throw new EvalError("Refused to evaluate a string as JavaScript because 'unsafe-eval' is not an allowed source");
      } as unknown as FunctionConstructor;
      resetBackendDetection();
    });

    afterEach(() => {
      globalThis.Function = RealFunction;
      resetBackendDetection();
    });

    it("'auto' falls back to the interpreter, probing only once", () => {
      const first = compile(rule);
      const second = compile({ audience: 'x' }, { audiences: { x: rule } });
      expect(first.backend).toBe('interpreter');
      expect(second.backend).toBe('interpreter');
      expect(first.evaluate({ a: 1 })).toBe(true);
      expect(second.matches({ a: 2 })).toBe(false);
      expect(probes).toBe(1);
    });

    it("'codegen' throws a clear error", () => {
      expect(() => compile(rule, { backend: 'codegen' })).toThrow(/"codegen" backend is not available.*Content Security Policy/);
    });
  });
});
