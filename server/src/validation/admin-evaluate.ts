import { z } from 'zod';

import { signalsSchema } from '../signals/schema';
import { CONTENT_TYPE_UID } from './resolve';

const jsonRule: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonRule), z.record(z.string(), jsonRule)])
);

/**
 * `POST /personalize/evaluate`, for the live test panel and the preview action. Two modes:
 * - `condition`: evaluate one rule (an audience or a variant being edited) against the signals;
 * - `uid` (+ `documentId`) and/or `variants`: run variant selection as delivery would, on the
 *   variants sent inline (what is on screen, unsaved) or else the entry's current draft.
 * `variant` forces a variant (preview) instead of selecting one.
 */
export const evaluateBodySchema = z
  .object({
    condition: jsonRule.nullable().optional(),
    uid: z.string().regex(CONTENT_TYPE_UID, 'must be a content-type uid such as "api::article.article"').optional(),
    documentId: z.string().min(1).max(64).optional(),
    locale: z.string().min(1).max(35).optional(),
    status: z.enum(['draft', 'published']).default('draft'),
    variants: z.array(z.unknown()).max(1000).optional(),
    variant: z.string().regex(/^[a-z0-9_-]{1,64}$/, 'must be a variant id').optional(),
    signals: signalsSchema.default({}),
    visitorId: z.string().min(1).max(128).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.condition !== undefined) {
      for (const key of ['uid', 'documentId', 'variants', 'variant'] as const) {
        if (body[key] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'cannot be combined with "condition"' });
        }
      }
    } else if (body.uid === undefined && body.variants === undefined) {
      ctx.addIssue({ code: 'custom', path: ['condition'], message: 'send a "condition", or a "uid" (and "documentId") or "variants"' });
    }
    if (body.documentId !== undefined && body.uid === undefined) {
      ctx.addIssue({ code: 'custom', path: ['uid'], message: 'is required with "documentId"' });
    }
  });

export type EvaluateBody = z.infer<typeof evaluateBodySchema>;
