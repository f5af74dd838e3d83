/**
 * A second, separate Strapi process for multi-instance tests: boots the playground with the
 * plugin's TypeScript source (as the in-process tests do) or its build, listens on PORT, and reports
 * over IPC.
 */
const Module = require('node:module');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

// Benchmarks run the built plugin, as an app does (PERSONALIZE_PLUGIN_BUILD=dist); tests run the source.
if (process.env.PERSONALIZE_PLUGIN_BUILD !== 'dist') {
  require('tsx/cjs/api').register();
  const distEntry = path.join(root, 'dist/server/index.js');
  const sourceEntry = path.join(root, 'server/src/index.ts');
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function redirectPluginEntry(request, ...rest) {
    const resolved = resolveFilename.call(this, request, ...rest);
    return resolved === distEntry ? sourceEntry : resolved;
  };
}

// The parent's slot check (tests/helpers/slot-check.ts): the plugin's commands that span Redis Cluster
// slots fail, and are reported. Tests only: benchmarks (the build) measure without it.
if (process.env.PERSONALIZE_SLOT_CHECK === '1' && process.env.PERSONALIZE_PLUGIN_BUILD !== 'dist') {
  require('./slot-check.ts').installSlotCheck((violation) => process.send({ type: 'slot-violation', violation }));
}

const { createStrapi } = require('@strapi/strapi');

const appDir = path.join(root, 'playground');

(async () => {
  const strapi = await createStrapi({ appDir, distDir: appDir }).load();
  await new Promise((done) => strapi.server.listen(Number(process.env.PORT), '127.0.0.1', done));
  process.send({ type: 'ready', port: Number(process.env.PORT) });
  process.on('message', async (message) => {
    if (message === 'stop') {
      await strapi.destroy();
      process.exit(0);
    }
    // One tick of the plugin's bandit cron job, now (multi-instance tests).
    if (message && message.type === 'bandit-tick') {
      await strapi.plugin('personalize').service('bandit').tick();
      process.send({ type: 'bandit-tick-done' });
    }
    // An API token for the parent (benchmarks call as a site's server does, with a read-only token).
    if (message && message.type === 'api-token') {
      const token = await strapi.service('admin::api-token').create({
        name: `bench-${message.kind}-${Date.now()}`,
        type: message.kind,
        lifespan: null,
      });
      process.send({ type: 'api-token', accessKey: token.accessKey });
    }
  });
})().catch((error) => {
  process.send({ type: 'error', message: String(error && error.stack ? error.stack : error) });
  process.exit(1);
});
