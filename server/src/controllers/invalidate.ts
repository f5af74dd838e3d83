import { createHmac, timingSafeEqual } from 'node:crypto';

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { z } from 'zod';

import { API_TOKEN_STRATEGIES } from '../services/access';
import { parseOrThrow } from '../utils/errors';
import { getService } from '../utils/get-service';
import { CONTENT_TYPE_UID_PATTERN as CONTENT_TYPE_UID } from '../../../contracts/src/ids';

export const SIGNATURE_HEADER = 'x-personalize-signature';
export const INVALIDATE_ACTION = 'plugin::personalize.invalidate.invalidate';

/** Strapi's own webhook payload (`entry.create`, `entry.publish`, ...) or a plain `{ uid, documentId? }`. */
const invalidateBodySchema = z.union([
  z
    .object({
      uid: z.string().regex(CONTENT_TYPE_UID, 'must be a content-type uid'),
      documentId: z.string().min(1).max(64).nullable().optional(),
      locale: z.string().max(35).nullable().optional(),
    })
    .strict(),
  z
    .object({
      event: z.string().max(100),
      model: z.string().max(100).optional(),
      uid: z.string().regex(CONTENT_TYPE_UID),
      entry: z.object({ documentId: z.string().min(1).max(64).optional(), locale: z.string().nullable().optional() }).loose().optional(),
    })
    .loose(),
]);

const rawBodyOf = (ctx: Context): string => {
  const body = (ctx.request as { body?: Record<symbol, unknown> }).body;
  const unparsed = body?.[Symbol.for('unparsedBody')];
  // Without koa-body's includeUnparsed, the signature is checked over the compact JSON of the body.
  return typeof unparsed === 'string' ? unparsed : JSON.stringify(body ?? {});
};

const signatureMatches = (secret: string, payload: string, header: string): boolean => {
  const given = header.replace(/^sha256=/, '');
  const expected = createHmac('sha256', secret).update(payload).digest('hex');
  const givenBuffer = Buffer.from(given, 'utf8');
  const expectedBuffer = Buffer.from(expected, 'utf8');
  return givenBuffer.length === expectedBuffer.length && timingSafeEqual(givenBuffer, expectedBuffer);
};

const createInvalidateController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /api/personalize/invalidate: inbound purge, by HMAC signature or API token. */
  async invalidate(ctx: Context) {
    const signature = ctx.get(SIGNATURE_HEADER);
    const { webhookSecret } = getService(strapi, 'settings').get();
    if (signature) {
      if (!webhookSecret || !signatureMatches(webhookSecret, rawBodyOf(ctx), signature)) {
        throw new errors.UnauthorizedError('Invalid signature');
      }
    } else {
      if (!/^Bearer\s+\S/i.test(ctx.get('authorization'))) throw new errors.UnauthorizedError('Missing credentials');
      const auth = await getService(strapi, 'access')
        .authorize(ctx, INVALIDATE_ACTION)
        .catch(() => {
          throw new errors.UnauthorizedError('Invalid credentials');
        });
      // Only API tokens (full access, or custom with this action) may purge; not users nor the public role.
      if (!API_TOKEN_STRATEGIES.has(auth.strategy.name)) throw new errors.UnauthorizedError('An API token is required');
    }

    const body = parseOrThrow(invalidateBodySchema, (ctx.request as { body?: unknown }).body ?? {}, 'Invalid invalidation request');
    const target =
      'event' in body
        ? { uid: body.uid, documentId: body.entry?.documentId ?? null, locale: body.entry?.locale ?? null }
        : { uid: body.uid, documentId: body.documentId ?? null, locale: body.locale ?? null };
    const keys = await getService(strapi, 'invalidation').invalidate(target);
    ctx.status = 202;
    ctx.body = { data: { ...target, keys } };
  },
});

export default createInvalidateController;
