import type { Core } from '@strapi/strapi';

import type { Services } from '../services';

// Services are singletons once Strapi has loaded (extensions apply during register), so the
// lookup through the plugin registry — on every delivery request, several times — is kept.
const loadedServices = new WeakMap<Core.Strapi, Map<string, unknown>>();

/** Typed access to the plugin's services, as Strapi's i18n plugin does it. */
export const getService = <TName extends keyof Services>(strapi: Core.Strapi, name: TName): Services[TName] => {
  const known = loadedServices.get(strapi)?.get(name);
  if (known) return known as Services[TName];
  const service = strapi.plugin('personalize').service(name) as Services[TName];
  if ((strapi as { isLoaded?: boolean }).isLoaded && service) {
    let services = loadedServices.get(strapi);
    if (!services) loadedServices.set(strapi, (services = new Map()));
    services.set(name, service);
  }
  return service;
};
