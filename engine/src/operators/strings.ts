/**
 * cat, substr, in — as json-logic-js, without ever calling a method found on the data. The strings and
 * arrays they read are charged to the evaluation's fuel (../fuel.ts) before the work is done.
 */
import type { Budget, OperatorCompiler } from '../compiler-types';
import { CHAR_SHIFT, chargeSearch, chargeValue, spendFuel } from '../fuel';
import { RuleError } from '../errors';
import type { Evaluator, RulePath } from '../types';
import { compileOperands, evaluateAll, evaluationFailed, isPrimitive, requireOperands, withIgnoredOperands } from './operands';
import { literalVarRef, operand, operandValue, readRef } from './path-ref';

type Num = number;

/** Array.prototype.join's view of one value: null and undefined are empty, the rest is String(). */
export function joinPart(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

export function checkedLength(text: string, max: number, path: RulePath): string {
  if (text.length > max) {
    throw new RuleError('limit_exceeded', `String of ${text.length} characters exceeds the limit of ${max}`, path);
  }
  return text;
}

export const compileCat: OperatorCompiler = (site, compiler) => {
  const args = compileOperands(site, compiler);
  const max = compiler.limits.stringLength;
  const { budget } = compiler;
  const { path } = site;
  if (args.length === 0) return () => '';
  if (args.length === 1) {
    const [a] = args;
    return (s) => checkedLength(joinPart(chargeValue(budget, a(s), path)), max, path);
  }
  if (args.length === 2) {
    const [a, b] = args;
    const [rawA, rawB] = site.operands;
    const refB = literalVarRef(rawB, compiler, site.scoped);
    if (isPrimitive(rawA) && refB !== undefined) {
      // {"cat": ["prefix-", {"var": "visitorId"}]}: the usual bucketing key
      const prefix = joinPart(rawA);
      return (s) => checkedLength(prefix + joinPart(chargeValue(budget, readRef(s, refB), path)), max, path);
    }
    const first = operand(rawA, a, compiler, site.scoped);
    const second = operand(rawB, b, compiler, site.scoped);
    return (s) =>
      checkedLength(
        joinPart(chargeValue(budget, operandValue(s, first), path)) + joinPart(chargeValue(budget, operandValue(s, second), path)),
        max,
        path,
      );
  }
  return (s) => {
    let text = '';
    for (let i = 0; i < args.length; i++) {
      text += joinPart(chargeValue(budget, args[i](s), path));
      if (text.length > max) checkedLength(text, max, path);
    }
    return text;
  };
};

/** String(source).substr(start, length); a negative length drops that many characters from the end (PHP style). */
export function substr(source: unknown, start: unknown, end: unknown): string {
  if ((end as Num) < 0) {
    const temp = String(source).substr(start as Num);
    // `+` stays JavaScript's own: a string `end` concatenates, exactly as json-logic-js does.
    return temp.substr(0, (temp.length as Num) + (end as Num));
  }
  return String(source).substr(start as Num, end as Num);
}

export const compileSubstr: OperatorCompiler = (site, compiler) => {
  const args = compileOperands(site, compiler);
  const { budget } = compiler;
  const { path } = site;
  // The source is converted to a string and copied: its length is work. Start and length are numbers.
  if (args.length === 3) {
    const [source, start, end] = args;
    return (s) => substr(chargeValue(budget, source(s), path), chargeValue(budget, start(s), path), chargeValue(budget, end(s), path));
  }
  if (args.length === 2) {
    const [source, start] = args;
    return (s) => substr(chargeValue(budget, source(s), path), chargeValue(budget, start(s), path), undefined);
  }
  const used = args.slice(0, 3);
  return withIgnoredOperands(site, 3, args, (s) => {
    const values = evaluateAll(used, s);
    return substr(chargeValue(budget, values[0], path), chargeValue(budget, values[1], path), chargeValue(budget, values[2], path));
  });
};

const arrayIndexOf = Array.prototype.indexOf;
const stringIndexOf = String.prototype.indexOf;
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * `in`: substring of a string, or strict membership in an array; anything else is false. The search is
 * charged: the haystack's length and the needle's, or the array's items (each a strict comparison, whose
 * cost is bounded by the needle's length).
 */
export function contains(needle: unknown, haystack: unknown, path: RulePath, budget: Budget): boolean {
  if (!haystack) return false;
  if (typeof haystack === 'string') {
    return stringIndexOf.call(haystack, chargeSearch(budget, needle, haystack.length, path) as string) !== -1;
  }
  if (Array.isArray(haystack)) {
    spendFuel(budget, haystack.length * (1 + (typeof needle === 'string' ? needle.length >>> CHAR_SHIFT : 0)), path);
    return arrayIndexOf.call(haystack, needle) !== -1;
  }
  if (typeof haystack === 'object' && hasOwn.call(haystack, 'indexOf')) {
    // json-logic-js would call this data value as a function and throw; we refuse without calling it.
    throw evaluationFailed('"in" was given an object with an "indexOf" key', path);
  }
  return false;
}

function includesStrictly(items: readonly unknown[], value: unknown): boolean {
  for (let i = 0; i < items.length; i++) if (items[i] === value) return true;
  return false;
}

/** Above this size a constant list is looked up in a Set instead of scanned. */
const SET_THRESHOLD = 8;

export const compileIn: OperatorCompiler = (site, compiler) => {
  requireOperands(site, 2, 'a value and a string or array to look in');
  const args = compileOperands(site, compiler);
  const [needle, haystack] = args;
  const { budget } = compiler;
  const { path } = site;
  const [rawNeedle, rawHaystack] = site.operands;
  const needleRef = literalVarRef(rawNeedle, compiler, site.scoped);
  let main: Evaluator;
  if (Array.isArray(rawHaystack) && rawHaystack.every(isPrimitive) && !rawHaystack.some((v) => Number.isNaN(v))) {
    // A literal list of primitives: strict equality equals Set membership once NaN is excluded.
    const items: readonly unknown[] = rawHaystack.slice();
    if (items.length > SET_THRESHOLD) {
      const set = new Set<unknown>(items);
      main = needleRef !== undefined ? (s) => set.has(readRef(s, needleRef)) : (s) => set.has(needle(s));
    } else {
      main = needleRef !== undefined ? (s) => includesStrictly(items, readRef(s, needleRef)) : (s) => includesStrictly(items, needle(s));
    }
  } else if (typeof rawHaystack === 'string' && rawHaystack !== '') {
    const text = rawHaystack;
    const length = text.length;
    main = needleRef !== undefined
      ? (s) => text.indexOf(chargeSearch(budget, readRef(s, needleRef), length, path) as string) !== -1
      : (s) => text.indexOf(chargeSearch(budget, needle(s), length, path) as string) !== -1;
  } else {
    const haystackRef = literalVarRef(rawHaystack, compiler, site.scoped);
    if (isPrimitive(rawNeedle) && haystackRef !== undefined) {
      // {"in": ["loyal", {"var": "profile.segments"}]}
      main = (s) => contains(rawNeedle, readRef(s, haystackRef), path, budget);
    } else {
      const first = operand(rawNeedle, needle, compiler, site.scoped);
      const second = operand(rawHaystack, haystack, compiler, site.scoped);
      main = (s) => contains(operandValue(s, first), operandValue(s, second), path, budget);
    }
  }
  return withIgnoredOperands(site, 2, args, main);
};
