/**
 * The Redis connection's log lines (platform/redis.ts): no "unavailable" warning while the connection
 * is still being established or when a busy event loop times a command out, and a recovery line after
 * every warning, even with no request to notice it. The service runs against the shared Redis
 * through a TCP proxy that cuts or slows this test's connections only.
 */
import type { Core } from '@strapi/strapi';

import createRedisService, { CONNECT_GRACE_MS } from '../../server/src/platform/redis';
import { createTcpProxy } from '../helpers/tcp-proxy';

const REDIS_PORT = 6379;
const UNAVAILABLE = /Redis unavailable/;
const BACK = /Redis is back/;

type Proxy = Awaited<ReturnType<typeof createTcpProxy>>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const waitFor = async (check: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
};

/** The app's event loop busy with something else (as at an app's first start) for `ms`. */
const busy = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
};

/** The Redis service with what it needs of Strapi: the settings and a logger that records. */
const serviceThrough = (proxy: Proxy) => {
  const lines: { level: 'warn' | 'info'; message: string }[] = [];
  const settings = { get: () => ({ redis: { url: `redis://127.0.0.1:${proxy.port}`, keyPrefix: 'pz-test-conn:' } }) };
  const strapi = {
    plugin: () => ({ service: () => settings }),
    log: {
      warn: (message: string) => lines.push({ level: 'warn', message }),
      info: (message: string) => lines.push({ level: 'info', message }),
      debug: () => undefined,
      error: () => undefined,
    },
  } as unknown as Core.Strapi;
  const redis = createRedisService({ strapi });
  const count = (pattern: RegExp) => lines.filter((line) => pattern.test(line.message)).length;
  return { redis, lines, count };
};

describe('the Redis connection, through a proxy', () => {
  let proxy: Proxy;
  let service: ReturnType<typeof serviceThrough>;

  beforeEach(async () => {
    proxy = await createTcpProxy(REDIS_PORT);
    service = serviceThrough(proxy);
  });

  afterEach(async () => {
    await service.redis.disconnect();
    await proxy.close();
  });

  it('logs nothing while the first connection is still being established, however slow', async () => {
    // Answers 400 ms late: the handshake's ready check times out (commandTimeout 300 ms) and ioredis retries.
    proxy.delay(400);
    const connecting = service.redis.connect();
    setTimeout(() => proxy.delay(0), 1500);
    await connecting;
    await waitFor(() => service.redis.isReady());
    await sleep(1500);
    expect(service.lines).toEqual([]);
    expect(await service.redis.attempt((connection) => connection.ping(), 'fallback')).toBe('PONG');
  });

  it('takes a command timed out by a busy event loop for no outage', async () => {
    await service.redis.connect();
    const pending = service.redis.attempt((connection) => connection.get('pz-test-conn:nothing'), 'fallback');
    busy(800);
    expect(await pending).toBe('fallback');
    await sleep(2000);
    expect(service.lines).toEqual([]);
    expect(await service.redis.attempt((connection) => connection.ping(), 'fallback')).toBe('PONG');
  });

  it('logs a Redis that keeps timing out once, and its recovery once it answers, with no request', async () => {
    await service.redis.connect();
    proxy.delay(400);
    expect(await service.redis.attempt((connection) => connection.get('pz-test-conn:nothing'), 'fallback')).toBe('fallback');
    await waitFor(() => service.count(UNAVAILABLE) === 1);
    proxy.delay(0);
    // No request comes: the recovery line is the service's own finding.
    await waitFor(() => service.count(BACK) === 1);
    await sleep(1000);
    expect(service.lines.map((line) => line.level)).toEqual(['warn', 'info']);
    expect(service.lines[0].message).toMatch(/Redis unavailable \(Command timed out\)/);
  });

  it('logs a dropped connection once, and its recovery once', async () => {
    await service.redis.connect();
    await proxy.cut();
    await waitFor(() => service.count(UNAVAILABLE) === 1);
    await sleep(1000);
    await proxy.restore();
    await waitFor(() => service.count(BACK) === 1);
    await sleep(1000);
    expect(service.lines.map((line) => line.level)).toEqual(['warn', 'info']);
  });

  it('logs a Redis unreachable at startup past the grace period only, then its recovery', async () => {
    await proxy.cut();
    const started = Date.now();
    await service.redis.connect();
    await sleep(1000);
    expect(service.lines).toEqual([]);
    await waitFor(() => service.count(UNAVAILABLE) === 1, CONNECT_GRACE_MS + 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(CONNECT_GRACE_MS);
    await proxy.restore();
    await waitFor(() => service.count(BACK) === 1);
    await sleep(500);
    expect(service.lines.map((line) => line.level)).toEqual(['warn', 'info']);
    expect(await service.redis.attempt((connection) => connection.ping(), 'fallback')).toBe('PONG');
  }, 30_000);
});
