import type { Core } from '@strapi/strapi';

/** The content API's path prefix (`api.rest.prefix`, `/api` by default), without a trailing slash. */
export const restPrefix = (strapi: Core.Strapi): string =>
  (strapi.config.get('api.rest.prefix', '/api') as string).replace(/\/$/, '');
