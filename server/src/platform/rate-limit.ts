import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

import { getService } from './services';
import { API_TOKEN_STRATEGIES, type ContentApiAuth } from './access';
import { redisConfigured, type RateLimitFamily } from '../config/schema';

/**
 * Rate limits on the plugin's public routes (rate-limiter-flexible), in Redis when it is
 * configured, so every instance counts together, with an in-memory limiter standing in while
 * Redis is unreachable. Each route family counts apart (docs/delivery.md, "Rate limits"), so a
 * burst on one never blocks another for the same caller: `resolve`, `plain` (the plain content API
 * with personalization headers), `privacy`, `other`, and events. Callers count by credential kind:
 *
 * - Anonymous callers (browsers) per client IP (`ctx.request.ip`: Strapi's `server.proxy.koa`
 *   decides whether X-Forwarded-For is trusted) against `rateLimit.anonymous.<family>`.
 * - API tokens (a site's server rendering for many visitors) per token against
 *   `rateLimit.authenticated`, unlimited by default.
 * - users-permissions users (a JWT, which anyone gets where registration is open: browsers) per
 *   user against `rateLimit.users`. Any other content-API strategy counts like a user: only API
 *   tokens are trusted as servers.
 * - A request whose Authorization header names no valid credential counts against its IP, so a
 *   random bearer token never buys a fresh budget.
 *
 * The credential behind a header is the access service's (Strapi's own content-API authentication,
 * remembered for a few seconds): a warm request costs no database read.
 */
const createRateLimitService = ({ strapi }: { strapi: Core.Strapi }) => {
  type Limiters = { anonymous: RateLimiterAbstract | null; authenticated: RateLimiterAbstract | null; users: RateLimiterAbstract | null };
  const limiters = new Map<RateLimitFamily | 'events', Limiters>();

  const buildLimiter = (name: string, budget: { points: number; durationSec: number }): RateLimiterAbstract | null => {
    if (budget.points === 0) return null;
    const { redis } = getService(strapi, 'settings').get();
    const options = { points: budget.points, duration: budget.durationSec };
    const memory = new RateLimiterMemory({ ...options, keyPrefix: `personalize-${name}` });
    const client = getService(strapi, 'redis').rawClient();
    if (!redisConfigured(redis) || !client) return memory;
    return new RateLimiterRedis({
      ...options,
      storeClient: client,
      keyPrefix: `${redis.keyPrefix}${name}`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  };

  // Events (POST /events): their own budgets, per client IP and per visitor (docs/design.md, "Visitors and events").
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

  /** A family's limiters, built on first use; Redis keys `<p>rl-<family>:<ip>`, `<p>rl-auth-<family>:…`, `<p>rl-user-<family>:…`. */
  const limitersOf = (family: RateLimitFamily | 'events'): Limiters => {
    let built = limiters.get(family);
    if (!built) {
      const { rateLimit } = getService(strapi, 'settings').get();
      built = {
        // Events count anonymous callers and users in their own limiters (initEvents).
        anonymous: family === 'events' ? null : buildLimiter(`rl-${family}`, rateLimit.anonymous[family]),
        authenticated: buildLimiter(`rl-auth-${family}`, rateLimit.authenticated),
        users: family === 'events' ? null : buildLimiter(`rl-user-${family}`, rateLimit.users),
      };
      limiters.set(family, built);
    }
    return built;
  };

  /** A caller's credential: its kind (which budget) and key (whose counter); null for none. */
  const credentialOf = (auth: ContentApiAuth | false): { kind: 'token' | 'user'; key: string } | null => {
    if (!auth) return null;
    const credentials = auth.credentials as { id?: unknown } | null | undefined;
    if (!credentials || credentials.id === undefined || credentials.id === null) return null;
    if (API_TOKEN_STRATEGIES.has(auth.strategy.name)) return { kind: 'token', key: `token:${String(credentials.id)}` };
    if (auth.strategy.name === 'users-permissions') return { kind: 'user', key: `user:${String(credentials.id)}` };
    return { kind: 'user', key: `user:${auth.strategy.name}:${String(credentials.id)}` };
  };

  /** The request's valid credential, if its Authorization header names one. */
  const callerOf = async (ctx: Context) => (ctx.get('authorization') ? credentialOf(await getService(strapi, 'access').caller(ctx)) : null);

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
    /** Counts one request of a route family for its caller; throws a 429 (with Retry-After) when over the caller's limit. */
    async consume(ctx: Context, family: RateLimitFamily) {
      const { anonymous, authenticated, users } = limitersOf(family);
      const caller = await callerOf(ctx);
      if (caller?.kind === 'token') {
        if (authenticated) await take(ctx, authenticated, caller.key);
      } else if (caller) {
        if (users) await take(ctx, users, caller.key);
      } else if (anonymous) {
        await take(ctx, anonymous, ctx.request.ip || 'unknown');
      }
    },

    /**
     * Counts one events batch for its caller: an API token against `rateLimit.authenticated` (a
     * site's server forwarding events); a user per user, anyone else per client IP, both against
     * `events.rateLimit.perIp` (a user is a browser, counted as one).
     */
    async consumeEvents(ctx: Context) {
      const { authenticated } = limitersOf('events');
      eventLimiters ??= initEvents();
      const caller = await callerOf(ctx);
      if (caller?.kind === 'token') {
        if (authenticated) await take(ctx, authenticated, caller.key);
      } else if (eventLimiters.ip) {
        // `user:…` never collides with an IP address ('u' is no hex digit).
        await take(ctx, eventLimiters.ip, caller ? caller.key : ctx.request.ip || 'unknown');
      }
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
