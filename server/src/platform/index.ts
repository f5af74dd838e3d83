/**
 * platform/: what every wing stands on (docs/architecture.md): the Redis connections and the bus,
 * settings, rate limits, content-API access, the content types' schemas, and the compiled conditions
 * (the rule engine with the audience library). Imports no wing.
 */
import access from './access';
import conditions from './conditions';
import contentTypes from './content-types';
import health from './health-controller';
import metrics from './metrics';
import metricsController from './metrics-controller';
import rateLimit from './rate-limit';
import rateLimitMiddleware from './rate-limit-middleware';
import redis from './redis';
import type { ServicesOf, Wing } from './services';
import settings from './settings';
import adminSettings from './settings-controller';

export const services = { access, conditions, 'content-types': contentTypes, metrics, 'rate-limit': rateLimit, redis, settings };

declare module './services' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface PluginServices extends ServicesOf<typeof services> {}
}

export default {
  services,
  controllers: { 'admin-settings': adminSettings, 'admin-health': health, metrics: metricsController },
  documentMiddlewares: [],
  middlewares: { 'rate-limit': rateLimitMiddleware },
} satisfies Wing;
