module.exports = ({ env }) => ({
  // Dev-only defaults: the playground is a local demo, never a deployment.
  auth: { secret: env('ADMIN_JWT_SECRET', 'playground-admin-jwt-secret') },
  apiToken: { salt: env('API_TOKEN_SALT', 'playground-api-token-salt') },
  transfer: { token: { salt: env('TRANSFER_TOKEN_SALT', 'playground-transfer-token-salt') } },
  secrets: { encryptionKey: env('ENCRYPTION_KEY', 'playground-encryption-key-32-chars!') },
  flags: { nps: false, promoteEE: false },
  // Integration tests boot Strapi without a built admin panel.
  serveAdminPanel: env.bool('SERVE_ADMIN', true),
});
