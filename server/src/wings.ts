import type { Core } from '@strapi/strapi';

import audiences from './audiences';
import cache from './cache';
import delivery from './delivery';
import { resolveLane } from './delivery/lane';
import experiments from './experiments';
import platform from './platform';
import type { Wing } from './platform/services';
import signals from './signals';
import visitors from './visitors';
import { lanesMiddleware } from './utils/lane';
import { eventsLane } from './visitors/events-lane';

/**
 * Every wing, in the order their document middlewares run (docs/architecture.md): variants are
 * validated first, then audiences and experiments, and the cache is purged last, after the write.
 */
export const WINGS: readonly Wing[] = [platform, delivery, audiences, experiments, visitors, signals, cache];

const merge = (part: 'services' | 'controllers' | 'middlewares') => Object.assign({}, ...WINGS.map((wing) => wing[part] ?? {}));

export const services = merge('services');
export const controllers = merge('controllers');
/** The lanes (utils/lane.ts): each wing's hot public route, dispatched by one middleware. */
export const LANES = [resolveLane, eventsLane];

export const middlewares = {
  ...merge('middlewares'),
  // `plugin::personalize.delivery-lane`, for apps that place the lanes in config/middlewares.js.
  'delivery-lane': (_config: unknown, { strapi }: { strapi: Core.Strapi }) => lanesMiddleware(strapi, LANES),
};
