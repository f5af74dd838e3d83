import type { Core } from '@strapi/strapi';
import coBody from 'co-body';
import type { Context, Next } from 'koa';

import { restPrefix } from './rest-prefix';

/**
 * Lanes (docs/delivery.md, "The delivery lane"): a hot public route answered ahead of Strapi's router,
 * which otherwise tests every request against several hundred route patterns and composes the route's
 * middlewares. A lane runs the very chain the route declares (route info, its rate limit, the
 * controller), so answers, headers and errors are the route's own; when the app reconfigured the route
 * (policies, middlewares, auth or a prefix of its own), the lane steps aside and the router serves it.
 * One check for every lane (`declaredRoute`), one middleware dispatching them by path (`lanesMiddleware`).
 */

/** The plugin's own declaration of a route, as routes/content-api.ts writes it. */
export interface DeclaredRoute {
  method: string;
  path: string;
  handler: string;
  config?: { auth?: unknown; policies?: unknown[]; middlewares?: unknown[]; prefix?: string };
  info?: Record<string, unknown>;
}

type MiddlewareEntry = string | { name?: string; config?: Record<string, unknown> } | ((...args: unknown[]) => unknown);

/** The Koa middleware a Strapi middleware factory makes, as a lane runs it. */
export type LaneStep = (ctx: Context, next: () => Promise<unknown>) => Promise<unknown>;

export interface Lane {
  /** The request path, with the REST prefix. */
  path: string;
  /** Parse a JSON body itself when the lane runs before strapi::body. */
  parsesJson: boolean;
  handle(ctx: Context): Promise<unknown>;
}

export const LANE_MIDDLEWARE = 'plugin::personalize.delivery-lane';
/** What a lane parses itself when it runs before strapi::body; other types take the ordinary path. */
const JSON_CONTENT_TYPE = /^application\/json\s*(?:;|$)/i;

const appMiddlewares = (strapi: Core.Strapi): MiddlewareEntry[] => {
  const entries = strapi.config.get('middlewares', []) as unknown;
  return Array.isArray(entries) ? (entries as MiddlewareEntry[]) : [];
};

/** True when the app lists the lanes in config/middlewares.js (so bootstrap does not add them again). */
export const isLaneConfigured = (strapi: Core.Strapi) =>
  appMiddlewares(strapi).some((entry) => entry === LANE_MIDDLEWARE || (typeof entry === 'object' && entry.name === LANE_MIDDLEWARE));

/** strapi::body's `jsonLimit` (koa-body's default otherwise), so a lane accepts exactly what Strapi would. */
const jsonLimitOf = (strapi: Core.Strapi): string | number => {
  const body = appMiddlewares(strapi).find(
    (entry): entry is { name: string; config?: Record<string, unknown> } => typeof entry === 'object' && entry.name === 'strapi::body'
  );
  const limit = body?.config?.jsonLimit;
  return typeof limit === 'string' || typeof limit === 'number' ? limit : '1mb';
};

/**
 * The plugin's content-API route `method path` when it is still as the plugin declares it (no auth,
 * no prefix, no policies, and the middlewares `middlewaresAsDeclared` accepts), else null.
 */
export const declaredRoute = (
  strapi: Core.Strapi,
  method: string,
  path: string,
  middlewaresAsDeclared: (middlewares: unknown[] | undefined) => boolean
): DeclaredRoute | null => {
  const routers = strapi.plugin('personalize').routes as unknown as Record<string, { routes: DeclaredRoute[] }>;
  const route = routers['content-api']?.routes.find((candidate) => candidate.method === method && candidate.path === path);
  const config = route?.config;
  const asDeclared =
    config !== undefined &&
    config.auth === false &&
    config.prefix === undefined &&
    (config.policies ?? []).length === 0 &&
    middlewaresAsDeclared(config.middlewares);
  return route && asDeclared ? route : null;
};

/** The plugin's rate-limit middleware, as routes/content-api.ts names it on every public route. */
const RATE_LIMIT_MIDDLEWARE = 'plugin::personalize.rate-limit';

/** The route's middlewares exactly as routes/content-api.ts declares them: the rate limit with `budget`, alone. */
export const declaresRateLimit = (budget: string) => (middlewares: unknown[] | undefined) => {
  if (!middlewares || middlewares.length !== 1) return false;
  const [only] = middlewares as { name?: unknown; config?: { budget?: unknown } }[];
  return (
    typeof only === 'object' &&
    only !== null &&
    only.name === RATE_LIMIT_MIDDLEWARE &&
    only.config?.budget === budget &&
    Object.keys(only).length === 2 &&
    Object.keys(only.config).length === 1
  );
};

/** A lane for a declared route: route info, then `rateLimit`, then the controller's action. */
export const buildLane = (
  strapi: Core.Strapi,
  route: DeclaredRoute,
  options: { rateLimit: LaneStep; controller: string; action: string; parsesJson: boolean }
): Lane => {
  const controller = strapi.plugin('personalize').controller(options.controller) as Record<string, (ctx: Context) => Promise<void>>;
  return {
    path: `${restPrefix(strapi)}/personalize${route.path}`,
    parsesJson: options.parsesJson,
    handle: (ctx: Context) => {
      // What Strapi's route-info middleware sets, for the auth and error paths that read it.
      ctx.state.route = { ...route, config: route.config ?? {} };
      return options.rateLimit(ctx, () => controller[options.action](ctx));
    },
  };
};

/**
 * One middleware for every lane, dispatched by path. Lanes are built on first use: routes are
 * registered and customised before the first request. Bootstrap adds it after the app's middlewares;
 * an app can list it earlier in config/middlewares.js, and the lanes then parse JSON bodies
 * themselves with co-body (the parser strapi::body uses) under the same `jsonLimit`.
 */
export const lanesMiddleware = (strapi: Core.Strapi, builders: readonly ((strapi: Core.Strapi) => Lane | null)[]) => {
  let lanes: Lane[] | undefined;
  let jsonLimit: string | number = '1mb';
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'POST') return next();
    if (lanes === undefined) {
      lanes = builders.map((build) => build(strapi)).filter((lane): lane is Lane => lane !== null);
      jsonLimit = jsonLimitOf(strapi);
    }
    const lane = lanes.find((candidate) => candidate.path === ctx.path);
    if (!lane) return next();
    const request = ctx.request as Context['request'] & { body?: unknown };
    if (lane.parsesJson && request.body === undefined) {
      // Ahead of strapi::body: parse as it would (size limit, strict JSON, __proto__ refused).
      if (!JSON_CONTENT_TYPE.test(ctx.get('content-type'))) return next();
      request.body = await coBody.json(ctx, { limit: jsonLimit, strict: true });
    }
    await lane.handle(ctx);
  };
};
