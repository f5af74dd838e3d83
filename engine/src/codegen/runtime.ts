/**
 * What generated code may use: this object (parameter `R`), the constants array (`K`) and the work budget
 * (`B`, see ../fuel.ts).
 * Generated code names nothing else — no globals — so it can do exactly what these helpers do: own-property
 * checks, JSON-logic's coercions, errors with rule paths, and the flagd hash. None calls a function found in
 * the data.
 */
import { RuleError } from '../errors';
import { chargeSearch, chargeValue, outOfFuel, spendValue } from '../fuel';
import { toFloat } from '../operators/arithmetic';
import { murmur3Joined } from '../murmur3';
import { isObjectData, pickVariantByHash } from '../operators/fractional';
import { checkedLength, contains, joinPart } from '../operators/strings';
import { asRuleError } from '../session';
import type { RulePath } from '../types';

function throwArrayLimit(length: number, max: number, path: RulePath): never {
  throw new RuleError('limit_exceeded', `Array of ${length} items exceeds the limit of ${max}`, path);
}

function throwStringLimit(length: number, max: number, path: RulePath): never {
  throw new RuleError('limit_exceeded', `String of ${length} characters exceeds the limit of ${max}`, path);
}

export const RUNTIME = Object.freeze({
  hasOwn: Object.prototype.hasOwnProperty,
  isArray: Array.isArray,
  strIndexOf: String.prototype.indexOf,
  toFloat,
  joinPart,
  checkedLength,
  contains,
  outOfFuel,
  chargeValue,
  chargeSearch,
  spendValue,
  throwArrayLimit,
  throwStringLimit,
  asRuleError,
  isObjectData,
  murmur3Joined,
  pickVariantByHash,
});

/** The names generated code may use from `R` (bound once, as constants of the generated module). */
export const RUNTIME_NAMES: readonly string[] = Object.freeze(Object.keys(RUNTIME));
