import { z } from 'zod';

/**
 * The id patterns of the public contract (DESIGN "Content model", "Visitors and events"), written
 * once for the server's validation, the admin's forms and the client.
 */
export const VARIANT_ID_PATTERN = /^[a-z0-9_-]{1,64}$/;
/** Opaque, random, made by the SDK (`crypto.randomUUID` strength). */
export const VISITOR_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
export const CONTENT_TYPE_UID_PATTERN = /^(api|plugin)::[a-z0-9-]+\.[a-z0-9-]+$/;
export const AUDIENCE_KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const variantIdSchema = z.string().regex(VARIANT_ID_PATTERN, 'must be a variant id: 1–64 characters of a-z, 0-9, "_" or "-"');
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
