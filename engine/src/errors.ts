import type { RulePath } from './types';

/** Why a rule was refused or stopped. Stable strings: callers may switch on them. */
export type RuleErrorCode =
  | 'invalid_rule' // not JSON (undefined, functions, class instances...)
  | 'unknown_operator'
  | 'unsupported_operator' // e.g. `method`: calling methods is never allowed
  | 'invalid_arguments' // an operator's operands cannot work (arity, literal types)
  | 'too_deep'
  | 'too_large'
  | 'unknown_audience'
  | 'audience_cycle'
  | 'limit_exceeded' // a runtime limit: array length, string length, the work budget (fuel.ts)
  | 'evaluation_failed'; // json-logic-js would throw here too (e.g. `missing_some` on null)

/** JSON Pointer of a rule path, used in messages: `["and", 1]` → `/and/1`. */
export function formatRulePath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '/';
  let out = '';
  for (const segment of path) out += '/' + String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
  return out;
}

/**
 * An invalid rule (thrown by `compile`) or a rule that could not be evaluated (thrown by `evaluate`).
 * `path` is the JSON path of the offending node inside the rule given to `compile`.
 */
export class RuleError extends Error {
  override readonly name = 'RuleError';
  readonly code: RuleErrorCode;
  readonly path: RulePath;
  /** The message without its location. */
  readonly detail: string;

  constructor(code: RuleErrorCode, detail: string, path: RulePath) {
    super(`${detail} at ${formatRulePath(path)}`);
    this.code = code;
    this.detail = detail;
    this.path = path.slice();
  }
}
