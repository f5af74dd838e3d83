import type { Core } from '@strapi/strapi';

import { plainApiMiddleware } from './delivery';
import { isLaneConfigured, lanesMiddleware } from './utils/lane';
import { LANES } from './wings';
import { INVALIDATED_EVENT } from './cache/invalidation';
import { getService } from './platform/services';

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
    displayName: 'Read experiments and their results',
    uid: 'experiments.read',
    pluginName: 'personalize',
  },
  {
    section: 'plugins',
    displayName: 'Manage experiments (create, edit, start, pause, stop, delete)',
    uid: 'experiments.manage',
    pluginName: 'personalize',
  },
  {
    section: 'plugins',
    displayName: 'Settings and cache',
    uid: 'settings',
    pluginName: 'personalize',
  },
  {
    section: 'plugins',
    displayName: 'Visitors (view and erase a visitor\'s data)',
    uid: 'visitors',
    pluginName: 'personalize',
  },
];

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(RBAC_ACTIONS);
  // Outbound: CDNs and other systems subscribe to this event in Settings → Webhooks.
  strapi.get('webhookStore').addAllowedEvent('PERSONALIZE_INVALIDATED', INVALIDATED_EVENT);

  hidePublicRoutesFromRoles(strapi);
  await getService(strapi, 'redis').connect();
  // The visitor store: its tables (database), its startup warnings, its retention job (docs/events.md).
  await getService(strapi, 'visitors').init();
  getService(strapi, 'cache').init();
  await getService(strapi, 'audiences').reload();
  await getService(strapi, 'experiments').reload();
  getService(strapi, 'bandit').schedule();
  // personalize_srm_alarm{experiment}: the running experiments' SRM checks, computed at each scrape.
  getService(strapi, 'metrics').probeSrm(() => getService(strapi, 'experiment-health').alarms());

  // The public role's ability and callers' credentials are cached for delivery; any change to
  // roles or permissions drops them (here and, by pub/sub, on every instance).
  const forgetAuth = () => {
    getService(strapi, 'access').forgetPublicAuth();
    getService(strapi, 'access').forgetCallers();
    getService(strapi, 'cache')
      .announcePermissionsChanged()
      .catch(() => undefined);
  };
  strapi.db.lifecycles.subscribe({
    models: ['plugin::users-permissions.permission', 'plugin::users-permissions.role'],
    afterCreate: forgetAuth,
    afterCreateMany: forgetAuth,
    afterUpdate: forgetAuth,
    afterUpdateMany: forgetAuth,
    afterDelete: forgetAuth,
    afterDeleteMany: forgetAuth,
  });
  // What an Authorization header stands for changes with its token or user. Strapi stamps a
  // token's `lastUsedAt` on its first use and hourly after: that changes nothing here.
  const forgetCallers = () => getService(strapi, 'access').forgetCallers();
  const forgetCallersOnUpdate = (event: { params?: { data?: Record<string, unknown> } }) => {
    const fields = Object.keys(event.params?.data ?? {});
    if (fields.length > 0 && fields.every((field) => field === 'lastUsedAt')) return;
    forgetCallers();
  };
  strapi.db.lifecycles.subscribe({
    models: ['admin::api-token', 'admin::api-token-permission', 'plugin::users-permissions.user'],
    afterCreate: forgetCallers,
    afterCreateMany: forgetCallers,
    afterUpdate: forgetCallersOnUpdate,
    afterUpdateMany: forgetCallersOnUpdate,
    afterDelete: forgetCallers,
    afterDeleteMany: forgetCallers,
  });

  // Both run after the app's middlewares (errors, security, CORS, body, query) and before the router,
  // unless the app placed the lane earlier in config/middlewares.js.
  if (!isLaneConfigured(strapi)) strapi.server.use(lanesMiddleware(strapi, LANES));
  strapi.server.use(plainApiMiddleware(strapi));
};

/** The plugin's public routes: none of them reads a users-permissions role's permissions. */
const PUBLIC_ROUTE_CONTROLLERS = ['resolve', 'signals', 'invalidate', 'events', 'privacy', 'metrics'];

type ActionsMap = Record<string, { controllers: Record<string, unknown> }>;

/**
 * The Users & Permissions roles page would list resolve, signals and invalidate under every role,
 * as checkboxes that do nothing: resolve follows the content type's own find/findOne permission,
 * signals is public, and invalidate takes a signature or an API token (granted on the API Tokens
 * page, where it stays listed). They are left off the roles page rather than shown as switches
 * that mislead (ticking "invalidate" for Public looked like opening purges to the world).
 */
const hidePublicRoutesFromRoles = (strapi: Core.Strapi) => {
  const usersPermissions = strapi.plugin('users-permissions')?.service('users-permissions') as
    | { getActions?: (options?: unknown) => ActionsMap }
    | undefined;
  const getActions = usersPermissions?.getActions?.bind(usersPermissions);
  if (!usersPermissions || !getActions) return;
  usersPermissions.getActions = (options?: unknown) => {
    const actions = getActions(options);
    const own = actions['plugin::personalize'];
    if (own) {
      for (const controller of PUBLIC_ROUTE_CONTROLLERS) delete own.controllers[controller];
      if (Object.keys(own.controllers).length === 0) delete actions['plugin::personalize'];
    }
    return actions;
  };
};

export default bootstrap;
