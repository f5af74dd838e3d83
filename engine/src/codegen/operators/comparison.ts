/**
 * ==, ===, !=, !==, <, <=, >, >= as JavaScript's own operators (json-logic-js applies them to the raw
 * values). `<`/`<=` with three operands test "between", unless the third evaluates to undefined.
 */
import { emitOperands, scalar, withIgnored } from '../expr';
import type { OperatorEmitter } from '../types';

export const emitComparison: OperatorEmitter = (site, g) => {
  const { op } = site;
  const n = site.operands.length;
  if (n < 2) return undefined; // a missing operand is undefined: left to the interpreter
  if (n >= 3 && (op === '<' || op === '<=')) {
    const [a, b, c] = emitOperands(site, g, 3);
    const x = g.fn.temp(), y = g.fn.temp(), z = g.fn.temp();
    const code = `(${x} = ${a.code}, ${y} = ${b.code}, ${z} = ${c.code}, ${z} === void 0 ? ${x} ${op} ${y} : ${x} ${op} ${y} && ${y} ${op} ${z})`;
    return withIgnored(site, 3, scalar(code), g);
  }
  const [a, b] = emitOperands(site, g, 2);
  return withIgnored(site, 2, scalar(`(${a.code} ${op} ${b.code})`), g);
};
