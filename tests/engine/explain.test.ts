/** explain(): the tree of evaluated operations, for meta.personalize.reason and the admin's test panel. */
import { createExplainer, explain, MAX_EXPLAIN_NODES, RuleError, type ExplainNode, type Rule } from '../../engine/src';
import { BACKENDS, engineFor } from './backends';

describe.each(BACKENDS)('%s backend', (backend) => {
  const { compile } = engineFor(backend);

  const audiences: Record<string, Rule> = {
    returning: { '>=': [{ var: 'profile.visits' }, 3] },
  };

  const condition: Rule = {
    and: [
      { '==': [{ var: 'context.device' }, 'mobile'] },
      { '<': [{ var: 'behavior.dwellSec' }, 10] },
      { audience: 'returning' },
    ],
  };

  const visitor = { context: { device: 'mobile' }, behavior: { dwellSec: 4 }, profile: { visits: 5 } };

  /** Strip paths to look at the shape only. */
  function shape(node: ExplainNode): unknown {
    const out: Record<string, unknown> = { op: node.op, result: node.result };
    if (node.read) out.read = node.read;
    if (node.audience) out.audience = node.audience;
    if (node.item !== undefined) out.item = node.item;
    if (node.children) out.children = node.children.map(shape);
    return out;
  }

  describe('explain', () => {
    it('describes which sub-conditions were truthy and the values they saw', () => {
      const tree = explain(condition, visitor, { audiences });
      expect(shape(tree)).toEqual({
        op: 'and',
        result: true,
        children: [
          { op: '==', result: true, children: [{ op: 'var', result: 'mobile', read: ['context', 'device'] }] },
          { op: '<', result: true, children: [{ op: 'var', result: 4, read: ['behavior', 'dwellSec'] }] },
          {
            op: 'audience',
            result: true,
            audience: 'returning',
            children: [{ op: '>=', result: true, children: [{ op: 'var', result: 5, read: ['profile', 'visits'] }] }],
          },
        ],
      });
      expect(tree.truthy).toBe(true);
      expect(tree.path).toEqual([]);
      expect(tree.children?.[1].path).toEqual(['and', 1]);
      expect(tree.children?.[1].children?.[0]).toMatchObject({ path: ['and', 1, '<', 0], value: 4, truthy: true });
      // paths below an audience node are inside the audience's rule
      expect(tree.children?.[2].children?.[0].path).toEqual([]);
      expect(tree.children?.[2].children?.[0].children?.[0].path).toEqual(['>=', 0]);
    });

    it('omits branches that short-circuiting skipped', () => {
      const tree = explain(condition, { ...visitor, context: { device: 'desktop' } }, { audiences });
      expect(tree.result).toBe(false);
      expect(tree.children).toHaveLength(1);
      expect(tree.children?.[0]).toMatchObject({ op: '==', result: false, truthy: false });
    });

    it('shows the value found and the default used by var', () => {
      const tree = explain({ var: ['profile.tier', 'basic'] }, { profile: {} });
      expect(tree).toMatchObject({ op: 'var', result: 'basic', read: ['profile', 'tier'], value: null, truthy: true });
    });

    it('marks per-item evaluations with the item index', () => {
      const tree = explain({ some: [{ var: 'behavior.recentlyViewed' }, { '==': [{ var: '' }, 'shoes'] }] }, { behavior: { recentlyViewed: ['hats', 'shoes', 'bags'] } });
      expect(tree.result).toBe(true);
      const perItem = tree.children?.filter((node) => node.op === '==') ?? [];
      expect(perItem.map((node) => [node.item, node.result])).toEqual([
        [0, false],
        [1, true],
      ]);
      expect(tree.children?.[0].item).toBeUndefined(); // the source array is not an item
    });

    it('explains flagd operators like any other', () => {
      const tree = explain({ '==': [{ fractional: [{ var: 'id' }, ['a', 50], ['b', 50]] }, 'b'] }, { id: 'visitor-1' });
      expect(tree.children?.[0].op).toBe('fractional');
      expect(typeof tree.children?.[0].result).toBe('string');
    });

    it('the root result is exact, inner results are abbreviated', () => {
      const xs = Array.from({ length: 100 }, (_, i) => i);
      const tree = explain({ filter: [{ var: 'xs' }, true] }, { xs });
      expect(tree.result).toEqual(xs);
      const source = tree.children?.[0];
      expect(source?.result).toHaveLength(21);
      expect((source?.result as unknown[])[20]).toBe('… 80 more');
      const long = explain({ '==': [{ var: 's' }, 1] }, { s: 'x'.repeat(1000) });
      expect((long.children?.[0].result as string).length).toBe(201);
    });

    it('caps the number of recorded nodes and counts the rest', () => {
      const xs = Array.from({ length: 2000 }, (_, i) => i);
      const tree = explain({ map: [{ var: 'xs' }, { '+': [{ var: '' }, 1] }] }, { xs });
      const count = (node: ExplainNode): number => 1 + (node.children ?? []).reduce((sum, child) => sum + count(child), 0);
      expect(count(tree)).toBeLessThanOrEqual(MAX_EXPLAIN_NODES + 1);
      expect(tree.omitted).toBeGreaterThan(0);
      expect((tree.result as number[])[1999]).toBe(2000);
    });

    it('is JSON-serialisable', () => {
      const tree = explain({ merge: [{ '/': [1, 0] }, { '-': [{ var: 'x' }] }, { var: 'o' }] }, { o: { a: [1, { b: 2 }] } });
      const json = JSON.parse(JSON.stringify(tree)) as ExplainNode;
      expect(json.op).toBe('merge');
      expect(json.result).toEqual([null, 0, { a: [1, { b: 2 }] }]); // JSON has no Infinity or -0
      expect(json.children?.length).toBe(3);
    });

    it('handles roots that are not operations', () => {
      expect(explain(42, {})).toEqual({ op: 'literal', path: [], result: 42, truthy: true });
      const array = explain([1, { var: 'a' }], { a: 'x' });
      expect(array).toMatchObject({ op: 'array', result: [1, 'x'], truthy: true });
      expect(array.children?.[0]).toMatchObject({ op: 'var', path: [1], result: 'x' });
    });

    it('gives the same result as evaluate, and throws the same errors', () => {
      const rule: Rule = { map: [{ var: 'rows' }, { map: [{ var: '' }, 1] }] };
      const rows = Array.from({ length: 1000 }, () => Array.from({ length: 1000 }, () => 0));
      expect(() => explain(rule, { rows })).toThrow(RuleError);
      expect(() => compile(rule).evaluate({ rows })).toThrow(RuleError);
      expect(() => explain({ nope: 1 })).toThrow(/Unknown operator/);
      expect(explain(condition, visitor, { audiences }).result).toBe(compile(condition, { audiences }).evaluate(visitor));
    });
  });
});

describe('createExplainer', () => {
  const rule = {
    and: [
      { '==': [{ var: 'context.device' }, 'mobile'] },
      { some: [{ var: 'behavior.recentlyViewed' }, { '==': [{ var: '' }, 'pricing'] }] },
    ],
  } as Rule;
  const samples = [
    { context: { device: 'mobile' }, behavior: { recentlyViewed: ['home', 'pricing'] } },
    { context: { device: 'desktop' }, behavior: { recentlyViewed: ['pricing'] } },
    { context: { device: 'mobile' }, behavior: { recentlyViewed: [] } },
    {},
  ];

  it('compiles once and explains many data exactly as explain does, each time afresh', () => {
    const explainer = createExplainer(rule);
    for (const round of [1, 2]) {
      for (const data of samples) {
        expect({ round, node: explainer.explain(data) }).toEqual({ round, node: explain(rule, data) });
      }
    }
  });

  it('gives every explanation its own nodes', () => {
    const explainer = createExplainer(rule);
    const first = explainer.explain(samples[0]);
    const snapshot = JSON.parse(JSON.stringify(first));
    explainer.explain(samples[1]);
    expect(first).toEqual(snapshot);
  });

  it('resets the work budget on every call', () => {
    // each item costs the per-item rule's weight: 5 JSON nodes, so 4 items cost 20 and 6 cost 30
    const counting = { some: [{ var: 'items' }, { '==': [{ var: '' }, -1] }] } as Rule;
    const explainer = createExplainer(counting, { limits: { fuel: 25 } });
    for (let i = 0; i < 3; i += 1) expect(explainer.explain({ items: [1, 2, 3, 4] }).result).toBe(false);
    expect(() => explainer.explain({ items: [1, 2, 3, 4, 5, 6] })).toThrow(RuleError);
    expect(explainer.explain({ items: [1, 2] }).result).toBe(false);
  });
});
