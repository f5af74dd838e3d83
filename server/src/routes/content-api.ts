/**
 * Public delivery routes, under /api/personalize. They are `auth: false` at the router because
 * resolve's permission is the target content type's own read permission and invalidate takes an
 * HMAC signature or an API token, both checked in the controllers (platform/access.ts).
 */
const publicRoute = { auth: false as const, policies: [], middlewares: ['plugin::personalize.rate-limit'] };
const eventsRoute = {
  auth: false as const,
  policies: [],
  middlewares: [{ name: 'plugin::personalize.rate-limit', config: { budget: 'events' } }],
};

export default {
  type: 'content-api',
  routes: [
    { method: 'POST', path: '/resolve', handler: 'resolve.resolve', config: publicRoute },
    { method: 'GET', path: '/signals', handler: 'signals.vocabulary', config: publicRoute },
    { method: 'POST', path: '/invalidate', handler: 'invalidate.invalidate', config: publicRoute },
    // Visitors' events and privacy (docs/design.md, "Visitors and events", "Privacy"): the visitor id is the
    // credential. Events count against their own per-IP budget (events.rateLimit), and per visitor.
    { method: 'POST', path: '/events', handler: 'events.ingest', config: eventsRoute },
    { method: 'GET', path: '/me', handler: 'privacy.export', config: publicRoute },
    { method: 'DELETE', path: '/me', handler: 'privacy.erase', config: publicRoute },
    { method: 'POST', path: '/optout', handler: 'privacy.optOut', config: publicRoute },
  ],
};
