/**
 * ==, ===, !=, !==, <, <=, >, >= with JavaScript's own coercions, as json-logic-js.
 * `<` and `<=` take an optional third operand ("between"); a third value of undefined means two-operand form.
 * Under the `personalize` semantics an ordering comparison is false when a compared operand that is a bare
 * `var` (no default) gives null or undefined: a missing signal never satisfies it (see missing-signals.ts).
 * Casts to `number` below only satisfy the type checker: the operators run on the raw values.
 */
import type { Compiler, OperatorCompiler, OperatorSite } from '../compiler-types';
import { checkedOperands } from '../missing-signals';
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

/** `{"var": path} OP literal` where the var's value must not be missing. */
const CHECKED_REF_OP_LITERAL: Readonly<Record<string, Specialise>> = {
  '<': (r, lit) => (s) => { const v = readRef(s, r); return v != null && (v as Num) < (lit as Num); },
  '<=': (r, lit) => (s) => { const v = readRef(s, r); return v != null && (v as Num) <= (lit as Num); },
  '>': (r, lit) => (s) => { const v = readRef(s, r); return v != null && (v as Num) > (lit as Num); },
  '>=': (r, lit) => (s) => { const v = readRef(s, r); return v != null && (v as Num) >= (lit as Num); },
};

/** `literal OP {"var": path}` where the var's value must not be missing. */
const CHECKED_LITERAL_OP_REF: Readonly<Record<string, Specialise>> = {
  '<': (r, lit) => (s) => { const v = readRef(s, r); return v != null && (lit as Num) < (v as Num); },
  '<=': (r, lit) => (s) => { const v = readRef(s, r); return v != null && (lit as Num) <= (v as Num); },
  '>': (r, lit) => (s) => { const v = readRef(s, r); return v != null && (lit as Num) > (v as Num); },
  '>=': (r, lit) => (s) => { const v = readRef(s, r); return v != null && (lit as Num) >= (v as Num); },
};

/** json-logic-js's between: a < b < c, unless c is undefined (then a < b). */
function betweenResult(strict: boolean, x: unknown, y: unknown, z: unknown): boolean {
  if (strict) return z === undefined ? (x as Num) < (y as Num) : (x as Num) < (y as Num) && (y as Num) < (z as Num);
  return z === undefined ? (x as Num) <= (y as Num) : (x as Num) <= (y as Num) && (y as Num) <= (z as Num);
}

/**
 * An ordering comparison under the `personalize` semantics with at least one bare `var` among its compared
 * operands (`checked[i]`): false when one of those gives null/undefined. Every operand is still evaluated
 * first, in order, as json-logic-js does (so errors are the same).
 */
function missingAwareComparison(site: OperatorSite, compiler: Compiler, args: readonly Evaluator[], checked: readonly boolean[]): Evaluator {
  const { op } = site;
  const used = checked.length;
  const apply = BINARY[op];
  const strict = op === '<';
  const { tracer } = compiler;
  if (tracer !== undefined) {
    // explain: the same result, and which signals were missing (the path each var just read).
    return (s) => {
      let missing: string[] | undefined;
      const values: unknown[] = [];
      for (let i = 0; i < args.length; i++) {
        const value = args[i](s);
        values.push(value);
        if (i < used && checked[i] && value == null) (missing ??= []).push(tracer.lastVarPath());
      }
      if (missing !== undefined) {
        tracer.noteMissing(missing);
        return false;
      }
      return used === 3 ? betweenResult(strict, values[0], values[1], values[2]) : apply(values[0], values[1]);
    };
  }
  if (used === 3) {
    const [a, b, c] = [0, 1, 2].map((i) => operand(site.operands[i], args[i], compiler, site.scoped));
    const [ca, cb, cc] = checked;
    return withIgnoredOperands(site, 3, args, (s) => {
      const x = operandValue(s, a), y = operandValue(s, b), z = operandValue(s, c);
      if ((ca && x == null) || (cb && y == null) || (cc && z == null)) return false;
      return betweenResult(strict, x, y, z);
    });
  }
  if (used < 2) {
    // Zero or one operand: compared with undefined, always false (as in json-logic-js).
    return (s) => {
      const values = evaluateAll(args, s);
      return apply(values[0], values[1]);
    };
  }
  const [rawLeft, rawRight] = site.operands;
  let main: Evaluator | undefined;
  if (isPrimitive(rawRight)) {
    const ref = literalVarRef(rawLeft, compiler, site.scoped);
    if (ref !== undefined) main = CHECKED_REF_OP_LITERAL[op](ref, rawRight);
  } else if (isPrimitive(rawLeft)) {
    const ref = literalVarRef(rawRight, compiler, site.scoped);
    if (ref !== undefined) main = CHECKED_LITERAL_OP_REF[op](ref, rawLeft);
  }
  if (main === undefined) {
    const a = operand(rawLeft, args[0], compiler, site.scoped);
    const b = operand(rawRight, args[1], compiler, site.scoped);
    const [ca, cb] = checked;
    main = (s) => {
      const x = operandValue(s, a), y = operandValue(s, b);
      return (ca && x == null) || (cb && y == null) ? false : apply(x, y);
    };
  }
  return withIgnoredOperands(site, 2, args, main);
}

export const compileComparison: OperatorCompiler = (site: OperatorSite, compiler: Compiler) => {
  const { op } = site;
  const args = compileOperands(site, compiler);
  const checked = checkedOperands(op, site.operands, compiler.semantics);
  if (checked !== undefined) return missingAwareComparison(site, compiler, args, checked);
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
