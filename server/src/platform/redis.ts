import type { Core } from '@strapi/strapi';
import type { RedisOptions } from 'ioredis';

import { getService } from './services';
import { createRedisConnection, mastersOf, type RedisConnection } from './redis-client';
import { redisConfigured } from '../config/schema';

type MessageHandler = (message: unknown) => void;

const COMMAND_TIMEOUT_MS = 300;

const CONNECTION_OPTIONS: RedisOptions = {
  // Fail fast while disconnected: a request must never wait on Redis; the caller falls back.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: COMMAND_TIMEOUT_MS,
  connectTimeout: 2000,
  retryStrategy: (attempt) => Math.min(attempt * 200, 3000),
  lazyConnect: true,
};

/** How often a suspected or logged outage is checked (a PING on each connection). */
const PROBE_MS = 500;
/**
 * How often each instance reads the bus's generation (`<p>bus:gen`, counted up by every message
 * sent): a message it missed (a failover, a dropped subscription) shows as a generation it never
 * received, and it drops what it holds in process as after an outage (docs/design.md, "Storage").
 */
export const GENERATION_POLL_MS = 1000;

/** Failed probes in a row that turn a suspected outage (a command that timed out) into a logged one. */
const PROBES_BEFORE_OUTAGE = 3;
/** How long the first connection may take (ioredis retrying) before it counts as an outage. */
export const CONNECT_GRACE_MS = 5000;

/** ioredis's error for a command past `commandTimeout`: the connection may well be fine. */
const timedOut = (error: Error) => error.message === 'Command timed out';

/**
 * The plugin's Redis connections (ioredis, to one primary or a cluster: `redis-client.ts`): one for
 * commands, one for pub/sub, and one for blocking commands, opened when first asked for. Absent
 * `redis.url` and `redis.cluster`, none is opened and every caller uses the embedded in-process store. An outage is logged once
 * when it starts and once when it ends, never per request; ioredis reconnects by itself.
 *
 * - While the connections are being established (the first attempt in bootstrap, then ioredis's
 *   retries for up to CONNECT_GRACE_MS), nothing is logged; past that, the outage is.
 * - A command that timed out while both connections are up is only a suspicion (an event loop busy
 *   past `commandTimeout`, as at an app's first start, times commands out too): probes confirm it
 *   (PING on both connections) before anything is logged; a probe delayed by the event loop itself
 *   does not count.
 * - Every logged outage is probed until Redis answers again, so "Redis is back" follows every
 *   "Redis unavailable", even when no connection dropped and no request comes.
 */
const createRedisService = ({ strapi }: { strapi: Core.Strapi }) => {
  let client: RedisConnection | null = null;
  let subscriber: RedisConnection | null = null;
  /** For commands that block the connection (WAIT): never the one every request shares. */
  let blocking: RedisConnection | null = null;
  /** `connecting` until both connections first answer (or the grace period ends); `closing` from disconnect() on. */
  let phase: 'idle' | 'connecting' | 'open' | 'closing' = 'idle';
  let down = false;
  let subscribed = false;
  let lastError: Error | null = null;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let probeTimer: ReturnType<typeof setTimeout> | undefined;
  let probing = false;
  let failedProbes = 0;
  /** A command timed out on live connections: probes decide whether that is an outage. */
  let suspected = false;
  const handlers: MessageHandler[] = [];
  const reconnectListeners: (() => void)[] = [];
  let generationTimer: ReturnType<typeof setInterval> | undefined;
  /**
   * The generation up to which this instance heard every message (or caught up by dropping what it
   * held); null before the first poll. Messages heard out of order wait in `early`.
   */
  let seenGeneration: number | null = null;
  const early = new Set<number>();
  /** A newer generation a poll found without its message: missed unless the message arrives before the next poll. */
  let unheardGeneration: number | null = null;
  /** For the Health page: when the last message arrived (epoch ms) and took how long, and the last poll of the generation. */
  let lastMessage: { at: number; lagMs: number | null } | null = null;
  let lastPoll: { at: number; generation: number } | null = null;

  const prefix = () => getService(strapi, 'settings').get().redis.keyPrefix;
  const channel = () => `${prefix()}events`;
  const generationKey = () => `${prefix()}bus:gen`;

  const forgetStale = () => {
    for (const listener of reconnectListeners) listener();
  };

  const heard = (generation: number) => {
    if (seenGeneration === null || generation <= seenGeneration) return;
    early.add(generation);
    while (early.delete(seenGeneration + 1)) seenGeneration += 1;
  };

  const caughtUp = (generation: number) => {
    seenGeneration = generation;
    unheardGeneration = null;
    for (const heardEarly of early) if (heardEarly <= generation) early.delete(heardEarly);
    forgetStale();
  };

  /**
   * One read of the generation. Behind what was heard: the key lost writes in a failover, so
   * messages may have been lost too. Ahead at two polls in a row: a message never came.
   */
  const pollGeneration = async () => {
    const connection = client?.status === 'ready' ? client : null;
    if (!connection || phase !== 'open') return;
    let current: number;
    try {
      current = Number((await connection.get(generationKey())) ?? 0);
    } catch {
      return; // the probes handle outages
    }
    lastPoll = { at: Date.now(), generation: current };
    if (seenGeneration === null) {
      seenGeneration = current;
      return;
    }
    if (current < seenGeneration) {
      strapi.log.info('[personalize] the Redis bus went back (a failover): dropping what this instance holds');
      early.clear();
      caughtUp(current);
      return;
    }
    if (current === seenGeneration) {
      unheardGeneration = null;
      return;
    }
    if (unheardGeneration !== null && seenGeneration < unheardGeneration) {
      strapi.log.info('[personalize] a message of the Redis bus never arrived: dropping what this instance holds');
      caughtUp(current);
      return;
    }
    unheardGeneration = current;
  };

  const bothReady = () => client?.status === 'ready' && subscriber?.status === 'ready';

  const subscribe = async () => {
    await subscriber?.subscribe(channel());
    subscribed = true;
  };

  const scheduleProbe = (delayMs = PROBE_MS) => {
    if (phase !== 'open' && phase !== 'connecting') return;
    if (probeTimer !== undefined) {
      if (delayMs > 0) return;
      clearTimeout(probeTimer);
    }
    probeTimer = setTimeout(() => void probe(), delayMs);
    probeTimer.unref?.();
  };

  const logOutage = (error: Error) => {
    if (down || phase !== 'open') return;
    down = true;
    strapi.log.warn(
      `[personalize] Redis unavailable (${error.message}); serving from the database and the in-process cache until it is back`
    );
    scheduleProbe();
  };

  /** Both connections answer: the end of the connecting phase, or of an outage (logged once). */
  const markUp = () => {
    failedProbes = 0;
    if (phase === 'connecting') {
      phase = 'open';
      clearTimeout(graceTimer);
    }
    if (!down) return;
    down = false;
    strapi.log.info('[personalize] Redis is back');
    // Purges published while we were cut off never reached us: forget what we may hold stale.
    forgetStale();
  };

  /** A failure seen by a command or a connection: an outage, or (a timeout on live connections) a suspicion. */
  const markDown = (error: Error) => {
    lastError = error;
    if (down || phase !== 'open') return;
    if (timedOut(error) && bothReady()) {
      suspected = true;
      scheduleProbe();
      return;
    }
    logOutage(error);
  };

  /** One PING on each connection (and the subscription, if it was lost): healthy, or a failure. */
  async function probe() {
    probeTimer = undefined;
    if ((phase !== 'open' && phase !== 'connecting') || probing) return;
    probing = true;
    try {
      if (!bothReady()) {
        // Reconnecting: ioredis's 'ready' brings the next probe forward.
        logOutage(lastError ?? new Error('connection closed'));
        scheduleProbe();
        return;
      }
      const started = Date.now();
      try {
        await Promise.all([client!.ping(), subscribed ? subscriber!.ping() : subscribe()]);
      } catch (error) {
        lastError = error as Error;
        // A timer that fired late timed the PING out, not Redis: the event loop was busy.
        const lagged = timedOut(lastError) && Date.now() - started > 2 * COMMAND_TIMEOUT_MS;
        if (!lagged) failedProbes += 1;
        if (failedProbes >= PROBES_BEFORE_OUTAGE || !timedOut(lastError)) logOutage(lastError);
        scheduleProbe();
        return;
      }
      if (suspected && !down) strapi.log.debug('[personalize] Redis answers: the command that timed out was no outage');
      suspected = false;
      markUp();
    } finally {
      probing = false;
    }
  }

  const watch = (connection: RedisConnection) => {
    connection.on('error', markDown);
    connection.on('end', () => markDown(new Error('connection closed')));
    connection.on('close', () => {
      if (connection === subscriber) subscribed = false;
      markDown(new Error('connection closed'));
    });
    // Up (again): probe now, which subscribes if need be and ends the connecting phase or the outage.
    connection.on('ready', () => scheduleProbe(0));
  };

  return {
    enabled: () => redisConfigured(getService(strapi, 'settings').get().redis),
    isReady: () => client?.status === 'ready',
    key: (suffix: string) => `${prefix()}${suffix}`,
    /** The command connection whatever its state (for libraries that watch the state themselves). */
    rawClient: (): RedisConnection | null => client,
    /** The command connection, or null when Redis is not configured or not connected now. */
    client: (): RedisConnection | null => (client?.status === 'ready' ? client : null),
    /** The connections to every master (one for a single primary), for what must read every node. */
    masters: () => (client?.status === 'ready' ? mastersOf(client) : []),
    /**
     * The connection for blocking commands (WAIT), opened on first use, never the one requests
     * share; null when Redis is not configured.
     */
    blocking(): RedisConnection | null {
      if (blocking || phase === 'closing') return blocking;
      blocking = createRedisConnection(getService(strapi, 'settings').get().redis, 'blocking', {
        ...CONNECTION_OPTIONS,
        // A WAIT blocks up to its own timeout (storage/redis-store.ts, REPLICA_WAIT_MS).
        commandTimeout: 2000,
        lazyConnect: false,
      });
      // Its failures are the caller's to handle; ioredis reconnects it by itself.
      blocking?.on('error', () => undefined);
      return blocking;
    },

    async connect() {
      const target = getService(strapi, 'settings').get().redis;
      if (!redisConfigured(target) || client) return;
      phase = 'connecting';
      client = createRedisConnection(target, 'commands', CONNECTION_OPTIONS)!;
      subscriber = createRedisConnection(target, 'bus', CONNECTION_OPTIONS)!;
      watch(client);
      watch(subscriber);
      subscriber.on('message', (from: string, text: string) => {
        if (from !== channel()) return;
        let message: unknown;
        try {
          message = JSON.parse(text);
        } catch {
          return;
        }
        const { generation, sentAt } = (message ?? {}) as { generation?: unknown; sentAt?: unknown };
        if (typeof generation === 'number') heard(generation);
        // personalize_bus_lag_seconds: from the publisher's clock to ours (instances' clocks are assumed in sync).
        const receivedAt = Date.now();
        const lagMs = typeof sentAt === 'number' ? Math.max(0, receivedAt - sentAt) : null;
        lastMessage = { at: receivedAt, lagMs };
        if (lagMs !== null) getService(strapi, 'metrics').busLag(lagMs / 1000);
        for (const handler of handlers) handler(message);
      });
      // Durable writes have their connection ready before the first batch.
      if (target.durability === 'replica') this.blocking();
      generationTimer = setInterval(() => void pollGeneration(), GENERATION_POLL_MS);
      generationTimer.unref?.();
      try {
        await Promise.all([client.connect(), subscriber.connect()]);
        await subscribe();
        markUp();
      } catch (error) {
        // Still being established: ioredis retries, and each 'ready' probes. Not up within the
        // grace period, it is an outage like any other (logged, not a reason to stop).
        lastError = error as Error;
        graceTimer = setTimeout(() => {
          if (phase !== 'connecting') return;
          phase = 'open';
          markDown(lastError ?? new Error('connection closed'));
        }, CONNECT_GRACE_MS);
        graceTimer.unref?.();
        scheduleProbe();
      }
    },

    /**
     * Sends a message to every instance (this one included) on the plugin's channel, with the bus's
     * next generation, so an instance that misses it (pub/sub is at most once) finds out by polling.
     */
    async publish(message: object): Promise<boolean> {
      const connection = client?.status === 'ready' ? client : null;
      if (!connection) return false;
      try {
        const generation = await connection.incr(generationKey());
        heard(generation);
        await connection.publish(channel(), JSON.stringify({ ...message, generation, sentAt: Date.now() }));
        return true;
      } catch (error) {
        markDown(error as Error);
        return false;
      }
    },

    /**
     * The bus as the Health page shows it: the subscription live or not, the last message heard
     * (when, and how long after it was sent) and the last read of the generation key. Null when
     * Redis is not configured.
     */
    busState() {
      if (!client) return null;
      return {
        subscribed: subscribed && subscriber?.status === 'ready',
        lastMessageAt: lastMessage ? new Date(lastMessage.at).toISOString() : null,
        lastLagMs: lastMessage?.lagMs ?? null,
        generation: lastPoll?.generation ?? null,
        polledAt: lastPoll ? new Date(lastPoll.at).toISOString() : null,
      };
    },

    onMessage(handler: MessageHandler) {
      handlers.push(handler);
    },

    onReconnect(listener: () => void) {
      reconnectListeners.push(listener);
    },

    /** Runs a command; any Redis failure becomes `fallback` (and marks the outage). */
    async attempt<T>(operation: (connection: RedisConnection) => Promise<T>, fallback: T): Promise<T> {
      const connection = client?.status === 'ready' ? client : null;
      if (!connection) return fallback;
      try {
        const result = await operation(connection);
        if (down) scheduleProbe(0); // a command timed out earlier but the connection held: confirm both
        return result;
      } catch (error) {
        markDown(error as Error);
        return fallback;
      }
    },

    async disconnect() {
      phase = 'closing';
      clearTimeout(probeTimer);
      clearTimeout(graceTimer);
      clearInterval(generationTimer);
      probeTimer = undefined;
      const connections = [client, subscriber, blocking].filter(
        (connection): connection is RedisConnection => connection !== null
      );
      client = null;
      subscriber = null;
      blocking = null;
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
