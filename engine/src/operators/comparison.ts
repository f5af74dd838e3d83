/**
 * ==, ===, !=, !==, <, <=, >, >= with JavaScript's own coercions, as json-logic-js.
 * `<` and `<=` take an optional third operand ("between"); a third value of undefined means two-operand form.
 * Casts to `number` below only satisfy the type checker: the operators run on the raw values.
 */
import type { Compiler, OperatorCompiler, OperatorSite } from '../compiler-types';
import type { Evaluator } from '../types';
import { compileOperands, evaluateAll, isPrimitive, withIgnoredOperands } from './operands';

type Binary = (a: unknown, b: unknown) => boolean;
type Num = number;

const BINARY: Readonly<Record<string, Binary>> = {
  '==': (a, b) => a == b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a != b,
  '!==': (a, b) => a !== b,
  '>': (a, b) => (a as Num) > (b as Num),
  '>=': (a, b) => (a as Num) >= (b as Num),
  '<': (a, b) => (a as Num) < (b as Num),
  '<=': (a, b) => (a as Num) <= (b as Num),
};

/** Two evaluated operands, specialised for the common shapes (a literal on either side). */
function binaryClosure(op: string, left: Evaluator, right: Evaluator, site: OperatorSite): Evaluator {
  const [rawLeft, rawRight] = site.operands;
  if (isPrimitive(rawRight)) {
    const lit = rawRight;
    switch (op) {
      case '==': return (s) => left(s) == lit;
      case '===': return (s) => left(s) === lit;
      case '!=': return (s) => left(s) != lit;
      case '!==': return (s) => left(s) !== lit;
      case '<': return (s) => (left(s) as Num) < (lit as Num);
      case '<=': return (s) => (left(s) as Num) <= (lit as Num);
      case '>': return (s) => (left(s) as Num) > (lit as Num);
      case '>=': return (s) => (left(s) as Num) >= (lit as Num);
    }
  }
  if (isPrimitive(rawLeft)) {
    const lit = rawLeft;
    switch (op) {
      case '==': return (s) => lit == right(s);
      case '===': return (s) => lit === right(s);
      case '!=': return (s) => lit != right(s);
      case '!==': return (s) => lit !== right(s);
      case '<': return (s) => (lit as Num) < (right(s) as Num);
      case '<=': return (s) => (lit as Num) <= (right(s) as Num);
      case '>': return (s) => (lit as Num) > (right(s) as Num);
      case '>=': return (s) => (lit as Num) >= (right(s) as Num);
    }
  }
  const apply = BINARY[op];
  switch (op) {
    case '==': return (s) => left(s) == right(s);
    case '===': return (s) => left(s) === right(s);
    case '<': return (s) => (left(s) as Num) < (right(s) as Num);
    case '>': return (s) => (left(s) as Num) > (right(s) as Num);
    default: return (s) => apply(left(s), right(s));
  }
}

/** `<`/`<=` with three operands: a < b < c, unless c evaluates to undefined. */
function between(strict: boolean, a: Evaluator, b: Evaluator, c: Evaluator): Evaluator {
  return strict
    ? (s) => {
        const x = a(s) as Num, y = b(s) as Num, z = c(s);
        return z === undefined ? x < y : x < y && y < (z as Num);
      }
    : (s) => {
        const x = a(s) as Num, y = b(s) as Num, z = c(s);
        return z === undefined ? x <= y : x <= y && y <= (z as Num);
      };
}

export const compileComparison: OperatorCompiler = (site: OperatorSite, compiler: Compiler) => {
  const { op } = site;
  const args = compileOperands(site, compiler);
  const isBetweenOp = op === '<' || op === '<=';
  if (args.length === 2) return binaryClosure(op, args[0], args[1], site);
  if (args.length >= 3 && isBetweenOp) {
    return withIgnoredOperands(site, 3, args, between(op === '<', args[0], args[1], args[2]));
  }
  if (args.length > 2) return withIgnoredOperands(site, 2, args, binaryClosure(op, args[0], args[1], site));
  // Zero or one operand: the missing ones are undefined, as in a JavaScript call.
  const apply = BINARY[op];
  return (s) => {
    const values = evaluateAll(args, s);
    return apply(values[0], values[1]);
  };
};

export const COMPARISON_OPERATORS = Object.keys(BINARY);
