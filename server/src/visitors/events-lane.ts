import type { Core } from '@strapi/strapi';

import rateLimitMiddleware from '../platform/rate-limit-middleware';
import { buildLane, declaredRoute, declaresRateLimit, type Lane, type LaneStep } from '../utils/lane';

/**
 * The lane of `POST <rest prefix>/personalize/events` (utils/lane.ts): the events rate limit, then the
 * controller. Where the app lists the lanes before strapi::body, the controller reads the body itself
 * (JSON or text/plain, up to `events.maxBatchBytes`). Null when the app reconfigured the route.
 */
export const eventsLane = (strapi: Core.Strapi): Lane | null => {
  const route = declaredRoute(strapi, 'POST', '/events', declaresRateLimit('events'));
  if (!route) return null;
  return buildLane(strapi, route, {
    rateLimit: rateLimitMiddleware({ budget: 'events' }, { strapi }) as LaneStep,
    controller: 'events',
    action: 'ingest',
    parsesJson: false,
  });
};
