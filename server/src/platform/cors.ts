import type { Core } from '@strapi/strapi';

import { SIGNALS_HEADER, VARIANT_HEADER, VISITOR_HEADER } from '../../../contracts/src/wire';

/**
 * CORS for a site on another origin (docs/sdk.md, "A site on another origin: CORS"). The SDK sends
 * the plugin's request headers (`exportData()`, `erase()`, the plain API with `pz.headers()`), which
 * strapi::cors's default `Access-Control-Allow-Headers` refuses: the browser then reports only
 * "Failed to fetch". When the app keeps the default list, the plugin adds its headers to it; when
 * the app wrote its own list without them, startup says which to add. `Retry-After` is exposed
 * unless the app set its own `expose` list.
 */

/** The request headers the SDK sends cross-origin. */
export const PLUGIN_CORS_HEADERS = [SIGNALS_HEADER, VISITOR_HEADER, VARIANT_HEADER] as const;

/**
 * The response headers the SDK reads cross-origin: `Retry-After` on a 429 or 503 from `/events` (not
 * CORS-safelisted, so without `Access-Control-Expose-Headers` the SDK sees null and falls back to its
 * own backoff, retrying sooner than the server asked).
 */
export const PLUGIN_EXPOSED_HEADERS = ['Retry-After'] as const;

/** strapi::cors's own default `headers` (Strapi 5), which the plugin extends rather than replaces. */
export const STRAPI_DEFAULT_CORS_HEADERS = ['Content-Type', 'Authorization', 'Origin', 'Accept'] as const;

const CORS_MIDDLEWARE = 'strapi::cors';

interface CorsConfig {
  headers?: string | string[];
  expose?: string | string[];
  [option: string]: unknown;
}

type MiddlewareFactory = (config: CorsConfig | undefined, context: { strapi: Core.Strapi }) => unknown;

interface MiddlewaresRegistry {
  get(uid: string): MiddlewareFactory | undefined;
  extend(uid: string, extendFn: (factory: MiddlewareFactory) => MiddlewareFactory): unknown;
}

/** The plugin's headers an app's own `headers` list (array or comma-separated string) leaves out. */
export const missingCorsHeaders = (headers: string | string[]): string[] => {
  const listed = new Set((Array.isArray(headers) ? headers : headers.split(',')).map((header) => header.trim().toLowerCase()));
  // A wildcard allows them all: the SDK's calls carry no credentials.
  if (listed.has('*')) return [];
  return PLUGIN_CORS_HEADERS.filter((header) => !listed.has(header));
};

/**
 * The config strapi::cors is built with: the default list plus the plugin's headers when the app
 * set no `headers` (the string entry 'strapi::cors', or an object without `config.headers`);
 * otherwise the app's own config, untouched, with the headers it misses.
 */
export const corsConfigWithPluginHeaders = (config: CorsConfig = {}): { config: CorsConfig; missing: string[] } => {
  // strapi::cors exposes nothing by default; an app that set its own `expose` keeps it as written.
  const exposed = config.expose === undefined ? { ...config, expose: [...PLUGIN_EXPOSED_HEADERS] } : config;
  if (config.headers === undefined)
    return { config: { ...exposed, headers: [...STRAPI_DEFAULT_CORS_HEADERS, ...PLUGIN_CORS_HEADERS] }, missing: [] };
  return { config: exposed, missing: missingCorsHeaders(config.headers) };
};

/**
 * At register, before the server builds its middleware stack (at bootstrap): strapi::cors's factory is
 * wrapped in Strapi's middleware registry, so every way the app lists it (string, object, or no
 * config/middlewares at all) is covered without rewriting the app's config.
 */
export const allowPluginCorsHeaders = (strapi: Core.Strapi) => {
  const registry = strapi.get<MiddlewaresRegistry>('middlewares');
  if (!registry.get(CORS_MIDDLEWARE)) return;
  let warned = false;
  registry.extend(CORS_MIDDLEWARE, (cors) => (config, context) => {
    const { config: effective, missing } = corsConfigWithPluginHeaders(config);
    if (missing.length > 0 && !warned) {
      warned = true;
      strapi.log.warn(
        `[personalize] strapi::cors's \`headers\` list leaves out ${missing.join(', ')}: cross-origin sites cannot call the SDK's ` +
          `exportData(), erase() or send pz.headers(). Add them to strapi::cors's config.headers in config/middlewares.`
      );
    }
    return cors(effective, context);
  });
};
