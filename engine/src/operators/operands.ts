/** Helpers shared by operator compilers. */
import type { Compiler, OperatorSite } from '../compiler-types';
import { RuleError } from '../errors';
import type { Evaluator, RulePath } from '../types';

export type Primitive = string | number | boolean | null;

/** A literal that evaluates to itself and can be specialised on (objects and arrays excluded). */
export function isPrimitive(raw: unknown): raw is Primitive {
  return raw === null || (typeof raw !== 'object' && typeof raw !== 'function' && raw !== undefined);
}

export function compileOperands(site: OperatorSite, compiler: Compiler): Evaluator[] {
  const evaluators: Evaluator[] = [];
  for (let i = 0; i < site.operands.length; i++) {
    evaluators.push(compiler.compile(site.operands[i], site.operandPath(i), site.scoped));
  }
  return evaluators;
}

/** json-logic-js evaluates every operand before applying the operation. */
export function evaluateAll(args: readonly Evaluator[], scope: unknown): unknown[] {
  const values: unknown[] = [];
  for (let i = 0; i < args.length; i++) values.push(args[i](scope));
  return values;
}

/**
 * Evaluates operands the operation ignores (json-logic-js still evaluates them, and they may throw),
 * then the operation. Primitive extras cannot throw, so they are dropped at compile time.
 */
export function withIgnoredOperands(site: OperatorSite, ignoredFrom: number, args: readonly Evaluator[], main: Evaluator): Evaluator {
  const ignored: Evaluator[] = [];
  for (let i = ignoredFrom; i < args.length; i++) if (!isPrimitive(site.operands[i])) ignored.push(args[i]);
  if (ignored.length === 0) return main;
  return (scope) => {
    const result = main(scope); // the used operands come first, so evaluation order is kept
    for (let i = 0; i < ignored.length; i++) ignored[i](scope);
    return result;
  };
}

export function requireOperands(site: OperatorSite, min: number, what: string): void {
  if (site.operands.length < min) {
    throw new RuleError('invalid_arguments', `"${site.op}" needs ${what}`, site.path);
  }
}

export function assertArrayLength(length: number, max: number, path: RulePath): void {
  if (length > max) {
    throw new RuleError('limit_exceeded', `Array of ${length} items exceeds the limit of ${max}`, path);
  }
}

/** A runtime failure where json-logic-js throws too (its message differs; ours says why). */
export function evaluationFailed(detail: string, path: RulePath): RuleError {
  return new RuleError('evaluation_failed', detail, path);
}
