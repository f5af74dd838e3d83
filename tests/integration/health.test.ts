import { randomUUID } from 'node:crypto';

import type { Core } from '@strapi/strapi';
import Redis from 'ioredis';
import request from 'supertest';

import type { HealthData, HealthMinute } from '../../contracts/src/admin/health';
import { srmCheck } from '../../engine/src/stats';
import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { batchOf, BOT_UA, newId, newVisitorId, pageEvent } from '../helpers/events';
import { eventually, giveConsent, resolveFor, startSplitTest, track, trackEvent, twoArms } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { DESKTOP_UA, MOBILE_UA } from '../helpers/user-agents';
import { getService } from '../../server/src/platform/services';

/**
 * GET /personalize/health (docs/observability.md, "The Health page"): the last hour per minute,
 * read before and after real traffic, differs by exactly that traffic in the minute it was sent
 * and nowhere else; the store's state, and the running experiments' SRM checks as their results
 * pages compute them, and the arms that harm a guardrail as their results pages mark them. Behind the settings
 * permission.
 */

/** The sequential interval's N*: small, so that a few hundred visitors give an interval that excludes 0. */
const N_STAR = 100;

const MOBILE_SIGNALS = { behavior: { dwellSec: 4 } };
const encodeSignals = (signals: object) => Buffer.from(JSON.stringify(signals)).toString('base64url');

/** A minute's counters as `field.path → value` (the latency's sum and p95 left out: they are times). */
const countsOf = (minute: HealthMinute): Record<string, number> => ({
  decisions: minute.decisions,
  'latency.count': minute.latency.count,
  ...Object.fromEntries(Object.entries(minute.cache).map(([field, value]) => [`cache.${field}`, value])),
  ...Object.fromEntries(Object.entries(minute.events).map(([result, value]) => [`events.${result}`, value])),
  exposures: minute.exposures,
});

/** What changed per minute between two reads: `{ [minute start]: { field: difference } }`, unchanged left out. */
const perMinuteDifference = (before: HealthData, after: HealthData) => {
  const earlier = new Map(before.minutes.map((minute) => [minute.start, countsOf(minute)]));
  const changed: Record<string, Record<string, number>> = {};
  for (const minute of after.minutes) {
    const was = earlier.get(minute.start) ?? {};
    const differences = Object.entries(countsOf(minute))
      .map(([field, value]) => [field, value - (was[field] ?? 0)] as const)
      .filter(([, difference]) => difference !== 0);
    if (differences.length > 0) changed[minute.start] = Object.fromEntries(differences);
  }
  return changed;
};

/** Waits for a fresh minute when fewer than 20 s of this one are left, so the traffic falls in one minute. */
const startOfQuietMinute = async () => {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 40_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 50));
  return new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
};

const createRole = async (strapi: Core.Strapi, name: string, actions: string[]): Promise<number> => {
  const role = await strapi.service('admin::role').create({ name, description: `test role: ${actions.join(', ')}` });
  await strapi
    .service('admin::role')
    .assignPermissions(role.id, actions.map((action) => ({ action: `plugin::personalize.${action}`, subject: null })));
  return role.id;
};

describe('health', () => {
  let app: TestStrapi;
  let adminToken: string;

  beforeAll(async () => {
    app = await setupStrapi({
      env: {
        PERSONALIZE_CONFIG: JSON.stringify({
          rateLimit: { anonymous: { points: 0 } },
          // Two batches a minute per visitor: the third is refused (rate_limited).
          events: { rateLimit: { perVisitor: 2, perIp: 0 } },
          experiments: { sequentialNStar: N_STAR },
        }),
      },
    });
    adminToken = (await createAdminSession(app.strapi)).token;
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  }, 60_000);

  afterAll(async () => {
    await app?.destroy();
  });

  const health = async (token = adminToken): Promise<HealthData> => {
    const response = await request(app.server).get('/personalize/health').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    return response.body.data as HealthData;
  };

  const events = (batch: object, userAgent = DESKTOP_UA) =>
    request(app.server).post('/api/personalize/events').set('User-Agent', userAgent).send(batch);

  it('is the settings permission’s: 401 without a session, 403 for an editor without it, 200 with it', async () => {
    expect((await request(app.server).get('/personalize/health')).status).toBe(401);
    const editor = await createAdminSession(app.strapi, {
      roleId: await createRole(app.strapi, 'editor without settings', ['read', 'audiences.manage', 'experiments.read', 'experiments.manage']),
    });
    const forbidden = await request(app.server).get('/personalize/health').set('Authorization', `Bearer ${editor.token}`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatchObject({ status: 403, name: 'PolicyError' });
    const operator = await createAdminSession(app.strapi, { roleId: await createRole(app.strapi, 'operator', ['settings']) });
    expect((await health(operator.token)).minutes).toHaveLength(60);
  });

  it('lists sixty minutes, oldest first, the minute in progress last; the store is up and Redis not configured', async () => {
    const data = await health();
    const starts = data.minutes.map((minute) => Date.parse(minute.start));
    expect(starts[59]).toBe(Math.floor(Date.parse(data.generatedAt) / 60_000) * 60_000);
    for (let index = 1; index < 60; index += 1) expect(starts[index] - starts[index - 1]).toBe(60_000);
    expect(data.store).toEqual({ kind: 'database', up: true });
    expect(data.redis).toBeNull();
    expect(data.bus).toBeNull();
    expect(data.experiments).toEqual({ srm: [], srmThreshold: 0.001, countsUnavailable: false, guardrails: [] });
  });

  it('counts decisions, their time, the response cache and events by result in the minute they happened, exactly', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Plan your trip', variants: { variants: [mobileQuickExit] } });
    const { documentId: plain } = await createArticle(app.strapi, { title: 'No variants here' });
    const minute = await startOfQuietMinute();
    const before = await health();

    const resolve = (userAgent: string) =>
      request(app.server).post('/api/personalize/resolve').set('User-Agent', userAgent).send({ uid: ARTICLE_UID, documentId, signals: MOBILE_SIGNALS });
    // The mobile variant cold then warm (a miss, then a hit), then no match on a desktop (a miss).
    expect((await resolve(MOBILE_UA)).body.meta.personalize.variant).toBe('v_quick_exit');
    expect((await resolve(MOBILE_UA)).body.meta.personalize.variant).toBe('v_quick_exit');
    expect((await resolve(DESKTOP_UA)).body.meta.personalize.variant).toBeNull();
    // The plain API: a fixed variant, then an entry without variants; then Strapi alone (not counted).
    expect((await request(app.server).get(`/api/articles/${documentId}`).set('x-personalize-variant', 'v_quick_exit')).status).toBe(200);
    const none = await request(app.server).get(`/api/articles/${plain}`).set('x-personalize-signals', encodeSignals(MOBILE_SIGNALS));
    expect(none.body.meta.personalize.variant).toBeNull();
    expect((await request(app.server).get(`/api/articles/${documentId}`)).status).toBe(200);

    // Events: two accepted then their duplicate, a rejected one beside an accepted one, three
    // without consent, a bot's two, and a visitor's third batch in the minute (rate limited).
    const batch = batchOf(newVisitorId(), [pageEvent(['travel']), pageEvent(['hiking'])]);
    expect((await events(batch)).status).toBe(202);
    expect((await events(batch)).body).toMatchObject({ duplicate: true });
    const mixed = await events(batchOf(newVisitorId(), [pageEvent(), { id: newId(), ts: Date.now(), type: 'not-an-event-type' }]));
    expect(mixed.body).toMatchObject({ accepted: 1 });
    expect((await events(batchOf(newVisitorId(), [pageEvent(), pageEvent(), pageEvent()], { consent: { events: false } }))).body).toMatchObject({
      ignored: 'no-consent',
    });
    expect((await events(batchOf(newVisitorId(), [pageEvent(), pageEvent()]), BOT_UA)).body).toMatchObject({ ignored: 'bot' });
    const busy = newVisitorId();
    expect((await events(batchOf(busy, [pageEvent()]))).status).toBe(202);
    expect((await events(batchOf(busy, [pageEvent()]))).status).toBe(202);
    expect((await events(batchOf(busy, [pageEvent()]))).status).toBe(429);

    const after = await health();
    expect(perMinuteDifference(before, after)).toEqual({
      [minute]: {
        decisions: 5,
        'latency.count': 5,
        // resolve: miss, hit, miss; the plain API's first request is Strapi's own route (no lookup), its second a miss.
        'cache.l1Hits': 1,
        'cache.l1Misses': 3,
        'events.accepted': 2 + 1 + 2,
        'events.duplicate': 2,
        'events.rejected': 1,
        'events.no_consent': 3,
        'events.bot': 2,
        'events.rate_limited': 1,
      },
    });
    const now = after.minutes[59];
    expect(now.start).toBe(minute);
    expect(now.latency.sumMs).toBeGreaterThan(before.minutes[59].latency.sumMs);
    expect(now.latency.p95Ms).toBeGreaterThan(0);
    expect(now.latency.p95Ms).toBeLessThanOrEqual(1000);
  });

  it('counts first exposures, and raises the SRM alarm of a running experiment as its results page does', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Published title',
      variants: { variants: [{ id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off' } }] },
    });
    const key = `exp-${Math.random().toString(36).slice(2, 8)}`;
    const { experimentId, results, reweigh, stop } = await startSplitTest(app.server, adminToken, documentId, key, 'Spring offer');

    const visitors = Array.from({ length: 24 }, () => newVisitorId());
    for (const visitorId of visitors) await giveConsent(app.server, visitorId);
    const minute = await startOfQuietMinute();
    const before = await health();
    for (const visitorId of visitors) {
      await resolveFor(app.server, documentId, visitorId, DESKTOP_UA);
      // A second serve is no new exposure.
      await resolveFor(app.server, documentId, visitorId, DESKTOP_UA);
    }
    // Exposures are counted after the responses (the counting stage).
    await eventually(async () => {
      expect(perMinuteDifference(before, await health())[minute]).toMatchObject({ exposures: 24, decisions: 48, 'latency.count': 48 });
    });

    // Half and half so far: no alarm, and the p-value is the results page's.
    const balanced = await health();
    expect(balanced.experiments.srm).toEqual([
      { documentId: experimentId, key, name: 'Spring offer', pValue: (await results()).srm.pValue, alarm: false },
    ]);

    // The weights move to 95/5 while about half the visitors are in each arm: a sample-ratio mismatch.
    expect((await reweigh(0.95)).status).toBe(200);
    const skewed = await results();
    const units = (arm: string) => skewed.arms.find((row: { key: string }) => row.key === arm).units as number;
    const expected = srmCheck([units('control'), units('offer')], [0.95, 0.05], { threshold: 0.001 });
    expect(units('control') + units('offer')).toBe(24);
    expect(expected.ok).toBe(false);
    expect((await health()).experiments.srm).toEqual([
      { documentId: experimentId, key, name: 'Spring offer', pValue: skewed.srm.pValue, alarm: true },
    ]);
    expect(skewed.srm.pValue).toBeCloseTo(expected.pValue ?? Number.NaN, 10);

    // A stopped experiment is no longer watched.
    expect((await stop()).status).toBe(200);
    expect((await health()).experiments.srm).toEqual([]);
  });

  it('raises a banner for each running experiment’s arm that harms a guardrail, as its results page marks it', async () => {
    const { documentId: article } = await createArticle(app.strapi, {
      title: 'Guarded',
      variants: { variants: [{ id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off today' } }] },
    });
    const key = `guard-${Math.random().toString(36).slice(2, 8)}`;
    const admin = (method: 'post' | 'get', path: string, body?: object) =>
      request(app.server)[method](path).set('Authorization', `Bearer ${adminToken}`).send(body);
    const created = await admin('post', '/personalize/experiments', {
      key,
      name: 'Guarded offer',
      target: { uid: ARTICLE_UID, documentId: article },
      arms: twoArms(0.5),
      traffic: 1,
      goal: { event: 'checkout', kind: 'conversion', windowHours: 1 },
      guardrails: [
        { event: 'refund', kind: 'conversion', windowHours: 1, direction: 'decrease' },
        { event: 'engaged', kind: 'conversion', windowHours: 1, direction: 'increase' },
      ],
    });
    expect(created.status).toBe(201);
    const experimentId = created.body.data.documentId as string;
    expect((await admin('post', `/personalize/experiments/${experimentId}/start`)).status).toBe(200);
    // Running, nothing counted yet: watched for SRM, no guardrail harmed.
    const quiet = await health();
    expect(quiet.experiments.srm.map((check) => check.key)).toEqual([key]);
    expect(quiet.experiments.guardrails).toEqual([]);

    // The offer's visitors ask for a refund 19 times in 20, the control's 2 in 5; both engage alike.
    // Two batches per visitor (consent, then the track events): within the test's per-visitor limit.
    const sent = { control: 0, offer: 0 };
    for (let visitor = 0; visitor < 160; visitor += 1) {
      const visitorId = newVisitorId();
      await giveConsent(app.server, visitorId);
      const arm = (await resolveFor(app.server, article, visitorId)).body.meta.personalize.experiments[key].arm as 'control' | 'offer';
      const position = sent[arm];
      sent[arm] += 1;
      const refund = arm === 'offer' ? position % 20 < 19 : position % 5 < 2;
      const events = [...(refund ? [trackEvent('refund')] : []), ...(position % 2 ? [trackEvent('engaged')] : [])];
      if (events.length > 0) await track(app.server, visitorId, events);
    }

    const harmed = { experiment: { key, name: 'Guarded offer', documentId: experimentId }, guardrail: 'refund', arm: 'offer', direction: 'decrease' };
    await eventually(async () => {
      const results = (await admin('get', `/personalize/experiments/${experimentId}/results`)).body.data;
      expect(results.arms.map((row: { units: number }) => row.units)).toEqual([sent.control, sent.offer]);
      // The banner data is exactly the results page's harmful rows: refund harmed by the offer, engaged not.
      const harmful = results.results.filter((row: { guardrail?: { harmful: boolean } }) => row.guardrail?.harmful);
      expect(harmful).toEqual([expect.objectContaining({ goal: 'refund', arm: 'offer', guardrail: { direction: 'decrease', harmful: true } })]);
      expect((await health()).experiments.guardrails).toEqual([harmed]);
    });

    // A stopped experiment's guardrails are no longer raised.
    expect((await admin('post', `/personalize/experiments/${experimentId}/stop`)).status).toBe(200);
    expect((await health()).experiments).toMatchObject({ srm: [], guardrails: [] });
  });
});

describe('health with Redis: the bus', () => {
  const prefix = `pz-test-health-${randomUUID().slice(0, 8)}:`;
  let app: TestStrapi;
  let adminToken: string;

  beforeAll(async () => {
    app = await setupStrapi({ env: { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix } });
    adminToken = (await createAdminSession(app.strapi)).token;
  }, 60_000);

  afterAll(async () => {
    await app?.destroy();
    const redis = new Redis(6379, '127.0.0.1');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const health = async (): Promise<HealthData> =>
    (await request(app.server).get('/personalize/health').set('Authorization', `Bearer ${adminToken}`)).body.data as HealthData;

  it('says the subscriber listens, when the last message was heard and how late, and the generation it read', async () => {
    const polled = await eventually(async () => {
      const data = await health();
      expect(data.redis).toEqual({ connected: true });
      expect(data.bus).toMatchObject({ subscribed: true, generation: expect.any(Number), polledAt: expect.any(String) });
      return data.bus!;
    }, 5000);
    const sentAt = Date.now();
    await getService(app.strapi, 'cache').announcePermissionsChanged();
    // The message counts the generation up; the next read (every second) finds it, and the message was heard.
    await eventually(async () => {
      const bus = (await health()).bus!;
      expect(Date.parse(bus.lastMessageAt ?? '')).toBeGreaterThanOrEqual(sentAt);
      expect(bus.lastLagMs).toBeGreaterThanOrEqual(0);
      expect(bus.lastLagMs).toBeLessThan(1000);
      expect(bus.generation).toBeGreaterThan(polled.generation!);
      expect(Date.parse(bus.polledAt ?? '')).toBeGreaterThan(Date.parse(polled.polledAt!));
    }, 5000);
  });
});
