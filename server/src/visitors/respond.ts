import type { Context } from 'koa';

/** Seconds a client waits before trying again when the profile store is unavailable. */
export const UNAVAILABLE_RETRY_AFTER_SEC = 30;

/**
 * 503 in Strapi's error shape, with Retry-After: the profile store (Redis) cannot be reached. A
 * deliberate answer (the SDK retries the batch later; batchIds make it count once), never a crash.
 */
export const sendUnavailable = (ctx: Context) => {
  ctx.status = 503;
  ctx.set('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SEC));
  ctx.set('Cache-Control', 'no-store');
  ctx.body = {
    data: null,
    error: {
      status: 503,
      name: 'ServiceUnavailableError',
      message: 'The visitor store is unavailable; try again later',
      details: { retryAfter: UNAVAILABLE_RETRY_AFTER_SEC },
    },
  };
};
