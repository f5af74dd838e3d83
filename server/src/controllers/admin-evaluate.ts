import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { evaluateBodySchema } from '../../../contracts/src/admin/evaluate';
import { parseOrThrow } from '../utils/errors';
import { getService } from '../utils/get-service';

const createAdminEvaluateController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /personalize/evaluate: a condition, or variant selection as delivery makes it (live test, preview). */
  async evaluate(ctx: Context) {
    const body = parseOrThrow(evaluateBodySchema, (ctx.request as { body?: unknown }).body ?? {}, 'Invalid evaluate request');
    const preview = getService(strapi, 'preview');
    ctx.body = {
      data: body.condition !== undefined ? preview.evaluateCondition(body) : await preview.evaluateVariants(body, ctx.state.userAbility),
    };
  },
});

export default createAdminEvaluateController;
