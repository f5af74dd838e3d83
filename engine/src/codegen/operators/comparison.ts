/**
 * ==, ===, !=, !==, <, <=, >, >= as JavaScript's own operators (json-logic-js applies them to the raw
 * values). `<`/`<=` with three operands test "between", unless the third evaluates to undefined.
 * Under the `personalize` semantics, an ordering comparison is false when a compared operand that is a bare
 * `var` gives null/undefined (one `!= null` test per such operand; see missing-signals.ts).
 * Every operand that is not a literal is charged to the fuel as `comparisonCharge` (../../fuel.ts) says,
 * as operators/comparison.ts does; the test is inline, so a number pays one `typeof`.
 */

/** A condition that charges `t` (an identifier) per `policy` and is true, or null when nothing is charged. */
function chargeTest(t: string, policy: 'none' | 'arrays' | 'all', path: string): string | null {
  if (policy === 'none') return null;
  if (policy === 'arrays') return `(typeof ${t} !== "object" || spendValue(B, ${t}, ${path}))`;
  return `(typeof ${t} === "number" || spendValue(B, ${t}, ${path}))`;
}
import { comparisonCharge } from '../../fuel';
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
  const path = g.constant(site.path);
  const names: string[] = [];
  const assignments: string[] = [];
  const guards: string[] = [];
  const charges: string[] = [];
  operands.forEach((e, i) => {
    if (isPrimitive(site.operands[i])) {
      names.push(e.code); // a literal: no evaluation, never missing
      return;
    }
    const t = g.fn.temp();
    names.push(t);
    const test = chargeTest(t, comparisonCharge(op, site.operands, i, operands.length), path);
    // evaluated then charged, operand by operand, as the interpreter does
    assignments.push(test === null ? `${t} = ${e.code}` : `${t} = ${e.code}, ${test}`);
    if (test !== null) charges.push(test);
    if (checked[i]) guards.push(`${t} == null`);
  });
  const [x, y, z] = names;
  const compare = operands.length === 3 ? `${z} === void 0 ? ${x} ${op} ${y} : ${x} ${op} ${y} && ${y} ${op} ${z}` : `${x} ${op} ${y}`;
  if (guards.length === 1 && assignments.length === 1 && operands.length === 2) {
    // `{"var": path} OP literal` (or the reverse), the common shape: `(t = read) != null && charge(t) && t OP literal`
    // (a missing value costs nothing, so charging after the test is the same)
    const t = names[isPrimitive(site.operands[0]) ? 1 : 0];
    const read = operands[isPrimitive(site.operands[0]) ? 1 : 0].code;
    return scalar(`((${t} = ${read}) != null && ${[...charges, compare].join(' && ')})`);
  }
  // every operand is evaluated and charged, in order, before any is tested for missing
  return scalar(`(${[...assignments, `${guards.join(' || ')} ? false : ${compare}`].join(', ')})`);
}

/** The operands, each charged as comparisonCharge says (literals never). */
function chargedOperands(site: OperatorSite, g: Generator, count: number): Expr[] {
  const path = g.constant(site.path);
  return emitOperands(site, g, count).map((e, i) => {
    if (isPrimitive(site.operands[i])) return e;
    const t = g.fn.temp();
    const test = chargeTest(t, comparisonCharge(site.op, site.operands, i, count), path);
    return test === null ? e : { code: `(${t} = ${e.code}, ${test}, ${t})`, scalar: e.scalar };
  });
}

export const emitComparison: OperatorEmitter = (site, g) => {
  const { op } = site;
  const n = site.operands.length;
  if (n < 2) return undefined; // a missing operand is undefined: left to the interpreter
  const checked = checkedOperands(op, site.operands, g.semantics);
  if (n >= 3 && (op === '<' || op === '<=')) {
    if (checked !== undefined) return withIgnored(site, 3, missingAware(site, g, emitOperands(site, g, 3), checked), g);
    const [a, b, c] = chargedOperands(site, g, 3);
    const x = g.fn.temp(), y = g.fn.temp(), z = g.fn.temp();
    const code = `(${x} = ${a.code}, ${y} = ${b.code}, ${z} = ${c.code}, ${z} === void 0 ? ${x} ${op} ${y} : ${x} ${op} ${y} && ${y} ${op} ${z})`;
    return withIgnored(site, 3, scalar(code), g);
  }
  if (checked !== undefined) return withIgnored(site, 2, missingAware(site, g, emitOperands(site, g, 2), checked), g);
  const [a, b] = chargedOperands(site, g, 2);
  return withIgnored(site, 2, scalar(`(${a.code} ${op} ${b.code})`), g);
};
