module.exports = ({ env }) => ({
  host: env('HOST', '0.0.0.0'),
  port: env.int('PORT', 1337),
  // Strapi 5 maps `proxy.koa` to koa's `app.proxy`: when true, X-Forwarded-For gives `ctx.request.ip`
  // (set it behind a reverse proxy or CDN). The tests switch it on with PLAYGROUND_PROXY=true.
  proxy: { koa: env.bool('PLAYGROUND_PROXY', false) },
  app: {
    // Dev-only defaults so `npm run develop` works out of the box; set APP_KEYS in any real deployment.
    keys: env.array('APP_KEYS', ['playgroundKeyA', 'playgroundKeyB']),
  },
});
