import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import type { SchemaLike } from '../utils/schema-types';

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
const createAccessService = ({ strapi }: { strapi: Core.Strapi }) => {
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
      const route = ctx.state.route as { info?: { type?: string }; config?: Record<string, unknown> };
      ctx.state.route = { ...route, info: { ...route.info, type: 'content-api' }, config: { ...route.config, auth: { scope } } };
      let authenticated = false;
      try {
        await auth.authenticate(ctx, async () => {
          authenticated = true;
        });
      } finally {
        ctx.state.route = route;
      }
      if (!authenticated) throw new errors.UnauthorizedError('Missing or invalid credentials');
      await auth.verify(ctx.state.auth, { scope });
      return ctx.state.auth as ContentApiAuth;
    },
  };
};

export type AccessService = ReturnType<typeof createAccessService>;
export default createAccessService;
