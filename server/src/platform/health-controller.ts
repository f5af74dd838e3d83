import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import type { HealthData } from '../../../contracts/src/admin/health';
import { redisConfigured, storageOf } from '../config/schema';
import { getService } from './services';

/** How long the store probe may take before the page calls the store down (its own timeouts are longer on a database). */
const PROBE_TIMEOUT_MS = 2000;

const withTimeout = <T>(promise: Promise<T>, fallback: T): Promise<T> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), PROBE_TIMEOUT_MS);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      }
    );
  });

const createHealthController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * GET /personalize/health (docs/observability.md, "The Health page"): this instance's last hour
   * per minute, the store and Redis now, and the running experiments' SRM checks and
   * harmed guardrails.
   */
  async find(ctx: Context) {
    const metrics = getService(strapi, 'metrics');
    const settings = getService(strapi, 'settings').get();
    const kind = storageOf(settings);
    const [store, experiments] = await Promise.all([
      withTimeout(metrics.probe() ?? Promise.resolve({ store: kind, up: false }), { store: kind, up: false }),
      getService(strapi, 'experiment-health').check(),
    ]);
    const data: HealthData = {
      generatedAt: new Date().toISOString(),
      minutes: metrics.lastHour(),
      store: { kind, up: store.up },
      redis: redisConfigured(settings.redis) ? { connected: getService(strapi, 'redis').isReady() } : null,
      bus: redisConfigured(settings.redis) ? getService(strapi, 'redis').busState() : null,
      experiments: { ...experiments, srmThreshold: settings.experiments.srmThreshold },
    };
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { data };
  },
});

export default createHealthController;
