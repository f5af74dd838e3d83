import { configSections, hitRatio, isMasked, maskedForDisplay, readCacheStats, redisState, tierOutcomes } from '../../admin/src/pages/settingsView';
import { TieredCache } from '../../server/src/cache/tiered-cache';
import type { RedisService } from '../../server/src/platform/redis';

describe('settings page: cache figures', () => {
  const tier = { size: 3, maxEntries: 100, hits: 6, misses: 4, l2Hits: 1, l2Misses: 3 };

  it('reads the Redis state', () => {
    expect(redisState({ redis: null })).toBe('not-configured');
    expect(redisState({ redis: { connected: true } })).toBe('connected');
    expect(redisState({ redis: { connected: false } })).toBe('disconnected');
  });

  it('computes the hit ratio over both tiers, or takes the server’s', () => {
    expect(hitRatio(tier)).toBeCloseTo(0.7);
    expect(hitRatio({ ...tier, hitRatio: 0.5 })).toBe(0.5);
    expect(hitRatio({ ...tier, hits: 0, misses: 0, l2Hits: 0 })).toBeNull();
    expect(hitRatio({ ...tier, hitRatio: null })).toBeNull();
    expect(tierOutcomes(tier)).toEqual({ served: 7, missed: 3 });
  });

  it('accepts only stats that look like the cache service’s', () => {
    expect(readCacheStats(null)).toBeNull();
    expect(readCacheStats({ store: 'memory' })).toBeNull();
    const stats = { store: 'memory', redis: null, responses: tier, programs: tier, purges: 0, remotePurges: 0 };
    expect(readCacheStats(stats)).toBe(stats);
  });
});

describe('tiered cache stats', () => {
  const memoryOnly = {
    key: (key: string) => `pz:${key}`,
    isReady: () => false,
    attempt: async <T>(_run: unknown, fallback: T) => fallback,
  } as unknown as RedisService;

  it('counts hits and misses and reports a hit ratio and the capacity', async () => {
    const cache = new TieredCache<{ v: number }>({
      namespace: 'r',
      maxEntries: 10,
      ttlMs: 60_000,
      redis: memoryOnly,
      serialize: JSON.stringify,
      deserialize: JSON.parse,
    });
    expect(cache.stats()).toEqual({ size: 0, maxEntries: 10, hits: 0, misses: 0, l2Hits: 0, l2Misses: 0, hitRatio: null });
    expect(await cache.get('a', [])).toBeUndefined();
    await cache.set('a', { v: 1 }, ['t']);
    expect(await cache.get('a', ['t'])).toEqual({ v: 1 });
    expect(await cache.get('a', ['t'])).toEqual({ v: 1 });
    expect(cache.stats()).toEqual({ size: 1, maxEntries: 10, hits: 2, misses: 1, l2Hits: 0, l2Misses: 0, hitRatio: 2 / 3 });
  });
});

describe('settings page: configuration table', () => {
  const config = {
    redis: { keyPrefix: 'pz:' },
    cache: { ttlSec: 300, maxEntries: 10000, cacheControl: 'public, max-age=60' },
    trustedCountryHeader: 'cf-ipcountry',
    defaultTimezone: 'UTC',
    rateLimit: { anonymous: { points: 300, durationSec: 60 }, authenticated: { points: 0, durationSec: 60 } },
    previewUrl: null,
    limits: { conditionBytes: 16384 },
  };

  it('groups the top-level values first, then one section per object, nested keys as dotted paths', () => {
    const sections = configSections(config);
    expect(sections.map((section) => section.key)).toEqual(['general', 'redis', 'cache', 'rateLimit', 'limits']);
    expect(sections[0].rows).toEqual([
      { path: 'trustedCountryHeader', value: 'cf-ipcountry' },
      { path: 'defaultTimezone', value: 'UTC' },
      { path: 'previewUrl', value: undefined },
      { path: 'webhookSecret', value: undefined },
    ]);
    expect(sections[1].rows).toEqual([
      { path: 'redis.keyPrefix', value: 'pz:' },
      { path: 'redis.url', value: undefined },
      { path: 'redis.cluster', value: undefined },
    ]);
    expect(sections[3].rows.map((row) => row.path)).toEqual([
      'rateLimit.anonymous.points',
      'rateLimit.anonymous.durationSec',
      'rateLimit.authenticated.points',
      'rateLimit.authenticated.durationSec',
    ]);
  });

  it('shows a Redis Cluster as its seed nodes count, whether a NAT map is set, TLS and durability, never an address or a secret', () => {
    const cluster = {
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7000 },
        { host: '10.0.0.3', port: 7000 },
      ],
      natMap: { '10.0.0.1:7000': { host: 'cache-a.example', port: 17000 } },
      username: 'pz-app',
      password: 'cluster-s3cret',
      tls: true,
    };
    const [, redis] = configSections({ redis: { cluster, keyPrefix: 'pz:', durability: 'replica' } });
    expect(redis.rows).toEqual([
      { path: 'redis.cluster.nodes', value: 3 },
      { path: 'redis.cluster.natMap', value: true },
      { path: 'redis.cluster.tls', value: true },
      { path: 'redis.cluster.username', value: '********' },
      { path: 'redis.cluster.password', value: '********' },
      { path: 'redis.keyPrefix', value: 'pz:' },
      { path: 'redis.durability', value: 'replica' },
      { path: 'redis.url', value: undefined },
    ]);
    const shown = JSON.stringify(redis.rows);
    for (const hidden of ['10.0.0', 'cache-a', 'pz-app', 'cluster-s3cret']) expect(shown).not.toContain(hidden);
    // No NAT map, no credentials: said so, nothing more.
    const [, plain] = configSections({ redis: { cluster: { nodes: [{ host: 'a', port: 1 }] }, keyPrefix: 'pz:' } });
    expect(plain.rows.filter((row) => row.path.startsWith('redis.cluster'))).toEqual([
      { path: 'redis.cluster.nodes', value: 1 },
      { path: 'redis.cluster.natMap', value: false },
      { path: 'redis.cluster.tls', value: false },
    ]);
  });

  it('never shows a secret, even one the server left unmasked', () => {
    expect(isMasked('********')).toBe(true);
    expect(isMasked('redis://:********@cache:6379')).toBe(true);
    expect(maskedForDisplay('webhookSecret', 'a-very-long-webhook-secret')).toBe('********');
    expect(maskedForDisplay('visitors.secret', 'abc')).toBe('********');
    expect(maskedForDisplay('redis.url', 'redis://user:hunter2@cache:6379/0')).toBe('redis://********:********@cache:6379/0');
    expect(maskedForDisplay('redis.url', 'redis://cache:6379')).toBe('redis://cache:6379');
    expect(maskedForDisplay('cache.ttlSec', 300)).toBe(300);
  });
});
