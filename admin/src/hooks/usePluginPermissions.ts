import { useRBAC } from '@strapi/strapi/admin';

import { PERMISSIONS } from '../utils/api';

/** What the signed-in admin may do with the plugin; the UI hides the rest. */
export const usePluginPermissions = () => {
  const { allowedActions, isLoading } = useRBAC(PERMISSIONS);
  return {
    isLoading,
    canRead: Boolean(allowedActions.canRead),
    canManage: Boolean(allowedActions.canManage),
    canSettings: Boolean(allowedActions.canSettings),
    canVisitors: Boolean(allowedActions.canVisitors),
  };
};
