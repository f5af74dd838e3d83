import type { Core } from '@strapi/strapi';

import { getService } from './platform/services';

const destroy = async ({ strapi }: { strapi: Core.Strapi }) => {
  // Commits already queued for the database store are written before Strapi closes its connection.
  await getService(strapi, 'visitors').drain();
  getService(strapi, 'metrics').destroy();
  await getService(strapi, 'redis').disconnect();
};

export default destroy;
