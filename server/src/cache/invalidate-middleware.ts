import type { Core } from '@strapi/strapi';

import { AUDIENCE_UID } from '../../../content-types';
import { getService } from '../platform/services';

type DocumentMiddleware = Parameters<Core.Strapi['documents']['use']>[0];

const CHANGING_ACTIONS = new Set(['create', 'update', 'delete', 'publish', 'unpublish', 'discardDraft']);

/**
 * Purges delivery caches after a write commits (as plugin-rest-cache does: after `await next()`).
 * A failed purge is logged and never fails the write.
 */
export const invalidateMiddleware =
  (strapi: Core.Strapi): DocumentMiddleware =>
  async (context, next) => {
    const result = await next();
    if (!CHANGING_ACTIONS.has(context.action) || context.uid.startsWith('admin::')) return result;
    if (context.uid === AUDIENCE_UID) return result; // audiences reload the library instead (audiences/document-middleware.ts)
    const params = context.params as { documentId?: string; locale?: string };
    const documentId = params.documentId ?? (result as { documentId?: string } | null)?.documentId ?? null;
    await getService(strapi, 'invalidation')
      .invalidate({ uid: context.uid, documentId, locale: params.locale ?? null })
      .catch(() => undefined);
    if (context.action === 'publish' && documentId) {
      // Compile the new version's conditions now, so the first visitor does not pay for it.
      await getService(strapi, 'programs')
        .warm({ uid: context.uid, documentId, locale: params.locale })
        .catch((error: Error) => strapi.log.warn(`[personalize] could not precompile ${context.uid} ${documentId}: ${error.message}`));
    }
    return result;
  };
