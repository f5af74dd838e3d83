import type { Core } from '@strapi/strapi';

/**
 * The plugin's services by name, for typed lookups. Empty here: each wing adds its own services to it
 * (declaration merging in the wing's index.ts), so platform/ imports no wing while `getService` stays
 * typed (docs/architecture.md, "Import rules").
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface PluginServices {}

/** The services a wing's `services` object creates: `{ name: factory }` → `{ name: service }`. */
export type ServicesOf<TFactories> = {
  [TName in keyof TFactories]: TFactories[TName] extends (...args: never[]) => infer TService ? TService : never;
};

/** A wing: its services, controllers, document middlewares and Strapi middlewares (review-workflows' shape). */
export interface Wing {
  services?: Record<string, (context: { strapi: Core.Strapi }) => unknown>;
  controllers?: Record<string, (context: { strapi: Core.Strapi }) => unknown>;
  /** Document service middlewares, registered in the order `register` lists the wings. */
  documentMiddlewares?: ((strapi: Core.Strapi) => Parameters<Core.Strapi['documents']['use']>[0])[];
  middlewares?: Record<string, (config: never, context: { strapi: Core.Strapi }) => unknown>;
}

// Services are singletons once Strapi has loaded (extensions apply during register), so the
// lookup through the plugin registry — on every delivery request, several times — is kept.
const loadedServices = new WeakMap<Core.Strapi, Map<string, unknown>>();

/** Typed access to the plugin's services, as Strapi's i18n plugin does it. */
export const getService = <TName extends keyof PluginServices>(strapi: Core.Strapi, name: TName): PluginServices[TName] => {
  const known = loadedServices.get(strapi)?.get(name);
  if (known) return known as PluginServices[TName];
  const service = strapi.plugin('personalize').service(name) as PluginServices[TName];
  if ((strapi as { isLoaded?: boolean }).isLoaded && service) {
    let services = loadedServices.get(strapi);
    if (!services) loadedServices.set(strapi, (services = new Map()));
    services.set(name, service);
  }
  return service;
};
