import type { Core } from '@strapi/strapi';

import rateLimitMiddleware from '../platform/rate-limit-middleware';
import { buildLane, declaredRoute, declaresRateLimit, type Lane, type LaneStep } from '../utils/lane';

/**
 * The lane of `POST <rest prefix>/personalize/resolve` (utils/lane.ts): the rate limit, then the
 * resolve controller. Resolve is the hot path; on a warm cache Strapi's router costs more than the
 * resolve itself. Null when the app reconfigured the route.
 */
export const resolveLane = (strapi: Core.Strapi): Lane | null => {
  const route = declaredRoute(strapi, 'POST', '/resolve', declaresRateLimit('resolve'));
  if (!route) return null;
  return buildLane(strapi, route, {
    rateLimit: rateLimitMiddleware({ budget: 'resolve' }, { strapi }) as LaneStep,
    controller: 'resolve',
    action: 'resolve',
    parsesJson: true,
  });
};
