import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import { getService } from '../utils/get-service';
import { isVisitorId } from '../visitors/identity';
import { sendUnavailable } from '../visitors/respond';

const visitorIdOf = (ctx: Context): string => {
  const visitorId = (ctx.params as { visitorId?: string }).visitorId;
  if (!isVisitorId(visitorId)) {
    throw new errors.ValidationError('Invalid visitor id', {
      errors: [
        { path: ['visitorId'], message: 'must be 16–64 characters of A-Z, a-z, 0-9, "_" or "-"', name: 'ValidationError' },
      ],
    });
  }
  return visitorId;
};

const createAdminVisitorsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /personalize/visitors/:visitorId: everything stored for the visitor (as GET /api/personalize/me). */
  async find(ctx: Context) {
    const result = await getService(strapi, 'visitors').export(visitorIdOf(ctx));
    if ('unavailable' in result) return sendUnavailable(ctx);
    ctx.body = { data: result };
  },

  /** DELETE /personalize/visitors/:visitorId: erases the visitor (as DELETE /api/personalize/me); 202. */
  async erase(ctx: Context) {
    if (!(await getService(strapi, 'visitors').erase(visitorIdOf(ctx)))) return sendUnavailable(ctx);
    ctx.status = 202;
    ctx.body = { data: { erased: true } };
  },
});

export default createAdminVisitorsController;
