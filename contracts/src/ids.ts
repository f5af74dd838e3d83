import { z } from 'zod';

import { CONTENT_TYPE_UID_PATTERN, SERVED_VARIANT_PATTERN, VARIANT_ID_PATTERN, VISITOR_ID_PATTERN } from './wire';

/**
 * The id schemas of the public contract, for the server's validation and the admin's forms. The
 * patterns the SDK shares are declared once in wire.ts.
 */
export { CONTENT_TYPE_UID_PATTERN, VARIANT_ID_PATTERN, VISITOR_ID_PATTERN };
export const AUDIENCE_KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const variantIdSchema = z
  .string()
  .regex(VARIANT_ID_PATTERN, 'must be a variant id: 1–64 characters of a-z, 0-9, "_" or "-"');
/** A variant as served (`meta.personalize.variant`): one id, or a multivariate cell's ids joined by `+`. */
export const servedVariantSchema = z
  .string()
  .regex(SERVED_VARIANT_PATTERN, 'must be a variant id (1–64 characters of a-z, 0-9, "_" or "-"), or up to 3 joined by "+"');
export const visitorIdSchema = z
  .string()
  .regex(VISITOR_ID_PATTERN, 'must be a visitor id: 16–64 characters of A-Z, a-z, 0-9, "_" or "-"');
export const contentTypeUidSchema = z
  .string()
  .regex(CONTENT_TYPE_UID_PATTERN, 'must be a content-type uid such as "api::article.article"');
export const documentIdSchema = z.string().min(1).max(64);
export const localeSchema = z.string().min(1).max(35);
export const audienceKeySchema = z
  .string()
  .regex(AUDIENCE_KEY_PATTERN, 'must be 1–64 characters of a-z, 0-9, "_" or "-", starting with a letter or digit');
