import type { StrapiApp } from '@strapi/strapi/admin';

import { Initializer } from './components/Initializer';
import { PluginIcon } from './components/PluginIcon';
import { PreviewAction } from './components/PreviewAction';
import { variantsCustomField } from './customField';
import { PLUGIN_ID } from './pluginId';
import { MENU_PERMISSIONS, PERMISSIONS } from './utils/api';
import { getTranslation } from './utils/getTranslation';

interface ContentManagerApis {
  addDocumentAction(reducer: (actions: unknown[]) => unknown[]): void;
}

export default {
  register(app: StrapiApp) {
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: PluginIcon,
      intlLabel: { id: getTranslation('plugin.name'), defaultMessage: 'Personalize' },
      permissions: MENU_PERMISSIONS,
      Component: () => import('./pages/App').then((module) => ({ default: module.App })),
    });

    app.addSettingsLink(
      { id: PLUGIN_ID, intlLabel: { id: getTranslation('plugin.name'), defaultMessage: 'Personalize' } },
      {
        id: `${PLUGIN_ID}-settings`,
        to: PLUGIN_ID,
        intlLabel: { id: getTranslation('settings.link'), defaultMessage: 'Configuration & cache' },
        permissions: PERMISSIONS.settings,
        Component: () => import('./pages/SettingsPage').then((module) => ({ default: module.SettingsPage })),
      }
    );
    app.addSettingsLink(PLUGIN_ID, {
      id: `${PLUGIN_ID}-health`,
      to: `${PLUGIN_ID}/health`,
      intlLabel: { id: getTranslation('health.link'), defaultMessage: 'Health' },
      permissions: PERMISSIONS.settings,
      Component: () => import('./pages/HealthPage').then((module) => ({ default: module.HealthPage })),
    });

    app.customFields.register(variantsCustomField);

    app.registerPlugin({ id: PLUGIN_ID, initializer: Initializer, isReady: false, name: 'Personalize' });
  },

  bootstrap(app: StrapiApp) {
    const contentManager = app.getPlugin('content-manager') as unknown as { apis: ContentManagerApis } | undefined;
    contentManager?.apis.addDocumentAction((actions) => [...actions, PreviewAction]);
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
