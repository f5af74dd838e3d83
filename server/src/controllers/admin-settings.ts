import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import type { PluginConfig } from '../config/schema';
import type { Services } from '../services';
import { getService } from '../utils/get-service';

export const MASK = '********';

/** A Redis URL with its password (and nothing else) replaced by the mask. */
export const maskRedisUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = MASK;
    return parsed.toString();
  } catch {
    return MASK;
  }
};

/** The active configuration as the settings page shows it: secrets never leave the server. */
export const maskConfig = (config: PluginConfig, previewUrl: unknown) => ({
  ...config,
  redis: { ...config.redis, ...(config.redis.url ? { url: maskRedisUrl(config.redis.url) } : {}) },
  ...(config.webhookSecret ? { webhookSecret: MASK } : {}),
  previewUrl: typeof previewUrl === 'string' ? previewUrl : null,
});

interface CacheService {
  stats(): unknown;
  purgeAll(): Promise<unknown>;
}

const createAdminSettingsController = ({ strapi }: { strapi: Core.Strapi }) => {
  /** The delivery cache service, when this version of the plugin has one. */
  const cacheService = (): CacheService | null => {
    const services = strapi.plugin('personalize').services as Partial<Record<keyof Services | 'cache', unknown>>;
    return services.cache ? (getService(strapi, 'cache' as keyof Services) as unknown as CacheService) : null;
  };

  return {
    /** GET /personalize/settings */
    async find(ctx: Context) {
      const cache = cacheService();
      ctx.body = {
        data: {
          config: maskConfig(getService(strapi, 'settings').get(), strapi.config.get('plugin::personalize.previewUrl')),
          cache: cache ? await cache.stats() : null,
          conditions: getService(strapi, 'conditions').stats(),
        },
      };
    },

    /** POST /personalize/cache/purge: empties every cache layer of resolved entries. */
    async purge(ctx: Context) {
      const cache = cacheService();
      if (!cache) throw new errors.NotImplementedError('This version of the plugin has no delivery cache to purge');
      const result = await cache.purgeAll();
      ctx.body = { data: { purged: true, ...(typeof result === 'object' && result !== null ? result : {}) } };
    },
  };
};

export default createAdminSettingsController;
