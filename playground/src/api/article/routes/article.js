const { factories } = require('@strapi/strapi');

// PLAYGROUND_ARTICLE_POLICY=true: an app that guards its article routes with a policy of its own.
// Personalized requests must still go through it (tests/integration/pipeline.test.ts). A router
// factory, so the switch is read at each boot, not once per process.
const guarded = { policies: ['global::require-playground-key'] };

module.exports = () =>
  factories.createCoreRouter(
    'api::article.article',
    process.env.PLAYGROUND_ARTICLE_POLICY === 'true' ? { config: { find: guarded, findOne: guarded } } : {}
  );
