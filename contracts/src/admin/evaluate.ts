import { z } from 'zod';

import type { ExplainNode } from '../../../engine/src';
import { contentTypeUidSchema, documentIdSchema, localeSchema, variantIdSchema, visitorIdSchema } from '../ids';
import { jsonValueSchema } from '../json';
import type { ExperimentMeta } from '../experiments';
import type { CappedReason, ReasonEntry } from '../reason';
import { signalsSchema } from '../signals/schema';

/**
 * `POST /personalize/evaluate`, for the live test panel and the preview action. Two modes:
 * - `condition`: evaluate one rule (an audience or a variant being edited) against the signals;
 * - `uid` (+ `documentId`) and/or `variants`: run variant selection as delivery would, on the
 *   variants sent inline (what is on screen, unsaved) or else the entry's current draft.
 * `variant` forces a variant (preview) instead of selecting one.
 */
export const evaluateBodySchema = z
  .object({
    condition: jsonValueSchema.nullable().optional(),
    uid: contentTypeUidSchema.optional(),
    documentId: documentIdSchema.optional(),
    locale: localeSchema.optional(),
    status: z.enum(['draft', 'published']).default('draft'),
    variants: z.array(z.unknown()).max(1000).optional(),
    variant: variantIdSchema.optional(),
    signals: signalsSchema.default({}),
    visitorId: visitorIdSchema.optional(),
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
/** The request as the admin sends it (`status` and `signals` have defaults). */
export type EvaluateInput = z.input<typeof evaluateBodySchema>;

/** How one variant fared against the test signals. */
export interface VariantOutcome {
  id: string;
  name: string;
  enabled: boolean;
  /** null: disabled, so not evaluated. */
  matched: boolean | null;
  /** The condition failed to compile or to evaluate (it counts as no match, as in delivery). */
  error?: string;
  reason: ReasonEntry[];
  /**
   * Signals (dotted paths, e.g. `behavior.dwellSec`) that were missing where an ordering comparison
   * (`<`, `<=`, `>`, `>=`) of the condition read them, which made that comparison false: the `missing`
   * of the explain tree's nodes, per-item rules left out. Absent when none was.
   */
  missing?: string[];
  /** The condition matched, but one of the variant's caps is used up for the visitor tested. */
  capped?: CappedReason;
  explain?: ExplainNode;
}

/** `POST /personalize/evaluate` with a uid or variants: selection as delivery would make it. */
export interface VariantsEvaluation {
  variant: string | null;
  forced: boolean;
  reason: ReasonEntry[];
  variants: VariantOutcome[];
  /** With a visitor id: whether a profile is stored for it, what its consent allows, whether the store answered. */
  visitor?: { found: boolean; consent: { events: boolean; profiling: boolean }; unavailable: boolean };
  /**
   * Running experiments that target this entry or that its variants' conditions reference, and where
   * the visitor tested falls in each (`meta.personalize.experiments` of delivery, plus the name).
   * Present with a uid and documentId; empty without running experiments.
   */
  experiments?: Record<string, ExperimentMeta & { name: string }>;
  entry?: Record<string, unknown>;
  previewUrl?: string | null;
}

/** `POST /personalize/evaluate` with a condition. */
export interface ConditionEvaluation {
  matched: boolean;
  result: unknown;
  reason: ReasonEntry[];
  /** As `VariantOutcome.missing`. */
  missing?: string[];
  explain?: ExplainNode;
  error?: string;
}
