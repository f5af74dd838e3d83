import { z } from 'zod';

import { contentTypeUidSchema, documentIdSchema, localeSchema, variantIdSchema, visitorIdSchema } from './ids';
import { signalsSchema } from './signals/schema';
import { SIGNALS_HEADER, VARIANT_HEADER, VISITOR_HEADER } from './wire';

/**
 * The resolve request and the plain content API's query parameters (docs/delivery.md). The types
 * are wire.ts's (tests/unit/wire-types.test.ts checks that the schemas infer them).
 */

/** Request headers a personalized response depends on (its `Vary`). */
export const PERSONALIZE_VARY = [SIGNALS_HEADER, VARIANT_HEADER, VISITOR_HEADER] as const;

/** `POST /api/personalize/resolve` */
export const resolveBodySchema = z
  .object({
    uid: contentTypeUidSchema,
    documentId: documentIdSchema.optional(),
    locale: localeSchema.optional(),
    // Shapes of populate and fields are Strapi's; its own query validator checks them against the schema.
    populate: z.union([z.string(), z.array(z.string()), z.record(z.string(), z.unknown()), z.boolean()]).optional(),
    fields: z.union([z.string(), z.array(z.string().max(128)).max(200)]).optional(),
    signals: signalsSchema.default({}),
    visitorId: visitorIdSchema.optional(),
  })
  .strict();

/** The `personalize[...]` query parameters of the plain content API. */
export const personalizeQuerySchema = z
  .object({
    signals: z.string().max(65536).optional(),
    variant: variantIdSchema.optional(),
    visitor: visitorIdSchema.optional(),
  })
  .strict();
