/**
 * Public delivery routes, under /api/personalize. They are `auth: false` at the router because
 * their permission is the target content type's own read permission, checked in the controller
 * (services/access.ts), not a permission of their own that admins would have to grant.
 */
export default {
  type: 'content-api',
  routes: [
    {
      method: 'POST',
      path: '/resolve',
      handler: 'resolve.resolve',
      config: { auth: false, policies: [] },
    },
    {
      method: 'GET',
      path: '/signals',
      handler: 'signals.vocabulary',
      config: { auth: false, policies: [] },
    },
  ],
};
