/**
 * Public delivery routes, under /api/personalize. They are `auth: false` at the router because
 * resolve's permission is the target content type's own read permission and invalidate takes an
 * HMAC signature or an API token, both checked in the controllers (services/access.ts).
 */
const publicRoute = { auth: false as const, policies: [], middlewares: ['plugin::personalize.rate-limit'] };

export default {
  type: 'content-api',
  routes: [
    { method: 'POST', path: '/resolve', handler: 'resolve.resolve', config: publicRoute },
    { method: 'GET', path: '/signals', handler: 'signals.vocabulary', config: publicRoute },
    { method: 'POST', path: '/invalidate', handler: 'invalidate.invalidate', config: publicRoute },
  ],
};
