/**
 * ==, ===, !=, !==, <, <=, >, >= with JavaScript's own coercions, as json-logic-js.
 * `<` and `<=` take an optional third operand ("between"); a third value of undefined means two-operand form.
 * Casts to `number` below only satisfy the type checker: the operators run on the raw values.
 */
import type { Compiler, OperatorCompiler, OperatorSite } from '../compiler-types';
import type { Evaluator } from '../types';
import { compileOperands, evaluateAll, isPrimitive, withIgnoredOperands } from './operands';
import { literalVarRef, operand, operandValue, readRef, type Operand, type PathRef } from './path-ref';

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

type Specialise = (read: PathRef, lit: unknown) => Evaluator;

/** `{"var": path} OP literal`, the most common condition of all: the read is inlined. */
const REF_OP_LITERAL: Readonly<Record<string, Specialise>> = {
  '==': (r, lit) => (s) => readRef(s, r) == lit,
  '===': (r, lit) => (s) => readRef(s, r) === lit,
  '!=': (r, lit) => (s) => readRef(s, r) != lit,
  '!==': (r, lit) => (s) => readRef(s, r) !== lit,
  '<': (r, lit) => (s) => (readRef(s, r) as Num) < (lit as Num),
  '<=': (r, lit) => (s) => (readRef(s, r) as Num) <= (lit as Num),
  '>': (r, lit) => (s) => (readRef(s, r) as Num) > (lit as Num),
  '>=': (r, lit) => (s) => (readRef(s, r) as Num) >= (lit as Num),
};

/** `literal OP {"var": path}`. */
const LITERAL_OP_REF: Readonly<Record<string, Specialise>> = {
  '==': (r, lit) => (s) => lit == readRef(s, r),
  '===': (r, lit) => (s) => lit === readRef(s, r),
  '!=': (r, lit) => (s) => lit != readRef(s, r),
  '!==': (r, lit) => (s) => lit !== readRef(s, r),
  '<': (r, lit) => (s) => (lit as Num) < (readRef(s, r) as Num),
  '<=': (r, lit) => (s) => (lit as Num) <= (readRef(s, r) as Num),
  '>': (r, lit) => (s) => (lit as Num) > (readRef(s, r) as Num),
  '>=': (r, lit) => (s) => (lit as Num) >= (readRef(s, r) as Num),
};

/** Two evaluated operands, specialised for the common shapes (a literal on either side). */
function binaryClosure(op: string, left: Evaluator, right: Evaluator, site: OperatorSite, compiler: Compiler): Evaluator {
  const [rawLeft, rawRight] = site.operands;
  if (isPrimitive(rawRight)) {
    const ref = literalVarRef(rawLeft, compiler, site.scoped);
    if (ref !== undefined) return REF_OP_LITERAL[op](ref, rawRight);
  }
  if (isPrimitive(rawLeft)) {
    const ref = literalVarRef(rawRight, compiler, site.scoped);
    if (ref !== undefined) return LITERAL_OP_REF[op](ref, rawLeft);
  }
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
  // Neither side literal: read literal vars without a closure call.
  const a = operand(rawLeft, left, compiler, site.scoped);
  const b = operand(rawRight, right, compiler, site.scoped);
  const apply = BINARY[op];
  switch (op) {
    case '==': return (s) => operandValue(s, a) == operandValue(s, b);
    case '===': return (s) => operandValue(s, a) === operandValue(s, b);
    case '<': return (s) => (operandValue(s, a) as Num) < (operandValue(s, b) as Num);
    case '>': return (s) => (operandValue(s, a) as Num) > (operandValue(s, b) as Num);
    default: return (s) => apply(operandValue(s, a), operandValue(s, b));
  }
}

/** `<`/`<=` with three operands: a < b < c, unless c evaluates to undefined. */
function between(strict: boolean, a: Operand, b: Operand, c: Operand): Evaluator {
  return strict
    ? (s) => {
        const x = operandValue(s, a) as Num, y = operandValue(s, b) as Num, z = operandValue(s, c);
        return z === undefined ? x < y : x < y && y < (z as Num);
      }
    : (s) => {
        const x = operandValue(s, a) as Num, y = operandValue(s, b) as Num, z = operandValue(s, c);
        return z === undefined ? x <= y : x <= y && y <= (z as Num);
      };
}

export const compileComparison: OperatorCompiler = (site: OperatorSite, compiler: Compiler) => {
  const { op } = site;
  const args = compileOperands(site, compiler);
  const isBetweenOp = op === '<' || op === '<=';
  if (args.length === 2) return binaryClosure(op, args[0], args[1], site, compiler);
  if (args.length >= 3 && isBetweenOp) {
    const [a, b, c] = [0, 1, 2].map((i) => operand(site.operands[i], args[i], compiler, site.scoped));
    return withIgnoredOperands(site, 3, args, between(op === '<', a, b, c));
  }
  if (args.length > 2) return withIgnoredOperands(site, 2, args, binaryClosure(op, args[0], args[1], site, compiler));
  // Zero or one operand: the missing ones are undefined, as in a JavaScript call.
  const apply = BINARY[op];
  return (s) => {
    const values = evaluateAll(args, s);
    return apply(values[0], values[1]);
  };
};

export const COMPARISON_OPERATORS = Object.keys(BINARY);
