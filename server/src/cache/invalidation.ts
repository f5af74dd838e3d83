import type { Core } from '@strapi/strapi';

import { getService } from '../platform/services';
import { documentTag, typeTag } from './service';

export const INVALIDATED_EVENT = 'personalize.invalidated';

export interface InvalidationTarget {
  uid: string;
  documentId?: string | null;
  locale?: string | null;
}

/**
 * Purges what a change makes stale (the document's own entries in every locale, and every
 * response that embeds a document of that type) on this and every other instance, then tells
 * the outside world through the `personalize.invalidated` webhook event. Never throws.
 */
const createInvalidationService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async invalidate(target: InvalidationTarget): Promise<string[]> {
    const tags = [typeTag(target.uid)];
    if (target.documentId) tags.unshift(documentTag(target.uid, target.documentId));
    let keys: string[] = [];
    try {
      keys = await getService(strapi, 'cache').purge(tags);
    } catch (error) {
      strapi.log.warn(`[personalize] purge of ${target.uid} ${target.documentId ?? ''} failed: ${(error as Error).message}`);
    }
    try {
      strapi.eventHub.emit(INVALIDATED_EVENT, {
        uid: target.uid,
        documentId: target.documentId ?? null,
        locale: target.locale ?? null,
        keys,
      });
    } catch (error) {
      strapi.log.warn(`[personalize] could not emit ${INVALIDATED_EVENT}: ${(error as Error).message}`);
    }
    return keys;
  },
});

export type InvalidationService = ReturnType<typeof createInvalidationService>;
export default createInvalidationService;
