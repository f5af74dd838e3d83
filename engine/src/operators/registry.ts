/** Operator name → compiler. The only operators a rule may use. */
import type { OperatorCompiler } from '../compiler-types';
import { compileAdd, compileDivide, compileMax, compileMin, compileModulo, compileMultiply, compileSubtract } from './arithmetic';
import { compileAll, compileFilter, compileMap, compileMerge, compileNone, compileReduce, compileSome } from './arrays';
import { COMPARISON_OPERATORS, compileComparison } from './comparison';
import { compileMissing, compileMissingSome, compileVar } from './data';
import { compileAudience, compileExperiment } from './domain';
import { compileEndsWith, compileSemVer, compileStartsWith } from './flagd';
import { compileFractional } from './fractional';
import { compileAnd, compileIf, compileNot, compileNotNot, compileOr } from './logic';
import { compileLog, compileMethod } from './misc';
import { compileCat, compileIn, compileSubstr } from './strings';

const SUPPORTED: Record<string, OperatorCompiler> = {
  // json-logic-js 2.0.5
  ...Object.fromEntries(COMPARISON_OPERATORS.map((op) => [op, compileComparison])),
  '!': compileNot,
  '!!': compileNotNot,
  or: compileOr,
  and: compileAnd,
  '?:': compileIf,
  if: compileIf,
  in: compileIn,
  cat: compileCat,
  substr: compileSubstr,
  '%': compileModulo,
  max: compileMax,
  min: compileMin,
  '+': compileAdd,
  '-': compileSubtract,
  '*': compileMultiply,
  '/': compileDivide,
  var: compileVar,
  missing: compileMissing,
  missing_some: compileMissingSome,
  merge: compileMerge,
  map: compileMap,
  filter: compileFilter,
  reduce: compileReduce,
  all: compileAll,
  none: compileNone,
  some: compileSome,
  log: compileLog,
  // the plugin's own
  audience: compileAudience,
  experiment: compileExperiment,
  // flagd's custom operations
  fractional: compileFractional,
  sem_ver: compileSemVer,
  starts_with: compileStartsWith,
  ends_with: compileEndsWith,
};

/** Supported operator names, for the admin's rule builder. */
export const OPERATORS: readonly string[] = Object.freeze(Object.keys(SUPPORTED));

/** Null-prototype lookup table: an operator named "toString" or "__proto__" is simply unknown. */
const TABLE: Readonly<Record<string, OperatorCompiler>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, OperatorCompiler>, SUPPORTED, { method: compileMethod }),
);

export function operatorCompiler(op: string): OperatorCompiler | undefined {
  return TABLE[op];
}
