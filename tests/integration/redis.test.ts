import { randomUUID } from 'node:crypto';

import Redis from 'ioredis';
import request from 'supertest';

import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { startStrapiProcess, freePort, type StrapiProcess } from '../helpers/strapi-process';
import { createTcpProxy } from '../helpers/tcp-proxy';
import { MOBILE_UA } from '../helpers/user-agents';

const REDIS_PORT = 6379;
// Each test file works under its own key prefix on the shared Redis.
const prefix = `pz-test-${randomUUID().slice(0, 8)}:`;
const redis = new Redis(REDIS_PORT, '127.0.0.1', { lazyConnect: true });

const waitFor = async (check: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const body = (documentId: string) => ({ uid: ARTICLE_UID, documentId, signals: { behavior: { dwellSec: 3 } } });

beforeAll(async () => {
  await redis.connect();
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('two instances on one database and one Redis', () => {
  let first: TestStrapi;
  let second: StrapiProcess;

  beforeAll(async () => {
    first = await setupStrapi({ env: { REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`, REDIS_KEY_PREFIX: prefix } });
    await grantPublic(first.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
    second = await startStrapiProcess({
      DATABASE_FILENAME: process.env.DATABASE_FILENAME!,
      REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`,
      REDIS_KEY_PREFIX: prefix,
    });
  }, 180_000);

  afterAll(async () => {
    await second?.stop();
    await first?.destroy();
  });

  it('shares resolved entries through Redis (L2)', async () => {
    const { documentId } = await createArticle(first.strapi, { title: 'Shared', variants: { variants: [mobileQuickExit] } });
    const fromFirst = await request(first.server).post('/api/personalize/resolve').set('User-Agent', MOBILE_UA).send(body(documentId));
    expect(fromFirst.status).toBe(200);
    const keys = await redis.keys(`${prefix}r:*${documentId}*`);
    expect(keys.length).toBe(1);

    const fromSecond = await request(second.url).post('/api/personalize/resolve').set('User-Agent', MOBILE_UA).send(body(documentId));
    expect(fromSecond.status).toBe(200);
    expect(fromSecond.headers.etag).toBe(fromFirst.headers.etag);
    expect(fromSecond.body.data.title).toBe('Still deciding? Here is 10% off');
  });

  it('serves a publish on one instance fresh from the other', async () => {
    const { documentId } = await createArticle(first.strapi, { title: 'Before', variants: { variants: [] } });
    // Warm the second instance's in-process cache (and Redis).
    for (let i = 0; i < 2; i += 1) {
      const warm = await request(second.url).post('/api/personalize/resolve').send(body(documentId));
      expect(warm.body.data.title).toBe('Before');
    }
    await first.strapi.documents(ARTICLE_UID).update({ documentId, locale: 'en', data: { title: 'After' } as never });
    await first.strapi.documents(ARTICLE_UID).publish({ documentId, locale: 'en' });

    await waitFor(async () => {
      const fresh = await request(second.url).post('/api/personalize/resolve').send(body(documentId));
      return fresh.body.data?.title === 'After';
    }, 5000);
    expect((await redis.keys(`${prefix}r:*${documentId}*`)).length).toBeLessThanOrEqual(1);
  });

  it('applies audience changes made on one instance on the other', async () => {
    const audience = await first.strapi.documents('plugin::personalize.audience').create({
      data: { name: 'Weekenders', key: 'weekenders', condition: { '==': [1, 1] } } as never,
    });
    const { documentId } = await createArticle(first.strapi, {
      title: 'Audience',
      variants: { variants: [{ id: 'v_aud', name: 'Aud', condition: { audience: 'weekenders' }, overrides: { cta: 'Audience!' } }] },
    });
    await waitFor(async () => (await request(second.url).post('/api/personalize/resolve').send(body(documentId))).body.data?.cta === 'Audience!');
    await first.strapi.documents('plugin::personalize.audience').update({
      documentId: audience.documentId,
      data: { condition: { '==': [1, 2] } } as never,
    });
    await waitFor(async () => (await request(second.url).post('/api/personalize/resolve').send(body(documentId))).body.meta?.personalize.variant === null);
  });
});

describe('Redis outages', () => {
  it('keeps serving when Redis is down at start, and logs it once', async () => {
    const closedPort = await freePort();
    const app = await setupStrapi({ env: { REDIS_URL: `redis://127.0.0.1:${closedPort}`, REDIS_KEY_PREFIX: prefix } });
    try {
      await grantPublic(app.strapi, [`${ARTICLE_UID}.findOne`]);
      const warn = jest.spyOn(app.strapi.log, 'warn');
      const { documentId } = await createArticle(app.strapi, { title: 'No Redis', variants: { variants: [mobileQuickExit] } });
      for (let i = 0; i < 5; i += 1) {
        const response = await request(app.server).post('/api/personalize/resolve').set('User-Agent', MOBILE_UA).send(body(documentId));
        expect(response.status).toBe(200);
        expect(response.body.data.title).toBe('Still deciding? Here is 10% off');
      }
      await new Promise((resolve) => setTimeout(resolve, 1500)); // reconnect attempts keep failing meanwhile
      const outageLogs = warn.mock.calls.filter(([message]) => String(message).includes('Redis unavailable'));
      expect(outageLogs.length).toBeLessThanOrEqual(1);
      // The outage began before the spy (at boot); either way it is never logged per request.
    } finally {
      await app.destroy();
    }
  });

  it('keeps serving when Redis goes away while serving, logs once, and reconnects by itself', async () => {
    const proxy = await createTcpProxy(REDIS_PORT);
    const app = await setupStrapi({ env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_KEY_PREFIX: prefix } });
    try {
      await grantPublic(app.strapi, [`${ARTICLE_UID}.findOne`]);
      const redisService = app.strapi.plugin('personalize').service('redis');
      await waitFor(() => redisService.isReady());
      const { documentId } = await createArticle(app.strapi, { title: 'Outage', variants: { variants: [mobileQuickExit] } });
      const resolve = () => request(app.server).post('/api/personalize/resolve').set('User-Agent', MOBILE_UA).send(body(documentId));
      expect((await resolve()).status).toBe(200);

      const warn = jest.spyOn(app.strapi.log, 'warn');
      const info = jest.spyOn(app.strapi.log, 'info');
      await proxy.cut();
      await waitFor(() => !redisService.isReady());
      for (let i = 0; i < 10; i += 1) {
        const response = await resolve();
        expect(response.status).toBe(200);
        expect(response.body.data.title).toBe('Still deciding? Here is 10% off');
      }
      // Writes (and their purges) still work while Redis is away.
      await app.strapi.documents(ARTICLE_UID).update({ documentId, locale: 'en', data: { cta: 'During outage' } as never });
      await app.strapi.documents(ARTICLE_UID).publish({ documentId, locale: 'en' });
      const during = await resolve();
      expect(during.status).toBe(200);
      expect(during.body.data.title).toBe('Still deciding? Here is 10% off');
      expect(warn.mock.calls.filter(([message]) => String(message).includes('Redis unavailable'))).toHaveLength(1);

      await proxy.restore();
      // "Redis is back" is said once every connection answers a probe, which may follow the command
      // connection's own readiness by a probe interval on a busy machine.
      const backs = () => info.mock.calls.filter(([message]) => String(message).includes('Redis is back'));
      await waitFor(() => redisService.isReady() && backs().length > 0, 15_000);
      expect(backs()).toHaveLength(1);
      const after = await resolve();
      expect(after.status).toBe(200);
      await waitFor(async () => (await redis.keys(`${prefix}r:*${documentId}*`)).length > 0);
    } finally {
      await app.destroy();
      await proxy.close();
    }
  });
});

describe('rate limits', () => {
  it.each([
    ['in memory', {}],
    ['in Redis', { REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`, REDIS_KEY_PREFIX: `${prefix}rl-test:` }],
  ])('answers 429 with Retry-After past the limit (%s)', async (_label, env) => {
    const app = await setupStrapi({
      env: { ...env, PERSONALIZE_CONFIG: JSON.stringify({ rateLimit: { points: 3, durationSec: 60 } }) },
    });
    try {
      const statuses: number[] = [];
      let limited: request.Response | undefined;
      for (let i = 0; i < 5; i += 1) {
        const response = await request(app.server).get('/api/personalize/signals');
        statuses.push(response.status);
        if (response.status === 429) limited = response;
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited!.body).toMatchObject({ data: null, error: { status: 429, name: 'RateLimitError' } });
      if ('REDIS_URL' in env) expect((await redis.keys(`${prefix}rl-test:rl*`)).length).toBeGreaterThan(0);
    } finally {
      await app.destroy();
    }
  });
});
