import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

import { getService } from '../utils/get-service';
import { API_TOKEN_STRATEGIES, type ContentApiAuth } from './access';

/** The key of a request whose Authorization header names no valid credential. */
const NO_CREDENTIAL = '';

/**
 * Rate limits on the plugin's public routes (rate-limiter-flexible), in Redis when it is
 * configured, so every instance counts together, with an in-memory limiter standing in while
 * Redis is unreachable.
 *
 * - Anonymous callers (browsers) count per client IP (`ctx.request.ip`: Strapi's `server.proxy.koa`
 *   decides whether X-Forwarded-For is trusted) against `rateLimit.anonymous`.
 * - Callers with a valid credential (API token, users-permissions JWT: typically a site's server
 *   rendering for many visitors) count per credential against `rateLimit.authenticated`, unlimited
 *   by default.
 * - A request whose Authorization header names no valid credential counts against its IP, so a
 *   random bearer token never buys a fresh budget.
 *
 * The credential behind a header is the access service's (Strapi's own content-API authentication,
 * remembered for a few seconds): a warm request costs no database read.
 */
const createRateLimitService = ({ strapi }: { strapi: Core.Strapi }) => {
  let limiters: { anonymous: RateLimiterAbstract | null; authenticated: RateLimiterAbstract | null } | undefined;

  const buildLimiter = (name: string, budget: { points: number; durationSec: number }): RateLimiterAbstract | null => {
    if (budget.points === 0) return null;
    const { redis } = getService(strapi, 'settings').get();
    const options = { points: budget.points, duration: budget.durationSec };
    const memory = new RateLimiterMemory({ ...options, keyPrefix: `personalize-${name}` });
    const client = getService(strapi, 'redis').rawClient();
    if (!redis.url || !client) return memory;
    return new RateLimiterRedis({
      ...options,
      storeClient: client,
      keyPrefix: `${redis.keyPrefix}${name}`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  };

  // Events (POST /events): their own budgets, per client IP and per visitor (DESIGN "Visitors and events").
  let eventLimiters: { ip: RateLimiterAbstract | null; visitor: RateLimiterAbstract | null } | undefined;
  const initEvents = () => {
    const { perIp, perVisitor, durationSec } = getService(strapi, 'settings').get().events.rateLimit;
    return {
      ip: buildLimiter('rl-ev-ip', { points: perIp, durationSec }),
      visitor: buildLimiter('rl-ev-vis', { points: perVisitor, durationSec }),
    };
  };
  /** A visitor's limiter key: the visitor hash as a Redis hash tag, like every per-visitor key. */
  const visitorKey = (hash: string) => `{${hash}}`;

  const init = () => {
    const { rateLimit } = getService(strapi, 'settings').get();
    // `rl` for anonymous callers, as before per-credential budgets existed.
    return { anonymous: buildLimiter('rl', rateLimit.anonymous), authenticated: buildLimiter('rl-auth', rateLimit.authenticated) };
  };

  /** The credential key of a content-API authentication, or NO_CREDENTIAL for none. */
  const credentialKey = (auth: ContentApiAuth | false): string => {
    if (!auth) return NO_CREDENTIAL;
    const credentials = auth.credentials as { id?: unknown } | null | undefined;
    if (!credentials || credentials.id === undefined || credentials.id === null) return NO_CREDENTIAL;
    if (API_TOKEN_STRATEGIES.has(auth.strategy.name)) return `token:${String(credentials.id)}`;
    if (auth.strategy.name === 'users-permissions') return `user:${String(credentials.id)}`;
    return `${auth.strategy.name}:${String(credentials.id)}`;
  };

  const take = async (ctx: Context, limiter: RateLimiterAbstract, key: string) => {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        ctx.set('Retry-After', String(retryAfter));
        throw new errors.RateLimitError('Too many requests, please try again later.', { retryAfter });
      }
      // A limiter that cannot count must not take delivery down with it.
      strapi.log.debug(`[personalize] rate limiter unavailable: ${(rejection as Error).message}`);
    }
  };

  return {
    /** Counts one request for its caller; throws a 429 (with Retry-After) when over the caller's limit. */
    async consume(ctx: Context) {
      limiters ??= init();
      if (ctx.get('authorization')) {
        const credential = credentialKey(await getService(strapi, 'access').caller(ctx));
        if (credential !== NO_CREDENTIAL) {
          if (limiters.authenticated) await take(ctx, limiters.authenticated, credential);
          return;
        }
      }
      if (limiters.anonymous) await take(ctx, limiters.anonymous, ctx.request.ip || 'unknown');
    },

    /**
     * Counts one events batch for its caller: a valid credential against `rateLimit.authenticated`
     * (a site's server forwarding events), anyone else per client IP against `events.rateLimit.perIp`.
     */
    async consumeEvents(ctx: Context) {
      limiters ??= init();
      eventLimiters ??= initEvents();
      if (ctx.get('authorization')) {
        const credential = credentialKey(await getService(strapi, 'access').caller(ctx));
        if (credential !== NO_CREDENTIAL) {
          if (limiters.authenticated) await take(ctx, limiters.authenticated, credential);
          return;
        }
      }
      if (eventLimiters.ip) await take(ctx, eventLimiters.ip, ctx.request.ip || 'unknown');
    },

    /** Counts one events batch for a visitor (by hash) against `events.rateLimit.perVisitor`. */
    async consumeVisitor(ctx: Context, hash: string) {
      eventLimiters ??= initEvents();
      if (eventLimiters.visitor) await take(ctx, eventLimiters.visitor, visitorKey(hash));
    },

    /** Forgets a visitor's counter (erasure removes every key of the visitor). */
    async forgetVisitor(hash: string) {
      eventLimiters ??= initEvents();
      await eventLimiters.visitor?.delete(visitorKey(hash)).catch(() => undefined);
    },

  };
};

export type RateLimitService = ReturnType<typeof createRateLimitService>;
export default createRateLimitService;
