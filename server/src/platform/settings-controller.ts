import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { maskSecrets, maskUrlSecrets } from '../../../contracts/src/secrets';
import type { PluginConfig } from '../config/schema';
import { getService } from './services';

/**
 * The active configuration as the settings page shows it: secrets never leave the server. Every
 * secret setting and every URL (userinfo, secret query parameters) goes through one helper.
 */
export const maskConfig = (config: PluginConfig) => ({
  ...(maskSecrets(config) as PluginConfig),
  previewUrl: config.previewUrl === undefined ? null : maskUrlSecrets(config.previewUrl),
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
