import type { Core } from '@strapi/strapi';

import { plainApiMiddleware } from './delivery/plain-api';
import { deliveryLane, isDeliveryLaneConfigured } from './middlewares/delivery-lane';
import { INVALIDATED_EVENT } from './services/invalidation';
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
  // Outbound: CDNs and other systems subscribe to this event in Settings → Webhooks.
  strapi.get('webhookStore').addAllowedEvent('PERSONALIZE_INVALIDATED', INVALIDATED_EVENT);

  await getService(strapi, 'redis').connect();
  getService(strapi, 'cache').init();
  await getService(strapi, 'audiences').reload();

  // The public role's ability is cached for anonymous delivery; any change to roles or permissions drops it.
  const forgetPublicAuth = () => {
    getService(strapi, 'access').forgetPublicAuth();
    getService(strapi, 'cache')
      .announcePermissionsChanged()
      .catch(() => undefined);
  };
  strapi.db.lifecycles.subscribe({
    models: ['plugin::users-permissions.permission', 'plugin::users-permissions.role'],
    afterCreate: forgetPublicAuth,
    afterCreateMany: forgetPublicAuth,
    afterUpdate: forgetPublicAuth,
    afterUpdateMany: forgetPublicAuth,
    afterDelete: forgetPublicAuth,
    afterDeleteMany: forgetPublicAuth,
  });

  // Both run after the app's middlewares (errors, security, CORS, body, query) and before the router,
  // unless the app placed the lane earlier in config/middlewares.js.
  if (!isDeliveryLaneConfigured(strapi)) strapi.server.use(deliveryLane(strapi));
  strapi.server.use(plainApiMiddleware(strapi));
};

export default bootstrap;
