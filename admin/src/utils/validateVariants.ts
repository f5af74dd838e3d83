import { validateVariantsValue } from '../../../contracts/src/variants/validate';
import { variantsValueSchema, type Variant } from '../../../contracts/src/variants/schema';
import type { ComponentLookup } from '../../../contracts/src/variants/override-schemas';
import type { SchemaLike } from '../../../contracts/src/schema-types';
import { checkCondition } from '../rules/validate';

export interface VariantIssue {
  /** Path inside the variant: `["name"]`, `["overrides", "title"]`, `["condition", "and", 1]`. */
  path: (string | number)[];
  message: string;
}

export interface VariantsCheck {
  /** Variant index → its problems. */
  byVariant: Record<number, VariantIssue[]>;
  /** Problems of the whole value (too many variants, not an object...). */
  general: string[];
}

export interface ValidationContext {
  schema: SchemaLike | null;
  fieldName: string;
  getComponent: ComponentLookup;
  audiences: Record<string, unknown> | null;
  maxVariants?: number;
  maxConditionBytes?: number;
}

/**
 * Runs the server's own validation of a variants value in the browser (shape, ids, overrides
 * against the content type's schema, conditions compiled by the engine), so problems show at their
 * place before saving. Audience references wait for the library to load.
 */
export const checkVariants = (variants: Variant[], context: ValidationContext): VariantsCheck => {
  const byVariant: Record<number, VariantIssue[]> = {};
  const general: string[] = [];
  const add = (path: (string | number)[], message: string) => {
    const [, , index, ...rest] = path;
    if (typeof index === 'number') (byVariant[index] ??= []).push({ path: rest, message });
    else general.push(message);
  };
  const value = { variants };
  if (!context.schema) {
    const parsed = variantsValueSchema.safeParse(value);
    if (!parsed.success) for (const issue of parsed.error.issues) add([context.fieldName, ...(issue.path as (string | number)[])], issue.message);
    return { byVariant, general };
  }
  const result = validateVariantsValue(value, {
    schema: context.schema,
    fieldName: context.fieldName,
    getComponent: context.getComponent,
    maxVariants: context.maxVariants ?? 50,
    maxConditionBytes: context.maxConditionBytes ?? 16384,
    checkCondition: (condition) => checkCondition(condition, context.audiences),
  });
  if (!result.ok) for (const issue of result.issues) add(issue.path, issue.message);
  return { byVariant, general };
};

/** Problems under one path prefix of a variant (e.g. `["overrides", "title"]`). */
export const issuesAt = (issues: VariantIssue[] | undefined, ...prefix: (string | number)[]): string[] =>
  (issues ?? [])
    .filter((issue) => prefix.every((segment, index) => issue.path[index] === segment))
    .map((issue) => {
      const rest = issue.path.slice(prefix.length);
      return rest.length ? `${rest.join('.')}: ${issue.message}` : issue.message;
    });
