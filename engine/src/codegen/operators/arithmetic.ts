/**
 * +, -, *, /, % with json-logic-js's coercions (the same forms as operators/arithmetic.ts, per arity). Operands
 * that are coerced are charged to the fuel (../../fuel.ts) unless they are literals.
 */
import { isPrimitive } from '../../operators/operands';
import { emitOperands, scalar, withIgnored } from '../expr';
import { jsLiteral } from '../literals';
import type { Expr, Generator, OperatorEmitter } from '../types';
import type { OperatorSite } from '../../compiler-types';

/** `toFloat(x, B, path)`: parseFloat as json-logic-js, charging a string or array operand. */
function float(e: Expr, path: string): string {
  return `toFloat(${e.code}, B, ${path})`;
}

/** The operands, each charged unless it is a literal. */
function charged(site: OperatorSite, g: Generator, count?: number): Expr[] {
  const path = g.constant(site.path);
  return emitOperands(site, g, count).map((e, i) =>
    isPrimitive(site.operands[i]) ? e : { code: `chargeValue(B, ${e.code}, ${path})`, scalar: e.scalar },
  );
}

export const emitAdd: OperatorEmitter = (site, g) => {
  const args = emitOperands(site, g);
  const path = g.constant(site.path);
  if (args.length === 0) return scalar('0');
  if (args.length === 1) return scalar(`(0 + ${float(args[0], path)})`);
  if (args.length === 2) return scalar(`(0 + ${float(args[0], path)} + ${float(args[1], path)})`);
  let sum = '0';
  for (const arg of args) sum = `(${sum} + 0 + ${float(arg, path)})`;
  return scalar(sum);
};

export const emitMultiply: OperatorEmitter = (site, g) => {
  if (site.operands.length === 1) return emitOperands(site, g)[0];
  if (site.operands.length !== 2) return undefined;
  const [a, b] = emitOperands(site, g);
  const path = g.constant(site.path);
  return scalar(`(${float(a, path)} * ${float(b, path)})`);
};

export const emitSubtract: OperatorEmitter = (site, g) => {
  const n = site.operands.length;
  if (n === 0) return scalar('(0/0)');
  if (n === 1) return scalar(`(-${charged(site, g)[0].code})`);
  const literal = site.operands[1];
  const [a, b] = charged(site, g, 2);
  if (isPrimitive(literal)) return withIgnored(site, 2, scalar(`(${a.code} - ${jsLiteral(literal)})`), g);
  const x = g.fn.temp(), y = g.fn.temp();
  return withIgnored(site, 2, scalar(`(${x} = ${a.code}, ${y} = ${b.code}, ${y} === void 0 ? -${x} : ${x} - ${y})`), g);
};

function binary(operator: '/' | '%'): OperatorEmitter {
  return (site, g) => {
    if (site.operands.length < 2) return undefined;
    const [a, b] = charged(site, g, 2);
    return withIgnored(site, 2, scalar(`(${a.code} ${operator} ${b.code})`), g);
  };
}

export const emitDivide = binary('/');
export const emitModulo = binary('%');
