'use strict';

const { seed } = require('./seed');

module.exports = {
  register() {},

  async bootstrap({ strapi }) {
    // PLAYGROUND_SEED=false boots an empty app (the integration tests create their own content).
    if (process.env.PLAYGROUND_SEED !== 'false') {
      await seed(strapi);
    }
  },
};
