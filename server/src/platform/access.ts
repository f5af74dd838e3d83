import crypto from 'node:crypto';

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { LRUCache } from 'lru-cache';

import type { SchemaLike } from '../../../contracts/src/schema-types';

/** Names of Strapi's content-API token strategy (renamed in 5.x). */
export const API_TOKEN_STRATEGIES = new Set(['content-api-token', 'api-token']);

export interface ContentApiAuth {
  strategy: { name: string };
  credentials: unknown;
  ability: unknown;
}

/**
 * Permission parity with the plain content API: the delivery routes are declared `auth: false`
 * and run Strapi's own content-API authentication here with the scope of the content type's read
 * action, so a caller sees through personalization exactly what `find`/`findOne` would show it.
 */
/** How long the public role's permissions are trusted without re-reading them (changes here clear it at once). */
const PUBLIC_AUTH_TTL_MS = 10_000;
/** How long a verified Authorization header is trusted to name its credential (changes to tokens, users or roles clear it at once). */
const CALLER_TTL_MS = 5_000;
const CALLER_CACHE_SIZE = 10_000;

/** sha256 of the header, base64url: one-shot `crypto.hash` where Node has it (20.12+), twice as fast. */
const headerKey: (header: string) => string =
  typeof crypto.hash === 'function'
    ? (header) => crypto.hash('sha256', header, 'base64url')
    : (header) => crypto.createHash('sha256').update(header).digest('base64url');

const createAccessService = ({ strapi }: { strapi: Core.Strapi }) => {
  // Anonymous requests all share the public role's ability; reading it per request would cost a
  // query each. Cleared by users-permissions writes (bootstrap.ts) and across instances by pub/sub.
  // `allowed` remembers the scopes the ability granted: verifying is pure for a fixed ability.
  let publicAuth: { auth: ContentApiAuth; expiresAt: number; allowed: Set<string> } | null = null;
  // Callers with credentials (a site's server with an API token, a signed-in user): Strapi's
  // authentication of an Authorization header (a token lookup, or a JWT and the user's role) is
  // remembered for a few seconds, keyed by a hash of the header, so a warm request reads no row.
  // `false`: the header names no valid credential.
  const callers = new LRUCache<string, ContentApiAuth | false>({ max: CALLER_CACHE_SIZE, ttl: CALLER_TTL_MS });
  // Verifications under way, so a burst with a new header verifies it once.
  const pending = new Map<string, Promise<ContentApiAuth | false>>();
  // Bumped when credentials change, so a verification that started before is not cached after.
  let generation = 0;

  /**
   * Runs Strapi's content-API authentication strategies on a stand-in context (its own state, no
   * 401 written), so the request itself is left exactly as it was for the route's own checks.
   */
  const verifyCaller = async (ctx: Context): Promise<ContentApiAuth | false> => {
    const probe = Object.create(ctx) as Context;
    probe.state = { route: { info: { type: 'content-api' }, config: { auth: {} } } };
    (probe as unknown as { unauthorized(): void }).unauthorized = () => undefined;
    let result: ContentApiAuth | false = false;
    await strapi.get('auth').authenticate(probe, async () => {
      const authenticated = probe.state.auth as ContentApiAuth | undefined;
      if (authenticated?.credentials) result = authenticated;
    });
    return result;
  };

  const readAction = (schema: SchemaLike) => (schema.kind === 'singleType' ? 'find' : 'findOne');

  return {
    readScope: (schema: SchemaLike) => `${schema.uid}.${readAction(schema)}`,

    /** Authenticates the request and checks the read permission; throws 401/403 like the plain API. */
    authorizeRead(ctx: Context, schema: SchemaLike): Promise<ContentApiAuth> {
      return this.authorize(ctx, `${schema.uid}.${readAction(schema)}`);
    },

    /** Runs Strapi's content-API authentication for one action scope; throws 401/403 as Strapi does. */
    async authorize(ctx: Context, action: string): Promise<ContentApiAuth> {
      const scope = [action];
      const auth = strapi.get('auth');
      const anonymous = !ctx.get('authorization');
      if (anonymous && publicAuth && publicAuth.expiresAt > Date.now()) {
        ctx.state.auth = publicAuth.auth;
        if (!publicAuth.allowed.has(action)) {
          await auth.verify(publicAuth.auth, { scope });
          publicAuth.allowed.add(action);
        }
        return publicAuth.auth;
      }
      // Before the router (the plain API's warm path) there is no route yet.
      if (!anonymous) {
        const caller = await this.caller(ctx);
        if (!caller) throw new errors.UnauthorizedError('Missing or invalid credentials');
        ctx.state.auth = caller;
        await auth.verify(caller, { scope });
        return caller;
      }
      // Before the router (the plain API's warm path) there is no route yet.
      const route = ctx.state.route as { info?: { type?: string }; config?: Record<string, unknown> } | undefined;
      ctx.state.route = { ...route, info: { ...route?.info, type: 'content-api' }, config: { ...route?.config, auth: { scope } } };
      let authenticated = false;
      try {
        await auth.authenticate(ctx, async () => {
          authenticated = true;
        });
      } finally {
        ctx.state.route = route;
      }
      if (!authenticated) throw new errors.UnauthorizedError('Missing or invalid credentials');
      const result = ctx.state.auth as ContentApiAuth;
      if (result.credentials === null) {
        publicAuth = { auth: result, expiresAt: Date.now() + PUBLIC_AUTH_TTL_MS, allowed: new Set() };
      }
      await auth.verify(result, { scope });
      return result;
    },

    /**
     * The credential behind the request's Authorization header (Strapi's own content-API
     * authentication, remembered for a few seconds), or false when it names none: invalid,
     * expired, or not a bearer token. A failure to verify counts as none, and is asked again next time.
     */
    async caller(ctx: Context): Promise<ContentApiAuth | false> {
      const header = ctx.get('authorization');
      if (!header) return false;
      const key = headerKey(header);
      const known = callers.get(key);
      if (known !== undefined) return known;
      let verifying = pending.get(key);
      if (!verifying) {
        const started = generation;
        verifying = verifyCaller(ctx)
          .then((caller) => {
            if (generation === started) callers.set(key, caller);
            return caller;
          })
          .catch((error: unknown) => {
            strapi.log.debug(`[personalize] could not verify credentials: ${(error as Error).message}`);
            return false as const;
          })
          .finally(() => {
            if (pending.get(key) === verifying) pending.delete(key);
          });
        pending.set(key, verifying);
      }
      return verifying;
    },

    /** Forgets every remembered credential (API tokens, users, roles or permissions changed). */
    forgetCallers() {
      generation += 1;
      callers.clear();
      pending.clear();
    },

    /** Forgets the cached public-role ability (its permissions changed). */
    forgetPublicAuth() {
      publicAuth = null;
    },
  };
};

export type AccessService = ReturnType<typeof createAccessService>;
export default createAccessService;
