module.exports = ({ env }) => ({
  // LOG_LEVEL=warn keeps test output readable; Strapi's default is "http" (one line per request).
  level: env('LOG_LEVEL', 'http'),
});
