import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import type { PluginConfig } from '../config/schema';
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
export const maskConfig = (config: PluginConfig) => ({
  ...config,
  redis: { ...config.redis, ...(config.redis.url ? { url: maskRedisUrl(config.redis.url) } : {}) },
  ...(config.webhookSecret ? { webhookSecret: MASK } : {}),
  visitors: { ...config.visitors, ...(config.visitors.secret ? { secret: MASK } : {}) },
  previewUrl: config.previewUrl ?? null,
});

const createAdminSettingsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /personalize/settings */
  async find(ctx: Context) {
    ctx.body = {
      data: {
        config: maskConfig(getService(strapi, 'settings').get()),
        cache: getService(strapi, 'cache').stats(),
        conditions: getService(strapi, 'conditions').stats(),
      },
    };
  },

  /** POST /personalize/cache/purge: empties every cache layer of resolved entries, on every instance. */
  async purge(ctx: Context) {
    await getService(strapi, 'cache').purgeAll();
    ctx.body = { data: { purged: true } };
  },
});

export default createAdminSettingsController;
