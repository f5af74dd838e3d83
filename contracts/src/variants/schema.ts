import { z } from 'zod';

import { VARIANT_ID_PATTERN } from '../ids';
import { jsonValueSchema } from '../json';

export const VARIANTS_CUSTOM_FIELD_UID = 'plugin::personalize.variants';

/** A frequency cap (docs/design.md, "Frequency caps"): at most `max` `on` events per window, per visitor. */
export const capSchema = z
  .object({
    on: z.enum(['view', 'serve', 'click', 'dismiss']),
    max: z.number().int().min(1).max(100),
    per: z.enum(['session', 'hour', 'day', 'week', 'lifetime']),
  })
  .strict();

export const MAX_CAPS_PER_VARIANT = 5;

export const variantSchema = z
  .object({
    id: z.string().regex(VARIANT_ID_PATTERN, 'must be 1–64 characters of a-z, 0-9, "_" or "-"'),
    name: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters'),
    enabled: z.boolean().default(true),
    condition: jsonValueSchema.nullable().optional(),
    overrides: z.record(z.string(), z.unknown()).default({}),
    caps: z.array(capSchema).max(MAX_CAPS_PER_VARIANT).optional(),
  })
  .strict();

export const variantsValueSchema = z
  .object({
    variants: z.array(variantSchema),
  })
  .strict();

export type Variant = z.infer<typeof variantSchema>;
export type VariantCap = z.infer<typeof capSchema>;
export type VariantsValue = z.infer<typeof variantsValueSchema>;
