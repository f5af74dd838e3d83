/**
 * Constant folding: an operation whose operands are all literals (`{"==": [1, "1"]}`, `{"cat": ["a", "b"]}`)
 * gives the same value on every evaluation, so it is evaluated once at compile time.
 */
import type { Evaluator } from './types';

/** Operators whose result depends only on their operands: no data, no side effect (folded with a full work budget, session.ts). */
const PURE_OPERATORS: ReadonlySet<string> = new Set([
  '==', '===', '!=', '!==', '<', '<=', '>', '>=', '!', '!!', 'or', 'and', '?:', 'if', 'in', 'cat', 'substr',
  '%', 'max', 'min', '+', '-', '*', '/', 'merge', 'sem_ver', 'starts_with', 'ends_with',
]);

/**
 * A checker for one compilation: true when a rule reads no data (literals, arrays of constants, pure
 * operations on constants). Verdicts are memoised per compilation only, since rules may change between.
 */
export function constantRuleChecker(): (rule: unknown) => boolean {
  const verdicts = new WeakMap<object, boolean>();
  const isConstantRule = (rule: unknown): boolean => {
    if (rule === null || typeof rule !== 'object') return true;
    const known = verdicts.get(rule);
    if (known !== undefined) return known;
    let constant: boolean;
    if (Array.isArray(rule)) {
      constant = rule.every(isConstantRule);
    } else {
      const keys = Object.keys(rule);
      if (keys.length !== 1) constant = true; // an object that is data, returned as written
      else {
        const operands: unknown = (rule as Record<string, unknown>)[keys[0]];
        constant = PURE_OPERATORS.has(keys[0]) && (Array.isArray(operands) ? operands.every(isConstantRule) : isConstantRule(operands));
      }
    }
    verdicts.set(rule, constant);
    return constant;
  };
  return isConstantRule;
}

/**
 * The folded evaluator for a constant operation, or the original when folding does not apply: a result
 * that is an object (callers may mutate it, so it is rebuilt each time) or an evaluation that throws
 * (it keeps throwing at run time, as before).
 */
export function foldConstant(evaluator: Evaluator): Evaluator {
  let value: unknown;
  try {
    value = evaluator(undefined);
  } catch {
    return evaluator;
  }
  if (value === null || typeof value !== 'object') return () => value;
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object')) {
    const template = value.slice();
    return () => template.slice();
  }
  return evaluator;
}
