/**
 * What the settings page shows, computed from `GET /personalize/settings`: cache figures read at a
 * glance and the active configuration as labelled rows. Pure, so it is unit-tested.
 */

import { looksLikeUrl, maskUrlSecrets, SECRET_MASK } from '../../../contracts/src/secrets';

/** One tier pair (L1 LRU in front of Redis) as `TieredCache.stats()` reports it. */
export interface TierStatsView {
  size: number;
  maxEntries?: number;
  hits: number;
  misses: number;
  l2Hits: number;
  l2Misses: number;
  hitRatio?: number | null;
}

/** The cache service's `stats()`. */
export interface CacheStatsView {
  store: 'redis' | 'memory';
  redis: { connected: boolean } | null;
  responses: TierStatsView;
  programs: TierStatsView;
  purges: number;
  remotePurges: number;
  compiledConditions?: number;
}

export type RedisState = 'connected' | 'disconnected' | 'not-configured';

export const redisState = (cache: Pick<CacheStatsView, 'redis'>): RedisState =>
  cache.redis === null || cache.redis === undefined ? 'not-configured' : cache.redis.connected ? 'connected' : 'disconnected';

/** Lookups answered from cache (either tier) and lookups that went to the database. */
export const tierOutcomes = (tier: TierStatsView) => ({
  served: tier.hits + tier.l2Hits,
  missed: Math.max(0, tier.misses - tier.l2Hits),
});

/** Share of lookups served from cache, either tier; null before any lookup. */
export const hitRatio = (tier: TierStatsView): number | null => {
  if (typeof tier.hitRatio === 'number' || tier.hitRatio === null) return tier.hitRatio;
  const lookups = tier.hits + tier.misses;
  return lookups === 0 ? null : (tier.hits + tier.l2Hits) / lookups;
};

/** A cache stats value as the server sent it, or null when it does not look like one. */
export const readCacheStats = (value: unknown): CacheStatsView | null => {
  if (typeof value !== 'object' || value === null) return null;
  const stats = value as Partial<CacheStatsView>;
  const tierOk = (tier: unknown) => typeof tier === 'object' && tier !== null && typeof (tier as TierStatsView).size === 'number';
  return tierOk(stats.responses) && tierOk(stats.programs) ? (stats as CacheStatsView) : null;
};

export interface ConfigRow {
  /** Dotted path from the config's root, e.g. `cache.ttlSec`. */
  path: string;
  /** `undefined`: an optional setting left unset. */
  value: unknown;
}

export interface ConfigSection {
  /** `general` for the top-level scalars, else the top-level key. */
  key: string;
  rows: ConfigRow[];
}

/** Optional settings shown as "not set" when absent (the server omits them, or sends null). */
export const OPTIONAL_SETTINGS = ['redis.url', 'redis.cluster', 'trustedCountryHeader', 'webhookSecret', 'previewUrl'];

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const flatten = (value: Record<string, unknown>, prefix: string): ConfigRow[] =>
  Object.entries(value).flatMap(([key, item]) =>
    isPlainObject(item) && Object.keys(item).length > 0 ? flatten(item, `${prefix}${key}.`) : [{ path: `${prefix}${key}`, value: item }]
  );

/**
 * `redis.cluster` as the page shows it: how many seed nodes, whether a NAT map is set, TLS, and
 * whether credentials are set (masked); never the addresses nor a secret.
 */
export const clusterSummary = (cluster: Record<string, unknown>): Record<string, unknown> => {
  const { nodes, natMap, tls, username, password } = cluster;
  return {
    nodes: Array.isArray(nodes) ? nodes.length : 0,
    natMap: isPlainObject(natMap) && Object.keys(natMap).length > 0,
    tls: tls === true,
    ...(username ? { username: SECRET_MASK } : {}),
    ...(password ? { password: SECRET_MASK } : {}),
  };
};

/**
 * The configuration as sections of rows: the top-level scalars first ("general"), then one section
 * per top-level object in the config's order, nested objects flattened into dotted paths
 * (`redis.cluster` summarized, see clusterSummary).
 */
export const configSections = (config: Record<string, unknown>, optional: readonly string[] = OPTIONAL_SETTINGS): ConfigSection[] => {
  const sections = new Map<string, ConfigRow[]>([['general', []]]);
  for (const [key, value] of Object.entries(config)) {
    if (!isPlainObject(value)) sections.get('general')!.push({ path: key, value });
    else if (key === 'redis' && isPlainObject(value.cluster)) sections.set(key, flatten({ ...value, cluster: clusterSummary(value.cluster) }, 'redis.'));
    else sections.set(key, flatten(value, `${key}.`));
  }
  for (const path of optional) {
    const [head, ...rest] = path.split('.');
    const section = rest.length ? head : 'general';
    if (!sections.has(section)) sections.set(section, []);
    const rows = sections.get(section)!;
    const row = rows.find((item) => item.path === path);
    // A set object (`redis.cluster`) shows as its own rows.
    if (!row && rows.some((item) => item.path.startsWith(`${path}.`))) continue;
    if (!row) rows.push({ path, value: undefined });
    else if (row.value === null) row.value = undefined;
  }
  return [...sections].filter(([, rows]) => rows.length > 0).map(([key, rows]) => ({ key, rows }));
};

/** The server's mask for secrets (contracts/src/secrets.ts, used by the admin-settings controller). */
export { SECRET_MASK };

/** True for a value the server masked: a secret, or a URL with its secrets masked. */
export const isMasked = (value: unknown) => typeof value === 'string' && value.includes(SECRET_MASK);

const SECRET_PATH = /(secret|password|token|apikey|api_key)$/i;

/** Belt and braces: a secret the server did not mask is never shown as is (the server's helper, again). */
export const maskedForDisplay = (path: string, value: unknown): unknown => {
  if (typeof value !== 'string' || value === '' || value === SECRET_MASK) return value;
  if (SECRET_PATH.test(path)) return SECRET_MASK;
  return looksLikeUrl(value) ? maskUrlSecrets(value) : value;
};
