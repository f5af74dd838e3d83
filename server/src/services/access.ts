import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

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

const createAccessService = ({ strapi }: { strapi: Core.Strapi }) => {
  // Anonymous requests all share the public role's ability; reading it per request would cost a
  // query each. Cleared by users-permissions writes (bootstrap.ts) and across instances by pub/sub.
  // `allowed` remembers the scopes the ability granted: verifying is pure for a fixed ability.
  let publicAuth: { auth: ContentApiAuth; expiresAt: number; allowed: Set<string> } | null = null;

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
      if (anonymous && result.credentials === null) {
        publicAuth = { auth: result, expiresAt: Date.now() + PUBLIC_AUTH_TTL_MS, allowed: new Set() };
      }
      await auth.verify(result, { scope });
      return result;
    },

    /** Forgets the cached public-role ability (its permissions changed). */
    forgetPublicAuth() {
      publicAuth = null;
    },
  };
};

export type AccessService = ReturnType<typeof createAccessService>;
export default createAccessService;
