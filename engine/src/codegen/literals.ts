/**
 * JavaScript source for rule literals. Only primitives are ever written into generated code, and only
 * through these functions: strings as JSON string literals (every quote, backslash and control character
 * escaped), with U+2028/U+2029 and `<`/`>` escaped as well, so no text from a rule can end a literal, start
 * a comment or a template, or change the code around it. Objects and arrays go through the constants array.
 */
import type { Primitive } from '../operators/operands';

const EXTRA_ESCAPES = /[\u2028\u2029<>`$]/g;

/** A JavaScript string literal with the value `text`. */
export function jsString(text: string): string {
  return JSON.stringify(text).replace(EXTRA_ESCAPES, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** A JavaScript expression (self-delimiting: safe next to any operator) with the value `value`. */
export function jsNumber(value: number): string {
  if (Number.isNaN(value)) return '(0/0)';
  if (value === Infinity) return '(1/0)';
  if (value === -Infinity) return '(-1/0)';
  if (Object.is(value, -0)) return '(-0)';
  return value < 0 ? `(${String(value)})` : String(value);
}

/** A self-delimiting JavaScript expression for a primitive rule literal. */
export function jsLiteral(value: Primitive): string {
  switch (typeof value) {
    case 'string':
      return jsString(value);
    case 'number':
      return jsNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return 'null';
  }
}
