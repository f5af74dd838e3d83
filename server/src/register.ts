import type { Core } from '@strapi/strapi';

import { audiencesMiddleware } from './document-middlewares/audiences';
import { invalidateMiddleware } from './document-middlewares/invalidate';
import { validateVariantsMiddleware } from './document-middlewares/validate-variants';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // The variants field: JSON underneath, edited with the plugin's own input in the admin.
  strapi.customFields.register({
    name: 'variants',
    plugin: 'personalize',
    type: 'json',
  });

  strapi.documents.use(validateVariantsMiddleware(strapi));
  strapi.documents.use(audiencesMiddleware(strapi));
  strapi.documents.use(invalidateMiddleware(strapi));
};

export default register;
