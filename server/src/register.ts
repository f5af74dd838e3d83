import type { Core } from '@strapi/strapi';

import { VARIANTS_CUSTOM_FIELD_UID } from '../../contracts/src/variants/schema';
import { warnDeprecatedWebhookSignature } from './cache/invalidate-controller';
import { registerGraphql } from './delivery';
import { allowPluginCorsHeaders } from './platform/cors';
import { WINGS } from './wings';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // The variants field: JSON underneath, edited with the plugin's own input in the admin.
  strapi.customFields.register({
    name: 'variants',
    plugin: 'personalize',
    type: 'json',
  });

  hideVariantsFields(strapi);
  // Each wing's document middlewares, in the wings' order (the cache is purged last, after the write).
  for (const wing of WINGS) for (const middleware of wing.documentMiddlewares ?? []) strapi.documents.use(middleware(strapi));
  warnDeprecatedWebhookSignature(strapi);
  // Before the server builds its middleware stack: the SDK's headers pass Strapi's default CORS.
  allowPluginCorsHeaders(strapi);
  // With @strapi/plugin-graphql installed, queries are personalized as the REST API is (an optional peer).
  if (strapi.plugin('graphql')) registerGraphql(strapi);
};

export default register;

/**
 * Conditions, audience keys and experiment arms are not for visitors to read: every variants field
 * is private in the content API (REST and GraphQL), whether or not the editor ticked *Private*.
 * The admin still shows and edits it. The registry's own schema objects are changed (the
 * `strapi.contentTypes` getter returns copies), so Strapi's output sanitizer sees the flag.
 */
const hideVariantsFields = (strapi: Core.Strapi) => {
  for (const uid of Object.keys(strapi.contentTypes)) {
    const schema = strapi.contentType(uid as never) as unknown as { attributes: Record<string, { customField?: string; private?: boolean }> };
    for (const attribute of Object.values(schema.attributes)) {
      if (attribute.customField === VARIANTS_CUSTOM_FIELD_UID) attribute.private = true;
    }
  }
};
