/** Small building blocks shared by operator emitters. */
import type { OperatorSite } from '../compiler-types';
import { isPrimitive } from '../operators/operands';
import type { Expr, Generator } from './types';

export const scalar = (code: string): Expr => ({ code, scalar: true });
export const anyValue = (code: string): Expr => ({ code, scalar: false });

/** A JavaScript condition with JSON-logic's truthiness of `e` (an empty array is falsy). */
export function truthyTest(e: Expr, g: Generator): string {
  if (e.scalar) return e.code;
  const t = g.fn.temp();
  return `(isArray(${t} = ${e.code}) ? ${t}.length !== 0 : ${t})`;
}

/** The operands, emitted in order. */
export function emitOperands(site: OperatorSite, g: Generator, count = site.operands.length): Expr[] {
  const out: Expr[] = [];
  for (let i = 0; i < count && i < site.operands.length; i++) out.push(g.emit(site.operands[i], site.operandPath(i), site.scoped));
  return out;
}

/**
 * `main`, then the operands from `from` on that the operation ignores (json-logic-js evaluates them, and
 * they may throw); primitives are dropped. Same order as the interpreter's withIgnoredOperands.
 */
export function withIgnored(site: OperatorSite, from: number, main: Expr, g: Generator): Expr {
  const extras: string[] = [];
  for (let i = from; i < site.operands.length; i++) {
    if (!isPrimitive(site.operands[i])) extras.push(g.emit(site.operands[i], site.operandPath(i), site.scoped).code);
  }
  if (extras.length === 0) return main;
  const t = g.fn.temp();
  return { code: `(${t} = ${main.code}, ${extras.join(', ')}, ${t})`, scalar: main.scalar };
}
