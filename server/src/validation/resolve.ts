import { z } from 'zod';

import { signalsSchema } from '../signals/schema';

export const CONTENT_TYPE_UID = /^(api|plugin)::[a-z0-9-]+\.[a-z0-9-]+$/;

export const resolveBodySchema = z
  .object({
    uid: z.string().regex(CONTENT_TYPE_UID, 'must be a content-type uid such as "api::article.article"'),
    documentId: z.string().min(1).max(64).optional(),
    locale: z.string().min(1).max(35).optional(),
    // Shapes of populate and fields are Strapi's; its own query validator checks them against the schema.
    populate: z.union([z.string(), z.array(z.string()), z.record(z.string(), z.unknown()), z.boolean()]).optional(),
    fields: z.union([z.string(), z.array(z.string().max(128)).max(200)]).optional(),
    signals: signalsSchema.default({}),
    visitorId: z.string().min(1).max(128).optional(),
  })
  .strict();

export type ResolveBody = z.infer<typeof resolveBodySchema>;
