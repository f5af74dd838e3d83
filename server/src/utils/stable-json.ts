/** A value still to write, or text already decided (a bracket, a comma, a key). */
type Piece = { value: unknown } | { text: string };

/**
 * JSON with object keys sorted, so equal queries give equal cache keys whatever their key order.
 * Written with an explicit stack, not recursion: no query or populate, however deep, can overflow
 * the call stack here (the routes refuse deep ones first, with a 400).
 */
export const stableJson = (value: unknown): string => {
  const out: string[] = [];
  const stack: Piece[] = [{ value }];
  while (stack.length > 0) {
    const piece = stack.pop()!;
    if ('text' in piece) {
      out.push(piece.text);
      continue;
    }
    const item = piece.value;
    if (item === null || typeof item !== 'object') {
      out.push(JSON.stringify(item) ?? 'null');
      continue;
    }
    // Pushed in reverse: the stack gives them back in order.
    if (Array.isArray(item)) {
      stack.push({ text: ']' });
      for (let index = item.length - 1; index >= 0; index -= 1) {
        stack.push({ value: item[index] });
        if (index > 0) stack.push({ text: ',' });
      }
      out.push('[');
      continue;
    }
    const entries = Object.entries(item as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    stack.push({ text: '}' });
    for (let index = entries.length - 1; index >= 0; index -= 1) {
      const [key, entry] = entries[index];
      stack.push({ value: entry });
      stack.push({ text: `${index > 0 ? ',' : ''}${JSON.stringify(key)}:` });
    }
    out.push('{');
  }
  return out.join('');
};
