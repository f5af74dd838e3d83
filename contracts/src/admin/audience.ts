import { z } from 'zod';

import { audienceKeySchema } from '../ids';
import { jsonValueSchema } from '../json';

export const audienceInputSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(120),
    key: audienceKeySchema,
    description: z.string().max(2000).nullable().optional(),
    condition: jsonValueSchema,
  })
  .strict();

export const audienceUpdateSchema = audienceInputSchema.partial();

export type AudienceInput = z.infer<typeof audienceInputSchema>;

/** A stored audience: what the admin routes return and the server's library holds. */
export interface Audience extends Omit<AudienceInput, 'condition'> {
  documentId: string;
  condition: unknown;
}

/** One variant, on one version of one entry, whose condition names an audience. */
export interface AudienceUsage {
  uid: string;
  contentType: string;
  documentId: string;
  locale: string | null;
  status: 'draft' | 'published';
  title: string | null;
  variantId: string;
  variantName: string;
}

/** Where one audience is used: the `details` of the 409 that refuses to delete it. */
export interface AudienceUses {
  entries: AudienceUsage[];
  audiences: string[];
}

export interface UsageReport {
  /** Audience key → the variants that name it directly. */
  entries: Record<string, AudienceUsage[]>;
  /** Audience key → keys of the audiences whose condition names it. */
  audiences: Record<string, string[]>;
}
