/**
 * ==, ===, !=, !==, <, <=, >, >= with JavaScript's own coercions, as json-logic-js.
 * `<` and `<=` take an optional third operand ("between"); a third value of undefined means two-operand form.
 * Under the `personalize` semantics an ordering comparison is false when a compared operand that is a bare
 * `var` (no default) gives null or undefined: a missing signal never satisfies it (see missing-signals.ts).
 * Casts to `number` below only satisfy the type checker: the operators run on the raw values.
 * Comparing or coercing a long string or an array is work: every operand that is not a literal is charged
 * to the fuel as `comparisonCharge` (../fuel.ts) says, the same on both backends.
 */
import type { Budget, Compiler, OperatorCompiler, OperatorSite } from '../compiler-types';
import { chargeArrays, chargeValue, comparisonCharge } from '../fuel';
import { checkedOperands } from '../missing-signals';
import type { Evaluator, RulePath } from '../types';
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

type Charge = <T>(budget: Budget, value: T, path: RulePath) => T;
type Specialise = (read: PathRef, lit: unknown, b: Budget, p: RulePath, charge: Charge) => Evaluator;

const noCharge: Charge = (_budget, value) => value;
const CHARGES = { none: noCharge, arrays: chargeArrays, all: chargeValue } as const;

/** The charger of operand `index` of this comparison (see comparisonCharge). */
const chargerOf = (site: OperatorSite, index: number, count: number): Charge =>
  CHARGES[comparisonCharge(site.op, site.operands, index, count)];

/** `{"var": path} OP literal`, the most common condition of all: the read is inlined. */
const REF_OP_LITERAL: Readonly<Record<string, Specialise>> = {
  '==': (r, lit, b, p, charge) => (s) => charge(b, readRef(s, r), p) == lit,
  '===': (r, lit) => (s) => readRef(s, r) === lit,
  '!=': (r, lit, b, p, charge) => (s) => charge(b, readRef(s, r), p) != lit,
  '!==': (r, lit) => (s) => readRef(s, r) !== lit,
  '<': (r, lit, b, p, charge) => (s) => (charge(b, readRef(s, r), p) as Num) < (lit as Num),
  '<=': (r, lit, b, p, charge) => (s) => (charge(b, readRef(s, r), p) as Num) <= (lit as Num),
  '>': (r, lit, b, p, charge) => (s) => (charge(b, readRef(s, r), p) as Num) > (lit as Num),
  '>=': (r, lit, b, p, charge) => (s) => (charge(b, readRef(s, r), p) as Num) >= (lit as Num),
};

/** `literal OP {"var": path}`. */
const LITERAL_OP_REF: Readonly<Record<string, Specialise>> = {
  '==': (r, lit, b, p, charge) => (s) => lit == charge(b, readRef(s, r), p),
  '===': (r, lit) => (s) => lit === readRef(s, r),
  '!=': (r, lit, b, p, charge) => (s) => lit != charge(b, readRef(s, r), p),
  '!==': (r, lit) => (s) => lit !== readRef(s, r),
  '<': (r, lit, b, p, charge) => (s) => (lit as Num) < (charge(b, readRef(s, r), p) as Num),
  '<=': (r, lit, b, p, charge) => (s) => (lit as Num) <= (charge(b, readRef(s, r), p) as Num),
  '>': (r, lit, b, p, charge) => (s) => (lit as Num) > (charge(b, readRef(s, r), p) as Num),
  '>=': (r, lit, b, p, charge) => (s) => (lit as Num) >= (charge(b, readRef(s, r), p) as Num),
};

/** Two evaluated operands, specialised for the common shapes (a literal on either side). */
function binaryClosure(op: string, rawLeftEval: Evaluator, rawRightEval: Evaluator, site: OperatorSite, compiler: Compiler): Evaluator {
  const [rawLeft, rawRight] = site.operands;
  const { budget: b } = compiler;
  const { path: p } = site;
  const chargeLeft = chargerOf(site, 0, 2);
  const chargeRight = chargerOf(site, 1, 2);
  if (isPrimitive(rawRight)) {
    const ref = literalVarRef(rawLeft, compiler, site.scoped);
    if (ref !== undefined) return REF_OP_LITERAL[op](ref, rawRight, b, p, chargeLeft);
  }
  if (isPrimitive(rawLeft)) {
    const ref = literalVarRef(rawRight, compiler, site.scoped);
    if (ref !== undefined) return LITERAL_OP_REF[op](ref, rawLeft, b, p, chargeRight);
  }
  if (isPrimitive(rawRight)) {
    const lit = rawRight;
    const left = rawLeftEval;
    const charge = chargeLeft;
    switch (op) {
      case '==': return (s) => charge(b, left(s), p) == lit;
      case '===': return (s) => left(s) === lit;
      case '!=': return (s) => charge(b, left(s), p) != lit;
      case '!==': return (s) => left(s) !== lit;
      case '<': return (s) => (charge(b, left(s), p) as Num) < (lit as Num);
      case '<=': return (s) => (charge(b, left(s), p) as Num) <= (lit as Num);
      case '>': return (s) => (charge(b, left(s), p) as Num) > (lit as Num);
      case '>=': return (s) => (charge(b, left(s), p) as Num) >= (lit as Num);
    }
  }
  if (isPrimitive(rawLeft)) {
    const lit = rawLeft;
    const right = rawRightEval;
    const charge = chargeRight;
    switch (op) {
      case '==': return (s) => lit == charge(b, right(s), p);
      case '===': return (s) => lit === right(s);
      case '!=': return (s) => lit != charge(b, right(s), p);
      case '!==': return (s) => lit !== right(s);
      case '<': return (s) => (lit as Num) < (charge(b, right(s), p) as Num);
      case '<=': return (s) => (lit as Num) <= (charge(b, right(s), p) as Num);
      case '>': return (s) => (lit as Num) > (charge(b, right(s), p) as Num);
      case '>=': return (s) => (lit as Num) >= (charge(b, right(s), p) as Num);
    }
  }
  // Neither side literal: read literal vars without a closure call; both values are charged.
  const a = operand(rawLeft, rawLeftEval, compiler, site.scoped);
  const c = operand(rawRight, rawRightEval, compiler, site.scoped);
  const apply = BINARY[op];
  const charge = chargeValue;
  switch (op) {
    case '==': return (s) => charge(b, operandValue(s, a), p) == charge(b, operandValue(s, c), p);
    case '===': return (s) => charge(b, operandValue(s, a), p) === charge(b, operandValue(s, c), p);
    case '<': return (s) => (charge(b, operandValue(s, a), p) as Num) < (charge(b, operandValue(s, c), p) as Num);
    case '>': return (s) => (charge(b, operandValue(s, a), p) as Num) > (charge(b, operandValue(s, c), p) as Num);
    default: return (s) => apply(charge(b, operandValue(s, a), p), charge(b, operandValue(s, c), p));
  }
}

/** `<`/`<=` with three operands: a < b < c, unless c evaluates to undefined. */
function between(strict: boolean, a: Operand, b: Operand, c: Operand, budget: Budget, p: RulePath): Evaluator {
  const charge = chargeValue;
  return strict
    ? (s) => {
        const x = charge(budget, operandValue(s, a), p) as Num, y = charge(budget, operandValue(s, b), p) as Num;
        const z = charge(budget, operandValue(s, c), p);
        return z === undefined ? x < y : x < y && y < (z as Num);
      }
    : (s) => {
        const x = charge(budget, operandValue(s, a), p) as Num, y = charge(budget, operandValue(s, b), p) as Num;
        const z = charge(budget, operandValue(s, c), p);
        return z === undefined ? x <= y : x <= y && y <= (z as Num);
      };
}

/** `{"var": path} OP literal` where the var's value must not be missing. */
const CHECKED_REF_OP_LITERAL: Readonly<Record<string, Specialise>> = {
  '<': (r, lit, b, p, charge) => (s) => { const v = charge(b, readRef(s, r), p); return v != null && (v as Num) < (lit as Num); },
  '<=': (r, lit, b, p, charge) => (s) => { const v = charge(b, readRef(s, r), p); return v != null && (v as Num) <= (lit as Num); },
  '>': (r, lit, b, p, charge) => (s) => { const v = charge(b, readRef(s, r), p); return v != null && (v as Num) > (lit as Num); },
  '>=': (r, lit, b, p, charge) => (s) => { const v = charge(b, readRef(s, r), p); return v != null && (v as Num) >= (lit as Num); },
};

/** `literal OP {"var": path}` where the var's value must not be missing. */
const CHECKED_LITERAL_OP_REF: Readonly<Record<string, Specialise>> = {
  '<': (r, lit, b, p, charge) => (s) => { const v = charge(b, readRef(s, r), p); return v != null && (lit as Num) < (v as Num); },
  '<=': (r, lit, b, p, charge) => (s) => { const v = charge(b, readRef(s, r), p); return v != null && (lit as Num) <= (v as Num); },
  '>': (r, lit, b, p, charge) => (s) => { const v = charge(b, readRef(s, r), p); return v != null && (lit as Num) > (v as Num); },
  '>=': (r, lit, b, p, charge) => (s) => { const v = charge(b, readRef(s, r), p); return v != null && (lit as Num) >= (v as Num); },
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
  const { tracer, budget: bud } = compiler;
  const { path: p } = site;
  const chargers = args.map((_, i) => (i < used ? chargerOf(site, i, used) : noCharge));
  const charge = chargeValue;
  if (tracer !== undefined) {
    // explain: the same result, and which signals were missing (the path each var just read).
    return (s) => {
      let missing: string[] | undefined;
      const values: unknown[] = [];
      for (let i = 0; i < args.length; i++) {
        const value = chargers[i](bud, args[i](s), p);
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
      const x = charge(bud, operandValue(s, a), p), y = charge(bud, operandValue(s, b), p), z = charge(bud, operandValue(s, c), p);
      if ((ca && x == null) || (cb && y == null) || (cc && z == null)) return false;
      return betweenResult(strict, x, y, z);
    });
  }
  if (used < 2) {
    // Zero or one operand: compared with undefined, always false (as in json-logic-js).
    return (s) => {
      const values = evaluateAll(args, s);
      return apply(charge(bud, values[0], p), values[1]);
    };
  }
  const [rawLeft, rawRight] = site.operands;
  let main: Evaluator | undefined;
  if (isPrimitive(rawRight)) {
    const ref = literalVarRef(rawLeft, compiler, site.scoped);
    if (ref !== undefined) main = CHECKED_REF_OP_LITERAL[op](ref, rawRight, bud, p, chargers[0]);
  } else if (isPrimitive(rawLeft)) {
    const ref = literalVarRef(rawRight, compiler, site.scoped);
    if (ref !== undefined) main = CHECKED_LITERAL_OP_REF[op](ref, rawLeft, bud, p, chargers[1]);
  }
  if (main === undefined) {
    const a = operand(rawLeft, args[0], compiler, site.scoped);
    const b = operand(rawRight, args[1], compiler, site.scoped);
    const [ca, cb] = checked;
    const [chargeA, chargeB] = chargers;
    main = (s) => {
      const x = chargeA(bud, operandValue(s, a), p), y = chargeB(bud, operandValue(s, b), p);
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
    return withIgnoredOperands(site, 3, args, between(op === '<', a, b, c, compiler.budget, site.path));
  }
  if (args.length > 2) return withIgnoredOperands(site, 2, args, binaryClosure(op, args[0], args[1], site, compiler));
  // Zero or one operand: the missing ones are undefined, as in a JavaScript call.
  const apply = BINARY[op];
  const { budget } = compiler;
  const { path } = site;
  return (s) => {
    const values = evaluateAll(args, s);
    return apply(chargeValue(budget, values[0], path), values[1]);
  };
};

export const COMPARISON_OPERATORS = Object.keys(BINARY);
