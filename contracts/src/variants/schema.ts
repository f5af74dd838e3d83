import { z } from 'zod';

import { VARIANT_ID_PATTERN } from '../ids';
import { jsonValueSchema } from '../json';

export const VARIANTS_FIELD_NAME = 'variants';
export const VARIANTS_CUSTOM_FIELD_UID = 'plugin::personalize.variants';

export const variantSchema = z
  .object({
    id: z.string().regex(VARIANT_ID_PATTERN, 'must be 1–64 characters of a-z, 0-9, "_" or "-"'),
    name: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters'),
    enabled: z.boolean().default(true),
    condition: jsonValueSchema.nullable().optional(),
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
