import { createHash } from 'node:crypto';

import type { Context } from 'koa';

import { PERSONALIZE_VARY } from '../../../contracts/src/delivery';

/**
 * Stage 4 of delivery: the response. One ETag scheme, one 304 rule, Cache-Control and Vary for
 * every route (resolve, the plain API's findOne and list). The body is assembled from the cached
 * JSON of `data`, so a warm response is never serialized again.
 */

/** What a cache holds for a rendered response: the JSON of `data` and its ETag. */
export interface RenderedResponse {
  data: string;
  etag: string;
}

/** A strong validator of the served content: the data and the variant(s) it was resolved with. */
export const etagOf = (data: string, variants: string) =>
  `"${createHash('sha1').update(data).update('\0').update(variants).digest('base64url')}"`;

const matches = (ifNoneMatch: string, etag: string) =>
  ifNoneMatch.split(/\s*,\s*/).some((tag) => tag === '*' || tag === etag || tag === `W/${etag}`);

export const sendPersonalized = (
  ctx: Context,
  rendered: RenderedResponse,
  options: { cacheControl: string; meta: Record<string, unknown> }
) => {
  ctx.set('ETag', rendered.etag);
  ctx.set('Cache-Control', options.cacheControl);
  ctx.vary(PERSONALIZE_VARY as unknown as string[]);
  const ifNoneMatch = ctx.get('if-none-match');
  if (ifNoneMatch && matches(ifNoneMatch, rendered.etag)) {
    ctx.status = 304;
    ctx.body = null;
    return;
  }
  ctx.status = 200;
  ctx.type = 'application/json';
  ctx.body = `{"data":${rendered.data},"meta":${JSON.stringify(options.meta)}}`;
};
