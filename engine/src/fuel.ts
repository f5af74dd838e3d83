/**
 * The work budget ("fuel") of one evaluation. Counting iterations alone does not bound the time an
 * evaluation takes: the work done inside an iteration (copying, scanning and coercing long strings and
 * arrays) can be thousands of times larger than the iteration itself. So every unit of work draws from
 * one budget per evaluation (see docs/engine.md, "Work budget"):
 *
 * - an iteration of map/filter/reduce/all/none/some costs one unit plus the static weight of the per-item
 *   rule (its JSON nodes, long string literals by their length), computed once; an audience evaluation
 *   costs its rule's weight;
 * - a string or array that an operator reads, converts or produces costs its size: one unit per
 *   CHARS_PER_UNIT characters and one unit per array item.
 *
 * Strings up to CHARS_PER_UNIT characters are free, so the common conditions pay one type test.
 * The default budget (limits.fuel) keeps any evaluation under about 2 ms on that machine.
 */
import type { Budget } from './compiler-types';
import { RuleError } from './errors';
import type { RulePath } from './types';

/**
 * Characters of string work per unit of fuel. Measured on a 2-core x86-64 (bench/fuel): scanning a string
 * to coerce it costs about 1.2 ns a character, evaluating a rule node 5–18 ns; so 8 characters ≈ one node.
 */
export const CHARS_PER_UNIT = 8;
export const CHAR_SHIFT = 3; // log2(CHARS_PER_UNIT)

const OUT_OF_FUEL = 'Evaluation exceeded its work budget (limits.fuel)';

/** Ends the evaluation: it counts as a failed condition, as any RuleError does. */
export function outOfFuel(path: RulePath): never {
  throw new RuleError('limit_exceeded', OUT_OF_FUEL, path);
}

/** Whether an evaluation failed for its work budget (not another runtime limit, which depends on the data). */
export function isOutOfFuel(error: unknown): boolean {
  return error instanceof RuleError && error.code === 'limit_exceeded' && error.detail === OUT_OF_FUEL;
}

/** Spends `units` of the evaluation's fuel. */
export function spendFuel(budget: Budget, units: number, path: RulePath): void {
  if ((budget.fuelLeft -= units) < 0) outOfFuel(path);
}

/**
 * Charges the work of reading or converting `value` to a string or number (`"" + value`, `value < 1`,
 * `parseFloat(value)`...), then returns it. Numbers, booleans, null and short strings cost nothing; an
 * array costs its items and their strings, walked iteratively and stopped as soon as the budget is spent
 * (so a giant array is never walked to the end).
 */
export function chargeValue<T>(budget: Budget, value: T, path: RulePath): T {
  if (typeof value === 'string') {
    if (value.length > CHARS_PER_UNIT) spendFuel(budget, value.length >>> CHAR_SHIFT, path);
  } else if (typeof value === 'object' && value !== null && Array.isArray(value)) {
    chargeArray(budget, value, path);
  }
  return value;
}

/** `chargeValue`, then true: for generated code's inline tests (`typeof t === "number" || spendValue(…)`). */
export function spendValue(budget: Budget, value: unknown, path: RulePath): true {
  chargeValue(budget, value, path);
  return true;
}

/** `chargeValue` for arrays only (a string's cost is bounded elsewhere, see comparisonCharge). */
export function chargeArrays<T>(budget: Budget, value: T, path: RulePath): T {
  if (Array.isArray(value)) chargeArray(budget, value, path);
  return value;
}

/**
 * What a comparison charges for its operand `index` (of `count` compared operands), on both backends:
 * nothing against a literal under `===`/`!==` (bounded by the literal, which is in the rule's weight);
 * arrays only against a string literal (string against string is bounded by the literal, but an array
 * is joined first); everything otherwise (a string coerced to a number, or compared with a string that
 * is not a literal).
 */
export function comparisonCharge(op: string, operands: readonly unknown[], index: number, count: number): 'none' | 'arrays' | 'all' {
  if (count !== 2) return 'all';
  const other = operands[1 - index];
  if (other !== null && typeof other === 'object') return 'all';
  if (op === '===' || op === '!==') return 'none';
  return typeof other === 'string' ? 'arrays' : 'all';
}

/**
 * Charges a substring search (`in` on a string): converting the needle, then the search itself, which
 * can cost several passes over both strings (a character of either costs half a unit).
 */
export function chargeSearch<T>(budget: Budget, needle: T, haystackLength: number, path: RulePath): T {
  chargeValue(budget, needle, path);
  spendFuel(budget, (haystackLength + (typeof needle === 'string' ? needle.length : 0)) >>> 1, path);
  return needle;
}

/** Fuel of one iteration besides its per-item rule: the loop's own step. */
export const ITERATION_COST = 1;

/**
 * Charges a computed `var` path, which is converted to a string and split at every dot: a character of it
 * costs a unit (a segment can be one character long, and each is an allocation and a property read).
 */
export function chargePath<T>(budget: Budget, path: T, rulePath: RulePath): T {
  if (typeof path === 'string') spendFuel(budget, path.length, rulePath);
  else chargeValue(budget, path, rulePath);
  return path;
}

function chargeArray(budget: Budget, root: readonly unknown[], path: RulePath): void {
  const stack: (readonly unknown[])[] = [root];
  while (stack.length > 0) {
    const items = stack.pop() as readonly unknown[];
    spendFuel(budget, items.length + 1, path);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (typeof item === 'string') {
        if (item.length > CHARS_PER_UNIT) spendFuel(budget, item.length >>> CHAR_SHIFT, path);
      } else if (Array.isArray(item)) stack.push(item);
    }
  }
}

/**
 * The static weight of a rule: what evaluating it once costs, at least. Every JSON node counts one, a
 * string literal also its length. Iterative (rules are shape-checked before, but this never recurses).
 */
export function ruleWeight(rule: unknown): number {
  let weight = 0;
  const stack: unknown[] = [rule];
  while (stack.length > 0) {
    const node = stack.pop();
    weight += 1;
    if (typeof node === 'string') weight += node.length >>> CHAR_SHIFT;
    else if (Array.isArray(node)) for (let i = 0; i < node.length; i++) stack.push(node[i]);
    else if (typeof node === 'object' && node !== null) {
      for (const key of Object.keys(node)) {
        weight += key.length >>> CHAR_SHIFT;
        stack.push((node as Record<string, unknown>)[key]);
      }
    }
  }
  return weight;
}
