import type { Core } from '@strapi/strapi';
import Redis, { type RedisOptions } from 'ioredis';

import { getService } from './services';

type MessageHandler = (message: unknown) => void;

const CONNECTION_OPTIONS: RedisOptions = {
  // Fail fast while disconnected: a request must never wait on Redis; the caller falls back.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 300,
  connectTimeout: 2000,
  retryStrategy: (attempt) => Math.min(attempt * 200, 3000),
  lazyConnect: true,
};

/**
 * The plugin's Redis connections (ioredis): one for commands, one for pub/sub. Absent `redis.url`,
 * none is opened and every caller uses the embedded in-process store. An outage is logged once
 * when it starts and once when it ends, never per request; ioredis reconnects by itself.
 */
const createRedisService = ({ strapi }: { strapi: Core.Strapi }) => {
  let client: Redis | null = null;
  let subscriber: Redis | null = null;
  let down = false;
  let closing = false;
  const handlers: MessageHandler[] = [];
  const reconnectListeners: (() => void)[] = [];

  const prefix = () => getService(strapi, 'settings').get().redis.keyPrefix;
  const channel = () => `${prefix()}events`;

  const markDown = (error: Error) => {
    if (down || closing) return;
    down = true;
    strapi.log.warn(
      `[personalize] Redis unavailable (${error.message}); serving from the database and the in-process cache until it is back`
    );
  };

  const markUp = () => {
    if (!down) return;
    down = false;
    strapi.log.info('[personalize] Redis is back');
    // Purges published while we were cut off never reached us: forget what we may hold stale.
    for (const listener of reconnectListeners) listener();
  };

  const watch = (connection: Redis) => {
    connection.on('error', markDown);
    connection.on('end', () => markDown(new Error('connection closed')));
    connection.on('close', () => markDown(new Error('connection closed')));
    connection.on('ready', markUp);
  };

  return {
    enabled: () => Boolean(getService(strapi, 'settings').get().redis.url),
    isReady: () => client?.status === 'ready',
    key: (suffix: string) => `${prefix()}${suffix}`,
    /** The command connection whatever its state (for libraries that watch the state themselves). */
    rawClient: (): Redis | null => client,
    /** The command connection, or null when Redis is not configured or not connected now. */
    client: (): Redis | null => (client?.status === 'ready' ? client : null),

    async connect() {
      const { url } = getService(strapi, 'settings').get().redis;
      if (!url || client) return;
      client = new Redis(url, { ...CONNECTION_OPTIONS, connectionName: 'personalize' });
      subscriber = new Redis(url, { ...CONNECTION_OPTIONS, connectionName: 'personalize-sub' });
      watch(client);
      watch(subscriber);
      subscriber.on('ready', () => {
        subscriber?.subscribe(channel()).catch((error: Error) => markDown(error));
      });
      subscriber.on('message', (from: string, text: string) => {
        if (from !== channel()) return;
        let message: unknown;
        try {
          message = JSON.parse(text);
        } catch {
          return;
        }
        for (const handler of handlers) handler(message);
      });
      // Not being able to connect at startup is an outage like any other, not a reason to stop.
      await Promise.all([client.connect(), subscriber.connect()]).catch((error: Error) => markDown(error));
    },

    /** Sends a message to every instance (this one included) on the plugin's channel. */
    async publish(message: unknown): Promise<boolean> {
      const connection = client?.status === 'ready' ? client : null;
      if (!connection) return false;
      try {
        await connection.publish(channel(), JSON.stringify(message));
        return true;
      } catch (error) {
        markDown(error as Error);
        return false;
      }
    },

    onMessage(handler: MessageHandler) {
      handlers.push(handler);
    },

    onReconnect(listener: () => void) {
      reconnectListeners.push(listener);
    },

    /** Runs a command; any Redis failure becomes `fallback` (and marks the outage). */
    async attempt<T>(operation: (connection: Redis) => Promise<T>, fallback: T): Promise<T> {
      const connection = client?.status === 'ready' ? client : null;
      if (!connection) return fallback;
      try {
        const result = await operation(connection);
        if (down) markUp(); // a command timed out earlier but the connection held
        return result;
      } catch (error) {
        markDown(error as Error);
        return fallback;
      }
    },

    async disconnect() {
      closing = true;
      const connections = [client, subscriber].filter((connection): connection is Redis => connection !== null);
      client = null;
      subscriber = null;
      // QUIT on a live connection; a connection that is down is dropped at once, which also cancels
      // its pending reconnect (a queued QUIT would keep the process alive until the next attempt).
      await Promise.all(
        connections.map((connection) =>
          connection.status === 'ready' ? connection.quit().catch(() => connection.disconnect()) : connection.disconnect()
        )
      );
    },
  };
};

export type RedisService = ReturnType<typeof createRedisService>;
export default createRedisService;
