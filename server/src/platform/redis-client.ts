import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';

import type { PluginConfig } from '../config/schema';

/**
 * A connection to Redis: one primary (`redis.url`) or a Redis Cluster (`redis.cluster`). The rest of
 * the plugin takes this type and uses only what both have, so there is one code path for both
 * (docs/design.md, "Storage"): every command names keys of one slot, and what must reach every
 * node (a SCAN) goes through `mastersOf`.
 */
export type RedisConnection = Redis | Cluster;

export type RedisTarget = Pick<PluginConfig['redis'], 'url' | 'cluster'>;

/** What each connection the plugin opens is for: its CLIENT SETNAME, and whether it may block. */
export type ConnectionRole = 'commands' | 'bus' | 'blocking';

const CONNECTION_NAMES: Record<ConnectionRole, string> = {
  commands: 'personalize',
  bus: 'personalize-sub',
  blocking: 'personalize-wait',
};

/**
 * Opens (lazily: call `connect()`) a connection of the given role to what the config names, or null
 * when Redis is not configured. `options` are ioredis's per-node options (timeouts, retries); a
 * cluster applies them to every node's connection, and adds its own: no offline queue (a request
 * must never wait on Redis), slots refreshed on a MOVED, and the NAT map.
 */
export const createRedisConnection = (
  target: RedisTarget,
  role: ConnectionRole,
  options: RedisOptions
): RedisConnection | null => {
  const connectionName = CONNECTION_NAMES[role];
  if (target.url) return new Redis(target.url, { ...options, connectionName });
  const { cluster } = target;
  if (!cluster) return null;
  const redisOptions: RedisOptions = {
    ...options,
    connectionName,
    ...(cluster.username ? { username: cluster.username } : {}),
    ...(cluster.password ? { password: cluster.password } : {}),
    ...(cluster.tls ? { tls: {} } : {}),
  };
  const clusterOptions: ClusterOptions = {
    redisOptions,
    lazyConnect: options.lazyConnect ?? true,
    enableOfflineQueue: options.enableOfflineQueue ?? false,
    // Commands get this many MOVED/ASK redirections (a failover, a resharding) before failing.
    maxRedirections: 16,
    // After a node is lost, wait this long for the replica's promotion before a command's retry.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    slotsRefreshTimeout: 2000,
    clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 3000),
    ...(cluster.natMap ? { natMap: cluster.natMap } : {}),
  };
  return new Cluster(cluster.nodes, clusterOptions);
};

/** Is this connection a cluster's? */
export const isCluster = (connection: RedisConnection): connection is Cluster => connection instanceof Cluster;

/**
 * The connections to every master: one for a single primary. What reads every key of a pattern
 * (SCAN) must ask each, since a cluster's SCAN answers for one node only.
 */
export const mastersOf = (connection: RedisConnection): Redis[] =>
  isCluster(connection) ? connection.nodes('master') : [connection];
