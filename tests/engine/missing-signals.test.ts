/**
 * Missing signals never satisfy an ordering comparison (the default `personalize` semantics), while the
 * `json-logic-js` semantics keep json-logic-js's results (`null < 10` is true). Both backends, both modes;
 * explain's `missing`; orderingSignals/missingSignals, which delivery uses to say why a variant was passed over.
 * (property.test.ts checks the default semantics against json-logic-js on rewritten random rules.)
 */
import { explain, missingSignals, orderingSignals, type ExplainNode, type Rule, type Semantics } from '../../engine/src';
import { BACKENDS, engineFor } from './backends';

const dwellUnder10: Rule = { '<': [{ var: 'behavior.dwellSec' }, 10] };
const quickExit: Rule = { and: [{ '==': [{ var: 'context.device' }, 'mobile'] }, dwellUnder10] };
const mobile = { context: { device: 'mobile' } };

describe.each(BACKENDS)('%s backend', (backend) => {
  const product = engineFor(backend);
  const reference = engineFor(backend, 'json-logic-js');
  /** [personalize, json-logic-js] results. */
  const both = (rule: Rule, data: unknown, options = {}) => [product.evaluate(rule, data, options), reference.evaluate(rule, data, options)];

  it('defaults to the personalize semantics, and says which one a compiled rule uses', () => {
    expect(product.compile(dwellUnder10).semantics).toBe('personalize');
    expect(reference.compile(dwellUnder10).semantics).toBe('json-logic-js');
    expect(() => product.compile(dwellUnder10, { semantics: 'strict' as Semantics })).toThrow(RangeError);
  });

  it('"dwell time < 10 s" does not match a visitor whose dwell time is unknown', () => {
    expect(both(quickExit, mobile)).toEqual([false, true]);
    expect(both(quickExit, { ...mobile, behavior: {} })).toEqual([false, true]);
    expect(both(quickExit, { ...mobile, behavior: { dwellSec: 3 } })).toEqual([true, true]);
    expect(both(quickExit, { ...mobile, behavior: { dwellSec: 30 } })).toEqual([false, false]);
    expect(both(dwellUnder10, undefined)).toEqual([false, true]);
    expect(both(dwellUnder10, null)).toEqual([false, true]);
  });

  it.each([
    ['<', 10, true],
    ['<=', 0, true],
    ['>', -1, true],
    ['>=', 0, true],
  ])('%s with a missing var on either side is false (json-logic-js compares null as 0 with %s)', (op, literal, referenceResult) => {
    const left: Rule = { [op]: [{ var: 'x' }, literal] };
    expect(both(left, {})).toEqual([false, referenceResult]);
    expect(both(left, { x: null })).toEqual([false, referenceResult]);
    const mirrored = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' }[op] as string;
    const right: Rule = { [mirrored]: [literal, { var: 'x' }] };
    expect(both(right, {})).toEqual([false, referenceResult]);
    // two vars: either one missing is enough
    expect(both({ [op]: [{ var: 'x' }, { var: 'y' }] }, { y: literal })).toEqual([false, referenceResult]);
    expect(both({ [mirrored]: [{ var: 'y' }, { var: 'x' }] }, { y: literal })).toEqual([false, referenceResult]);
  });

  it('the between forms of < and <= are false when any of the three compared operands is missing', () => {
    for (const op of ['<', '<=']) {
      expect(both({ [op]: [0, { var: 'x' }, 10] }, { x: 5 })).toEqual([true, true]);
      expect(both({ [op]: [{ var: 'x' }, 5, 10] }, {})).toEqual([false, true]);
      expect(both({ [op]: [-1, { var: 'x' }, 10] }, {})).toEqual([false, true]);
      // a missing third operand: json-logic-js compares null (0) as the upper bound
      expect(both({ [op]: [-2, -1, { var: 'x' }] }, {})).toEqual([false, true]);
      // a whole-scope var of undefined data: json-logic-js falls back to the two-operand form
      expect(both({ [op]: [1, 2, { var: '' }] }, undefined)).toEqual([false, true]);
      // operands past the third are not compared, so they do not count (but are evaluated)
      expect(both({ [op]: [0, 1, 2, { var: 'x' }] }, {})).toEqual([true, true]);
      expect(() => product.evaluate({ [op]: [{ var: 'x' }, 1, 2, { map: [{ var: 'xs' }, 1] }] }, { xs: [1, 2] }, { limits: { fuel: 1 } })).toThrow(/work budget/);
    }
    // > and >= compare two operands; a third is ignored
    expect(both({ '>': [1, 0, { var: 'x' }] }, {})).toEqual([true, true]);
  });

  it('applies inside and / or / ! / if, in audiences and in per-item rules', () => {
    expect(both({ or: [dwellUnder10, { '==': [{ var: 'context.device' }, 'desktop'] }] }, mobile)).toEqual([false, true]);
    // "not (dwell < 10)" is true when the dwell time is unknown: the comparison is false, and ! inverts it
    expect(both({ '!': [dwellUnder10] }, mobile)).toEqual([true, false]);
    expect(both({ if: [dwellUnder10, 'hesitant', 'other'] }, mobile)).toEqual(['other', 'hesitant']);
    expect(both({ '!!': dwellUnder10 }, mobile)).toEqual([false, true]);
    const audiences: Record<string, Rule> = { hesitant: dwellUnder10, hesitantMobile: { and: [{ audience: 'hesitant' }, { '==': [{ var: 'context.device' }, 'mobile'] }] } };
    expect(both({ audience: 'hesitantMobile' }, mobile, { audiences })).toEqual([false, true]);
    expect(both({ audience: 'hesitantMobile' }, { ...mobile, behavior: { dwellSec: 2 } }, { audiences })).toEqual([true, true]);
    const cheapItem: Rule = { some: [{ var: 'items' }, { '<': [{ var: 'price' }, 10] }] };
    expect(both(cheapItem, { items: [{ name: 'no price' }] })).toEqual([false, true]);
    expect(both(cheapItem, { items: [{ name: 'no price' }, { price: 5 }] })).toEqual([true, true]);
  });

  it('a var with a default is not missing; 0, "" and false are values', () => {
    expect(both({ '<': [{ var: ['behavior.dwellSec', 0] }, 10] }, mobile)).toEqual([true, true]);
    expect(both({ '<': [{ var: ['behavior.dwellSec', 60] }, 10] }, mobile)).toEqual([false, false]);
    // a computed default is a default too
    expect(both({ '<': [{ var: ['x', { var: 'y' }] }, 10] }, { y: 1 })).toEqual([true, true]);
    for (const x of [0, '', false]) expect(both({ '<': [{ var: 'x' }, 10] }, { x })).toEqual([true, true]);
    expect(both({ '>=': [{ var: 'x' }, 0] }, { x: 0 })).toEqual([true, true]);
    expect(both({ '<': [{ var: 'xs' }, 10] }, { xs: [] })).toEqual([true, true]);
  });

  it('missing means absent or null; a literal null default is no default', () => {
    expect(both(dwellUnder10, { behavior: { dwellSec: null } })).toEqual([false, true]);
    expect(both(dwellUnder10, { behavior: null })).toEqual([false, true]);
    expect(both(dwellUnder10, { behavior: 'text' })).toEqual([false, true]);
    expect(both({ '<': [{ var: ['x', null] }, 10] }, {})).toEqual([false, true]);
    // prototype members are never read, so they are missing too
    expect(both({ '<': [{ var: 'constructor' }, 10] }, {})).toEqual([false, true]);
    // a null found beside a default: json-logic-js returns the null (not the default); the author wrote a
    // default, so the var is not a bare signal read and json-logic-js's comparison stands
    expect(both({ '<': [{ var: ['x', 50] }, 10] }, { x: null })).toEqual([true, true]);
  });

  it('counts only vars written as compared operands: not arithmetic, not literals, not == / !=', () => {
    expect(both({ '<': [{ '-': [{ var: 'x' }, 1] }, 10] }, {})).toEqual([true, true]);
    expect(both({ '<': [null, 10] }, {})).toEqual([true, true]);
    expect(both({ '==': [{ var: 'x' }, null] }, {})).toEqual([true, true]);
    expect(both({ '!=': [{ var: 'x' }, 10] }, {})).toEqual([true, true]);
    // a computed path reads a signal like a literal one
    expect(both({ '<': [{ var: { cat: ['behavior.', 'dwellSec'] } }, 10] }, mobile)).toEqual([false, true]);
  });

  it('one operand: compared with undefined, false in both modes', () => {
    expect(both({ '<': [{ var: 'x' }] }, {})).toEqual([false, false]);
    expect(both({ '>': { var: 'x' } }, { x: 1 })).toEqual([false, false]);
  });
});

describe('explain reports the missing signals of an ordering comparison', () => {
  const find = (node: ExplainNode, op: string): ExplainNode | undefined =>
    node.op === op ? node : (node.children ?? []).map((child) => find(child, op)).find(Boolean);

  it('names the signal on the comparison node, which is false', () => {
    const tree = explain(quickExit, mobile);
    expect(tree.result).toBe(false);
    expect(find(tree, '<')).toMatchObject({ op: '<', result: false, missing: ['behavior.dwellSec'] });
    expect(find(tree, '<')?.children?.[0]).toMatchObject({ op: 'var', read: ['behavior', 'dwellSec'], value: null });
    expect(find(explain(quickExit, { ...mobile, behavior: { dwellSec: 3 } }), '<')).not.toHaveProperty('missing');
  });

  it('only in the personalize semantics', () => {
    const tree = explain(quickExit, mobile, { semantics: 'json-logic-js' });
    expect(tree.result).toBe(true);
    expect(find(tree, '<')).not.toHaveProperty('missing');
  });

  it('lists every missing compared operand, through audiences and computed paths; not vars with defaults', () => {
    expect(explain({ '<': [{ var: 'a' }, { var: 'b.c' }, { var: 'a' }] }, {}).missing).toEqual(['a', 'b.c']);
    expect(explain({ '<=': [{ var: ['a', 0] }, { var: 'b' }] }, {}).missing).toEqual(['b']);
    expect(explain({ '<': [{ var: { cat: ['behavior.', 'dwellSec'] } }, 10] }, {}).missing).toEqual(['behavior.dwellSec']);
    const tree = explain({ audience: 'returning' }, {}, { audiences: { returning: { '>=': [{ var: 'profile.visits' }, 3] } } });
    expect(tree).toMatchObject({ op: 'audience', result: false, children: [{ op: '>=', missing: ['profile.visits'] }] });
  });
});

describe('orderingSignals / missingSignals', () => {
  it('collects the signals ordering comparisons read, through audiences, once each', () => {
    const audiences: Record<string, Rule> = {
      returning: { '>=': [{ var: 'profile.visits' }, 3] },
      loop: { or: [{ audience: 'loop' }, { '>': [{ var: 'session.pageviews' }, 1] }] },
    };
    const rule: Rule = {
      and: [
        quickExit,
        { '<=': [0, { var: 'behavior.scrollDepth' }, { var: 'custom.max' }] },
        { audience: 'returning' },
        { audience: 'loop' },
        { audience: 'unknown' },
        { '!': { '>': [{ var: 'behavior.dwellSec' }, 100] } },
      ],
    };
    expect(orderingSignals(rule, { audiences })).toEqual([
      'behavior.dwellSec',
      'behavior.scrollDepth',
      'custom.max',
      'profile.visits',
      'session.pageviews',
    ]);
  });

  it('leaves out what never counts as missing, and what is not a signal', () => {
    const rule: Rule = {
      and: [
        { '<': [{ var: ['behavior.dwellSec', 0] }, 10] }, // default
        { '==': [{ var: 'context.device' }, 'mobile'] }, // not an ordering comparison
        { '<': [{ '-': [{ var: 'time.hour' }, 1] }, 10] }, // arithmetic
        { some: [{ var: 'items' }, { '<': [{ var: 'price' }, 10] }] }, // per-item rule
        { '<': [{ var: { cat: ['a', 'b'] } }, 1] }, // computed path
        { '<': [{ var: '' }, 1] }, // the whole scope
        { '>': [1, 0, { var: 'ignored' }] }, // not compared
      ],
    };
    expect(orderingSignals(rule)).toEqual([]);
    expect(orderingSignals({ '<': [{ var: ['x', null] }, 1] })).toEqual(['x']);
    expect(orderingSignals({ map: [{ var: 'xs' }, 1] })).toEqual([]);
    expect(orderingSignals({ reduce: [{ var: 'xs' }, { '+': [1, 2] }, { '<': [{ var: 'start' }, 0] }] })).toEqual(['start']);
  });

  it('says which of those are missing in the data, reading as var does', () => {
    const paths = ['behavior.dwellSec', 'behavior.clicks', 'custom.flag', 'custom.text', 'custom.none', 'profile.visits', 'constructor'];
    const data = { behavior: { clicks: 0 }, custom: { flag: false, text: '', none: null } };
    expect(missingSignals(paths, data)).toEqual(['behavior.dwellSec', 'custom.none', 'profile.visits', 'constructor']);
    expect(missingSignals(paths, undefined)).toEqual(paths);
  });
});
