import type { Context } from 'koa';

import { getSignalVocabulary } from '../../../contracts/src/signals/vocabulary';

const createSignalsController = () => ({
  /** GET /api/personalize/signals: the signal vocabulary that conditions and the rule builder use. */
  vocabulary(ctx: Context) {
    const { groups, signals } = getSignalVocabulary();
    ctx.body = { data: { groups, signals } };
  },
});

export default createSignalsController;
