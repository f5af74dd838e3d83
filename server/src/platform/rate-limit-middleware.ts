import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';

import { getService } from './services';

/**
 * Route middleware `plugin::personalize.rate-limit` for the public routes (and the delivery lane):
 * anonymous callers per client IP, API tokens per token, users-permissions users per user, each
 * kind against its own budget (services/rate-limit.ts). With `{ budget: 'events' }` (POST /events),
 * anonymous callers (per IP) and users (per user) count against `events.rateLimit.perIp`.
 */
export default (config: { budget?: 'events' } | undefined, { strapi }: { strapi: Core.Strapi }) =>
  config?.budget === 'events'
    ? async (ctx: Context, next: Next) => {
        await getService(strapi, 'rate-limit').consumeEvents(ctx);
        return next();
      }
    : async (ctx: Context, next: Next) => {
        await getService(strapi, 'rate-limit').consume(ctx);
        return next();
      };
