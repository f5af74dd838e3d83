import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import { resolveBodySchema } from '../../../contracts/src/delivery';
import { requestSignals } from './context';
import { sendPersonalized } from './respond';
import { assertSignalsSize } from '../signals/decode';
import { parseOrThrow } from '../utils/errors';
import { assertRequestDepth } from '../utils/json-limits';
import type { DeliveryPorts } from './ports';

const createResolveController = ({ ports }: { ports: DeliveryPorts }) => ({
  /** POST /api/personalize/resolve: parse, authorize as the plain API would, run the pipeline, respond. */
  async resolve(ctx: Context) {
    const startedAt = performance.now();
    const raw = ((ctx.request as { body?: unknown }).body ?? {}) as Record<string, unknown>;
    const config = ports.settings.get();
    // Before zod and Strapi's query validator: too deep a signals, populate or fields is a 400 here.
    assertRequestDepth(raw, 'Invalid resolve request');
    if (typeof raw === 'object' && raw !== null) assertSignalsSize(raw.signals, config.limits.signalsBytes);
    const body = parseOrThrow(resolveBodySchema, raw, 'Invalid resolve request');

    const contentTypes = ports.contentTypes;
    if (!contentTypes.isDeliverable(body.uid)) throw new errors.NotFoundError(`Unknown content type "${body.uid}"`);
    const schema = contentTypes.getSchema(body.uid)!;
    if (schema.kind === 'collectionType' && !body.documentId) {
      throw new errors.ValidationError('documentId is required for a collection type', {
        errors: [{ path: ['documentId'], message: 'Required', name: 'ValidationError' }],
      });
    }
    const auth = await ports.access.authorizeRead(ctx, schema);
    const { uid, documentId, locale, populate, fields, visitorId } = body;
    const delivery = ports.delivery;
    const visitor = await delivery.visitorRequest(ctx, { signals: requestSignals(ctx, body.signals, config, locale), visitorId });
    const outcome = await delivery.resolveEntry(
      { uid, documentId: schema.kind === 'singleType' ? undefined : documentId, locale, populate, fields },
      visitor,
      auth
    );
    sendPersonalized(ctx, outcome.rendered, {
      cacheControl: 'private, no-cache',
      meta: { personalize: delivery.outcomeOf(outcome.served.choice) },
    });
    delivery.observe('resolve', visitor, [outcome.served.choice], startedAt, outcome.cache);
    delivery.count(visitor, outcome.served.target, outcome.served.choice);
  },
});

export default createResolveController;
