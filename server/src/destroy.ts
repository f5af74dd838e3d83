import type { Core } from '@strapi/strapi';

const destroy = async (_: { strapi: Core.Strapi }) => {
  // Nothing held open yet: the in-process caches go with the process.
};

export default destroy;
