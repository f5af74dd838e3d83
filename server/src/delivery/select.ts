import { missingSignals, RuleError } from '../../../engine/src';
import { missingSignalReason, type MissingSignalReason, type ReasonEntry } from '../../../contracts/src/reason';
import type { Variant } from '../../../contracts/src/variants/schema';
import type { CompiledVariant } from '../platform/conditions';

/**
 * Stage 2 of delivery: variant selection. Variants are tried in order; the first enabled one
 * whose condition is truthy and that no selection rule passes over wins. A condition that fails
 * to compile or throws (a runtime limit such as the work budget included) is a non-match with
 * reason `condition-error`, reported through `onConditionError`, never an error.
 * A variant whose condition was false because signals its ordering comparisons read were missing
 * is reported as `{ rule: 'missing-signal', variant, signals }` (from the paths collected at
 * compile time: no condition is explained for it).
 */

export interface Selection {
  variant: Variant | null;
  reason: ReasonEntry[];
  /** A fixed variant was asked for and the entry has no enabled variant of that id. */
  fixedMissing?: boolean;
}

/** How one variant fares against the context: `null` when it is disabled (not evaluated). */
export interface VariantMatch {
  matched: boolean | null;
  error?: string;
  /** With `error`: the engine's error code (`limit_exceeded`...), or `compile_error`. */
  errorCode?: string;
}

export interface SelectionRules {
  /** Why the winning candidate is explained (the tests of its condition that were true). */
  explain(candidate: CompiledVariant, data: unknown): ReasonEntry[];
  /** A broken condition counts as no match (reason `condition-error`); the caller decides how to log it. */
  onConditionError(candidate: CompiledVariant, message: string): void;
  /**
   * Rules that pass over a variant whose condition matched (frequency caps, experiment arms plug
   * in here): a reason entry to pass it over, null to keep it.
   */
  passOver?: ReadonlyArray<(variant: Variant) => ReasonEntry | null>;
}

/**
 * For a candidate whose condition was false: the signals its ordering comparisons read that are
 * missing in `data`, as a reason entry (null when there are none). A few own-property reads.
 */
export const missingSignalsOf = (candidate: CompiledVariant, data: unknown): MissingSignalReason | null => {
  const paths = candidate.orderingSignals;
  if (!paths || paths.length === 0) return null;
  return missingSignalReason(candidate.variant.id, missingSignals(paths, data));
};

export const matchVariant = (candidate: CompiledVariant, data: unknown): VariantMatch => {
  const { variant, evaluator, compileError } = candidate;
  if (!variant.enabled) return { matched: null };
  if (compileError) return { matched: false, error: compileError, errorCode: 'compile_error' };
  if (!evaluator) return { matched: true };
  try {
    return { matched: evaluator.matches(data) };
  } catch (error) {
    if (error instanceof RuleError) {
      return { matched: false, error: `${error.message}`, errorCode: error.code };
    }
    return { matched: false, error: error instanceof Error ? error.message : String(error), errorCode: 'evaluation_failed' };
  }
};

/**
 * The variant a fixed id names (cacheable URLs), if the entry has it enabled; an editor's preview
 * may also show a disabled one.
 */
export const selectFixed = (
  program: readonly CompiledVariant[],
  variantId: string,
  options: { includeDisabled?: boolean } = {}
): Selection => {
  const candidate = program.find(({ variant }) => variant.id === variantId && (variant.enabled || options.includeDisabled));
  return candidate
    ? { variant: candidate.variant, reason: [{ rule: 'fixed', result: true }] }
    : { variant: null, reason: [], fixedMissing: true };
};

export const selectVariant = (program: readonly CompiledVariant[], data: unknown, rules: SelectionRules): Selection => {
  const passedOver: ReasonEntry[] = [];
  for (const candidate of program) {
    const { matched, error, errorCode } = matchVariant(candidate, data);
    if (error !== undefined) {
      rules.onConditionError(candidate, error);
      passedOver.push({ rule: 'condition-error', variant: candidate.variant.id, error: errorCode ?? 'evaluation_failed' });
    }
    if (matched === false && error === undefined) {
      const missing = missingSignalsOf(candidate, data);
      if (missing) passedOver.push(missing);
    }
    if (matched !== true) continue;
    const skip = rules.passOver?.map((rule) => rule(candidate.variant)).find((reason) => reason !== null);
    if (skip) {
      passedOver.push(skip);
      continue;
    }
    const why = candidate.evaluator ? rules.explain(candidate, data) : [{ rule: 'always', result: true }];
    return { variant: candidate.variant, reason: [...passedOver, ...why] };
  }
  return { variant: null, reason: passedOver };
};
