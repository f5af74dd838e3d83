import type { Core } from '@strapi/strapi';

import { getService } from './utils/get-service';

export const RBAC_ACTIONS = [
  {
    section: 'plugins',
    displayName: 'Read personalization (audiences, test panel)',
    uid: 'read',
    pluginName: 'personalize',
  },
  {
    section: 'plugins',
    displayName: 'Manage audiences',
    uid: 'audiences.manage',
    pluginName: 'personalize',
  },
  {
    section: 'plugins',
    displayName: 'Settings and cache',
    uid: 'settings',
    pluginName: 'personalize',
  },
];

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(RBAC_ACTIONS);
  await getService(strapi, 'audiences').reload();
};

export default bootstrap;
