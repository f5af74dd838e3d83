import { randomUUID } from 'node:crypto';

import type { Core } from '@strapi/strapi';

import { TieredCache } from './tiered-cache';
import { getService } from '../platform/services';
import type { Variant } from '../../../contracts/src/variants/schema';

/**
 * A response as served: the JSON of `data` (serialized once) and its ETag; for a personalized
 * list, also the entries it holds, so a warm list can pick their variants without a query.
 */
export interface CachedResponse {
  etag: string;
  data: string;
  /** Strapi's own `meta` of a plain-API response (pagination), as JSON. */
  meta?: string;
  entries?: { documentId: string; locale?: string }[];
}

/** What delivery needs to pick a variant without touching the database. */
export interface CachedProgram {
  /** The published entry's variants (`[]` when it has none or no variants field). */
  variants: Variant[];
  /** The entry's documentId: the flag key of a single type's conditions needs it on a warm request too. */
  documentId?: string;
}

export const documentTag = (uid: string, documentId: string) => `doc:${uid}|${documentId}`;
export const typeTag = (uid: string) => `type:${uid}`;

interface PurgeMessage {
  type: 'purge' | 'purge-all' | 'audiences' | 'permissions' | 'experiments';
  origin: string;
  tags?: string[];
}

/**
 * The delivery caches: resolved responses and per-entry variant programs, each an L1 LRU in
 * front of Redis. Purges are by tag and reach every instance through Redis pub/sub.
 */
const createCacheService = ({ strapi }: { strapi: Core.Strapi }) => {
  const instanceId = randomUUID();
  let responses: TieredCache<CachedResponse> | undefined;
  let programs: TieredCache<CachedProgram> | undefined;
  const counters = { purges: 0, remotePurges: 0 };

  const init = () => {
    const { cache } = getService(strapi, 'settings').get();
    const redis = getService(strapi, 'redis');
    const common = { maxEntries: cache.maxEntries, ttlMs: cache.ttlSec * 1000, redis };
    const metrics = getService(strapi, 'metrics');
    responses = new TieredCache<CachedResponse>({
      ...common,
      namespace: 'r',
      // The response cache's lookups are the metrics' cache requests (docs/design.md, "Observability").
      ...(metrics.enabled ? { onLookup: metrics.cacheLookup } : {}),
      serialize: (value) => JSON.stringify(value),
      deserialize: (text) => JSON.parse(text) as CachedResponse,
    });
    programs = new TieredCache<CachedProgram>({
      ...common,
      namespace: 'p',
      serialize: (value) => JSON.stringify(value),
      deserialize: (text) => JSON.parse(text) as CachedProgram,
    });

    redis.onMessage((raw) => {
      const message = raw as PurgeMessage;
      if (!message || message.origin === instanceId) return;
      counters.remotePurges += 1;
      if (message.type === 'purge' && Array.isArray(message.tags)) {
        responses?.purgeLocal(message.tags);
        programs?.purgeLocal(message.tags);
      } else if (message.type === 'purge-all') {
        responses?.clearLocal();
        programs?.clearLocal();
      } else if (message.type === 'permissions') {
        getService(strapi, 'access').forgetPublicAuth();
        getService(strapi, 'access').forgetCallers();
      } else if (message.type === 'experiments') {
        getService(strapi, 'experiments')
          .reload()
          .catch((error: Error) => strapi.log.warn(`[personalize] could not reload experiments: ${error.message}`));
      } else if (message.type === 'audiences') {
        getService(strapi, 'audiences')
          .reload()
          .catch((error: Error) => strapi.log.warn(`[personalize] could not reload audiences: ${error.message}`));
      }
    });
    redis.onReconnect(() => {
      responses?.clearLocal();
      programs?.clearLocal();
      getService(strapi, 'experiments')
        .reload()
        .catch(() => undefined);
      getService(strapi, 'audiences')
        .reload()
        .catch(() => undefined);
    });
  };

  const ready = () => {
    if (!responses || !programs) init();
    return { responses: responses!, programs: programs! };
  };

  return {
    init,
    instanceId,
    responses: () => ready().responses,
    programs: () => ready().programs,

    /**
     * Drops everything under the tags here, in Redis and (by pub/sub) on every other instance.
     * Never throws: a purge that cannot reach Redis still clears this instance.
     */
    async purge(tags: string[]): Promise<string[]> {
      counters.purges += 1;
      const { responses: r, programs: p } = ready();
      const local = [...r.purgeLocal(tags), ...p.purgeLocal(tags)];
      const shared = [...(await r.purgeShared(tags)), ...(await p.purgeShared(tags))];
      await getService(strapi, 'redis').publish({ type: 'purge', origin: instanceId, tags } satisfies PurgeMessage);
      return [...new Set([...local, ...shared])];
    },

    async purgeAll() {
      counters.purges += 1;
      const { responses: r, programs: p } = ready();
      r.clearLocal();
      p.clearLocal();
      await r.clearShared();
      await p.clearShared();
      await getService(strapi, 'redis').publish({ type: 'purge-all', origin: instanceId } satisfies PurgeMessage);
    },

    /** Tells other instances that users-permissions roles or permissions changed. */
    async announcePermissionsChanged() {
      await getService(strapi, 'redis').publish({ type: 'permissions', origin: instanceId } satisfies PurgeMessage);
    },

    /** Tells other instances to reload the experiments in force (a write, a bandit's new weights). */
    async announceExperimentsChanged() {
      await getService(strapi, 'redis').publish({ type: 'experiments', origin: instanceId } satisfies PurgeMessage);
    },

    /** Tells other instances to reload their audience library. */
    async announceAudiencesChanged() {
      await getService(strapi, 'redis').publish({ type: 'audiences', origin: instanceId } satisfies PurgeMessage);
    },

    stats() {
      const { responses: r, programs: p } = ready();
      const redis = getService(strapi, 'redis');
      return {
        store: redis.enabled() ? 'redis' : 'memory',
        redis: redis.enabled() ? { connected: redis.isReady() } : null,
        responses: r.stats(),
        programs: p.stats(),
        purges: counters.purges,
        remotePurges: counters.remotePurges,
        compiledConditions: getService(strapi, 'conditions').stats().compiledConditions,
      };
    },
  };
};

export type CacheService = ReturnType<typeof createCacheService>;
export default createCacheService;
