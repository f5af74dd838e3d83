import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import { eventsEnvelopeSchema, hasReservedKey, type EventsResponse } from '../../../contracts/src/events';
import { parseOrThrow, sendUnavailable } from '../utils/errors';
import { getService } from '../platform/services';
import { readEventsBody } from './body';
import { validateEvents } from './validate';

const accepted202 = (ctx: Context, body: EventsResponse) => {
  ctx.status = 202;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
};

const createEventsController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * POST /api/personalize/events: a batch of a visitor's events. 202 once the profile is updated;
   * 400 for a malformed envelope, 413 over `events.maxBatchBytes`, 429 over a rate limit, 503 when
   * the profile store cannot be reached (the SDK retries; batchIds make retries safe).
   */
  async ingest(ctx: Context) {
    const receivedAt = Date.now();
    const { events: config } = getService(strapi, 'settings').get();
    const body = await readEventsBody(ctx, config.maxBatchBytes);
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      for (const key of Object.keys(body)) {
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
          throw new errors.ValidationError(`Invalid events batch: forbidden key "${key}"`);
        }
      }
      const consent = (body as { consent?: unknown }).consent;
      if (hasReservedKey(consent)) throw new errors.ValidationError('Invalid events batch: forbidden key in consent');
    }
    const envelope = parseOrThrow(eventsEnvelopeSchema(config.maxBatch), body, 'Invalid events batch');

    const visitors = getService(strapi, 'visitors');
    const metrics = getService(strapi, 'metrics');
    const { accepted, rejected } = validateEvents(envelope.events, envelope.sentAt, receivedAt);
    // Events by result (docs/design.md, "Observability"): the malformed ones, then the batch's outcome for the rest.
    metrics.events('rejected', rejected.length);
    if (visitors.isBot(ctx.get('user-agent'))) {
      metrics.events('bot', accepted.length);
      return accepted202(ctx, { accepted: 0, rejected, ignored: 'bot' });
    }

    const visitorHash = visitors.hash(envelope.visitorId);
    try {
      await getService(strapi, 'rate-limit').consumeVisitor(ctx, visitorHash);
    } catch (error) {
      if (error instanceof errors.RateLimitError) metrics.events('rate_limited', accepted.length);
      throw error;
    }
    if (accepted.length === 0) return accepted202(ctx, { accepted: 0, rejected });

    const indexOf = new Map(accepted.map(({ index, event }) => [event, index]));
    const outcome = await visitors.ingest({
      visitorId: envelope.visitorId,
      visitorHash,
      batchId: envelope.batchId,
      events: accepted.map(({ event }) => event),
      receivedAt,
      consent: envelope.consent,
      gpc: visitors.gpcOf(ctx),
    });
    switch (outcome.status) {
      case 'applied': {
        metrics.events('accepted', outcome.accepted.length);
        metrics.events('suppressed', outcome.dropped.length);
        const dropped = outcome.dropped.map((event) => ({
          index: indexOf.get(event)!,
          message: 'the visitor erased their data after this event',
        }));
        const all = [...rejected, ...dropped].sort((a, b) => a.index - b.index);
        return accepted202(ctx, { accepted: outcome.accepted.length, rejected: all });
      }
      case 'duplicate':
        metrics.events('duplicate', accepted.length);
        return accepted202(ctx, { accepted: accepted.length, rejected, duplicate: true });
      // Stored nowhere, so no rate-limit counter under the visitor's hash stays either (docs/events.md,
      // "Privacy endpoints"); the per-IP limit still counts the batch.
      case 'no-consent':
        metrics.events('no_consent', accepted.length);
        await getService(strapi, 'rate-limit').forgetVisitor(visitorHash);
        return accepted202(ctx, { accepted: 0, rejected, ignored: 'no-consent' });
      case 'suppressed':
        metrics.events('suppressed', accepted.length);
        await getService(strapi, 'rate-limit').forgetVisitor(visitorHash);
        return accepted202(ctx, { accepted: 0, rejected, ignored: 'suppressed' });
      case 'unavailable':
        metrics.events('store_unavailable', accepted.length);
        return sendUnavailable(ctx);
    }
  },
});

export default createEventsController;
