import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import { evaluateBodySchema } from '../../../contracts/src/admin/evaluate';
import type { Ability } from './preview';
import { parseOrThrow } from '../utils/errors';
import type { DeliveryPorts } from './ports';

const VISITORS_ACTION = 'plugin::personalize.visitors';

const createAdminEvaluateController = ({ ports }: { strapi: Core.Strapi; ports: Pick<DeliveryPorts, 'preview'> }) => ({
  /** POST /personalize/evaluate: a condition, or variant selection as delivery makes it (live test, preview). */
  async evaluate(ctx: Context) {
    const body = parseOrThrow(evaluateBodySchema, (ctx.request as { body?: unknown }).body ?? {}, 'Invalid evaluate request');
    const ability = ctx.state.userAbility as Ability;
    // A visitor id brings in that visitor's stored profile and caps: what the Visitors page shows.
    // A PolicyError, as the routes' permission checks answer: Strapi hides other 403s' messages.
    if (body.visitorId !== undefined && !ability.can(VISITORS_ACTION)) {
      throw new errors.PolicyError(
        `Testing with a visitor id reads that visitor's stored profile, which needs the "${VISITORS_ACTION}" permission`,
        { errors: [{ path: ['visitorId'], message: `requires ${VISITORS_ACTION}`, name: 'PolicyError' }] }
      );
    }
    const { preview } = ports;
    ctx.body = {
      data: body.condition !== undefined ? preview.evaluateCondition(body) : await preview.evaluateVariants(body, ability),
    };
  },
});

export default createAdminEvaluateController;
