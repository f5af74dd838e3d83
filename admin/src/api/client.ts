import type { FetchClient } from '@strapi/strapi/admin';

import { PLUGIN_ID } from '../pluginId';

/** What `useFetchClient()` returns: every function of this module takes it (the admin's auth and token refresh). */
export type { FetchClient };

/** The plugin's answers wrap their payload in `data`, as Strapi's do. */
export interface Envelope<T> {
  data: T;
}

/** A request whose `K` fields come from the admin's JSON editors as they are: the server validates them (a 400 with details). */
export type FromEditor<T, K extends keyof T> = Omit<T, K> & Partial<Record<K, unknown>>;

/** Admin routes of the plugin (under the admin's auth and its RBAC actions). */
export const routes = {
  audiences: `/${PLUGIN_ID}/audiences`,
  audience: (documentId: string) => `/${PLUGIN_ID}/audiences/${documentId}`,
  usage: `/${PLUGIN_ID}/usage`,
  evaluate: `/${PLUGIN_ID}/evaluate`,
  settings: `/${PLUGIN_ID}/settings`,
  purge: `/${PLUGIN_ID}/cache/purge`,
  health: `/${PLUGIN_ID}/health`,
  signals: `/${PLUGIN_ID}/signals`,
  // POST with `{ visitorId }`: the id stays out of URLs (and so out of Strapi's request log).
  visitorLookup: `/${PLUGIN_ID}/visitors/lookup`,
  visitorErase: `/${PLUGIN_ID}/visitors/erase`,
  experiments: `/${PLUGIN_ID}/experiments`,
  experiment: (documentId: string) => `/${PLUGIN_ID}/experiments/${documentId}`,
  experimentAction: (documentId: string, action: ExperimentAction) => `/${PLUGIN_ID}/experiments/${documentId}/${action}`,
  experimentResults: (documentId: string) => `/${PLUGIN_ID}/experiments/${documentId}/results`,
  banditUpdate: (documentId: string) => `/${PLUGIN_ID}/experiments/${documentId}/bandit/update`,
  experimentShip: (documentId: string) => `/${PLUGIN_ID}/experiments/${documentId}/ship`,
  contextualFreeze: (documentId: string) => `/${PLUGIN_ID}/experiments/${documentId}/contextual/freeze`,
  holdoutResults: `/${PLUGIN_ID}/holdout/results`,
};

/** The lifecycle routes of an experiment. */
export type ExperimentAction = 'start' | 'pause' | 'stop';
