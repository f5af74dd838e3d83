import type { Core } from '@strapi/strapi';

import rateLimitMiddleware from '../platform/rate-limit-middleware';
import { buildLane, declaredRoute, type Lane, type LaneStep } from '../utils/lane';

const RATE_LIMIT = 'plugin::personalize.rate-limit';

/**
 * The lane of `POST <rest prefix>/personalize/resolve` (utils/lane.ts): the rate limit, then the
 * resolve controller. Resolve is the hot path; on a warm cache Strapi's router costs more than the
 * resolve itself. Null when the app reconfigured the route.
 */
export const resolveLane = (strapi: Core.Strapi): Lane | null => {
  const route = declaredRoute(strapi, 'POST', '/resolve', (middlewares) => middlewares?.length === 1 && middlewares[0] === RATE_LIMIT);
  if (!route) return null;
  return buildLane(strapi, route, {
    rateLimit: rateLimitMiddleware({}, { strapi }) as LaneStep,
    controller: 'resolve',
    action: 'resolve',
    parsesJson: true,
  });
};
