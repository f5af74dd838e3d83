module.exports = [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  'strapi::cors',
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
