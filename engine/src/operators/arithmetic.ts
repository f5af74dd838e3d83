/**
 * +, -, *, /, %, min, max as json-logic-js computes them:
 * `+` folds parseFloat over the operands from 0; `*` folds parseFloat without a seed, so a single operand
 * comes back unchanged; `-` with one operand negates; min/max use Math.min/Math.max coercion.
 * Coercing a long string or an array to a number is work: such operands are charged to the fuel (../fuel.ts).
 */
import type { Budget, Compiler, OperatorCompiler, OperatorSite } from '../compiler-types';
import { chargeValue as charge } from '../fuel';
import { RuleError } from '../errors';
import type { Evaluator, RulePath } from '../types';
import { compileOperands, evaluateAll, isPrimitive, withIgnoredOperands } from './operands';
import { operand, operandValue, type Operand } from './path-ref';

/** The first two operands, with literal `var` reads resolved at compile time. */
function operands(site: OperatorSite, args: readonly Evaluator[], compiler: Compiler): [Operand, Operand] {
  return [operand(site.operands[0], args[0], compiler, site.scoped), operand(site.operands[1], args[1], compiler, site.scoped)];
}

type Num = number;

/**
 * parseFloat(value) as json-logic-js calls it. For a number that is `value + 0` (the decimal round trip
 * is exact, and "-0" parses back as 0); anything else goes through parseFloat's own string coercion.
 */
export function toFloat(value: unknown, budget: Budget, path: RulePath): number {
  return typeof value === 'number' ? value + 0 : parseFloat(charge(budget, value, path) as string);
}

export const compileAdd: OperatorCompiler = (site, compiler) => {
  const args = compileOperands(site, compiler);
  const { budget: b } = compiler;
  const { path: p } = site;
  if (args.length === 0) return () => 0;
  if (args.length === 1) {
    const [a] = args;
    return (s) => 0 + toFloat(a(s), b, p);
  }
  if (args.length === 2) {
    const [x, y] = operands(site, args, compiler);
    return (s) => 0 + toFloat(operandValue(s, x), b, p) + toFloat(operandValue(s, y), b, p);
  }
  return (s) => {
    let sum = 0;
    for (let i = 0; i < args.length; i++) sum = sum + 0 + toFloat(args[i](s), b, p);
    return sum;
  };
};

export const compileMultiply: OperatorCompiler = (site, compiler) => {
  if (site.operands.length === 0) {
    // json-logic-js: "Reduce of empty array with no initial value" on every evaluation.
    throw new RuleError('invalid_arguments', '"*" needs at least one operand', site.path);
  }
  const args = compileOperands(site, compiler);
  const { budget: b } = compiler;
  const { path: p } = site;
  if (args.length === 1) return args[0];
  if (args.length === 2) {
    const [x, y] = operands(site, args, compiler);
    return (s) => toFloat(operandValue(s, x), b, p) * toFloat(operandValue(s, y), b, p);
  }
  return (s) => {
    let product: unknown = args[0](s);
    for (let i = 1; i < args.length; i++) product = toFloat(product, b, p) * toFloat(args[i](s), b, p);
    return product;
  };
};

export const compileSubtract: OperatorCompiler = (site, compiler) => {
  const args = compileOperands(site, compiler);
  const { budget: bud } = compiler;
  const { path: p } = site;
  if (args.length === 0) return () => NaN; // -undefined
  if (args.length === 1) {
    const [a] = args;
    return (s) => -(charge(bud, a(s), p) as Num);
  }
  const [a, b] = operands(site, args, compiler);
  const literal = site.operands[1];
  const main: Evaluator = isPrimitive(literal)
    ? (s) => (charge(bud, operandValue(s, a), p) as Num) - (literal as Num) // a JSON literal is never undefined
    : (s) => {
        const x = charge(bud, operandValue(s, a), p), y = charge(bud, operandValue(s, b), p);
        return y === undefined ? -(x as Num) : (x as Num) - (y as Num);
      };
  return withIgnoredOperands(site, 2, args, main);
};

export const compileDivide: OperatorCompiler = (site, compiler) => binaryNumeric(site, compiler, (x, y) => x / y);

export const compileModulo: OperatorCompiler = (site, compiler) => binaryNumeric(site, compiler, (x, y) => x % y);

function binaryNumeric(site: OperatorSite, compiler: Compiler, apply: (x: Num, y: Num) => Num): Evaluator {
  const args = compileOperands(site, compiler);
  const { budget: bud } = compiler;
  const { path: p } = site;
  if (args.length >= 2) {
    const [a, b] = operands(site, args, compiler);
    return withIgnoredOperands(site, 2, args, (s) => apply(charge(bud, operandValue(s, a), p) as Num, charge(bud, operandValue(s, b), p) as Num));
  }
  return (s) => {
    const values = evaluateAll(args, s);
    return apply(charge(bud, values[0], p) as Num, values[1] as Num);
  };
}

export const compileMin: OperatorCompiler = (site, compiler) => extremum(site, compiler, Math.min);

export const compileMax: OperatorCompiler = (site, compiler) => extremum(site, compiler, Math.max);

function extremum(site: OperatorSite, compiler: Compiler, pick: (...values: number[]) => number): Evaluator {
  const args = compileOperands(site, compiler);
  const { budget: bud } = compiler;
  const { path: p } = site;
  if (args.length === 0) {
    const empty = pick();
    return () => empty;
  }
  if (args.length === 1) {
    const [a] = args;
    return (s) => pick(charge(bud, a(s), p) as Num);
  }
  if (args.length === 2) {
    const [a, b] = args;
    return (s) => pick(charge(bud, a(s), p) as Num, charge(bud, b(s), p) as Num);
  }
  return (s) => pick(...(evaluateAll(args, s).map((value) => charge(bud, value, p)) as Num[]));
}
