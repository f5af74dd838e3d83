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

/** Ends the evaluation: it counts as a failed condition, as any RuleError does. */
export function outOfFuel(path: RulePath): never {
  throw new RuleError('limit_exceeded', 'Evaluation exceeded its work budget (limits.fuel)', path);
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
