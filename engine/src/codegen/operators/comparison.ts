/**
 * ==, ===, !=, !==, <, <=, >, >= as JavaScript's own operators (json-logic-js applies them to the raw
 * values). `<`/`<=` with three operands test "between", unless the third evaluates to undefined.
 * Under the `personalize` semantics, an ordering comparison is false when a compared operand that is a bare
 * `var` gives null/undefined (one `!= null` test per such operand; see missing-signals.ts).
 */
import { checkedOperands } from '../../missing-signals';
import { isPrimitive } from '../../operators/operands';
import { emitOperands, scalar, withIgnored } from '../expr';
import type { Expr, Generator, OperatorEmitter } from '../types';
import type { OperatorSite } from '../../compiler-types';

/**
 * `a OP b` (or the between form) where each operand `i` with `checked[i]` must not be missing. All operands
 * are evaluated first, in order, as the interpreter does; a comparison with a literal needs no temporary
 * for it.
 */
function missingAware(site: OperatorSite, g: Generator, operands: readonly Expr[], checked: readonly boolean[]): Expr {
  const { op } = site;
  const names: string[] = [];
  const assignments: string[] = [];
  const guards: string[] = [];
  operands.forEach((e, i) => {
    if (isPrimitive(site.operands[i])) {
      names.push(e.code); // a literal: no evaluation, never missing
      return;
    }
    const t = g.fn.temp();
    names.push(t);
    assignments.push(`${t} = ${e.code}`);
    if (checked[i]) guards.push(`${t} == null`);
  });
  const [x, y, z] = names;
  const compare = operands.length === 3 ? `${z} === void 0 ? ${x} ${op} ${y} : ${x} ${op} ${y} && ${y} ${op} ${z}` : `${x} ${op} ${y}`;
  if (guards.length === 1 && assignments.length === 1 && operands.length === 2) {
    // `{"var": path} OP literal` (or the reverse), the common shape: `(t = read) != null && t OP literal`
    return scalar(`((${assignments[0]}) != null && ${compare})`);
  }
  return scalar(`(${[...assignments, `${guards.join(' || ')} ? false : ${compare}`].join(', ')})`);
}

export const emitComparison: OperatorEmitter = (site, g) => {
  const { op } = site;
  const n = site.operands.length;
  if (n < 2) return undefined; // a missing operand is undefined: left to the interpreter
  const checked = checkedOperands(op, site.operands, g.semantics);
  if (n >= 3 && (op === '<' || op === '<=')) {
    const [a, b, c] = emitOperands(site, g, 3);
    if (checked !== undefined) return withIgnored(site, 3, missingAware(site, g, [a, b, c], checked), g);
    const x = g.fn.temp(), y = g.fn.temp(), z = g.fn.temp();
    const code = `(${x} = ${a.code}, ${y} = ${b.code}, ${z} = ${c.code}, ${z} === void 0 ? ${x} ${op} ${y} : ${x} ${op} ${y} && ${y} ${op} ${z})`;
    return withIgnored(site, 3, scalar(code), g);
  }
  const [a, b] = emitOperands(site, g, 2);
  if (checked !== undefined) return withIgnored(site, 2, missingAware(site, g, [a, b], checked), g);
  return withIgnored(site, 2, scalar(`(${a.code} ${op} ${b.code})`), g);
};
