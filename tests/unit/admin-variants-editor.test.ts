import fc from 'fast-check';

import { mergeRelationChanges, mediaIds, toOverrideValue } from '../../admin/src/components/VariantsInput/currentValue';
import { dropIndex, dropPositionAt, dropTargetAt, moveItem, reorderByDrop } from '../../admin/src/components/VariantsInput/reorder';
import { attributeValueSchema } from '../../contracts/src/variants/override-schemas';
import type { AttributeLike } from '../../contracts/src/schema-types';

describe('variant cards: reorder', () => {
  const list = ['a', 'b', 'c', 'd'];

  it('moves an item to an index, keeping the others in order', () => {
    expect(moveItem(list, 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveItem(list, 3, 0)).toEqual(['d', 'a', 'b', 'c']);
    expect(moveItem(list, 1, 1)).toEqual(list);
    expect(moveItem(list, 1, 99)).toEqual(['a', 'c', 'd', 'b']);
    expect(moveItem(list, 7, 0)).toEqual(list);
    expect(list).toEqual(['a', 'b', 'c', 'd']); // never in place
  });

  it('drops before or after the card under the pointer', () => {
    expect(reorderByDrop(list, 0, 2, 'before')).toEqual(['b', 'a', 'c', 'd']);
    expect(reorderByDrop(list, 0, 2, 'after')).toEqual(['b', 'c', 'a', 'd']);
    expect(reorderByDrop(list, 3, 0, 'before')).toEqual(['d', 'a', 'b', 'c']);
    expect(reorderByDrop(list, 3, 0, 'after')).toEqual(['a', 'd', 'b', 'c']);
    expect(reorderByDrop(list, 1, 0, 'before')).toEqual(['b', 'a', 'c', 'd']);
    expect(reorderByDrop(list, 0, 1, 'after')).toEqual(['b', 'a', 'c', 'd']);
  });

  it('changes nothing when dropped on itself or next to itself on the same side', () => {
    expect(dropIndex(1, 1, 'before')).toBe(1);
    expect(dropIndex(1, 1, 'after')).toBe(1);
    expect(dropIndex(1, 0, 'after')).toBe(1);
    expect(dropIndex(1, 2, 'before')).toBe(1);
  });

  it('is a permutation that puts the dragged item next to its target, whatever the drop', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.nat(n - 1), fc.nat(n - 1), fc.constantFrom('before' as const, 'after' as const))
        ),
        ([n, from, over, position]) => {
          const items = Array.from({ length: n }, (_, i) => i);
          const next = reorderByDrop(items, from, over, position);
          expect([...next].sort((a, b) => a - b)).toEqual(items);
          const at = next.indexOf(from);
          expect(at).toBe(dropIndex(from, over, position));
          if (over !== from) expect(next.indexOf(over)).toBe(position === 'before' ? at + 1 : at - 1);
          // The others keep their relative order.
          expect(next.filter((i) => i !== from)).toEqual(items.filter((i) => i !== from));
        }
      )
    );
  });

  it('finds the drop target anywhere over the list, gaps included', () => {
    // Three cards 40 px high, 8 px apart.
    const rects = [0, 1, 2].map((i) => ({ top: 100 + i * 48, height: 40 }));
    expect(dropTargetAt(90, rects)).toEqual({ over: 0, position: 'before' });
    expect(dropTargetAt(125, rects)).toEqual({ over: 1, position: 'before' }); // lower half of the first card
    expect(dropTargetAt(144, rects)).toEqual({ over: 1, position: 'before' }); // the gap
    expect(dropTargetAt(190, rects)).toEqual({ over: 2, position: 'before' });
    expect(dropTargetAt(230, rects)).toEqual({ over: 2, position: 'after' });
    expect(dropTargetAt(999, rects)).toEqual({ over: 2, position: 'after' });
    expect(dropTargetAt(100, [])).toBeNull();
    // Dragging the first card to below the last one puts it last.
    const target = dropTargetAt(230, rects)!;
    expect(reorderByDrop(['a', 'b', 'c'], 0, target.over, target.position)).toEqual(['b', 'c', 'a']);
  });

  it('reads the upper half of a card as "before"', () => {
    expect(dropPositionAt(110, { top: 100, height: 40 })).toBe('before');
    expect(dropPositionAt(120, { top: 100, height: 40 })).toBe('after');
    expect(dropPositionAt(139, { top: 100, height: 40 })).toBe('after');
  });
});

describe('copy current values', () => {
  const noComponents = () => undefined;
  const manyToOne: AttributeLike = { type: 'relation', relation: 'manyToOne', target: 'api::author.author' };
  const manyToMany: AttributeLike = { type: 'relation', relation: 'manyToMany', target: 'api::tag.tag' };
  const saved = [
    { id: 1, documentId: 'aaa' },
    { id: 2, documentId: 'bbb' },
    { id: 3, documentId: 'ccc' },
  ];
  const connectItem = (id: number, documentId: string, position?: Record<string, unknown>) => ({
    id,
    apiData: { id, documentId, locale: 'en', ...(position ? { position } : {}) },
    status: 'draft',
    __temp_key__: 'a1',
    label: documentId,
  });

  it('keeps the saved relations when the form changed nothing', () => {
    expect(toOverrideValue(manyToMany, { connect: [], disconnect: [] }, saved)).toEqual([
      { documentId: 'aaa' },
      { documentId: 'bbb' },
      { documentId: 'ccc' },
    ]);
    expect(toOverrideValue(manyToOne, { connect: [], disconnect: [] }, [{ id: 9, documentId: 'author1' }])).toEqual({
      documentId: 'author1',
    });
  });

  it('applies the form’s pending disconnects and connects (appended, or at their position)', () => {
    const formValue = {
      connect: [connectItem(4, 'ddd'), connectItem(5, 'eee', { before: 'aaa' }), connectItem(6, 'fff', { start: true })],
      disconnect: [{ id: 2, apiData: { id: 2, documentId: 'bbb', locale: 'en' } }],
    };
    expect(mergeRelationChanges(saved, formValue).map((ref) => ref.documentId)).toEqual(['fff', 'eee', 'aaa', 'ccc', 'ddd']);
  });

  it('moves a saved relation that the form reordered', () => {
    const formValue = { connect: [connectItem(3, 'ccc', { before: 'aaa' })], disconnect: [] };
    expect(mergeRelationChanges(saved, formValue).map((ref) => ref.documentId)).toEqual(['ccc', 'aaa', 'bbb']);
    const after = { connect: [connectItem(1, 'aaa', { after: 'ccc' })], disconnect: [] };
    expect(mergeRelationChanges(saved, after).map((ref) => ref.documentId)).toEqual(['bbb', 'ccc', 'aaa']);
  });

  it('replaces a to-one relation the form changed', () => {
    const formValue = {
      connect: [connectItem(8, 'author2')],
      disconnect: [{ id: 9, apiData: { id: 9, documentId: 'author1' } }],
    };
    expect(toOverrideValue(manyToOne, formValue, [{ id: 9, documentId: 'author1' }])).toEqual({ documentId: 'author2' });
    expect(
      toOverrideValue(manyToOne, { connect: [], disconnect: [{ id: 9, apiData: { id: 9, documentId: 'author1' } }] }, [
        { id: 9, documentId: 'author1' },
      ])
    ).toBeNull();
  });

  it('reads plain values too (an array of entries, a documentId), and copies only connects without the saved ones', () => {
    expect(toOverrideValue(manyToMany, [{ id: 1, documentId: 'aaa' }, 'bbb'])).toEqual([{ documentId: 'aaa' }, { documentId: 'bbb' }]);
    expect(toOverrideValue(manyToOne, { documentId: 'x1', id: 3, name: 'X' })).toEqual({ documentId: 'x1' });
    expect(toOverrideValue(manyToMany, { connect: [connectItem(4, 'ddd')], disconnect: [] })).toEqual([{ documentId: 'ddd' }]);
    expect(toOverrideValue(manyToMany, undefined)).toEqual([]);
  });

  it('gives relation values the override schema accepts', () => {
    const many = toOverrideValue(manyToMany, { connect: [connectItem(4, 'ddd')], disconnect: [] }, saved);
    expect(attributeValueSchema(manyToMany, noComponents).safeParse(many).success).toBe(true);
    const one = toOverrideValue(manyToOne, { connect: [], disconnect: [] }, [{ id: 9, documentId: 'author1' }]);
    expect(attributeValueSchema(manyToOne, noComponents).safeParse(one).success).toBe(true);
  });

  it('copies media as file ids', () => {
    const file = { id: 12, name: 'hero.png', url: '/uploads/hero.png', mime: 'image/png' };
    const single: AttributeLike = { type: 'media', multiple: false, allowedTypes: ['images'] };
    const multiple: AttributeLike = { type: 'media', multiple: true };
    expect(toOverrideValue(single, file)).toBe(12);
    expect(toOverrideValue(single, undefined)).toBeNull();
    expect(toOverrideValue(multiple, [file, { id: 13 }, 14])).toEqual([12, 13, 14]);
    expect(mediaIds([{ id: 'x' }, 0, -1, 2.5, 7])).toEqual([7]);
    expect(attributeValueSchema(single, noComponents).safeParse(toOverrideValue(single, file)).success).toBe(true);
    expect(attributeValueSchema(multiple, noComponents).safeParse(toOverrideValue(multiple, [file])).success).toBe(true);
  });

  it('copies relations and media inside components and dynamic zones by their type', () => {
    const components: Record<string, { attributes: Record<string, AttributeLike> }> = {
      'shared.card': {
        attributes: {
          title: { type: 'string' },
          image: { type: 'media', multiple: false },
          link: { type: 'relation', relation: 'oneToOne', target: 'api::page.page' },
          tags: { type: 'relation', relation: 'oneToMany', target: 'api::tag.tag' },
        },
      },
    };
    const getComponent = (uid: string) => components[uid];
    const row = {
      id: 5,
      __temp_key__: 'a0',
      title: 'Hello',
      image: { id: 3, url: '/uploads/x.png' },
      link: { connect: [connectItem(7, 'page7')], disconnect: [] },
      tags: { connect: [], disconnect: [] },
    };
    const expected = { title: 'Hello', image: 3, link: { documentId: 'page7' }, tags: [] };
    const card: AttributeLike = { type: 'component', component: 'shared.card', repeatable: true };
    expect(toOverrideValue(card, [row], undefined, getComponent)).toEqual([expected]);
    const zone: AttributeLike = { type: 'dynamiczone', components: ['shared.card'] };
    expect(toOverrideValue(zone, [{ ...row, __component: 'shared.card' }], undefined, getComponent)).toEqual([
      { __component: 'shared.card', ...expected },
    ]);
    expect(attributeValueSchema(card, getComponent as never).safeParse([expected]).success).toBe(true);
    expect(toOverrideValue({ type: 'component', component: 'shared.card' }, undefined, undefined, getComponent)).toBeNull();
  });

  it('drops the editor’s own keys from components and keeps scalars as they are', () => {
    const component: AttributeLike = { type: 'component', component: 'shared.seo', repeatable: true };
    expect(toOverrideValue(component, [{ id: 1, __temp_key__: 'a0', metaTitle: 'T' }])).toEqual([{ metaTitle: 'T' }]);
    expect(toOverrideValue({ type: 'string' }, 'Hello')).toBe('Hello');
    expect(toOverrideValue({ type: 'string' }, undefined)).toBeNull();
  });
});
