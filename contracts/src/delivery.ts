import { z } from 'zod';

import { contentTypeUidSchema, documentIdSchema, localeSchema, variantIdSchema, visitorIdSchema } from './ids';
import type { ReasonEntry } from './reason';
import { signalsSchema } from './signals/schema';

/** How the plain content API and the SDK carry the visitor's request to delivery (DESIGN "Delivery"). */
export const SIGNALS_HEADER = 'x-personalize-signals';
export const VARIANT_HEADER = 'x-personalize-variant';
export const VISITOR_HEADER = 'x-personalize-visitor';
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

export type ResolveBody = z.infer<typeof resolveBodySchema>;

/** The `personalize[...]` query parameters of the plain content API. */
export const personalizeQuerySchema = z
  .object({
    signals: z.string().max(65536).optional(),
    variant: variantIdSchema.optional(),
    visitor: visitorIdSchema.optional(),
  })
  .strict();

export type PersonalizeQuery = z.infer<typeof personalizeQuerySchema>;

/** `meta.personalize` of a resolved entry. */
export interface PersonalizeMeta {
  variant: string | null;
  reason: ReasonEntry[];
}

/** `meta.personalize` of a personalized list: one outcome per entry, by documentId. */
export interface PersonalizeListMeta {
  entries: Record<string, PersonalizeMeta>;
}

export interface ResolveResponse<TEntry = Record<string, unknown>> {
  data: TEntry;
  meta: { personalize: PersonalizeMeta };
}
