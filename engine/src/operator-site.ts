import type { OperatorSite } from './compiler-types';
import type { RulePath } from './types';

/**
 * The site of an operation `{ op: operands }` at `path`, as both backends see it: a single
 * operand not written in an array is wrapped, as json-logic-js does.
 */
export function operatorSite(rule: Record<string, unknown>, path: RulePath, scoped: boolean): OperatorSite {
  const op = Object.keys(rule)[0];
  const raw = rule[op];
  const writtenAsArray = Array.isArray(raw);
  return {
    op,
    operands: writtenAsArray ? raw : [raw],
    operandsWrittenAsArray: writtenAsArray,
    path,
    scoped,
    operandPath: (index) => (writtenAsArray ? [...path, op, index] : [...path, op]),
  };
}
