import type { Core } from '@strapi/strapi';

import type { Services } from '../services';

/** Typed access to the plugin's services, as Strapi's i18n plugin does it. */
export const getService = <TName extends keyof Services>(strapi: Core.Strapi, name: TName): Services[TName] =>
  strapi.plugin('personalize').service(name) as Services[TName];
