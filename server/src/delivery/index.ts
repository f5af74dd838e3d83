/**
 * delivery/: the pipeline every route uses (docs/architecture.md, "The delivery pipeline"): request →
 * evaluation context → variant selection (stage 2, choose.ts) → overrides + sanitize → response →
 * counting. `/resolve`, the plain content API and the admin's live test and preview.
 */
import type { Core } from '@strapi/strapi';

import { getService, type ServicesOf, type Wing } from '../platform/services';
import createAdminEvaluateController from './evaluate-controller';
import createOverridesService from './overrides';
import createDeliveryService from './pipeline';
import type { DeliveryPorts } from './ports';
import createPreviewService from './preview';
import { registerGraphql as registerGraphqlWithPorts } from './graphql';
import { plainApiMiddleware as plainApiMiddlewareWithPorts } from './plain-api';
import createProgramsService from './programs';
import createResolveController from './resolve-controller';
import { validateVariantsMiddleware as validateVariantsWithPorts } from './validate-variants';

/**
 * The ports of delivery (ports.ts), wired once: the other wings' services, looked up when a request
 * uses them (services are created in turn at startup, and kept once Strapi has loaded).
 */
const wirePorts = (strapi: Core.Strapi): DeliveryPorts => ({
  get visitors() {
    return getService(strapi, 'visitors');
  },
  get experiments() {
    return getService(strapi, 'experiments');
  },
  get settings() {
    return getService(strapi, 'settings');
  },
  get conditions() {
    return getService(strapi, 'conditions');
  },
  get contentTypes() {
    return getService(strapi, 'content-types');
  },
  get cache() {
    return getService(strapi, 'cache');
  },
  get programs() {
    return getService(strapi, 'programs');
  },
  get overrides() {
    return getService(strapi, 'overrides');
  },
  get preview() {
    return getService(strapi, 'preview');
  },
  get metrics() {
    return getService(strapi, 'metrics');
  },
  get delivery() {
    return getService(strapi, 'delivery');
  },
  get audiences() {
    return getService(strapi, 'audiences');
  },
  get access() {
    return getService(strapi, 'access');
  },
  get rateLimit() {
    return getService(strapi, 'rate-limit');
  },
  warn: (message) => strapi.log.warn(message),
});

export const services = {
  delivery: ({ strapi }: { strapi: Core.Strapi }) => createDeliveryService({ strapi, ports: wirePorts(strapi) }),
  overrides: ({ strapi }: { strapi: Core.Strapi }) => createOverridesService({ strapi, ports: wirePorts(strapi) }),
  preview: ({ strapi }: { strapi: Core.Strapi }) => createPreviewService({ strapi, ports: wirePorts(strapi) }),
  programs: ({ strapi }: { strapi: Core.Strapi }) => createProgramsService({ strapi, ports: wirePorts(strapi) }),
};

/** GraphQL personalization (graphql.ts), registered with the ports when `@strapi/plugin-graphql` is installed. */
export const registerGraphql = (strapi: Core.Strapi) => registerGraphqlWithPorts(strapi, wirePorts(strapi));

/** The plain content API's middleware (plain-api.ts), with the ports. */
export const plainApiMiddleware = (strapi: Core.Strapi) => plainApiMiddlewareWithPorts(strapi, wirePorts(strapi));

declare module '../platform/services' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface PluginServices extends ServicesOf<typeof services> {}
}

export default {
  services,
  controllers: {
    resolve: ({ strapi }: { strapi: Core.Strapi }) => createResolveController({ ports: wirePorts(strapi) }),
    'admin-evaluate': ({ strapi }: { strapi: Core.Strapi }) => createAdminEvaluateController({ strapi, ports: wirePorts(strapi) }),
  },
  documentMiddlewares: [(strapi: Core.Strapi) => validateVariantsWithPorts(wirePorts(strapi))],
} satisfies Wing;
