import type { HealthData } from '../../../contracts/src/admin/health';
import { routes, type Envelope, type FetchClient } from './client';

/** This instance's last hour per minute, the store's and Redis' state, the running experiments' SRM checks. */
export const getHealth = async (client: FetchClient): Promise<HealthData> =>
  (await client.get<Envelope<HealthData>>(routes.health)).data.data;
