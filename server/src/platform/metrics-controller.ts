import { createHash, timingSafeEqual } from 'node:crypto';

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import { sendError } from '../utils/errors';
import { getService } from './services';

/** Compares digests, so neither the token's length nor its bytes leak through timing. */
const sameToken = (given: string, expected: string) =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());

const BEARER = /^Bearer\s+(\S+)\s*$/i;

const createMetricsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * GET /api/personalize/metrics (docs/design.md, "Observability"): the default registry in
   * Prometheus' text format. 404 when `metrics.enabled` is false, 401 without the Bearer token.
   */
  async scrape(ctx: Context) {
    const { metrics } = getService(strapi, 'settings').get();
    if (!metrics.enabled || metrics.token === undefined) throw new errors.NotFoundError('Not Found');
    const given = BEARER.exec(ctx.get('authorization'))?.[1];
    if (given === undefined || !sameToken(given, metrics.token)) {
      // Written here: Strapi's router would replace a thrown 401's message by a bare "Unauthorized".
      return sendError(
        ctx,
        { status: 401, name: 'UnauthorizedError', message: given === undefined ? 'Missing Bearer token' : 'Invalid Bearer token' },
        { 'WWW-Authenticate': 'Bearer realm="personalize-metrics"' }
      );
    }
    const exposition = await getService(strapi, 'metrics').exposition();
    ctx.set('Cache-Control', 'no-store');
    ctx.type = exposition.contentType;
    ctx.body = exposition.body;
  },
});

export default createMetricsController;
