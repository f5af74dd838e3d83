import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { getService } from '../platform/services';

const createAdminUsageController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /personalize/usage: where each audience is used (variants of entries, other audiences). */
  async find(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'usage').report() };
  },
});

export default createAdminUsageController;
