import type { z } from 'zod';

import { unknownSignals } from '../signals/check';
import type { ValidationIssue } from '../zod-issues';
import type { SchemaLike } from '../schema-types';
import { attributeValueSchema, whyNotOverridable, type ComponentLookup } from './override-schemas';
import { variantsValueSchema, type VariantsValue } from './schema';

export interface ConditionProblem {
  /** Path inside the condition, as the engine reports it. */
  path: (string | number)[];
  message: string;
}

export interface VariantsValidationContext {
  schema: SchemaLike;
  fieldName: string;
  getComponent: ComponentLookup;
  maxVariants: number;
  maxConditionBytes: number;
  /** Compiles a condition; returns the problem, or null when it compiles. */
  checkCondition: (condition: unknown) => ConditionProblem | null;
}

export type VariantsValidationResult =
  | { ok: true; value: VariantsValue | null }
  | { ok: false; issues: ValidationIssue[]; message: string };

const issue = (path: (string | number)[], message: string): ValidationIssue => ({
  path,
  message,
  name: 'ValidationError',
});

const describePath = (path: (string | number)[]) =>
  path.reduce<string>(
    (text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment),
    ''
  );

const prefixIssues = (prefix: (string | number)[], issues: readonly z.core.$ZodIssue[]) =>
  issues.map((zodIssue) =>
    issue(
      [...prefix, ...zodIssue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment))],
      zodIssue.message
    )
  );

/**
 * Checks a variants field value against docs/design.md's rules: shape, unique ids, overrides that are
 * real, overridable fields with values of the right type, conditions that compile and read only
 * known signals, size limits.
 * Issue paths start at the field name, e.g. `variants.variants[0].overrides.title`.
 */
export const validateVariantsValue = (raw: unknown, context: VariantsValidationContext): VariantsValidationResult => {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  const { fieldName } = context;
  const parsed = variantsValueSchema.safeParse(typeof raw === 'string' ? safeJsonParse(raw) : raw);
  if (!parsed.success) {
    const issues = prefixIssues([fieldName], parsed.error.issues);
    return { ok: false, issues, message: summarize(issues, raw) };
  }

  const value = parsed.data;
  const issues: ValidationIssue[] = [];
  if (value.variants.length > context.maxVariants) {
    issues.push(issue([fieldName, 'variants'], `at most ${context.maxVariants} variants are allowed per entry`));
  }

  const seenIds = new Map<string, number>();
  value.variants.forEach((variant, index) => {
    const at = [fieldName, 'variants', index];
    const firstIndex = seenIds.get(variant.id);
    if (firstIndex !== undefined) {
      issues.push(issue([...at, 'id'], `duplicate id "${variant.id}" (also used by variants[${firstIndex}])`));
    } else {
      seenIds.set(variant.id, index);
    }

    if (variant.condition !== undefined && variant.condition !== null) {
      const bytes = new TextEncoder().encode(JSON.stringify(variant.condition)).length;
      if (bytes > context.maxConditionBytes) {
        issues.push(issue([...at, 'condition'], `condition is ${bytes} bytes; the limit is ${context.maxConditionBytes}`));
      } else {
        const problem = context.checkCondition(variant.condition);
        if (problem) issues.push(issue([...at, 'condition', ...problem.path], problem.message));
        else {
          for (const unknown of unknownSignals(variant.condition)) {
            issues.push(issue([...at, 'condition', ...unknown.path], unknown.message));
          }
        }
      }
    }

    for (const [name, overrideValue] of Object.entries(variant.overrides)) {
      const reason = whyNotOverridable(context.schema, name);
      if (reason) {
        issues.push(issue([...at, 'overrides', name], reason));
        continue;
      }
      const attribute = context.schema.attributes[name];
      const result = attributeValueSchema(attribute, context.getComponent).safeParse(overrideValue);
      if (!result.success) issues.push(...prefixIssues([...at, 'overrides', name], result.error.issues));
    }
  });

  if (issues.length > 0) return { ok: false, issues, message: summarize(issues, value) };
  return { ok: true, value };
};

const safeJsonParse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** One sentence naming the first problem's variant and path; the rest are in `details.errors`. */
const summarize = (issues: ValidationIssue[], value: unknown): string => {
  const [first] = issues;
  const variantIndex = first.path[2];
  const variants = (value as { variants?: { name?: unknown; id?: unknown }[] } | null)?.variants;
  const variant = typeof variantIndex === 'number' && Array.isArray(variants) ? variants[variantIndex] : undefined;
  const label =
    variant && (typeof variant.name === 'string' || typeof variant.id === 'string')
      ? `Variant "${String(variant.name ?? variant.id)}" `
      : '';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return `Invalid variants: ${label}at ${describePath(first.path)}: ${first.message}${more}`;
};
