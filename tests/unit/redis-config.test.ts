import Redis, { Cluster } from 'ioredis';

import { pluginConfigSchema, storageOf } from '../../server/src/config/schema';
import { createRedisConnection, mastersOf } from '../../server/src/platform/redis-client';
import { maskConfig } from '../../server/src/platform/settings-controller';

const cluster = { nodes: [{ host: '10.0.0.5', port: 7000 }, { host: '10.0.0.6', port: 7001 }] };

describe('redis.cluster in the config', () => {
  it('is accepted beside the key prefix, with a NAT map and credentials, and makes `auto` mean redis', () => {
    const config = pluginConfigSchema.parse({
      redis: { cluster: { ...cluster, natMap: { '10.0.0.5:7000': { host: '127.0.0.1', port: 17000 } }, password: 'cluster-s3cret' } },
    });
    expect(config.redis.cluster).toEqual({
      ...cluster,
      natMap: { '10.0.0.5:7000': { host: '127.0.0.1', port: 17000 } },
      password: 'cluster-s3cret',
      tls: false,
    });
    expect(storageOf(config)).toBe('redis');
    expect(JSON.stringify(maskConfig(config))).not.toContain('cluster-s3cret');
  });

  it('refuses a URL and a cluster together, an empty node list, a bad port and storage redis without either', () => {
    for (const redis of [
      { url: 'redis://cache:6379', cluster },
      { cluster: { nodes: [] } },
      { cluster: { nodes: [{ host: 'a', port: 0 }] } },
      { cluster: { ...cluster, natMap: { nohost: { host: 'a', port: 1 } } } },
      { cluster: { ...cluster, extra: true } },
    ]) {
      expect(pluginConfigSchema.safeParse({ redis }).success).toBe(false);
    }
    expect(pluginConfigSchema.safeParse({ storage: 'redis' }).success).toBe(false);
    expect(pluginConfigSchema.safeParse({ storage: 'redis', redis: { cluster } }).success).toBe(true);
  });

  it("takes durability 'none' (the default) or 'replica', with or without Redis configured", () => {
    expect(pluginConfigSchema.parse({}).redis.durability).toBe('none');
    expect(pluginConfigSchema.parse({ redis: { cluster } }).redis.durability).toBe('none');
    expect(pluginConfigSchema.parse({ redis: { cluster, durability: 'replica' } }).redis.durability).toBe('replica');
    expect(pluginConfigSchema.safeParse({ redis: { url: 'redis://cache:6379', durability: 'all' } }).success).toBe(false);
  });

  it('takes a key prefix whose `{` opens a whole hash tag, and no other `{`', () => {
    for (const keyPrefix of ['pz:', 'site}:', '{site}:', '{site}:{x']) {
      expect(pluginConfigSchema.safeParse({ redis: { keyPrefix } }).success).toBe(true);
    }
    for (const keyPrefix of ['a{b:', '{}:', 'x{{y}:']) {
      expect(pluginConfigSchema.safeParse({ redis: { keyPrefix } }).success).toBe(false);
    }
  });
});

describe('createRedisConnection: one factory for one primary and a cluster', () => {
  it('opens nothing without Redis, a Redis for a URL and a Cluster for nodes, lazily', async () => {
    expect(createRedisConnection({}, 'commands', {})).toBeNull();

    const single = createRedisConnection({ url: 'redis://127.0.0.1:1' }, 'bus', { lazyConnect: true })!;
    expect(single).toBeInstanceOf(Redis);
    expect(single.status).toBe('wait');
    expect(mastersOf(single)).toEqual([single]);
    single.disconnect();

    const config = pluginConfigSchema.parse({ redis: { cluster: { ...cluster, password: 'pw' } } });
    const connection = createRedisConnection(config.redis, 'commands', { lazyConnect: true, commandTimeout: 300 })!;
    expect(connection).toBeInstanceOf(Cluster);
    expect(connection.status).toBe('wait');
    const options = (connection as Cluster).options;
    expect(options.enableOfflineQueue).toBe(false);
    expect(options.redisOptions).toMatchObject({ connectionName: 'personalize', password: 'pw', commandTimeout: 300 });
    // Not connected yet: no master known.
    expect(mastersOf(connection)).toEqual([]);
    connection.disconnect();
  });
});
