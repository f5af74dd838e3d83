import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

import { getService } from '../utils/get-service';

/**
 * Per-client-IP limits on the plugin's public routes (rate-limiter-flexible): in Redis when it is
 * configured, so every instance counts together, with an in-memory limiter standing in while
 * Redis is unreachable.
 */
const createRateLimitService = ({ strapi }: { strapi: Core.Strapi }) => {
  let limiter: RateLimiterAbstract | undefined;

  const build = (): RateLimiterAbstract => {
    const { rateLimit, redis } = getService(strapi, 'settings').get();
    const options = { points: rateLimit.points, duration: rateLimit.durationSec };
    const memory = new RateLimiterMemory({ ...options, keyPrefix: 'personalize-rl' });
    const client = getService(strapi, 'redis').rawClient();
    if (!redis.url || !client) return memory;
    return new RateLimiterRedis({
      ...options,
      storeClient: client,
      keyPrefix: `${redis.keyPrefix}rl`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  };

  return {
    /** Counts one request for the caller; throws a 429 (with Retry-After) when over the limit. */
    async consume(ctx: Context) {
      limiter ??= build();
      try {
        await limiter.consume(ctx.request.ip || 'unknown');
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
          ctx.set('Retry-After', String(retryAfter));
          throw new errors.RateLimitError('Too many requests, please try again later.', { retryAfter });
        }
        // A limiter that cannot count must not take delivery down with it.
        strapi.log.debug(`[personalize] rate limiter unavailable: ${(rejection as Error).message}`);
      }
    },
  };
};

export type RateLimitService = ReturnType<typeof createRateLimitService>;
export default createRateLimitService;
