import { randomUUID } from 'node:crypto';

import type Redis from 'ioredis';
import request from 'supertest';

import { visitorKeys } from '../../server/src/storage/redis-store';
import type { VisitorsService } from '../../server/src/visitors/service';
import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { batchOf, BROWSER_UA, newId, newVisitorId, pageEvent } from '../helpers/events';
import { eventually, giveConsent, resolveFor, track, trackEvent } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-cluster';
import { slotViolations } from '../helpers/slot-check';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { startStrapiProcess, type StrapiProcess } from '../helpers/strapi-process';
import { MOBILE_UA } from '../helpers/user-agents';

/**
 * The plugin on a real Redis Cluster (three masters, three replicas, started by the test), served by
 * two Strapi instances on one database, with `durability: 'replica'`: resolve and the shared cache, purges reaching the other
 * instance, events and profiles, experiments counted once across instances, /me and erasure with no
 * key of the visitor left on any master. Both instances run the slot check (tests/helpers/slot-check.ts),
 * and the cluster itself refuses any command across slots: none may fail with CROSSSLOT.
 */

const prefix = `pz-cluster-${randomUUID().slice(0, 8)}:`;

const OFFER = { id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off today' } };

let cluster: RedisCluster;
let first: TestStrapi;
let second: StrapiProcess;
let token: string;
/** A connection to each master, as the test found them (no failover in this file). */
let masters: Redis[] = [];

/** Every key under the test's prefix, on every master, with its type and content (as text). */
const everyKey = async () => {
  const found: { key: string; content: string }[] = [];
  for (const master of masters) {
    let cursor = '0';
    do {
      const [next, keys] = await master.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await master.type(key);
        const content =
          type === 'string'
            ? ((await master.get(key)) ?? '')
            : type === 'hash'
              ? JSON.stringify(await master.hgetall(key))
              : type === 'zset'
                ? JSON.stringify(await master.zrange(key, 0, -1))
                : type === 'set'
                  ? JSON.stringify(await master.smembers(key))
                  : type === 'stream'
                    ? JSON.stringify(await master.xrange(key, '-', '+'))
                    : '';
        found.push({ key, content });
      }
    } while (cursor !== '0');
  }
  return found;
};

// Durable writes: every events batch waits for a replica (WAIT 1, sent with the script to its slot's master).
const clusterConfig = () => JSON.stringify({ redis: { cluster: { nodes: cluster.seeds }, keyPrefix: prefix, durability: 'replica' } });

beforeAll(async () => {
  cluster = await startRedisCluster();
  masters = await Promise.all((await cluster.masterPorts()).map((port) => cluster.connect(port)));
  first = await setupStrapi({ env: { REDIS_URL: undefined, PERSONALIZE_CONFIG: clusterConfig() } });
  await grantPublic(first.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  token = (await createAdminSession(first.strapi)).token;
  second = await startStrapiProcess({
    DATABASE_FILENAME: process.env.DATABASE_FILENAME!,
    REDIS_URL: '',
    PERSONALIZE_CONFIG: clusterConfig(),
  });
}, 240_000);

afterAll(async () => {
  await second?.stop();
  await first?.destroy();
  await Promise.all(masters.map((master) => master.quit().catch(() => undefined)));
  await cluster?.stop();
});

const admin = (method: 'get' | 'post' | 'put' | 'delete', path: string, body?: object) => {
  const call = request(first.server)[method](path).set('Authorization', `Bearer ${token}`);
  return body ? call.send(body) : call;
};

const visitorsOf = () => first.strapi.plugin('personalize').service('visitors') as VisitorsService;

/** The A/B test the counting test starts, which the reconcile test repairs. */
let counted: { experimentId: string; key: string } | undefined;

describe('two instances on a Redis Cluster', () => {
  it('keep visitor state in Redis on the cluster, connected', async () => {
    expect(visitorsOf().storage()).toBe('redis');
    const stats = (await admin('get', '/personalize/settings')).body.data;
    expect(stats.cache).toMatchObject({ store: 'redis', redis: { connected: true } });
  });

  it('share resolved entries (L2), and a publish on one is served fresh by the other', async () => {
    const body = (documentId: string) => ({ uid: ARTICLE_UID, documentId, signals: { behavior: { dwellSec: 3 } } });
    const { documentId } = await createArticle(first.strapi, { title: 'Before', variants: { variants: [mobileQuickExit] } });
    const fromFirst = await request(first.server).post('/api/personalize/resolve').set('User-Agent', MOBILE_UA).send(body(documentId));
    expect(fromFirst.status).toBe(200);
    expect((await everyKey()).filter(({ key }) => key.startsWith(`${prefix}r:`) && key.includes(documentId))).toHaveLength(1);
    const fromSecond = await request(second.url).post('/api/personalize/resolve').set('User-Agent', MOBILE_UA).send(body(documentId));
    expect(fromSecond.status).toBe(200);
    expect(fromSecond.headers.etag).toBe(fromFirst.headers.etag);

    // Warm the second instance's L1, then publish through the first: the purge reaches it.
    for (let i = 0; i < 2; i += 1) await request(second.url).post('/api/personalize/resolve').send(body(documentId));
    await first.strapi.documents(ARTICLE_UID).update({ documentId, locale: 'en', data: { title: 'After' } as never });
    await first.strapi.documents(ARTICLE_UID).publish({ documentId, locale: 'en' });
    await eventually(async () => {
      const fresh = await request(second.url).post('/api/personalize/resolve').send(body(documentId));
      expect(fresh.body.data.title).toBe('After');
    }, 10_000);

    // Clearing the whole cache scans every master: no response is left on any.
    await first.strapi.plugin('personalize').service('cache').purgeAll();
    expect((await everyKey()).filter(({ key }) => key.startsWith(`${prefix}r:`))).toEqual([]);
  });

  it('apply events on one instance and show the profile on the other; a repeated batch counts once', async () => {
    const visitorId = newVisitorId();
    const batch = batchOf(visitorId, [pageEvent(['shoes']), pageEvent(['shoes'])]);
    const sent = await request(second.url).post('/api/personalize/events').set('User-Agent', BROWSER_UA).send(batch);
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ accepted: 2 });
    const again = await request(first.server).post('/api/personalize/events').set('User-Agent', BROWSER_UA).send(batch);
    expect(again.body).toMatchObject({ accepted: 2, duplicate: true });
    const me = await request(first.server).get('/api/personalize/me').set('x-personalize-visitor', visitorId);
    expect(me.status).toBe(200);
    expect(me.body.data.profile.interests.shoes).toBeDefined();
    expect(me.body.data.events).toHaveLength(2);
  });

  it('count each visitor once across instances, and each conversion once', async () => {
    const { documentId } = await createArticle(first.strapi, { title: 'Published title', variants: { variants: [OFFER] } });
    const key = `cluster-${randomUUID().slice(0, 6)}`;
    const created = await admin('post', '/personalize/experiments', {
      key,
      name: 'Offer test',
      target: { uid: ARTICLE_UID, documentId },
      arms: [
        { key: 'control', weight: 0.5, variants: [] },
        { key: 'offer', weight: 0.5, variants: ['v_offer'] },
      ],
      traffic: 1,
      goal: { event: 'checkout', kind: 'conversion', windowHours: 24 },
    });
    expect(created.status).toBe(201);
    const experimentId = created.body.data.documentId as string;
    counted = { experimentId, key };
    expect((await admin('post', `/personalize/experiments/${experimentId}/start`)).status).toBe(200);
    await eventually(async () => {
      const response = await resolveFor(second.url, documentId, newVisitorId());
      expect(response.body.meta.personalize.experiments?.[key]).toBeDefined();
    }, 10_000);

    const instances = [first.server, second.url];
    const byArm: Record<string, string[]> = { control: [], offer: [] };
    for (let index = 0; index < 16; index += 1) {
      const visitorId = newVisitorId();
      await giveConsent(instances[index % 2], visitorId);
      // Exposed on both instances: one unit.
      const meta = await eventually(async () => {
        const response = await resolveFor(instances[index % 2], documentId, visitorId);
        expect(response.body.meta.personalize.experiments[key]).toBeDefined();
        return response.body.meta.personalize.experiments[key] as { arm: string };
      });
      byArm[meta.arm].push(visitorId);
      await eventually(async () => {
        const again = await resolveFor(instances[(index + 1) % 2], documentId, visitorId);
        expect(again.body.meta.personalize.experiments[key]).toMatchObject({ arm: meta.arm, reason: 'sticky' });
      });
    }
    const results = async () => (await admin('get', `/personalize/experiments/${experimentId}/results`)).body.data;
    await eventually(async () => {
      expect((await results()).arms.map((arm: { units: number }) => arm.units)).toEqual([byArm.control.length, byArm.offer.length]);
    });

    // Conversions: the same batch through both instances, and a second conversion of one visitor, count once.
    const converters = [...byArm.control.slice(0, 1), ...byArm.offer.slice(0, 2)];
    for (const visitorId of converters) {
      const batch = { visitorId, batchId: newId(), sentAt: Date.now(), events: [trackEvent('checkout')] };
      expect((await request(second.url).post('/api/personalize/events').send(batch)).status).toBe(202);
      expect((await request(first.server).post('/api/personalize/events').send(batch)).status).toBe(202);
    }
    await track(first.server, converters[1], [trackEvent('checkout')]);
    const data = await results();
    const conversions = data.goals[0].arms.map((arm: { conversions: number }) => arm.conversions);
    expect(conversions).toEqual([1, 2]);
    // The counters are spread over the masters' shards, holding no visitor data.
    const counterKeys = (await everyKey()).filter(({ key: name }) => name.includes(`:${key}:c`));
    expect(counterKeys.length).toBeGreaterThan(1);
    for (const { content } of counterKeys) for (const visitorId of converters) expect(content).not.toContain(visitorsOf().hash(visitorId));
  });

  it('rebuild counts from the per-unit facts: a reconcile repairs and reports, and the second changes nothing', async () => {
    const { experimentId, key } = counted!;
    const results = async () => {
      const { arms, goals } = (await admin('get', `/personalize/experiments/${experimentId}/results`)).body.data;
      return { arms, goals };
    };
    const truth = await results();
    // A failover lost one shard's counters; another shard's counters moved without a unit behind them.
    const shards = (await everyKey()).filter(({ key: name }) => name.endsWith(`:${key}:c`)).map(({ key: name }) => name);
    expect(shards.length).toBeGreaterThan(1);
    const [lost, phantom] = shards;
    const lostOn = await cluster.connect(await cluster.masterOf(lost));
    const phantomOn = await cluster.connect(await cluster.masterOf(phantom));
    try {
      await lostOn.del(lost);
      const [field] = Object.keys(await phantomOn.hgetall(phantom));
      await phantomOn.hincrbyfloat(phantom, field, 5);
    } finally {
      lostOn.disconnect();
      phantomOn.disconnect();
    }
    expect(await results()).not.toEqual(truth);

    const repaired = await admin('post', `/personalize/experiments/${experimentId}/reconcile`);
    expect(repaired.status).toBe(200);
    expect(repaired.body.data).toMatchObject({ key, shards: 2 });
    // The lost shard's counters and the phantom, each reported with its shard.
    expect(new Set(repaired.body.data.repaired.map(({ shard }: { shard: number }) => shard)).size).toBe(2);
    for (const { before, after } of repaired.body.data.repaired) expect(before).not.toBe(after);
    expect(await results()).toEqual(truth);

    const again = await admin('post', `/personalize/experiments/${experimentId}/reconcile`);
    expect(again.body.data).toEqual({ key, shards: 0, repaired: [] });
    expect(await results()).toEqual(truth);
  });

  it('erase a visitor with nothing of theirs left on any master but the marker', async () => {
    const visitorId = newVisitorId();
    const control = newVisitorId();
    const hash = visitorsOf().hash(visitorId);
    for (const someone of [visitorId, control]) {
      const sent = await request(second.url).post('/api/personalize/events').set('User-Agent', BROWSER_UA).send(batchOf(someone, [pageEvent(['hats'])]));
      expect(sent.status).toBe(202);
    }
    await visitorsOf().recordServe(visitorId, `${ARTICLE_UID}:doc:v`);
    const mentions = async (needle: string) => (await everyKey()).filter(({ key, content }) => key.includes(needle) || content.includes(needle)).map(({ key }) => key);
    expect(await mentions(hash)).toEqual(expect.arrayContaining([visitorKeys(prefix, hash).profile, visitorKeys(prefix, hash).stream]));

    const erased = await request(second.url).delete('/api/personalize/me').set('x-personalize-visitor', visitorId);
    expect(erased.status).toBe(202);
    expect(await mentions(hash)).toEqual([visitorKeys(prefix, hash).marker]);
    expect(await mentions(visitorId)).toEqual([]);
    // The other visitor is still there, stream entry included.
    expect(await mentions(visitorsOf().hash(control))).toEqual(
      expect.arrayContaining([visitorKeys(prefix, visitorsOf().hash(control)).profile, visitorKeys(prefix, visitorsOf().hash(control)).stream])
    );
    const me = await request(first.server).get('/api/personalize/me').set('x-personalize-visitor', visitorId);
    expect(me.body.data).toMatchObject({ profile: null, events: [] });
  });

  it('made no command across slots on either instance', () => {
    expect(slotViolations).toEqual([]);
  });
});
