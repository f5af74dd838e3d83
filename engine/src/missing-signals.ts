/**
 * "Missing signals never satisfy an ordering comparison" (the `personalize` semantics, the default):
 * `<`, `<=`, `>`, `>=` — the between forms of `<`/`<=` included — are false when one of the operands they
 * compare is a `var` without a default whose value is missing (the path is absent, or holds null).
 * json-logic-js compares `null < 10` as `0 < 10`, so "dwell time < 10 s" would match every visitor who
 * sends no dwell time; the `json-logic-js` semantics keep that behaviour, for the conformance suites.
 *
 * Only a `var` written directly as a compared operand counts: `{"<": [{"var": "x"}, 10]}`, not
 * `{"<": [{"-": [{"var": "x"}, 1]}, 10]}` (the comparison sees the arithmetic's value, not a signal). A
 * `var` with a default (other than a literal `null`, which json-logic-js treats as no default) does not
 * count: its author said what absence means. Both backends and `explain` share these helpers.
 */
import { lookupVar } from './safe-access';
import type { Rule } from './types';

/** How a compiled rule treats ordering comparisons of missing signals. */
export type Semantics = 'personalize' | 'json-logic-js';

export const ORDERING_OPERATORS: ReadonlySet<string> = new Set(['<', '<=', '>', '>=']);

/** The operands an ordering comparison compares: the first three for the between forms, else the first two. */
export function comparedOperandCount(op: string, operandCount: number): number {
  return (op === '<' || op === '<=') && operandCount >= 3 ? 3 : Math.min(operandCount, 2);
}

/** The (normalised) operands of a `{"var": ...}` operation, or undefined when `rule` is not one. */
function varOperands(rule: unknown): readonly unknown[] | undefined {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) return undefined;
  const keys = Object.keys(rule);
  if (keys.length !== 1 || keys[0] !== 'var') return undefined;
  const raw: unknown = (rule as Record<string, unknown>).var;
  return Array.isArray(raw) ? raw : [raw];
}

/** A `var` without a default (or with a literal `null` one): a missing value it reads is a missing signal. */
export function isBareVar(rule: unknown): boolean {
  const operands = varOperands(rule);
  return operands !== undefined && (operands.length < 2 || operands[1] === null);
}

/**
 * For an ordering comparison under the `personalize` semantics: which of its compared operands are bare
 * `var`s (checked for a missing value), or undefined when none is (nothing changes for that comparison).
 */
export function checkedOperands(op: string, operands: readonly unknown[], semantics: Semantics): readonly boolean[] | undefined {
  if (semantics !== 'personalize' || !ORDERING_OPERATORS.has(op)) return undefined;
  const flags: boolean[] = [];
  let any = false;
  for (let i = 0; i < comparedOperandCount(op, operands.length); i++) {
    flags.push(isBareVar(operands[i]));
    any ||= flags[i];
  }
  return any ? flags : undefined;
}

export function parseSemantics(option: unknown): Semantics {
  if (option === undefined || option === 'personalize') return 'personalize';
  if (option === 'json-logic-js') return 'json-logic-js';
  throw new RangeError(`options.semantics must be "personalize" or "json-logic-js", got ${String(option)}`);
}

/** Operators whose second operand is a per-item rule (its `var`s read the item, not the data). */
const ITERATING = new Set(['map', 'filter', 'reduce', 'all', 'none', 'some']);

export interface OrderingSignalsOptions {
  /** Audience key → rule, as for `compile`: `{"audience": "key"}` is followed into the audience's rule. */
  audiences?: Readonly<Record<string, Rule>>;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The signals a rule's ordering comparisons read directly: the dotted paths of the bare `var`s with a
 * literal path that `<`, `<=`, `>`, `>=` compare, through audiences, outside per-item rules (whose paths
 * are relative to the items), in order of appearance and without duplicates. A missing value at one of
 * these paths makes that comparison false under the `personalize` semantics. Static: the rule is not
 * evaluated; unknown audiences and cycles are skipped (`compile` reports them).
 */
export function orderingSignals(rule: Rule, options?: OrderingSignalsOptions): string[] {
  const audiences = options?.audiences ?? {};
  const found = new Set<string>();
  const visited = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const keys = Object.keys(node);
    if (keys.length !== 1) return; // data, not an operation
    const op = keys[0];
    const raw: unknown = (node as Record<string, unknown>)[op];
    const operands: readonly unknown[] = Array.isArray(raw) ? raw : [raw];
    if (op === 'audience') {
      const key = operands[0];
      if (typeof key === 'string' && hasOwn.call(audiences, key) && !visited.has(key)) {
        visited.add(key);
        walk(audiences[key]);
      }
      return;
    }
    if (ORDERING_OPERATORS.has(op)) {
      for (let i = 0; i < comparedOperandCount(op, operands.length); i++) {
        const operand = operands[i];
        if (!isBareVar(operand)) continue;
        const path = (varOperands(operand) as readonly unknown[])[0];
        if (typeof path === 'string' ? path !== '' : typeof path === 'number') found.add(String(path));
      }
    }
    operands.forEach((operand, i) => {
      if (!(ITERATING.has(op) && i === 1)) walk(operand);
    });
  };
  walk(rule);
  return [...found];
}

/**
 * The paths (as `orderingSignals` gives them) whose value in `data` is missing: absent, or null. Reads
 * exactly as `{"var": path}` does (own properties only).
 */
export function missingSignals(paths: readonly string[], data: unknown): string[] {
  const missing: string[] = [];
  for (const path of paths) if (lookupVar(data, path, undefined) == null) missing.push(path);
  return missing;
}
