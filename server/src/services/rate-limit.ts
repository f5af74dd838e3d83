import crypto from 'node:crypto';

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { LRUCache } from 'lru-cache';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

import { getService } from '../utils/get-service';
import { API_TOKEN_STRATEGIES, type ContentApiAuth } from './access';

/** How long a verified Authorization header is trusted to name its credential (changes to tokens or users clear it at once). */
const CALLER_TTL_MS = 5_000;
const CALLER_CACHE_SIZE = 10_000;
/** The cached answer for a header that names no credential (invalid, expired, not a bearer token). */
const NO_CREDENTIAL = '';

/** sha256 of the header, base64url: one-shot `crypto.hash` where Node has it (20.12+), twice as fast. */
const headerKey: (header: string) => string =
  typeof crypto.hash === 'function'
    ? (header) => crypto.hash('sha256', header, 'base64url')
    : (header) => crypto.createHash('sha256').update(header).digest('base64url');

/** Writes that can change what an Authorization header stands for. */
const CREDENTIAL_MODELS = ['admin::api-token', 'plugin::users-permissions.user'];

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
 * The credential behind a header is found with Strapi's own content-API authentication and
 * remembered for a few seconds, keyed by a hash of the header: a warm request costs no database read.
 */
const createRateLimitService = ({ strapi }: { strapi: Core.Strapi }) => {
  let limiters: { anonymous: RateLimiterAbstract | null; authenticated: RateLimiterAbstract | null } | undefined;
  // sha256(Authorization header) → credential key (`token:<id>`, `user:<id>`) or NO_CREDENTIAL.
  const callers = new LRUCache<string, string>({ max: CALLER_CACHE_SIZE, ttl: CALLER_TTL_MS });
  // Verifications under way, so a burst with a new header verifies it once.
  const pending = new Map<string, Promise<string>>();
  // Bumped when credentials change, so a verification that started before is not cached after.
  let generation = 0;

  const forgetCallers = () => {
    generation += 1;
    callers.clear();
    pending.clear();
  };

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

  // Strapi stamps a token's `lastUsedAt` on its first use and hourly after: that changes nothing here.
  const forgetOnUpdate = (event: { params?: { data?: Record<string, unknown> } }) => {
    const fields = Object.keys(event.params?.data ?? {});
    if (fields.length > 0 && fields.every((field) => field === 'lastUsedAt')) return;
    forgetCallers();
  };

  const init = () => {
    const { rateLimit } = getService(strapi, 'settings').get();
    // Subscribed on first use: nothing is cached before the first request.
    strapi.db.lifecycles.subscribe({
      models: CREDENTIAL_MODELS,
      afterCreate: forgetCallers,
      afterCreateMany: forgetCallers,
      afterUpdate: forgetOnUpdate,
      afterUpdateMany: forgetOnUpdate,
      afterDelete: forgetCallers,
      afterDeleteMany: forgetCallers,
    });
    // `rl` for anonymous callers, as before per-credential budgets existed.
    return { anonymous: buildLimiter('rl', rateLimit.anonymous), authenticated: buildLimiter('rl-auth', rateLimit.authenticated) };
  };

  /** The credential key of a content-API authentication, or NO_CREDENTIAL for the public role. */
  const credentialKey = (auth: ContentApiAuth | undefined): string => {
    const credentials = auth?.credentials as { id?: unknown } | null | undefined;
    if (!auth || !credentials || credentials.id === undefined || credentials.id === null) return NO_CREDENTIAL;
    if (API_TOKEN_STRATEGIES.has(auth.strategy.name)) return `token:${String(credentials.id)}`;
    if (auth.strategy.name === 'users-permissions') return `user:${String(credentials.id)}`;
    return `${auth.strategy.name}:${String(credentials.id)}`;
  };

  /**
   * Runs Strapi's content-API authentication strategies on a stand-in context (its own state, no
   * 401 written), so the request itself is left exactly as it was for the route's own checks.
   */
  const verify = async (ctx: Context): Promise<string> => {
    const probe = Object.create(ctx) as Context;
    probe.state = { route: { info: { type: 'content-api' }, config: { auth: {} } } };
    (probe as unknown as { unauthorized(): void }).unauthorized = () => undefined;
    let auth: ContentApiAuth | undefined;
    await strapi.get('auth').authenticate(probe, async () => {
      auth = probe.state.auth as ContentApiAuth;
    });
    return credentialKey(auth);
  };

  /** The credential behind the request's Authorization header, or NO_CREDENTIAL. */
  const identify = async (ctx: Context, header: string): Promise<string> => {
    const key = headerKey(header);
    const known = callers.get(key);
    if (known !== undefined) return known;
    let verifying = pending.get(key);
    if (!verifying) {
      const started = generation;
      verifying = verify(ctx)
        .then((credential) => {
          if (generation === started) callers.set(key, credential);
          return credential;
        })
        .catch((error: unknown) => {
          // Could not tell (e.g. the database is away): count it as anonymous, and ask again next time.
          strapi.log.debug(`[personalize] rate limit: could not verify credentials: ${(error as Error).message}`);
          return NO_CREDENTIAL;
        })
        .finally(() => {
          if (pending.get(key) === verifying) pending.delete(key);
        });
      pending.set(key, verifying);
    }
    return verifying;
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
      const header = ctx.get('authorization');
      if (header) {
        const credential = await identify(ctx, header);
        if (credential !== NO_CREDENTIAL) {
          if (limiters.authenticated) await take(ctx, limiters.authenticated, credential);
          return;
        }
      }
      if (limiters.anonymous) await take(ctx, limiters.anonymous, ctx.request.ip || 'unknown');
    },

    /** Forgets which credential each Authorization header stands for (tokens or users changed). */
    forgetCallers,
  };
};

export type RateLimitService = ReturnType<typeof createRateLimitService>;
export default createRateLimitService;
