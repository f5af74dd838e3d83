import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { adminVisitorRequestSchema } from '../../../contracts/src/visitors';
import { parseOrThrow, sendUnavailable } from '../utils/errors';
import { getService } from '../platform/services';

/** The visitor id from the JSON body: never from the URL, which Strapi's request log records. */
const visitorIdOf = (ctx: Context): string =>
  parseOrThrow(adminVisitorRequestSchema, (ctx.request as { body?: unknown }).body ?? {}, 'Invalid visitor request').visitorId;

const createAdminVisitorsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /personalize/visitors/lookup `{ visitorId }`: everything stored for the visitor (as GET /api/personalize/me). */
  async find(ctx: Context) {
    const result = await getService(strapi, 'visitors').export(visitorIdOf(ctx));
    if ('unavailable' in result) return sendUnavailable(ctx);
    ctx.body = { data: result };
  },

  /** POST /personalize/visitors/erase `{ visitorId }`: erases the visitor (as DELETE /api/personalize/me); 202. */
  async erase(ctx: Context) {
    if (!(await getService(strapi, 'visitors').erase(visitorIdOf(ctx)))) return sendUnavailable(ctx);
    ctx.status = 202;
    ctx.body = { data: { erased: true } };
  },
});

export default createAdminVisitorsController;
