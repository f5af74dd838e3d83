import { z } from 'zod';

export const VARIANTS_FIELD_NAME = 'variants';
export const VARIANTS_CUSTOM_FIELD_UID = 'plugin::personalize.variants';

/** JSON-logic rules are plain JSON; the engine checks their shape when it compiles them. */
const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)])
);

export const variantSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_-]{1,64}$/, 'must be 1–64 characters of a-z, 0-9, "_" or "-"'),
    name: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters'),
    enabled: z.boolean().default(true),
    condition: jsonValue.nullable().optional(),
    overrides: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const variantsValueSchema = z
  .object({
    variants: z.array(variantSchema),
  })
  .strict();

export type Variant = z.infer<typeof variantSchema>;
export type VariantsValue = z.infer<typeof variantsValueSchema>;
