'use strict';

const { serveDemoSdk } = require('./demo');
const { seed } = require('./seed');

module.exports = {
  register({ strapi }) {
    // The demo site (public/demo/, at /demo/) loads the plugin's built SDK from /demo/sdk.mjs.
    serveDemoSdk(strapi);

    // PLAYGROUND_RESOLVE_POLICY=true: an app that guards resolve with a policy of its own, as apps
    // may. The plugin's delivery lane then steps aside and the router serves resolve as configured.
    if (process.env.PLAYGROUND_RESOLVE_POLICY === 'true') {
      const resolveRoute = strapi
        .plugin('personalize')
        .routes['content-api'].routes.find((route) => route.path === '/resolve');
      resolveRoute.config.policies = ['global::require-playground-key'];
    }
  },

  async bootstrap({ strapi }) {
    // PLAYGROUND_SEED=false boots an empty app (the integration tests create their own content).
    if (process.env.PLAYGROUND_SEED !== 'false') {
      await seed(strapi);
    }
  },
};
