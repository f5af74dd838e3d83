import type { CachePurge, SettingsData } from '../../../contracts/src/admin/settings';
import { routes, type Envelope, type FetchClient } from './client';

export const getSettings = async (client: FetchClient): Promise<SettingsData> =>
  (await client.get<Envelope<SettingsData>>(routes.settings)).data.data;

/** Empties every cache of resolved entries, on every instance. */
export const purgeCaches = async (client: FetchClient): Promise<CachePurge> =>
  (await client.post<Envelope<CachePurge>>(routes.purge, {})).data.data;
