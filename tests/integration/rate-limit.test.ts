import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

import Redis from 'ioredis';
import request from 'supertest';

import pluginConfig from '../../server/src/config';
import { createApiToken } from '../helpers/auth';
import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { MOBILE_UA } from '../helpers/user-agents';

const REDIS_URL = 'redis://127.0.0.1:6379';
// This file's own key prefix on the shared Redis.
const prefix = `pz-test-rl-${randomUUID().slice(0, 8)}:`;

interface App {
  app: TestStrapi;
  /** http://127.0.0.1:<port>: one listening server, so requests can run in parallel. */
  url: string;
  documentId: string;
}

const boot = async (rateLimit: object, env: Record<string, string> = {}): Promise<App> => {
  const app = await setupStrapi({ env: { PERSONALIZE_CONFIG: JSON.stringify({ rateLimit }), ...env } });
  await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  const { documentId } = await createArticle(app.strapi, { title: 'Rate limits', variants: { variants: [mobileQuickExit] } });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, documentId };
};

type Headers = Record<string, string>;

const signals = (target: App, headers: Headers = {}) => request(target.url).get('/api/personalize/signals').set(headers);

const resolve = (target: App, headers: Headers = {}) =>
  request(target.url)
    .post('/api/personalize/resolve')
    .set({ 'User-Agent': MOBILE_UA, ...headers })
    .send({ uid: ARTICLE_UID, documentId: target.documentId, signals: { behavior: { dwellSec: 3 } } });

/** Sends `total` requests, `batch` at a time in parallel; returns every status. */
const inBatches = async (total: number, batch: number, send: (index: number) => Promise<request.Response>) => {
  const statuses: number[] = [];
  for (let start = 0; start < total; start += batch) {
    const responses = await Promise.all(Array.from({ length: Math.min(batch, total - start) }, (_, offset) => send(start + offset)));
    statuses.push(...responses.map((response) => response.status));
  }
  return statuses;
};

const count = (statuses: number[], status: number) => statuses.filter((value) => value === status).length;

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const bogusToken = () => bearer(randomBytes(64).toString('hex'));

const expectRateLimited = (response: request.Response, durationSec: number) => {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(durationSec);
  expect(response.body).toMatchObject({ data: null, error: { status: 429, name: 'RateLimitError' } });
};

/** A users-permissions user and its JWT. */
const createUserJwt = async (strapi: TestStrapi['strapi']) => {
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  const name = `reader-${randomUUID().slice(0, 8)}`;
  const user = await strapi
    .plugin('users-permissions')
    .service('user')
    .add({ username: name, email: `${name}@example.com`, password: 'Password123!', provider: 'local', confirmed: true, role: role.id });
  return (await strapi.plugin('users-permissions').service('jwt').issue({ id: user.id })) as string;
};

describe('config', () => {
  const settingsOf = (config: object) => pluginConfig.validator(config);

  it('accepts { anonymous, authenticated } and the former { points, durationSec }', () => {
    expect(() => settingsOf({ rateLimit: { anonymous: { points: 20 }, authenticated: { points: 30, durationSec: 10 } } })).not.toThrow();
    expect(() => settingsOf({ rateLimit: { points: 5, durationSec: 60 } })).not.toThrow();
  });

  it('names the key of an invalid value', () => {
    expect(() => settingsOf({ rateLimit: { anonymous: { points: -1 } } })).toThrow(/rateLimit\.anonymous\.points/);
    expect(() => settingsOf({ rateLimit: { authenticated: { durationSec: 0 } } })).toThrow(/rateLimit\.authenticated\.durationSec/);
    expect(() => settingsOf({ rateLimit: { points: 'many' } })).toThrow(/rateLimit\.points/);
    expect(() => settingsOf({ rateLimit: { points: 5, anonymous: { points: 5 } } })).toThrow(/rateLimit: use \{ anonymous, authenticated \}/);
  });
});

describe('in memory, server.proxy off: anonymous 20 a minute, authenticated unlimited (the default)', () => {
  let target: App;

  beforeAll(async () => {
    target = await boot({ anonymous: { points: 20, durationSec: 60 } });
  });

  afterAll(async () => {
    await target?.app.destroy();
  });

  it('limits anonymous callers per IP, X-Forwarded-For ignored', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1) statuses.push((await signals(target, { 'X-Forwarded-For': `203.0.113.${i + 1}` })).status);
    expect(statuses).toEqual(Array(20).fill(200));
    expectRateLimited(await signals(target, { 'X-Forwarded-For': '203.0.113.99' }), 60);
    // One budget for all the public routes.
    expectRateLimited(await resolve(target), 60);
  });

  it('never limits a read-only API token calling from that same IP', async () => {
    const token = await createApiToken(target.app.strapi, 'read-only');
    const statuses = await inBatches(300, 30, () => resolve(target, bearer(token)));
    expect(count(statuses, 429)).toBe(0);
    expect(statuses).toEqual(Array(300).fill(200));
    const variant = await resolve(target, bearer(token));
    expect(variant.body.meta.personalize.variant).toBe('v_quick_exit');
    expect((await signals(target, bearer(token))).status).toBe(200);
  });

  it('never limits a users-permissions user (JWT) either', async () => {
    const jwt = await createUserJwt(target.app.strapi);
    const statuses = await inBatches(60, 20, () => signals(target, bearer(jwt)));
    expect(statuses).toEqual(Array(60).fill(200));
  });

  it('counts a bogus bearer token, or a non-bearer Authorization, against the IP', async () => {
    expectRateLimited(await signals(target, bogusToken()), 60);
    expectRateLimited(await resolve(target, bogusToken()), 60);
    expectRateLimited(await signals(target, { Authorization: 'Basic dXNlcjpwYXNz' }), 60);
  });
});

describe('in memory, server.proxy on: anonymous 20 a minute, authenticated 30 a minute', () => {
  let target: App;

  beforeAll(async () => {
    target = await boot({ anonymous: { points: 20, durationSec: 60 }, authenticated: { points: 30, durationSec: 60 } }, { PLAYGROUND_PROXY: 'true' });
  });

  afterAll(async () => {
    await target?.app.destroy();
  });

  const from = (ip: string, headers: Headers = {}) => ({ 'X-Forwarded-For': ip, ...headers });

  it('takes the client IP from X-Forwarded-For', async () => {
    const statuses = await inBatches(20, 10, () => signals(target, from('198.51.100.1')));
    expect(statuses).toEqual(Array(20).fill(200));
    expectRateLimited(await signals(target, from('198.51.100.1')), 60);
    expect((await signals(target, from('198.51.100.2'))).status).toBe(200);
  });

  it('counts requests with bogus bearer tokens against their IP', async () => {
    const statuses = await inBatches(20, 10, () => signals(target, from('198.51.100.3', bogusToken())));
    expect(statuses).toEqual(Array(20).fill(200));
    expectRateLimited(await signals(target, from('198.51.100.3', bogusToken())), 60);
    expectRateLimited(await signals(target, from('198.51.100.3')), 60);
    // Resolve rejects the token itself (401) while the IP has budget left.
    expect((await resolve(target, from('198.51.100.4', bogusToken()))).status).toBe(401);
    expect((await signals(target, from('198.51.100.5'))).status).toBe(200);
  });

  it('enforces the authenticated budget per credential, whatever the IP, each its own', async () => {
    const first = await createApiToken(target.app.strapi, 'read-only');
    const second = await createApiToken(target.app.strapi, 'read-only');

    const statuses = await inBatches(30, 10, (i) => resolve(target, from(`192.0.2.${i + 1}`, bearer(first))));
    expect(statuses).toEqual(Array(30).fill(200));
    expectRateLimited(await resolve(target, from('192.0.2.200', bearer(first))), 60);
    expectRateLimited(await signals(target, from('192.0.2.201', bearer(first))), 60);

    // The second token, from the same IPs, has a budget of its own; so have anonymous callers.
    const others = await inBatches(30, 10, (i) => resolve(target, from(`192.0.2.${i + 1}`, bearer(second))));
    expect(others).toEqual(Array(30).fill(200));
    expectRateLimited(await resolve(target, from('192.0.2.1', bearer(second))), 60);
    expect((await signals(target, from('192.0.2.1'))).status).toBe(200);
  });

  it('gives a users-permissions user its own authenticated budget', async () => {
    const jwt = await createUserJwt(target.app.strapi);
    const statuses = await inBatches(30, 10, () => signals(target, from('192.0.2.50', bearer(jwt))));
    expect(statuses).toEqual(Array(30).fill(200));
    expectRateLimited(await signals(target, from('192.0.2.51', bearer(jwt))), 60);
  });

  it('stops counting a token as a credential once it is deleted', async () => {
    const service = target.app.strapi.service('admin::api-token');
    const created = await service.create({ name: `revoked-${randomUUID()}`, type: 'read-only', lifespan: null });
    const token = created.accessKey as string;
    for (let i = 0; i < 3; i += 1) expect((await signals(target, from('192.0.2.60', bearer(token)))).status).toBe(200);
    await service.revoke(created.id);
    // Now an invalid credential: it counts against the IP (20), not a budget of its own (30).
    const statuses = await inBatches(21, 7, () => signals(target, from('192.0.2.61', bearer(token))));
    expect(count(statuses, 200)).toBe(20);
    expect(count(statuses, 429)).toBe(1);
  });
});

describe('the former rateLimit: { points, durationSec }', () => {
  let target: App;

  beforeAll(async () => {
    target = await boot({ points: 5, durationSec: 60 });
  });

  afterAll(async () => {
    await target?.app.destroy();
  });

  it('still limits anonymous callers, and only them', async () => {
    expect(target.app.strapi.plugin('personalize').service('settings').get().rateLimit).toEqual({
      anonymous: { points: 5, durationSec: 60 },
      authenticated: { points: 0, durationSec: 60 },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await signals(target)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expectRateLimited(await signals(target), 60);

    const token = await createApiToken(target.app.strapi, 'read-only');
    expect(await inBatches(50, 25, () => resolve(target, bearer(token)))).toEqual(Array(50).fill(200));
  });
});

describe('in Redis', () => {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  let target: App;

  beforeAll(async () => {
    await redis.connect();
    target = await boot({ anonymous: { points: 20, durationSec: 60 } }, { REDIS_URL, REDIS_KEY_PREFIX: prefix });
    const redisService = target.app.strapi.plugin('personalize').service('redis');
    const deadline = Date.now() + 10_000;
    while (!redisService.isReady()) {
      if (Date.now() > deadline) throw new Error('Redis not ready');
      await new Promise((done) => setTimeout(done, 50));
    }
  });

  afterAll(async () => {
    await target?.app.destroy();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('limits anonymous callers per IP', async () => {
    const statuses = await inBatches(20, 10, () => signals(target));
    expect(statuses).toEqual(Array(20).fill(200));
    expectRateLimited(await signals(target), 60);
    expect((await redis.keys(`${prefix}rl:*`)).length).toBe(1);
  });

  it('never limits a read-only API token from that IP, and counts nothing for it', async () => {
    const token = await createApiToken(target.app.strapi, 'read-only');
    const statuses = await inBatches(300, 30, () => resolve(target, bearer(token)));
    expect(statuses).toEqual(Array(300).fill(200));
    expect(await redis.keys(`${prefix}rl-auth:*`)).toEqual([]);
    expectRateLimited(await signals(target, bogusToken()), 60);
  });
});
