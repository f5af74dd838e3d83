import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context, Next } from 'koa';

import { RATE_LIMIT_FAMILIES, type RateLimitFamily } from '../config/schema';
import { getService } from './services';

/** The route families a route may name (`{ budget }`): the anonymous ones, and events. */
export type RateLimitBudget = RateLimitFamily | 'events';

const isFamily = (budget: unknown): budget is RateLimitFamily => (RATE_LIMIT_FAMILIES as readonly unknown[]).includes(budget);

/**
 * Route middleware `plugin::personalize.rate-limit` for the public routes (and the lanes):
 * anonymous callers per client IP, API tokens per token, users-permissions users per user, each
 * kind against its own budget, and each route family apart (platform/rate-limit.ts). `{ budget }`
 * names the family: `resolve`, `privacy`, `other` (the default, for a route declared without one)
 * or `events` (POST /events: anonymous callers per IP and users per user against
 * `events.rateLimit.perIp`). The plain content API counts as `plain` (delivery/plain-api.ts).
 */
export default (config: { budget?: RateLimitBudget } | undefined, { strapi }: { strapi: Core.Strapi }) => {
  const budget = config?.budget;
  if (budget === 'events') {
    return async (ctx: Context, next: Next) => {
      try {
        await getService(strapi, 'rate-limit').consumeEvents(ctx);
      } catch (error) {
        // Refused before its body is read: the metrics count the request as one event (docs/design.md, "Observability").
        if (error instanceof errors.RateLimitError) getService(strapi, 'metrics').events('rate_limited', 1);
        throw error;
      }
      return next();
    };
  }
  if (budget !== undefined && !isFamily(budget)) {
    throw new Error(`plugin::personalize.rate-limit: unknown budget "${String(budget)}" (use ${[...RATE_LIMIT_FAMILIES, 'events'].join(', ')})`);
  }
  const family: RateLimitFamily = budget ?? 'other';
  return async (ctx: Context, next: Next) => {
    await getService(strapi, 'rate-limit').consume(ctx, family);
    return next();
  };
};
