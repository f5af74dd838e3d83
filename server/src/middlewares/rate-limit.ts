import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';

import { getService } from '../utils/get-service';

/**
 * Route middleware `plugin::personalize.rate-limit` for the public routes (and the delivery lane):
 * anonymous callers per client IP, authenticated ones per credential (services/rate-limit.ts).
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: Context, next: Next) => {
    await getService(strapi, 'rate-limit').consume(ctx);
    return next();
  };
