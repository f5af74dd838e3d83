import type { Core } from '@strapi/strapi';

import { pluginConfigSchema, type PluginConfig } from '../config/schema';

/** The plugin's configuration with defaults applied. Validated at startup by config/index.ts. */
const createSettingsService = ({ strapi }: { strapi: Core.Strapi }) => {
  let parsed: PluginConfig | undefined;

  const get = (): PluginConfig => {
    parsed ??= pluginConfigSchema.parse(strapi.config.get('plugin::personalize') ?? {});
    return parsed;
  };

  return { get };
};

export type SettingsService = ReturnType<typeof createSettingsService>;
export default createSettingsService;
