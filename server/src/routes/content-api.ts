/**
 * Public delivery routes, under /api/personalize. They are `auth: false` at the router because
 * resolve's permission is the target content type's own read permission and invalidate takes an
 * HMAC signature or an API token, both checked in the controllers (platform/access.ts).
 * Each route family counts against its own rate-limit budget (docs/delivery.md, "Rate limits"), so
 * a burst on resolve never blocks the privacy routes or events of the browsers behind the same IP.
 */
const limitedRoute = (budget: 'resolve' | 'privacy' | 'other' | 'events') => ({
  auth: false as const,
  policies: [],
  middlewares: [{ name: 'plugin::personalize.rate-limit', config: { budget } }],
});

export default {
  type: 'content-api',
  routes: [
    { method: 'POST', path: '/resolve', handler: 'resolve.resolve', config: limitedRoute('resolve') },
    { method: 'GET', path: '/signals', handler: 'signals.vocabulary', config: limitedRoute('other') },
    { method: 'POST', path: '/invalidate', handler: 'invalidate.invalidate', config: limitedRoute('other') },
    // Visitors' events and privacy (docs/design.md, "Visitors and events", "Privacy"): the visitor id is the
    // credential. Events count against their own per-IP budget (events.rateLimit), and per visitor.
    { method: 'POST', path: '/events', handler: 'events.ingest', config: limitedRoute('events') },
    { method: 'GET', path: '/me', handler: 'privacy.export', config: limitedRoute('privacy') },
    { method: 'DELETE', path: '/me', handler: 'privacy.erase', config: limitedRoute('privacy') },
    { method: 'POST', path: '/optout', handler: 'privacy.optOut', config: limitedRoute('privacy') },
    // Prometheus metrics (docs/design.md, "Observability"): 404 unless metrics.enabled, then a Bearer token.
    { method: 'GET', path: '/metrics', handler: 'metrics.scrape', config: limitedRoute('other') },
  ],
};
