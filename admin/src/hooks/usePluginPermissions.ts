import { useRBAC } from '@strapi/strapi/admin';

import { PERMISSIONS } from '../utils/api';

/**
 * useRBAC names an allowed action after the last segment of its uid (`plugin::personalize.read` →
 * `canRead`), so actions whose uids end alike (`read`, `experiments.read`) are checked in separate calls.
 */
const PLUGIN_ACTIONS = [...PERMISSIONS.read, ...PERMISSIONS.manage, ...PERMISSIONS.settings, ...PERMISSIONS.visitors];
const EXPERIMENT_ACTIONS = [...PERMISSIONS.experimentsRead, ...PERMISSIONS.experimentsManage];

/** What the signed-in admin may do with the plugin; the UI hides the rest. */
export const usePluginPermissions = () => {
  const plugin = useRBAC(PLUGIN_ACTIONS);
  const experiments = useRBAC(EXPERIMENT_ACTIONS);
  return {
    isLoading: plugin.isLoading || experiments.isLoading,
    canRead: Boolean(plugin.allowedActions.canRead),
    canManage: Boolean(plugin.allowedActions.canManage),
    canSettings: Boolean(plugin.allowedActions.canSettings),
    canVisitors: Boolean(plugin.allowedActions.canVisitors),
    canExperiments: Boolean(experiments.allowedActions.canRead),
    canManageExperiments: Boolean(experiments.allowedActions.canManage),
  };
};
