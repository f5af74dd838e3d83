import { compile, RuleError } from '../../../engine/src';
import { variantsValueSchema } from '../../../server/src/variants/schema';

export interface ClientProblem {
  path: string;
  message: string;
}

const pathText = (path: readonly PropertyKey[]) =>
  path.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : `${text}.${String(segment)}`), '');

/**
 * Checks what the server checks that the admin can check alone (shape, ids, conditions that
 * compile), so editors see problems before saving. Overrides against the schema and audience
 * references are confirmed by the server's 400 on save.
 */
export const validateVariantsText = (
  text: string,
  audiences: Record<string, unknown> | null
): { value: unknown; problems: ClientProblem[] } => {
  if (text.trim() === '') return { value: null, problems: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { value: text, problems: [{ path: '', message: `Not valid JSON: ${(error as Error).message}` }] };
  }
  const parsed = variantsValueSchema.safeParse(json);
  if (!parsed.success) {
    return {
      value: json,
      problems: parsed.error.issues.map((issue) => ({ path: pathText(issue.path), message: issue.message })),
    };
  }
  const problems: ClientProblem[] = [];
  const seen = new Set<string>();
  parsed.data.variants.forEach((variant, index) => {
    if (seen.has(variant.id)) problems.push({ path: `.variants[${index}].id`, message: `duplicate id "${variant.id}"` });
    seen.add(variant.id);
    if (variant.condition === undefined || variant.condition === null) return;
    try {
      compile(variant.condition as never, { audiences: (audiences ?? {}) as never });
    } catch (error) {
      // Until the audience library has loaded, references to it are left to the server's check.
      if (error instanceof RuleError && !(audiences === null && error.code === 'unknown_audience')) {
        problems.push({ path: `.variants[${index}].condition${pathText(error.path)}`, message: error.detail });
      }
    }
  });
  return { value: json, problems };
};
