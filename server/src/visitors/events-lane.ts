import type { Core } from '@strapi/strapi';

import rateLimitMiddleware from '../platform/rate-limit-middleware';
import { buildLane, declaredRoute, type Lane, type LaneStep } from '../utils/lane';

const RATE_LIMIT = 'plugin::personalize.rate-limit';

/** The route's middlewares exactly as routes/content-api.ts declares them: the events budget of the rate limit. */
const declaredAsPlugin = (middlewares: unknown[] | undefined) => {
  if (!middlewares || middlewares.length !== 1) return false;
  const [only] = middlewares as { name?: unknown; config?: { budget?: unknown } }[];
  return typeof only === 'object' && only !== null && only.name === RATE_LIMIT && only.config?.budget === 'events' && Object.keys(only).length === 2;
};

/**
 * The lane of `POST <rest prefix>/personalize/events` (utils/lane.ts): the events rate limit, then the
 * controller. Where the app lists the lanes before strapi::body, the controller reads the body itself
 * (JSON or text/plain, up to `events.maxBatchBytes`). Null when the app reconfigured the route.
 */
export const eventsLane = (strapi: Core.Strapi): Lane | null => {
  const route = declaredRoute(strapi, 'POST', '/events', declaredAsPlugin);
  if (!route) return null;
  return buildLane(strapi, route, {
    rateLimit: rateLimitMiddleware({ budget: 'events' }, { strapi }) as LaneStep,
    controller: 'events',
    action: 'ingest',
    parsesJson: false,
  });
};
