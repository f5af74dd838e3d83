/**
 * Reading visitor data without ever reaching a prototype.
 *
 * A path segment resolves only to an *own* property of the value it is applied to: an object's own keys,
 * an array's indices and `length`, a string's indices and `length` (own properties of its String object,
 * exactly as `Object.prototype.hasOwnProperty` sees them). Numbers and booleans have none. `__proto__`,
 * `constructor` and `prototype` always read as missing, even when JSON.parse made them own keys.
 */

const hasOwn = Object.prototype.hasOwnProperty;

/** Keys that are never read from data. */
export function isBlockedKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

/** `container[key]` when it is an own property, else undefined. The key must not be blocked (checked by callers). */
export function ownValueUnchecked(container: unknown, key: string): unknown {
  if (typeof container === 'object') {
    return container !== null && hasOwn.call(container, key) ? (container as Record<string, unknown>)[key] : undefined;
  }
  if (typeof container === 'string') {
    return hasOwn.call(container, key) ? container[key as unknown as number] : undefined;
  }
  return undefined;
}

/** `container[key]` when it is an own, non-blocked property, else undefined. */
export function ownValue(container: unknown, key: string): unknown {
  return isBlockedKey(key) ? undefined : ownValueUnchecked(container, key);
}

/**
 * json-logic-js's `var` walk over pre-split segments: a null/undefined on the way or an undefined
 * value means `notFound`; a null found at the end is returned as null.
 */
export function readPath(data: unknown, segments: readonly string[], notFound: unknown): unknown {
  let value = data;
  for (let i = 0; i < segments.length; i++) {
    if (value === null || value === undefined) return notFound;
    value = ownValue(value, segments[i]);
    if (value === undefined) return notFound;
  }
  return value;
}

const SPLIT_CACHE_SIZE = 256;
const splitCache = new Map<string, readonly string[]>();

/** `text.split('.')`, remembered for short paths computed at run time (bounded; cleared when full). */
function splitPath(text: string): readonly string[] {
  if (text.length > 128) return text.split('.');
  let segments = splitCache.get(text);
  if (segments === undefined) {
    if (splitCache.size >= SPLIT_CACHE_SIZE) splitCache.clear();
    segments = Object.freeze(text.split('.'));
    splitCache.set(text, segments);
  }
  return segments;
}

/** json-logic-js's `var` operation on already evaluated operands (`a`: path, `b`: default). */
export function lookupVar(data: unknown, path: unknown, fallback: unknown): unknown {
  const notFound = fallback === undefined ? null : fallback;
  if (path === undefined || path === '' || path === null) return data;
  return readPath(data, splitPath(String(path)), notFound);
}
