const path = require('path');

module.exports = ({ env }) => ({
  // GraphQL at /graphql, personalized by the same headers as the REST API (docs/delivery.md, "GraphQL").
  // PLAYGROUND_GRAPHQL=false boots without it: the plugin works unchanged.
  graphql: {
    enabled: env.bool('PLAYGROUND_GRAPHQL', true),
    config: { playgroundAlways: false, defaultLimit: 25, maxLimit: 100, depthLimit: 10 },
  },
  'users-permissions': {
    config: {
      // Dev-only default, like the other playground secrets.
      jwtSecret: env('JWT_SECRET', 'playground-users-permissions-jwt-secret'),
    },
  },
  personalize: {
    enabled: true,
    // Loads the plugin from this repository (its built dist/, see the root package.json exports).
    resolve: path.resolve(__dirname, '../..'),
    config: {
      ...(env('REDIS_URL') ? { redis: { url: env('REDIS_URL'), keyPrefix: env('REDIS_KEY_PREFIX', 'pz:') } } : {}),
      trustedCountryHeader: env('PERSONALIZE_COUNTRY_HEADER', 'cf-ipcountry'),
      ...(env('PERSONALIZE_WEBHOOK_SECRET') ? { webhookSecret: env('PERSONALIZE_WEBHOOK_SECRET') } : {}),
      // Any other key, as JSON (the tests and benchmarks use it): PERSONALIZE_CONFIG='{"cache":{"ttlSec":60}}'
      ...JSON.parse(env('PERSONALIZE_CONFIG', '{}')),
    },
  },
});
