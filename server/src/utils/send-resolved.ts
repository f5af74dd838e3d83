import type { Context } from 'koa';

import type { ResolveOutcome } from '../services/resolver';

const VARY = ['x-personalize-signals', 'x-personalize-variant'];

/**
 * Writes a resolved entry: ETag, Cache-Control, 304 for a matching If-None-Match, and the body
 * assembled from the cached JSON of `data` so it is not serialized again per request.
 */
export const sendResolved = (
  ctx: Context,
  outcome: Pick<ResolveOutcome, 'data' | 'etag'>,
  options: { cacheControl: string; meta: Record<string, unknown> }
) => {
  ctx.set('ETag', outcome.etag);
  ctx.set('Cache-Control', options.cacheControl);
  ctx.vary(VARY);
  const ifNoneMatch = ctx.get('if-none-match');
  if (ifNoneMatch && ifNoneMatch.split(/\s*,\s*/).some((tag) => tag === outcome.etag || tag === `W/${outcome.etag}`)) {
    ctx.status = 304;
    ctx.body = null;
    return;
  }
  ctx.status = 200;
  ctx.type = 'application/json';
  ctx.body = `{"data":${outcome.data},"meta":{"personalize":${JSON.stringify(options.meta)}}}`;
};
