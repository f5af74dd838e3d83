import { randomUUID } from 'node:crypto';

import Redis from 'ioredis';
import request from 'supertest';

import { bucketRanges, chooseArm, experimentBucket } from '../../engine/src/experiments';
import { createAdminSession } from '../helpers/auth';
import { expectOneEntryPerUpdate, raceBanditUpdates, readBandit, startExposedBandit } from '../helpers/bandit-race';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { newVisitorId } from '../helpers/events';
import { eventually, EXPERIMENT_UID, giveConsent, resolveFor, track, trackEvent } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { startStrapiProcess, type StrapiProcess } from '../helpers/strapi-process';
import { createTcpProxy } from '../helpers/tcp-proxy';

/**
 * Experiments on two Strapi instances sharing one database and one real Redis: exposures and
 * conversions counted exactly once whichever instance sees them, sticky arms across instances, one
 * bandit update per cadence under the Redis lock, and the new weights served by both; and a Redis
 * outage that never makes a 5xx.
 */

const REDIS_PORT = 6379;
const prefix = `pz-test-${randomUUID().slice(0, 8)}:`;
const redis = new Redis(REDIS_PORT, '127.0.0.1', { lazyConnect: true });

const OFFER = { id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off today' } };

beforeAll(async () => {
  await redis.connect();
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const armOf = (key: string, visitorId: string, weights: number[]) =>
  ['control', 'offer'][chooseArm(experimentBucket(key, visitorId), bucketRanges(weights, 1))];

describe('experiments on two instances with Redis', () => {
  let first: TestStrapi;
  let second: StrapiProcess;
  let token: string;

  beforeAll(async () => {
    first = await setupStrapi({ env: { REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`, REDIS_KEY_PREFIX: prefix } });
    await grantPublic(first.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
    token = (await createAdminSession(first.strapi)).token;
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

  const admin = (method: 'get' | 'post' | 'put', path: string, body?: object) => {
    const call = request(first.server)[method](path).set('Authorization', `Bearer ${token}`);
    return body ? call.send(body) : call;
  };

  it('counts each visitor once across instances, keeps their arm on both, and runs one bandit update that both serve', async () => {
    const { documentId } = await createArticle(first.strapi, { title: 'Published title', variants: { variants: [OFFER] } });
    const key = `bandit-${randomUUID().slice(0, 6)}`;
    const created = await admin('post', '/personalize/experiments', {
      key,
      name: 'Offer bandit',
      mode: 'bandit',
      target: { uid: ARTICLE_UID, documentId },
      arms: [
        { key: 'control', weight: 0.5, variants: [] },
        { key: 'offer', weight: 0.5, variants: ['v_offer'] },
      ],
      traffic: 1,
      goal: { event: 'checkout', kind: 'conversion', windowHours: 24 },
      bandit: { cadenceMinutes: 15, burnInMinutes: 0, minUnitsPerArm: 5 },
    });
    expect(created.status).toBe(201);
    const experimentId = created.body.data.documentId as string;
    expect((await admin('post', `/personalize/experiments/${experimentId}/start`)).status).toBe(200);

    // Exposed through one instance, then the other: counted once, the arm kept.
    const byArm: Record<string, string[]> = { control: [], offer: [] };
    const instances = [first.server, second.url];
    let index = 0;
    while (byArm.control.length < 6 || byArm.offer.length < 6) {
      const visitorId = newVisitorId();
      const here = instances[index % 2];
      const there = instances[(index + 1) % 2];
      index += 1;
      await giveConsent(here, visitorId);
      const meta = await eventually(async () => {
        const response = await resolveFor(here, documentId, visitorId);
        expect(response.status).toBe(200);
        expect(response.body.meta.personalize.experiments?.[key]).toBeDefined();
        return response.body.meta.personalize.experiments[key];
      });
      expect(meta).toMatchObject({ arm: armOf(key, visitorId, [0.5, 0.5]), reason: 'hash' });
      byArm[meta.arm].push(visitorId);
      await eventually(async () => {
        const again = await resolveFor(there, documentId, visitorId);
        expect(again.body.meta.personalize.experiments[key]).toMatchObject({ arm: meta.arm, reason: 'sticky' });
      });
    }
    const exposed = byArm.control.length + byArm.offer.length;
    const results = async () => (await admin('get', `/personalize/experiments/${experimentId}/results`)).body.data;
    expect((await results()).arms.map((arm: { units: number }) => arm.units)).toEqual([byArm.control.length, byArm.offer.length]);
    // The counts are a Redis hash per visitor shard (under the shard's tag), holding no visitor data.
    const counterKeys = await redis.keys(`${prefix}x:*:${key}:c`);
    expect(counterKeys.length).toBeGreaterThan(0);
    for (const counterKey of counterKeys) expect(counterKey).toMatch(/^.*x:\{v\d{3}\}:.*:c$/);

    // Conversions through the second instance; the same batch sent to both counts once.
    const converters = [...byArm.offer.slice(1), byArm.control[0]];
    for (const visitorId of converters) {
      const batch = { visitorId, batchId: randomUUID().replace(/-/g, ''), sentAt: Date.now(), events: [trackEvent('checkout')] };
      expect((await request(second.url).post('/api/personalize/events').send(batch)).status).toBe(202);
      expect((await request(first.server).post('/api/personalize/events').send(batch)).status).toBe(202);
    }
    await track(second.url, byArm.offer[1], [trackEvent('checkout')]); // a second conversion of one visitor: once
    const counted = await results();
    expect(counted.arms.map((arm: { conversions: number }) => arm.conversions)).toEqual([1, byArm.offer.length - 1]);

    // Not due yet: neither instance's cron tick updates.
    await Promise.all([first.strapi.plugin('personalize').service('bandit').tick(), second.banditTick()]);
    let stored = await first.strapi.documents(EXPERIMENT_UID as never).findOne({ documentId: experimentId } as never);
    expect((stored as unknown as { banditHistory: unknown[] }).banditHistory).toHaveLength(1);

    // A cadence later (the start moved 20 minutes back), both ticks race: one update, under the lock.
    const past = new Date(Date.now() - 20 * 60_000).toISOString();
    const history = (stored as unknown as { banditHistory: { at: string }[] }).banditHistory;
    await first.strapi.documents(EXPERIMENT_UID as never).update({
      documentId: experimentId,
      data: { startedAt: past, banditHistory: [{ ...history[0], at: past }] },
    } as never);
    await Promise.all([first.strapi.plugin('personalize').service('bandit').tick(), second.banditTick()]);
    stored = await first.strapi.documents(EXPERIMENT_UID as never).findOne({ documentId: experimentId } as never);
    const updates = (stored as unknown as { banditHistory: { weights: number[] }[] }).banditHistory;
    expect(updates).toHaveLength(2);
    const weights = updates[1].weights;
    expect(weights[1]).toBeGreaterThan(0.9);
    expect(await redis.keys(`${prefix}lock:*`)).toEqual([]);

    // Both instances serve the new weights to new visitors (the second learned them over pub/sub).
    const probes: string[] = [];
    while (probes.length < 3) {
      const visitorId = newVisitorId();
      if (armOf(key, visitorId, [0.5, 0.5]) !== armOf(key, visitorId, weights)) probes.push(visitorId);
    }
    for (const [position, visitorId] of probes.entries()) {
      const here = instances[position % 2];
      await giveConsent(here, visitorId);
      await eventually(async () => {
        const response = await resolveFor(here, documentId, visitorId);
        expect(response.body.meta.personalize.experiments[key].arm).toBe(armOf(key, visitorId, weights));
      });
    }
    // Their exposures count in period 1.
    await eventually(async () => {
      const shards = await Promise.all((await redis.keys(`${prefix}x:*:${key}:c`)).map((counterKey) => redis.hgetall(counterKey)));
      const period1 = shards
        .flatMap((values) => Object.entries(values))
        .filter(([field]) => field.split('|')[1] === '1' && field.endsWith('|u'))
        .reduce((sum, [, value]) => sum + Number(value), 0);
      expect(period1).toBe(3);
    });
    expect((await results()).arms.reduce((sum: number, arm: { units: number }) => sum + arm.units, 0)).toBe(exposed + 3);
  });

  it('writes each bandit weights version once when the lock is lost and both instances update at once', async () => {
    const { documentId } = await createArticle(first.strapi, { title: 'Published title', variants: { variants: [OFFER] } });
    const key = `bandit-cas-${randomUUID().slice(0, 6)}`;
    const experimentId = await startExposedBandit([first.server, second.url], token, documentId, key);
    const before = await readBandit(first.strapi, experimentId);

    // The lock deleted as fast as it is taken (as when its master dies before the key reaches a
    // replica): both instances run updates at once, and only the compare-and-set keeps them apart.
    let losing = true;
    const loseLock = (async () => {
      while (losing) {
        await redis.del(`${prefix}lock:bandit:{${key}}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    const { updated, answers } = await raceBanditUpdates([first.server, second.url], token, experimentId, { rounds: 8, perTarget: 1 });
    losing = false;
    await loseLock;

    // (A read of the counts that timed out on a busy machine answers 503 with Retry-After.)
    expect(answers.filter(({ status, retryAfter }) => status !== 200 && !(status === 503 && retryAfter))).toEqual([]);
    expect(updated).toBeGreaterThan(0);
    // Calls that found their version taken answer as if locked: another update did this one.
    expect(answers.filter(({ reason }) => reason !== undefined).every(({ reason }) => reason === 'locked')).toBe(true);
    expectOneEntryPerUpdate(before, await readBandit(first.strapi, experimentId), updated);
  });
});

describe('experiments when Redis goes away', () => {
  it('serves entries as if there were no experiment (never a 5xx) and answers results with a 503', async () => {
    const proxy = await createTcpProxy(REDIS_PORT);
    const app = await setupStrapi({ env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_KEY_PREFIX: prefix } });
    try {
      await grantPublic(app.strapi, [`${ARTICLE_UID}.findOne`]);
      const token = (await createAdminSession(app.strapi)).token;
      const { documentId } = await createArticle(app.strapi, { title: 'Published title', variants: { variants: [OFFER] } });
      const key = `outage-${randomUUID().slice(0, 6)}`;
      const created = await request(app.server)
        .post('/personalize/experiments')
        .set('Authorization', `Bearer ${token}`)
        .send({
          key,
          name: 'Outage',
          target: { uid: ARTICLE_UID, documentId },
          arms: [
            { key: 'control', weight: 0.5, variants: [] },
            { key: 'offer', weight: 0.5, variants: ['v_offer'] },
          ],
          traffic: 1,
          goal: { event: 'checkout', kind: 'conversion' },
        });
      const experimentId = created.body.data.documentId;
      await request(app.server).post(`/personalize/experiments/${experimentId}/start`).set('Authorization', `Bearer ${token}`);
      const visitorId = newVisitorId();
      await eventually(() => giveConsent(app.server, visitorId), 10_000);

      await proxy.cut();
      const response = await resolveFor(app.server, documentId, visitorId);
      expect(response.status).toBe(200);
      expect(response.body.meta.personalize.reason[0]).toEqual({ rule: 'profile-unavailable' });
      expect(response.body.meta.personalize.experiments[key]).toEqual({ reason: 'no-consent', bucket: null });
      expect(response.body.data.title).toBe('Ten percent off today');

      const results = await request(app.server)
        .get(`/personalize/experiments/${experimentId}/results`)
        .set('Authorization', `Bearer ${token}`);
      expect(results.status).toBe(503);
      expect(results.headers['retry-after']).toBeDefined();
      expect(results.body.error.name).toBe('ServiceUnavailableError');
    } finally {
      await app.destroy();
      await proxy.close();
    }
  });
});
