import type { Core } from '@strapi/strapi';
import coBody from 'co-body';
import type { Context, Next } from 'koa';

import { restPrefix } from '../utils/rest-prefix';
import { buildEventsLane, type EventsLane } from './events-lane';
import rateLimitMiddleware from './rate-limit';

/** The plugin's own declaration of the resolve route, as routes/content-api.ts writes it. */
interface DeclaredRoute {
  method: string;
  path: string;
  handler: string;
  config?: { auth?: unknown; policies?: unknown[]; middlewares?: unknown[]; prefix?: string };
  info?: Record<string, unknown>;
}

type MiddlewareEntry = string | { name?: string; config?: Record<string, unknown> } | ((...args: unknown[]) => unknown);

export const DELIVERY_LANE = 'plugin::personalize.delivery-lane';
const RATE_LIMIT = 'plugin::personalize.rate-limit';
/** What the lane parses itself when it runs before strapi::body; other types take the ordinary path. */
const JSON_CONTENT_TYPE = /^application\/json\s*(?:;|$)/i;

const appMiddlewares = (strapi: Core.Strapi): MiddlewareEntry[] => {
  const entries = strapi.config.get('middlewares', []) as unknown;
  return Array.isArray(entries) ? (entries as MiddlewareEntry[]) : [];
};

/** True when the app lists the lane in config/middlewares.js (so bootstrap does not add it again). */
export const isDeliveryLaneConfigured = (strapi: Core.Strapi) =>
  appMiddlewares(strapi).some((entry) => entry === DELIVERY_LANE || (typeof entry === 'object' && entry.name === DELIVERY_LANE));

/** strapi::body's `jsonLimit` (koa-body's default otherwise), so the lane accepts exactly what Strapi would. */
const jsonLimitOf = (strapi: Core.Strapi): string | number => {
  const body = appMiddlewares(strapi).find(
    (entry): entry is { name: string; config?: Record<string, unknown> } => typeof entry === 'object' && entry.name === 'strapi::body'
  );
  const limit = body?.config?.jsonLimit;
  return typeof limit === 'string' || typeof limit === 'number' ? limit : '1mb';
};

/**
 * The express lane for `POST <rest prefix>/personalize/resolve`: answers it before Strapi's
 * router. The router tests the request against every registered route's pattern in turn (several
 * hundred with the admin's) and composes auth, policies and middlewares for the one it finds; on a
 * warm cache that costs more than the resolve itself. The lane runs the very chain the route
 * declares (route info, the rate limit, then the resolve controller), so responses, headers and
 * errors are the route's own. When an app has reconfigured the route (policies, middlewares, auth
 * or a prefix of its own), the lane steps aside and the router serves it as configured.
 *
 * Bootstrap adds it after the app's middlewares. An app can list it in config/middlewares.js
 * instead, after `strapi::cors`/`strapi::poweredBy`: resolve requests then also skip the body,
 * session and static-file middlewares, and the lane parses the JSON body itself with co-body,
 * the parser strapi::body uses, under the same `jsonLimit`.
 */
export const deliveryLane = (strapi: Core.Strapi) => {
  let lane:
    | { path: string; route: DeclaredRoute; jsonLimit: string | number; handle: (ctx: Context) => Promise<unknown> }
    | null
    | undefined;

  const build = () => {
    const routers = strapi.plugin('personalize').routes as unknown as Record<string, { routes: DeclaredRoute[] }>;
    const route = routers['content-api']?.routes.find((candidate) => candidate.method === 'POST' && candidate.path === '/resolve');
    const config = route?.config;
    const asDeclared =
      config !== undefined &&
      config.auth === false &&
      config.prefix === undefined &&
      (config.policies ?? []).length === 0 &&
      (config.middlewares ?? []).length === 1 &&
      config.middlewares?.[0] === RATE_LIMIT;
    if (!route || !asDeclared) return null;

    const rateLimit = rateLimitMiddleware({}, { strapi });
    const controller = strapi.plugin('personalize').controller('resolve') as { resolve(ctx: Context): Promise<void> };
    return {
      path: `${restPrefix(strapi)}/personalize/resolve`,
      route,
      jsonLimit: jsonLimitOf(strapi),
      handle: (ctx: Context) => rateLimit(ctx, () => controller.resolve(ctx)),
    };
  };

  // POST /events takes the lane too (middlewares/events-lane.ts).
  let eventsLane: EventsLane | null | undefined;

  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'POST') return next();
    // Built on first use: routes are registered and customised before the first request.
    if (lane === undefined) lane = build();
    if (eventsLane === undefined) eventsLane = buildEventsLane(strapi);
    if (eventsLane && ctx.path === eventsLane.path) return eventsLane.handle(ctx);
    if (!lane || ctx.path !== lane.path) return next();
    const request = ctx.request as Context['request'] & { body?: unknown };
    if (request.body === undefined) {
      // Ahead of strapi::body: parse as it would (size limit, strict JSON, __proto__ refused).
      if (!JSON_CONTENT_TYPE.test(ctx.get('content-type'))) return next();
      request.body = await coBody.json(ctx, { limit: lane.jsonLimit, strict: true });
    }
    // What Strapi's route-info middleware sets, for the auth and error paths that read it.
    ctx.state.route = { ...lane.route, config: lane.route.config ?? {} };
    await lane.handle(ctx);
  };
};

/** `plugin::personalize.delivery-lane`, for apps that place the lane in config/middlewares.js. */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => deliveryLane(strapi);
