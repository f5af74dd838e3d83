import { z } from 'zod';

import { audienceKeySchema } from '../document-middlewares/audiences';

const jsonRule: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonRule), z.record(z.string(), jsonRule)])
);

export const audienceInputSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(120),
    key: audienceKeySchema,
    description: z.string().max(2000).nullable().optional(),
    condition: jsonRule,
  })
  .strict();

export const audienceUpdateSchema = audienceInputSchema.partial();

export type AudienceInput = z.infer<typeof audienceInputSchema>;
