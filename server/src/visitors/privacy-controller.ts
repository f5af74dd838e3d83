import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import { VISITOR_HEADER } from '../../../contracts/src/wire';
import { getService } from '../platform/services';
import { sendUnavailable } from '../utils/errors';
import { isVisitorId } from './identity';

/** The visitor id of a privacy request: the `x-personalize-visitor` header, the only credential. */
const visitorIdOf = (ctx: Context): string => {
  const visitorId = ctx.get(VISITOR_HEADER);
  if (!isVisitorId(visitorId)) {
    throw new errors.ValidationError(`The ${VISITOR_HEADER} header must be a visitor id`, {
      errors: [
        { path: [VISITOR_HEADER], message: 'must be 16–64 characters of A-Z, a-z, 0-9, "_" or "-"', name: 'ValidationError' },
      ],
    });
  }
  return visitorId;
};

const createPrivacyController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /api/personalize/me: everything stored for the visitor. */
  async export(ctx: Context) {
    const result = await getService(strapi, 'visitors').export(visitorIdOf(ctx));
    if ('unavailable' in result) return sendUnavailable(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { data: result };
  },

  /** DELETE /api/personalize/me: erases every key of the visitor, keeps a suppression marker; 202. */
  async erase(ctx: Context) {
    if (!(await getService(strapi, 'visitors').erase(visitorIdOf(ctx)))) return sendUnavailable(ctx);
    ctx.status = 202;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { data: { erased: true } };
  },

  /** POST /api/personalize/optout: erases and suppresses the visitor for the retention period; 204. */
  async optOut(ctx: Context) {
    if (!(await getService(strapi, 'visitors').suppress(visitorIdOf(ctx)))) return sendUnavailable(ctx);
    ctx.status = 204;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = null;
  },
});

export default createPrivacyController;
