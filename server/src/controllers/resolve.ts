import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import { getService } from '../utils/get-service';
import { parseOrThrow } from '../utils/errors';
import { resolveBodySchema } from '../validation/resolve';

const createResolveController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /api/personalize/resolve */
  async resolve(ctx: Context) {
    const body = parseOrThrow(resolveBodySchema, (ctx.request as { body?: unknown }).body ?? {}, 'Invalid resolve request');
    const contentTypes = getService(strapi, 'content-types');
    if (!contentTypes.isDeliverable(body.uid)) {
      throw new errors.NotFoundError(`Unknown content type "${body.uid}"`);
    }
    const schema = contentTypes.getSchema(body.uid)!;
    if (schema.kind === 'collectionType' && !body.documentId) {
      throw new errors.ValidationError('documentId is required for a collection type', {
        errors: [{ path: ['documentId'], message: 'Required', name: 'ValidationError' }],
      });
    }
    const auth = await getService(strapi, 'access').authorizeRead(ctx, schema);
    ctx.body = await getService(strapi, 'resolver').resolve(body, auth, body.signals);
  },
});

export default createResolveController;
