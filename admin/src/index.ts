import { Magic } from '@strapi/icons';

import { Initializer } from './components/Initializer';
import { PluginIcon } from './components/PluginIcon';
import { PLUGIN_ID } from './pluginId';
import { getTranslation } from './utils/getTranslation';

interface StrapiAdminApp {
  addMenuLink(link: unknown): void;
  registerPlugin(plugin: unknown): void;
  customFields: { register(field: unknown): void };
}

export default {
  register(app: StrapiAdminApp) {
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: PluginIcon,
      intlLabel: { id: getTranslation('plugin.name'), defaultMessage: 'Personalize' },
      permissions: [{ action: 'plugin::personalize.read', subject: null }],
      Component: () => import('./pages/App').then((module) => ({ default: module.App })),
    });

    app.customFields.register({
      name: 'variants',
      pluginId: PLUGIN_ID,
      type: 'json',
      intlLabel: { id: getTranslation('variants.label'), defaultMessage: 'Variants' },
      intlDescription: {
        id: getTranslation('variants.description'),
        defaultMessage: 'Personalized variants of this entry: a trigger condition and field overrides each',
      },
      icon: Magic,
      components: {
        Input: () => import('./components/VariantsInput').then((module) => ({ default: module.VariantsInput })),
      },
      options: {
        advanced: [
          {
            sectionTitle: { id: 'global.settings', defaultMessage: 'Settings' },
            items: [
              {
                name: 'private',
                type: 'checkbox',
                intlLabel: { id: getTranslation('variants.private'), defaultMessage: 'Private field' },
                description: {
                  id: getTranslation('variants.private.description'),
                  defaultMessage: 'Keep conditions out of the plain REST API responses (recommended)',
                },
              },
            ],
          },
        ],
      },
    });

    app.registerPlugin({ id: PLUGIN_ID, initializer: Initializer, isReady: false, name: 'Personalize' });
  },

  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: data } = await import(`./translations/${locale}.json`);
          return { data: prefixKeys(data), locale };
        } catch {
          return { data: {}, locale };
        }
      })
    );
  },
};

const prefixKeys = (messages: Record<string, string>) =>
  Object.fromEntries(Object.entries(messages).map(([key, value]) => [getTranslation(key), value]));
