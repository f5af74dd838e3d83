import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { visitorKeys } from '../../server/src/storage/redis-store';
import type { VisitorsService } from '../../server/src/visitors/service';
import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { batchOf, CONSENT_ALL, newId, newVisitorId } from '../helpers/events';
import { resolveFor, trackEvent } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-cluster';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { startStrapiProcess, type StrapiProcess } from '../helpers/strapi-process';

/**
 * A master killed (SIGKILL) in the middle of a load on two Strapi instances, with
 * `durability: 'replica'` (the killed node restarted a few seconds later, as an orchestrator would,
 * and rejoining as a replica): resolve never answers a 5xx, /events answers 202 or 503 with
 * Retry-After (and is retried, as the SDK does), and after the visitors' next resolve and a reconcile the
 * experiment's units and conversions per arm equal the ground truth exactly.
 */

const prefix = `pz-faults-${randomUUID().slice(0, 8)}:`;
const OFFER = { id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off today' } };
const VISITORS = 48;

let cluster: RedisCluster;
let first: TestStrapi;
let second: StrapiProcess;
let token: string;

const clusterConfig = () =>
  JSON.stringify({ redis: { cluster: { nodes: cluster.seeds }, keyPrefix: prefix, durability: 'replica' } });

beforeAll(async () => {
  cluster = await startRedisCluster({ basePort: 17100 });
  first = await setupStrapi({ env: { REDIS_URL: undefined, PERSONALIZE_CONFIG: clusterConfig() } });
  await grantPublic(first.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  token = (await createAdminSession(first.strapi)).token;
  second = await startStrapiProcess({ DATABASE_FILENAME: process.env.DATABASE_FILENAME!, REDIS_URL: '', PERSONALIZE_CONFIG: clusterConfig() });
}, 240_000);

afterAll(async () => {
  await second?.stop();
  await first?.destroy();
  await cluster?.stop();
});

const admin = (method: 'get' | 'post', path: string, body?: object) => {
  const call = request(first.server)[method](path).set('Authorization', `Bearer ${token}`);
  return body ? call.send(body) : call;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a master killed under load', () => {
  it('never answers resolve with a 5xx, and counts exactly the ground truth after retries, resolves and a reconcile', async () => {
    const { documentId } = await createArticle(first.strapi, { title: 'Published title', variants: { variants: [OFFER] } });
    const key = `faults-${randomUUID().slice(0, 6)}`;
    const created = await admin('post', '/personalize/experiments', {
      key,
      name: 'Faults',
      target: { uid: ARTICLE_UID, documentId },
      arms: [
        { key: 'control', weight: 0.5, variants: [] },
        { key: 'offer', weight: 0.5, variants: ['v_offer'] },
      ],
      traffic: 1,
      goal: { event: 'checkout', kind: 'conversion', windowHours: 24 },
    });
    const experimentId = created.body.data.documentId as string;
    expect((await admin('post', `/personalize/experiments/${experimentId}/start`)).status).toBe(200);
    // Both instances know it runs.
    for (const server of [first.server, second.url]) {
      for (let attempt = 0; !(await resolveFor(server, documentId, newVisitorId())).body.meta?.personalize?.experiments?.[key]; attempt += 1) {
        if (attempt > 100) throw new Error('the experiment never ran');
        await sleep(50);
      }
    }

    const instances = [first.server, second.url];
    const statuses: { route: string; status: number; retryAfter?: string }[] = [];
    /** An events batch, sent again (same batchId) while it answers 503, as the SDK does. */
    const sendBatch = async (server: (typeof instances)[number], batch: object) => {
      for (let attempt = 0; attempt < 400; attempt += 1) {
        const response = await request(server).post('/api/personalize/events').send(batch);
        statuses.push({ route: 'events', status: response.status, retryAfter: response.headers['retry-after'] });
        if (response.status === 202) return;
        await sleep(100);
      }
      throw new Error('a batch was never accepted');
    };
    const resolve = async (server: (typeof instances)[number], visitorId: string) => {
      const response = await resolveFor(server, documentId, visitorId);
      statuses.push({ route: 'resolve', status: response.status });
      return response.body.meta?.personalize?.experiments?.[key] as { arm: string } | undefined;
    };

    const truth = new Map<string, { arm: string; converted: boolean }>();
    const killAt = Math.floor(VISITORS / 3);
    let killing = false;
    let killed: number | undefined;
    let restarted: Promise<void> | undefined;
    const visitors = Array.from({ length: VISITORS }, () => newVisitorId());
    await Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        for (let index = lane; index < VISITORS; index += 4) {
          if (index >= killAt && !killing) {
            killing = true;
            // The master of a visitor of this load: killed with the writes in flight.
            killed = await cluster.masterOf(visitorKeys(prefix, (first.strapi.plugin('personalize').service('visitors') as VisitorsService).hash(visitors[0])).profile);
            cluster.signal(killed, 'SIGKILL');
            // Its replica takes over within a few seconds, with no replica of its own: with durability
            // 'replica' its slots' writes are refused (503) until the killed node is back, as a replica.
            const port = killed;
            const restart = sleep(6000).then(() => cluster.restart(port));
            restart.catch(() => undefined); // awaited below
            restarted = restart;
          }
          const visitorId = visitors[index];
          const server = instances[index % 2];
          await sendBatch(server, batchOf(visitorId, [{ id: newId(), ts: Date.now(), type: 'page', path: '/' }], { consent: CONSENT_ALL }));
          let meta: { arm: string } | undefined;
          for (let attempt = 0; !meta && attempt < 400; attempt += 1) {
            meta = await resolve(server, visitorId);
            if (!meta) await sleep(100);
          }
          if (!meta) throw new Error('a visitor was never assigned');
          const converted = index % 3 === 0;
          truth.set(visitorId, { arm: meta.arm, converted });
          // Convert once the exposure is stored (sticky), as a visitor who saw the variant would.
          if (converted) {
            for (let attempt = 0; attempt < 400; attempt += 1) {
              const sticky = await resolveFor(instances[(index + 1) % 2], documentId, visitorId);
              statuses.push({ route: 'resolve', status: sticky.status });
              if (sticky.body.meta?.personalize?.experiments?.[key]?.reason === 'sticky') break;
              await sleep(100);
            }
            await sendBatch(instances[(index + 1) % 2], { visitorId, batchId: newId(), sentAt: Date.now(), events: [trackEvent('checkout')] });
          }
        }
      })
    );
    expect(killed).toBeDefined();
    await restarted;
    await cluster.waitHealthy(30_000);

    // Resolve never failed; events were accepted or refused with Retry-After.
    expect(statuses.filter(({ route, status }) => route === 'resolve' && status >= 500)).toEqual([]);
    for (const { status, retryAfter } of statuses.filter(({ route }) => route === 'events')) {
      expect([202, 503]).toContain(status);
      if (status === 503) expect(retryAfter).toBeDefined();
    }

    // The visitors' next resolve (an exposure lost with the master is counted again), then a reconcile.
    for (const visitorId of visitors) expect((await resolveFor(first.server, documentId, visitorId)).status).toBe(200);
    await sleep(500);
    const reconciled = await admin('post', `/personalize/experiments/${experimentId}/reconcile`);
    expect(reconciled.status).toBe(200);

    const expected = ['control', 'offer'].map((arm) => ({
      units: [...truth.values()].filter((unit) => unit.arm === arm).length,
      conversions: [...truth.values()].filter((unit) => unit.arm === arm && unit.converted).length,
    }));
    const data = (await admin('get', `/personalize/experiments/${experimentId}/results`)).body.data;
    expect(data.arms.map((arm: { units: number }) => arm.units)).toEqual(expected.map(({ units }) => units));
    expect(data.goals[0].arms.map((arm: { conversions: number }) => arm.conversions)).toEqual(expected.map(({ conversions }) => conversions));
  });
});
