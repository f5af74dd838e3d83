import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import { assertSignalsSize } from '../signals/decode';
import { parseOrThrow } from '../utils/errors';
import { getService } from '../utils/get-service';
import { resolveBodySchema } from '../../../contracts/src/delivery';
import { sendResolved } from '../utils/send-resolved';

const createResolveController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /api/personalize/resolve */
  async resolve(ctx: Context) {
    const raw = ((ctx.request as { body?: unknown }).body ?? {}) as Record<string, unknown>;
    const { limits } = getService(strapi, 'settings').get();
    if (typeof raw === 'object' && raw !== null) assertSignalsSize(raw.signals, limits.signalsBytes);
    const body = parseOrThrow(resolveBodySchema, raw, 'Invalid resolve request');

    const contentTypes = getService(strapi, 'content-types');
    if (!contentTypes.isDeliverable(body.uid)) throw new errors.NotFoundError(`Unknown content type "${body.uid}"`);
    const schema = contentTypes.getSchema(body.uid)!;
    if (schema.kind === 'collectionType' && !body.documentId) {
      throw new errors.ValidationError('documentId is required for a collection type', {
        errors: [{ path: ['documentId'], message: 'Required', name: 'ValidationError' }],
      });
    }
    const auth = await getService(strapi, 'access').authorizeRead(ctx, schema);
    const signals = getService(strapi, 'signals').fromRequest(ctx, body.signals, body.locale);
    const outcome = await getService(strapi, 'resolver').resolve({ ...body, signals }, auth);
    sendResolved(ctx, outcome, {
      cacheControl: 'private, no-cache',
      meta: { variant: outcome.variant, reason: outcome.reason },
    });
  },
});

export default createResolveController;
