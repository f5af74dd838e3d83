import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { restPrefix } from '../utils/rest-prefix';
import rateLimitMiddleware from './rate-limit';

interface DeclaredRoute {
  method: string;
  path: string;
  handler: string;
  config?: { auth?: unknown; policies?: unknown[]; middlewares?: unknown[]; prefix?: string };
  info?: Record<string, unknown>;
}

const RATE_LIMIT = 'plugin::personalize.rate-limit';

/** The route's middlewares exactly as routes/content-api.ts declares them. */
const declaredAsPlugin = (middlewares: unknown[] | undefined) => {
  if (!middlewares || middlewares.length !== 1) return false;
  const [only] = middlewares as { name?: unknown; config?: { budget?: unknown } }[];
  return (
    typeof only === 'object' &&
    only !== null &&
    only.name === RATE_LIMIT &&
    only.config?.budget === 'events' &&
    Object.keys(only).length === 2
  );
};

export interface EventsLane {
  path: string;
  handle(ctx: Context): Promise<unknown>;
}

/**
 * `POST <rest prefix>/personalize/events` answered by the delivery lane, ahead of Strapi's router,
 * running the very chain the route declares (route info, the events rate limit, the controller).
 * Where the app lists the lane before strapi::body, the controller reads the body itself (JSON or
 * text/plain, up to `events.maxBatchBytes`). Null when the app reconfigured the route: the router
 * then serves it as configured.
 */
export const buildEventsLane = (strapi: Core.Strapi): EventsLane | null => {
  const routers = strapi.plugin('personalize').routes as unknown as Record<string, { routes: DeclaredRoute[] }>;
  const route = routers['content-api']?.routes.find((candidate) => candidate.method === 'POST' && candidate.path === '/events');
  const config = route?.config;
  const asDeclared =
    config !== undefined &&
    config.auth === false &&
    config.prefix === undefined &&
    (config.policies ?? []).length === 0 &&
    declaredAsPlugin(config.middlewares);
  if (!route || !asDeclared) return null;
  const rateLimit = rateLimitMiddleware({ budget: 'events' }, { strapi });
  const controller = strapi.plugin('personalize').controller('events') as { ingest(ctx: Context): Promise<void> };
  return {
    path: `${restPrefix(strapi)}/personalize/events`,
    handle: (ctx: Context) => {
      // What Strapi's route-info middleware sets, for the auth and error paths that read it.
      ctx.state.route = { ...route, config: route.config ?? {} };
      return rateLimit(ctx, () => controller.ingest(ctx));
    },
  };
};
