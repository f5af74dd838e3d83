import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import {
  HOLDOUT_ARMS,
  HOLDOUT_EXPERIMENT_KEY,
  holdoutResultsQuerySchema,
  type HoldoutResults,
} from '../../../contracts/src/holdout';
import { cellsOf } from '../storage/experiment-counts';
import { getService } from '../platform/services';
import { parseOrThrow, sendUnavailable } from '../utils/errors';
import { buildResults } from './results';

/**
 * `GET /personalize/holdout/results?goal=<event>` (docs/experiments.md, "The holdout"): the holdout against everyone
 * else on one of `holdout.goals`, from the counts of the pseudo-experiment `holdout` (arms `holdout`, the baseline,
 * and `personalized`), with the statistics of an A/B test's results (buildResults).
 */
const createHoldoutController = ({ strapi }: { strapi: Core.Strapi }) => ({
  async results(ctx: Context) {
    const { goal: event } = parseOrThrow(holdoutResultsQuerySchema, ctx.query, 'Invalid holdout report query');
    const { holdout, experiments } = getService(strapi, 'settings').get();
    const goals = holdout.goals.map((candidate) => ({ event: candidate.event, kind: candidate.kind }));
    ctx.set('Cache-Control', 'no-store');
    if (event === undefined && (holdout.share === 0 || goals.length === 0)) {
      // Off (or nothing to compare): say so, with the config the admin shows how to change.
      const off: HoldoutResults = { share: holdout.share, goals, alpha: experiments.alpha, goal: null, kind: null, arms: [], results: [] };
      ctx.body = { data: off };
      return;
    }
    const goal = event === undefined ? holdout.goals[0] : holdout.goals.find((candidate) => candidate.event === event);
    if (!goal) {
      const listed = holdout.goals.map((candidate) => `"${candidate.event}"`).join(', ') || 'none';
      throw new errors.ValidationError(`"${event}" is not a holdout goal (holdout.goals: ${listed})`, { goal: event });
    }
    const counters = await getService(strapi, 'visitors').experimentCounters(HOLDOUT_EXPERIMENT_KEY);
    if ('unavailable' in counters) return sendUnavailable(ctx);
    const built = buildResults({
      experiment: {
        key: HOLDOUT_EXPERIMENT_KEY,
        status: 'running',
        mode: 'ab',
        arms: [
          { key: HOLDOUT_ARMS[0], weight: holdout.share },
          { key: HOLDOUT_ARMS[1], weight: 1 - holdout.share },
        ],
        goal: { event: goal.event, kind: goal.kind },
        startedAt: null,
      },
      cells: cellsOf(counters),
      options: { alpha: experiments.alpha, sequentialNStar: experiments.sequentialNStar, srmThreshold: experiments.srmThreshold },
      now: Date.now(),
      nextBanditUpdateAt: null,
    });
    const data: HoldoutResults = {
      share: holdout.share,
      goals,
      alpha: experiments.alpha,
      goal: goal.event,
      kind: goal.kind,
      arms: built.arms,
      results: built.results,
    };
    ctx.body = { data };
  },
});

export default createHoldoutController;
