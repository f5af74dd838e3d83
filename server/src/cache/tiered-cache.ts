import { LRUCache } from 'lru-cache';

import type { Cluster, Redis } from 'ioredis';

import { mastersOf } from '../platform/redis-client';

/**
 * What the cache needs of a Redis connection (its port; platform/redis provides it): keys under the
 * app's prefix, and commands that fall back to a value when Redis is absent or down.
 */
export interface RedisPort {
  key(suffix: string): string;
  isReady(): boolean;
  /** `connection` is one primary's, or a cluster's (platform/redis-client.ts). */
  attempt<TResult>(operation: (connection: Redis | Cluster) => Promise<TResult>, fallback: TResult): Promise<TResult>;
}

export interface TieredCacheOptions<T extends object> {
  /** Short name used in Redis keys, e.g. `r` for responses. */
  namespace: string;
  maxEntries: number;
  ttlMs: number;
  redis: RedisPort;
  serialize(value: T): string;
  deserialize(text: string): T;
  /** Each lookup's result per layer, for the metrics (L2 only while Redis is ready). */
  onLookup?(layer: 'l1' | 'l2', result: 'hit' | 'miss'): void;
}

export interface TierStats {
  /** Entries in this instance's L1. */
  size: number;
  /** L1's capacity (`cache.maxEntries`). */
  maxEntries: number;
  /** Lookups served by L1. */
  hits: number;
  /** Lookups L1 did not have (then asked of L2, when configured). */
  misses: number;
  /** L1 misses that Redis (L2) served. */
  l2Hits: number;
  /** L1 misses that Redis did not have either (counted only while Redis is ready). */
  l2Misses: number;
  /** Share of lookups served from cache, either tier: `(hits + l2Hits) / (hits + misses)`; null before any lookup. */
  hitRatio: number | null;
}

interface Entry<T> {
  value: T;
  tags: readonly string[];
}

/**
 * An in-process LRU (L1) in front of Redis (L2, when configured), with tags so a purge can drop
 * every key of a document or of a content type at once. Redis keeps a set per tag; L1 keeps a
 * map from tag to keys, maintained as entries come and go.
 */
export class TieredCache<T extends object> {
  private readonly l1: LRUCache<string, Entry<T>>;
  private readonly keysByTag = new Map<string, Set<string>>();
  private readonly counters = { hits: 0, misses: 0, l2Hits: 0, l2Misses: 0 };

  constructor(private readonly options: TieredCacheOptions<T>) {
    this.l1 = new LRUCache<string, Entry<T>>({
      max: options.maxEntries,
      ttl: options.ttlMs,
      dispose: (entry, key) => this.untag(key, entry.tags),
    });
  }

  private redisKey(key: string) {
    return this.options.redis.key(`${this.options.namespace}:${key}`);
  }

  private tagKey(tag: string) {
    return this.options.redis.key(`${this.options.namespace}-tag:${tag}`);
  }

  private tag(key: string, tags: readonly string[]) {
    for (const tag of tags) {
      let keys = this.keysByTag.get(tag);
      if (!keys) this.keysByTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }

  private untag(key: string, tags: readonly string[]) {
    for (const tag of tags) {
      const keys = this.keysByTag.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.keysByTag.delete(tag);
    }
  }

  /** L1 only: for the hot path when the caller can do without L2. */
  peek(key: string): T | undefined {
    return this.l1.get(key)?.value;
  }

  async get(key: string, tags: readonly string[]): Promise<T | undefined> {
    const entry = this.l1.get(key);
    if (entry) {
      this.counters.hits += 1;
      this.options.onLookup?.('l1', 'hit');
      return entry.value;
    }
    this.counters.misses += 1;
    this.options.onLookup?.('l1', 'miss');
    const text = await this.options.redis.attempt((redis) => redis.get(this.redisKey(key)), null);
    if (text === null) {
      if (this.options.redis.isReady()) {
        this.counters.l2Misses += 1;
        this.options.onLookup?.('l2', 'miss');
      }
      return undefined;
    }
    let value: T;
    try {
      value = this.options.deserialize(text);
    } catch {
      return undefined;
    }
    this.counters.l2Hits += 1;
    this.options.onLookup?.('l2', 'hit');
    this.setLocal(key, value, tags);
    return value;
  }

  setLocal(key: string, value: T, tags: readonly string[]) {
    this.l1.set(key, { value, tags });
    this.tag(key, tags);
  }

  async set(key: string, value: T, tags: readonly string[]) {
    this.setLocal(key, value, tags);
    const ttlSec = Math.max(1, Math.ceil(this.options.ttlMs / 1000));
    await this.options.redis.attempt(async (redis) => {
      // One key per command, sent together: the entry and its tag sets are in different slots on a
      // cluster, so no MULTI. The tags are written first: a purge that reads a tag set between the
      // two still finds the key (dropping a key not yet written is harmless).
      await Promise.all(
        tags.flatMap((tag) => [
          redis.sadd(this.tagKey(tag), key),
          // Tag sets outlive their keys a little so a purge still finds every key it must drop.
          redis.expire(this.tagKey(tag), ttlSec * 2),
        ])
      );
      await redis.set(this.redisKey(key), this.options.serialize(value), 'EX', ttlSec);
    }, undefined);
  }

  /** Drops this instance's L1 entries under the tags; returns the keys dropped. */
  purgeLocal(tags: readonly string[]): string[] {
    const dropped: string[] = [];
    for (const tag of tags) {
      for (const key of [...(this.keysByTag.get(tag) ?? [])]) {
        this.l1.delete(key);
        dropped.push(key);
      }
    }
    return dropped;
  }

  /** Drops the Redis entries under the tags; returns the keys dropped. */
  async purgeShared(tags: readonly string[]): Promise<string[]> {
    return this.options.redis.attempt(async (redis) => {
      const dropped: string[] = [];
      for (const tag of tags) {
        const keys = await redis.smembers(this.tagKey(tag));
        // One key per DEL: the keys of a tag are in as many slots.
        await Promise.all(keys.map((key) => redis.del(this.redisKey(key))));
        await redis.del(this.tagKey(tag));
        dropped.push(...keys);
      }
      return dropped;
    }, []);
  }

  clearLocal() {
    this.l1.clear();
    this.keysByTag.clear();
  }

  async clearShared() {
    await this.options.redis.attempt(async (redis) => {
      // A SCAN reads one node: every master is scanned (docs/design.md, "Storage").
      for (const master of mastersOf(redis)) {
        for (const pattern of [this.redisKey('*'), this.tagKey('*')]) {
          let cursor = '0';
          do {
            const [next, keys] = await master.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
            cursor = next;
            await Promise.all(keys.map((key) => master.del(key)));
          } while (cursor !== '0');
        }
      }
    }, undefined);
  }

  stats(): TierStats {
    const lookups = this.counters.hits + this.counters.misses;
    return {
      size: this.l1.size,
      maxEntries: this.options.maxEntries,
      ...this.counters,
      hitRatio: lookups === 0 ? null : (this.counters.hits + this.counters.l2Hits) / lookups,
    };
  }
}
