import { z } from 'zod';

export const variantIdSchema = z.string().regex(/^[a-z0-9_-]{1,64}$/, 'must be a variant id ([a-z0-9_-]{1,64})');

/** The `personalize[...]` query parameters of the plain content API. */
export const personalizeQuerySchema = z
  .object({
    signals: z.string().max(65536).optional(),
    variant: variantIdSchema.optional(),
  })
  .strict();
