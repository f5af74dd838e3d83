// A function, so each boot in one test file reads the environment afresh (a required array is cached).
module.exports = () => [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  // PLAYGROUND_CORS_HEADERS (comma-separated): an app's own headers list, as a test sets it; by default
  // strapi::cors keeps Strapi's list, to which the plugin adds its headers.
  process.env.PLAYGROUND_CORS_HEADERS
    ? { name: 'strapi::cors', config: { headers: process.env.PLAYGROUND_CORS_HEADERS.split(',') } }
    : 'strapi::cors',
  'strapi::poweredBy',
  // Serves POST /api/personalize/resolve ahead of the body, session and static-file middlewares and
  // the router (README, "Delivery lane"). Without this line the plugin adds it after them.
  ...(process.env.PLAYGROUND_DELIVERY_LANE === 'auto' ? [] : ['plugin::personalize.delivery-lane']),
  'strapi::query',
  {
    name: 'strapi::body',
    // Keeps the raw body so webhook signatures (x-personalize-signature) are checked over the exact bytes.
    config: { includeUnparsed: true },
  },
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];
