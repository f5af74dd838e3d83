import { createHmac, timingSafeEqual } from 'node:crypto';

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { z } from 'zod';

import { API_TOKEN_STRATEGIES } from '../platform/access';
import { parseOrThrow, sendError } from '../utils/errors';
import { JSON_DEPTH_LIMITS, measureJson } from '../../../contracts/src/json';
import { getService } from '../platform/services';
import { CONTENT_TYPE_UID_PATTERN as CONTENT_TYPE_UID } from '../../../contracts/src/ids';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../../contracts/src/wire';

/** How far a signature's timestamp may be from the server's clock, either way (Stripe's tolerance). */
export const SIGNATURE_TOLERANCE_SEC = 300;
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

/** Compares the header's hex signature (`sha256=` optional) with the expected HMAC in constant time. */
const signatureMatches = (secret: string, payload: string, header: string): boolean => {
  const given = Buffer.from(header.replace(/^sha256=/, ''), 'utf8');
  const expected = Buffer.from(createHmac('sha256', secret).update(payload).digest('hex'), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/**
 * Checks a signed request: HMAC-SHA256 with `webhookSecret` of `<timestamp>.<raw body>`, the
 * timestamp (unix seconds) in its own header and within SIGNATURE_TOLERANCE_SEC of now, so a
 * captured request cannot be replayed later (Stripe's scheme). The former signature of the body
 * alone only with `webhookLegacySignature`. Throws a 401 that says what is wrong.
 */
const verifySignature = (ctx: Context, signature: string, secret: string | undefined, legacy: boolean) => {
  if (!secret) throw new errors.UnauthorizedError('Invalid signature');
  const timestamp = ctx.get(TIMESTAMP_HEADER);
  if (!timestamp) {
    if (!legacy) {
      throw new errors.UnauthorizedError(
        `Missing ${TIMESTAMP_HEADER} header: the signature must cover a timestamp (unix seconds), as HMAC-SHA256 of "<timestamp>.<raw body>"`
      );
    }
    if (!signatureMatches(secret, rawBodyOf(ctx), signature)) throw new errors.UnauthorizedError('Invalid signature');
    return;
  }
  // Digits only, and at most 12 of them: a millisecond timestamp is refused rather than misread.
  if (!/^\d{1,12}$/.test(timestamp)) throw new errors.UnauthorizedError(`Invalid ${TIMESTAMP_HEADER} header: must be unix seconds`);
  if (!signatureMatches(secret, `${timestamp}.${rawBodyOf(ctx)}`, signature)) throw new errors.UnauthorizedError('Invalid signature');
  // After the signature, so only a genuine sender learns that its timestamp is out of the window.
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SEC) {
    throw new errors.UnauthorizedError(
      `${TIMESTAMP_HEADER} is outside the 5-minute window around the server's clock: a replayed or delayed request, or a clock that is off`
    );
  }
};

/**
 * A 401 in Strapi's error shape that keeps its message: Strapi's router answers a 401 thrown by a
 * controller with a bare "Unauthorized", and a sender must learn why it was refused.
 */
const sendUnauthorized = (ctx: Context, message: string) => sendError(ctx, { status: 401, name: 'UnauthorizedError', message });

/** Logged once at startup: the former webhook signature can be replayed. */
export const warnDeprecatedWebhookSignature = (strapi: Core.Strapi) => {
  if (!getService(strapi, 'settings').get().webhookLegacySignature) return;
  strapi.log.warn(
    `[personalize] webhookLegacySignature is deprecated and will be removed: signatures of the body alone (without ${TIMESTAMP_HEADER}) ` +
      `are accepted and can be replayed. Sign "<timestamp>.<raw body>", send the timestamp in ${TIMESTAMP_HEADER}, then turn it off.`
  );
};

const createInvalidateController = ({ strapi }: { strapi: Core.Strapi }) => {
  /** A timestamped signature, or an API token with the invalidate action; throws a 401 otherwise. */
  const authenticate = async (ctx: Context) => {
    const signature = ctx.get(SIGNATURE_HEADER);
    const { webhookSecret, webhookLegacySignature } = getService(strapi, 'settings').get();
    if (signature) return verifySignature(ctx, signature, webhookSecret, webhookLegacySignature);
    if (!/^Bearer\s+\S/i.test(ctx.get('authorization'))) throw new errors.UnauthorizedError('Missing credentials');
    const auth = await getService(strapi, 'access')
      .authorize(ctx, INVALIDATE_ACTION)
      .catch(() => {
        throw new errors.UnauthorizedError('Invalid credentials');
      });
    // Only API tokens (full access, or custom with this action) may purge; not users nor the public role.
    if (!API_TOKEN_STRATEGIES.has(auth.strategy.name)) throw new errors.UnauthorizedError('An API token is required');
  };

  return {
    /** POST /api/personalize/invalidate: inbound purge, by timestamped HMAC signature or API token. */
    async invalidate(ctx: Context) {
      // Before the signature (whose fallback serialises the body): a deeply nested body is a 400, never a stack overflow.
      const measured = measureJson((ctx.request as { body?: unknown }).body ?? {}, JSON_DEPTH_LIMITS.request);
      if (!measured.ok) throw new errors.ValidationError(`Invalid invalidation request: ${measured.message}`, { errors: [{ path: measured.path, message: measured.message }] });
      try {
        await authenticate(ctx);
      } catch (error) {
        if (error instanceof errors.UnauthorizedError) return sendUnauthorized(ctx, error.message);
        throw error;
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
  };
};

export default createInvalidateController;
