/** Where a dragged card lands relative to the card it is dropped on. */
export type DropPosition = 'before' | 'after';

/** A copy of `items` with the item at `from` moved to index `to` (both clamped to the list). */
export const moveItem = <T>(items: readonly T[], from: number, to: number): T[] => {
  const next = items.slice();
  if (from < 0 || from >= items.length) return next;
  const target = Math.max(0, Math.min(items.length - 1, to));
  if (target === from) return next;
  const [moved] = next.splice(from, 1);
  next.splice(target, 0, moved);
  return next;
};

/**
 * The index the dragged item ends at when it is dropped before or after the item at `over`
 * (indexes of the list before the move). Dropping on itself, or right next to itself on the side
 * it already is, changes nothing: the result is then `from`.
 */
export const dropIndex = (from: number, over: number, position: DropPosition): number => {
  const insertAt = position === 'before' ? over : over + 1; // an insertion point in the original list
  return from < insertAt ? insertAt - 1 : insertAt;
};

/** Before or after a card, from the pointer's height over it: the upper half means before. */
export const dropPositionAt = (clientY: number, rect: { top: number; height: number }): DropPosition =>
  clientY < rect.top + rect.height / 2 ? 'before' : 'after';

/** The list after dropping the item at `from` before or after the item at `over`. */
export const reorderByDrop = <T>(items: readonly T[], from: number, over: number, position: DropPosition): T[] =>
  moveItem(items, from, dropIndex(from, over, position));

/**
 * The drop target under the pointer in a vertical list, from the cards' boxes (in order): before
 * the first card whose middle is below the pointer, else after the last card. Gaps between cards
 * count too, so a drop anywhere over the list lands somewhere predictable.
 */
export const dropTargetAt = (
  clientY: number,
  rects: readonly { top: number; height: number }[]
): { over: number; position: DropPosition } | null => {
  if (rects.length === 0) return null;
  const index = rects.findIndex((rect) => dropPositionAt(clientY, rect) === 'before');
  return index === -1 ? { over: rects.length - 1, position: 'after' } : { over: index, position: 'before' };
};
