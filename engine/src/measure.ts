import { RuleError } from './errors';
import type { Limits } from './limits';
import type { RulePath } from './types';

/**
 * Checks, before compiling, that a rule is plain JSON within the depth and byte limits.
 * One walk with early exit: a giant or cyclic object is refused without serialising it.
 */
export function assertRuleShape(rule: unknown, limits: Limits): void {
  const walker = new ShapeWalker(limits);
  walker.visit(rule, [], 0);
}

/** UTF-8 length of a JS string (lone surrogates count as the 3-byte replacement character). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

class ShapeWalker {
  private bytes = 0;
  constructor(private readonly limits: Limits) {}

  visit(value: unknown, path: RulePath, depth: number): void {
    switch (typeof value) {
      case 'string':
        // JSON.stringify gives the escaped form; lone surrogates come out as ASCII \u escapes.
        return this.add(utf8Length(JSON.stringify(value)));
      case 'number':
        return this.add(Number.isFinite(value) ? String(value).length : 4 /* null */);
      case 'boolean':
        return this.add(value ? 4 : 5);
      case 'object':
        break;
      default:
        throw new RuleError('invalid_rule', `A rule must be JSON; found ${describe(value)}`, path);
    }
    if (value === null) return this.add(4);
    if (depth + 1 > this.limits.depth) {
      throw new RuleError('too_deep', `Rule is nested deeper than ${this.limits.depth} levels`, path);
    }
    if (Array.isArray(value)) {
      this.add(value.length === 0 ? 2 : value.length + 1); // brackets and commas
      for (let i = 0; i < value.length; i++) this.visit(value[i], [...path, i], depth + 1);
      return;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new RuleError('invalid_rule', `A rule must be JSON; found ${describe(value)}`, path);
    }
    const keys = Object.keys(value);
    this.add(keys.length === 0 ? 2 : keys.length * 2 + 1); // braces, colons and commas
    for (const key of keys) {
      this.add(utf8Length(JSON.stringify(key)));
      this.visit((value as Record<string, unknown>)[key], [...path, key], depth + 1);
    }
  }

  private add(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.limits.bytes) {
      throw new RuleError('too_large', `Rule is larger than ${this.limits.bytes} bytes of JSON`, []);
    }
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  // Deliberately not reading `constructor.name`: a hostile prototype could run code.
  if (typeof value === 'object' && value !== null) return 'an object that is not a plain object';
  return `a ${typeof value}`;
}
