/** +, -, *, /, % with json-logic-js's coercions (the same forms as operators/arithmetic.ts, per arity). */
import { isPrimitive } from '../../operators/operands';
import { emitOperands, scalar, withIgnored } from '../expr';
import { jsLiteral } from '../literals';
import type { OperatorEmitter } from '../types';

export const emitAdd: OperatorEmitter = (site, g) => {
  const args = emitOperands(site, g);
  if (args.length === 0) return scalar('0');
  if (args.length === 1) return scalar(`(0 + toFloat(${args[0].code}))`);
  if (args.length === 2) return scalar(`(0 + toFloat(${args[0].code}) + toFloat(${args[1].code}))`);
  let sum = '0';
  for (const arg of args) sum = `(${sum} + 0 + toFloat(${arg.code}))`;
  return scalar(sum);
};

export const emitMultiply: OperatorEmitter = (site, g) => {
  if (site.operands.length === 1) return emitOperands(site, g)[0];
  if (site.operands.length !== 2) return undefined;
  const [a, b] = emitOperands(site, g);
  return scalar(`(toFloat(${a.code}) * toFloat(${b.code}))`);
};

export const emitSubtract: OperatorEmitter = (site, g) => {
  const n = site.operands.length;
  if (n === 0) return scalar('(0/0)');
  if (n === 1) return scalar(`(-${emitOperands(site, g)[0].code})`);
  const literal = site.operands[1];
  const [a, b] = emitOperands(site, g, 2);
  if (isPrimitive(literal)) return withIgnored(site, 2, scalar(`(${a.code} - ${jsLiteral(literal)})`), g);
  const x = g.fn.temp(), y = g.fn.temp();
  return withIgnored(site, 2, scalar(`(${x} = ${a.code}, ${y} = ${b.code}, ${y} === void 0 ? -${x} : ${x} - ${y})`), g);
};

function binary(operator: '/' | '%'): OperatorEmitter {
  return (site, g) => {
    if (site.operands.length < 2) return undefined;
    const [a, b] = emitOperands(site, g, 2);
    return withIgnored(site, 2, scalar(`(${a.code} ${operator} ${b.code})`), g);
  };
}

export const emitDivide = binary('/');
export const emitModulo = binary('%');
