import type { HoldoutResults } from '../../../contracts/src/holdout';
import { routes, type Envelope, type FetchClient } from './client';

/**
 * The site-wide holdout against everyone else on one of `holdout.goals` (without a goal: the first one); with the
 * holdout off, `share` 0 or no goals, and no numbers (docs/experiments.md, "The holdout").
 */
export const getHoldoutResults = async (client: FetchClient, goal?: string): Promise<HoldoutResults> =>
  (await client.get<Envelope<HoldoutResults>>(routes.holdoutResults, goal === undefined ? undefined : { params: { goal } })).data.data;
