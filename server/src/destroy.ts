import type { Core } from '@strapi/strapi';

import { getService } from './platform/services';

const destroy = async ({ strapi }: { strapi: Core.Strapi }) => {
  await getService(strapi, 'redis').disconnect();
};

export default destroy;
