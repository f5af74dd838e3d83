import { randomUUID } from 'node:crypto';

import Redis from 'ioredis';
import request from 'supertest';

import { srmCheck } from '../../engine/src/stats';

import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { batchOf, BOT_UA, newId, newVisitorId, pageEvent } from '../helpers/events';
import { eventually, giveConsent, resolveFor, startSplitTest, track, trackEvent } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { createTcpProxy } from '../helpers/tcp-proxy';
import { DESKTOP_UA, MOBILE_UA } from '../helpers/user-agents';
import { getService } from '../../server/src/platform/services';

/**
 * GET /api/personalize/metrics (docs/design.md, "Observability"): 404 while metrics are off (the
 * default), 401 without the Bearer token, and scrapes taken before and after real traffic differ
 * by exactly what that traffic did.
 */

const TOKEN = 'metrics-token-0123456789abcdef';
const MOBILE_SIGNALS = { behavior: { dwellSec: 4 } };
const encodeSignals = (signals: object) => Buffer.from(JSON.stringify(signals)).toString('base64url');

type Samples = Map<string, number>;

/** The exposition's samples, `name{label="value",…}` → value, labels sorted by name. */
const parseExposition = (text: string): Samples => {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels = [...(match[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, name, value]) => `${name}="${value}"`)
      .sort();
    samples.set(`${match[1]}{${labels.join(',')}}`, Number(match[3]));
  }
  return samples;
};

/** A sample's key as parseExposition writes it. */
const sample = (name: string, labels: Record<string, string> = {}) =>
  `${name}{${Object.entries(labels)
    .map(([label, value]) => `${label}="${value}"`)
    .sort()
    .join(',')}}`;

/** What changed between two scrapes (samples absent before count from 0); unchanged samples left out. */
const difference = (before: Samples, after: Samples): Record<string, number> => {
  const changed: Record<string, number> = {};
  for (const [key, value] of after) {
    const delta = value - (before.get(key) ?? 0);
    if (delta !== 0) changed[key] = Math.round(delta * 1e9) / 1e9;
  }
  return changed;
};

/** Only the samples of the given metric names (histogram buckets and sums left out unless asked). */
const only = (changed: Record<string, number>, names: string[]) =>
  Object.fromEntries(Object.entries(changed).filter(([key]) => names.includes(key.slice(0, key.indexOf('{')))));

describe('metrics, off by default', () => {
  let app: TestStrapi;

  beforeAll(async () => {
    app = await setupStrapi();
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('answers 404 in Strapi’s error shape, even with a token', async () => {
    const response = await request(app.server).get('/api/personalize/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ data: null, error: expect.objectContaining({ status: 404, name: 'NotFoundError' }) });
  });
});

describe('metrics, enabled', () => {
  let app: TestStrapi;
  let adminToken: string;

  beforeAll(async () => {
    app = await setupStrapi({
      env: {
        PERSONALIZE_CONFIG: JSON.stringify({
          metrics: { enabled: true, token: TOKEN },
          rateLimit: { anonymous: { points: 0 } },
          // Two batches a minute per visitor: the third is refused (rate_limited).
          events: { rateLimit: { perVisitor: 2, perIp: 0 } },
        }),
      },
    });
    adminToken = (await createAdminSession(app.strapi)).token;
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const scrape = async (): Promise<{ samples: Samples; text: string }> => {
    const response = await request(app.server).get('/api/personalize/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return { samples: parseExposition(response.text), text: response.text };
  };

  const events = (batch: object, userAgent = DESKTOP_UA) =>
    request(app.server).post('/api/personalize/events').set('User-Agent', userAgent).send(batch);

  it('wants the Bearer token: 401 in Strapi’s error shape without it or with another', async () => {
    for (const authorization of [undefined, 'Bearer not-the-token-at-all', TOKEN, `Basic ${TOKEN}`]) {
      const call = request(app.server).get('/api/personalize/metrics');
      const response = await (authorization ? call.set('Authorization', authorization) : call);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        data: null,
        error: { status: 401, name: 'UnauthorizedError', message: expect.stringMatching(/Bearer token/), details: {} },
      });
    }
  });

  it('counts decisions by route and outcome, their time, and the response cache, exactly', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Plan your trip', variants: { variants: [mobileQuickExit] } });
    const { documentId: plain } = await createArticle(app.strapi, { title: 'No variants here' });
    const before = (await scrape()).samples;

    const resolve = (userAgent: string) =>
      request(app.server)
        .post('/api/personalize/resolve')
        .set('User-Agent', userAgent)
        .send({ uid: ARTICLE_UID, documentId, signals: MOBILE_SIGNALS });
    // Cold then warm: the mobile variant twice (a miss, then a hit of the response cache).
    expect((await resolve(MOBILE_UA)).body.meta.personalize.variant).toBe('v_quick_exit');
    expect((await resolve(MOBILE_UA)).body.meta.personalize.variant).toBe('v_quick_exit');
    // No variant matches on a desktop: a miss (that response is not cached yet).
    expect((await resolve(DESKTOP_UA)).body.meta.personalize.variant).toBeNull();
    // The plain API: a fixed variant, then an entry without variants.
    const fixed = await request(app.server).get(`/api/articles/${documentId}`).set('x-personalize-variant', 'v_quick_exit');
    expect(fixed.body.meta.personalize.variant).toBe('v_quick_exit');
    const none = await request(app.server)
      .get(`/api/articles/${plain}`)
      .set('x-personalize-signals', encodeSignals(MOBILE_SIGNALS));
    expect(none.body.meta.personalize.variant).toBeNull();
    // Without personalization headers Strapi answers alone: nothing is counted.
    expect((await request(app.server).get(`/api/articles/${documentId}`)).status).toBe(200);

    const after = (await scrape()).samples;
    const changed = difference(before, after);
    expect(
      only(changed, ['personalize_decisions_total', 'personalize_decision_seconds_count', 'personalize_cache_requests_total'])
    ).toEqual({
      [sample('personalize_decisions_total', { route: 'resolve', outcome: 'variant' })]: 2,
      [sample('personalize_decisions_total', { route: 'resolve', outcome: 'no-match' })]: 1,
      [sample('personalize_decisions_total', { route: 'plain', outcome: 'fixed' })]: 1,
      [sample('personalize_decisions_total', { route: 'plain', outcome: 'no-variants' })]: 1,
      [sample('personalize_decision_seconds_count', { route: 'resolve', cache: 'miss' })]: 2,
      [sample('personalize_decision_seconds_count', { route: 'resolve', cache: 'hit' })]: 1,
      [sample('personalize_decision_seconds_count', { route: 'plain', cache: 'miss' })]: 2,
      // resolve: miss, hit, miss; the plain API: the first request of a route is answered by Strapi's own
      // route (no lookup), the second is looked up (its entry's program is warm since publish) and missed.
      [sample('personalize_cache_requests_total', { layer: 'l1', result: 'miss' })]: 3,
      [sample('personalize_cache_requests_total', { layer: 'l1', result: 'hit' })]: 1,
    });
    // Every request fell in some bucket: +Inf counts them all, and the time spent is positive.
    expect(changed[sample('personalize_decision_seconds_bucket', { route: 'resolve', cache: 'miss', le: '+Inf' })]).toBe(2);
    expect(changed[sample('personalize_decision_seconds_sum', { route: 'resolve', cache: 'hit' })]).toBeGreaterThan(0);
    // No entry id in any label.
    expect((await scrape()).text).not.toContain(documentId);
  });

  it('counts events by result: accepted, rejected, duplicate, no consent, bot and rate limited', async () => {
    const before = (await scrape()).samples;
    const visitor = newVisitorId();

    // Accepted: two events; the same batch again is a duplicate of two.
    const batch = batchOf(visitor, [pageEvent(['travel']), pageEvent(['hiking'])]);
    expect((await events(batch)).body).toEqual({ accepted: 2, rejected: [] });
    expect((await events(batch)).body).toMatchObject({ duplicate: true });
    // One malformed event (rejected) beside an accepted one, from another visitor.
    const mixed = await events(batchOf(newVisitorId(), [pageEvent(), { id: newId(), ts: Date.now(), type: 'not-an-event-type' }]));
    expect(mixed.body).toMatchObject({ accepted: 1, rejected: [expect.objectContaining({ index: 1 })] });
    // No consent: three events stored nowhere.
    const refused = await events(batchOf(newVisitorId(), [pageEvent(), pageEvent(), pageEvent()], { consent: { events: false } }));
    expect(refused.body).toMatchObject({ ignored: 'no-consent' });
    // A bot's two events.
    expect((await events(batchOf(newVisitorId(), [pageEvent(), pageEvent()]), BOT_UA)).body).toMatchObject({ ignored: 'bot' });
    // A visitor's third batch in the minute is over events.rateLimit.perVisitor: its one event is rate limited.
    const busy = newVisitorId();
    expect((await events(batchOf(busy, [pageEvent()]))).status).toBe(202);
    expect((await events(batchOf(busy, [pageEvent()]))).status).toBe(202);
    expect((await events(batchOf(busy, [pageEvent()]))).status).toBe(429);

    const changed = difference(before, (await scrape()).samples);
    expect(only(changed, ['personalize_events_total'])).toEqual({
      [sample('personalize_events_total', { result: 'accepted' })]: 2 + 1 + 2,
      [sample('personalize_events_total', { result: 'duplicate' })]: 2,
      [sample('personalize_events_total', { result: 'rejected' })]: 1,
      [sample('personalize_events_total', { result: 'no_consent' })]: 3,
      [sample('personalize_events_total', { result: 'bot' })]: 2,
      [sample('personalize_events_total', { result: 'rate_limited' })]: 1,
    });
  });

  it('counts first exposures and conversions by experiment and arm, and says the store is up', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Published title',
      variants: { variants: [{ id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off' } }] },
    });
    const key = `exp-${Math.random().toString(36).slice(2, 8)}`;
    const admin = (path: string, body?: object) =>
      request(app.server).post(path).set('Authorization', `Bearer ${adminToken}`).send(body);
    const created = await admin('/personalize/experiments', {
      key,
      name: `Experiment ${key}`,
      target: { uid: ARTICLE_UID, documentId },
      arms: [
        { key: 'control', weight: 0.5, variants: [] },
        { key: 'offer', weight: 0.5, variants: ['v_offer'] },
      ],
      traffic: 1,
      goal: { event: 'checkout', kind: 'conversion', windowHours: 1 },
    });
    expect(created.status).toBe(201);
    expect((await admin(`/personalize/experiments/${created.body.data.documentId}/start`)).status).toBe(200);

    const visitors = Array.from({ length: 6 }, () => newVisitorId());
    for (const visitorId of visitors) await giveConsent(app.server, visitorId);
    const before = (await scrape()).samples;
    const arms: Record<string, number> = {};
    for (const visitorId of visitors) {
      const response = await resolveFor(app.server, documentId, visitorId, DESKTOP_UA);
      const arm = response.body.meta.personalize.experiments[key].arm as string;
      arms[arm] = (arms[arm] ?? 0) + 1;
      // A second serve is no new exposure.
      await resolveFor(app.server, documentId, visitorId, DESKTOP_UA);
    }
    // The exposures are counted after the responses (the counting stage): wait for them.
    await eventually(async () => {
      const changed = difference(before, (await scrape()).samples);
      expect(only(changed, ['personalize_exposures_total'])).toEqual(
        Object.fromEntries(Object.entries(arms).map(([arm, count]) => [sample('personalize_exposures_total', { experiment: key, arm }), count]))
      );
    });
    // The first visitor converts once, in their sticky arm.
    const converting = visitors[0];
    const firstArm = (await resolveFor(app.server, documentId, converting, DESKTOP_UA)).body.meta.personalize.experiments[key].arm;
    await track(app.server, converting, [trackEvent('checkout')]);

    const { samples, text } = await scrape();
    expect(only(difference(before, samples), ['personalize_conversions_total'])).toEqual({
      [sample('personalize_conversions_total', { experiment: key, arm: firstArm, goal: 'checkout' })]: 1,
    });
    expect(samples.get(sample('personalize_store_up', { store: 'database' }))).toBe(1);
    for (const visitorId of visitors) expect(text).not.toContain(visitorId);
  });

  it('says 1 in personalize_srm_alarm when a running experiment has a sample-ratio mismatch, as its results page', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Published title',
      variants: { variants: [{ id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off' } }] },
    });
    const key = `srm-${Math.random().toString(36).slice(2, 8)}`;
    const experiment = await startSplitTest(app.server, adminToken, documentId, key);
    const alarm = async () => (await scrape()).samples.get(sample('personalize_srm_alarm', { experiment: key }));
    // Running with no unit yet: watched, no alarm.
    expect(await alarm()).toBe(0);

    const visitors = Array.from({ length: 24 }, () => newVisitorId());
    for (const visitorId of visitors) await giveConsent(app.server, visitorId);
    for (const visitorId of visitors) await resolveFor(app.server, documentId, visitorId, DESKTOP_UA);
    const { results } = experiment;
    await eventually(async () => {
      const units = (await results()).arms.reduce((sum: number, arm: { units: number }) => sum + arm.units, 0);
      expect(units).toBe(24);
    });
    expect(await alarm()).toBe((await results()).srm.ok ? 0 : 1);

    // The weights move to 95/5 while about half the visitors are in each arm: the units are skewed.
    expect((await experiment.reweigh(0.95)).status).toBe(200);
    const skewed = await results();
    const units = (arm: string) => skewed.arms.find((row: { key: string }) => row.key === arm).units as number;
    expect(srmCheck([units('control'), units('offer')], [0.95, 0.05], { threshold: 0.001 }).ok).toBe(false);
    expect(skewed.srm.ok).toBe(false);
    expect(await alarm()).toBe(1);

    // A stopped experiment is no longer watched: its sample is gone.
    expect((await experiment.stop()).status).toBe(200);
    expect(await alarm()).toBeUndefined();
  });
});

describe('metrics with Redis: store errors and the bus', () => {
  const REDIS_PORT = 6379;
  const prefix = `pz-test-metrics-${randomUUID().slice(0, 8)}:`;
  let proxy: Awaited<ReturnType<typeof createTcpProxy>>;
  let app: TestStrapi;

  beforeAll(async () => {
    proxy = await createTcpProxy(REDIS_PORT);
    app = await setupStrapi({
      env: {
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        REDIS_KEY_PREFIX: prefix,
        PERSONALIZE_CONFIG: JSON.stringify({ metrics: { enabled: true, token: TOKEN }, rateLimit: { anonymous: { points: 0 } } }),
      },
    });
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  });

  afterAll(async () => {
    await app?.destroy();
    await proxy?.close();
    const redis = new Redis(REDIS_PORT, '127.0.0.1');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const scrape = async (): Promise<Samples> => {
    const response = await request(app.server).get('/api/personalize/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    return parseExposition(response.text);
  };

  it('observes each bus message in personalize_bus_lag_seconds, from its publication to its receipt', async () => {
    // The permissions granted at setup sent messages of their own: wait until they have all arrived.
    const lagCount = (samples: Samples) => samples.get(sample('personalize_bus_lag_seconds_count'));
    let before = await scrape();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const again = await scrape();
      if (lagCount(again) === lagCount(before)) break;
      before = again;
    }
    // One message on the bus (the permissions changed), heard by this instance as by every other.
    await getService(app.strapi, 'cache').announcePermissionsChanged();
    await eventually(async () => {
      const changed = difference(before, await scrape());
      expect(changed[sample('personalize_bus_lag_seconds_count')]).toBe(1);
      // Less than a second on one host, and never negative.
      expect(changed[sample('personalize_bus_lag_seconds_bucket', { le: '1' })]).toBe(1);
      expect(changed[sample('personalize_bus_lag_seconds_sum')] ?? 0).toBeGreaterThanOrEqual(0);
    });
  });

  it('counts every failed store operation by store and operation while Redis is cut off, and the store down', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Stored',
      variants: {
        variants: [{ id: 'v_back', name: 'Back again', condition: { '>=': [{ var: 'profile.visits' }, 1] }, overrides: { title: 'Back' } }],
      },
    });
    const visitorId = newVisitorId();
    const before = await scrape();
    expect(before.get(sample('personalize_store_up', { store: 'redis' }))).toBe(1);
    await proxy.cut();
    try {
      // A resolve reads the profile once (served with an empty profile), an events batch snapshots it once (503).
      const resolved = await resolveFor(app.server, documentId, visitorId, DESKTOP_UA);
      expect(resolved.status).toBe(200);
      expect(resolved.body.meta.personalize.reason).toContainEqual({ rule: 'profile-unavailable' });
      const refused = await request(app.server).post('/api/personalize/events').set('User-Agent', DESKTOP_UA).send(batchOf(visitorId, [pageEvent()]));
      expect(refused.status).toBe(503);
      // The privacy export reads the profile and the marker: two operations.
      const exported = await request(app.server).get('/api/personalize/me').set('x-personalize-visitor', visitorId);
      expect(exported.status).toBe(503);

      const after = await scrape();
      expect(only(difference(before, after), ['personalize_store_errors_total', 'personalize_events_total'])).toEqual({
        [sample('personalize_store_errors_total', { store: 'redis', operation: 'read' })]: 2,
        [sample('personalize_store_errors_total', { store: 'redis', operation: 'snapshot' })]: 1,
        [sample('personalize_store_errors_total', { store: 'redis', operation: 'marker' })]: 1,
        [sample('personalize_events_total', { result: 'store_unavailable' })]: 1,
      });
      // The scrape's own probe is no failed operation, and it says the store is down.
      expect(after.get(sample('personalize_store_up', { store: 'redis' }))).toBe(0);
      expect((await scrape()).get(sample('personalize_store_errors_total', { store: 'redis', operation: 'read' }))).toBe(
        after.get(sample('personalize_store_errors_total', { store: 'redis', operation: 'read' }))
      );
    } finally {
      await proxy.restore();
    }
  });
});

describe('metrics config', () => {
  it('wants a token of at least 16 characters when metrics are enabled', async () => {
    const { pluginConfigSchema } = await import('../../server/src/config/schema');
    const issues = (config: object) => {
      const result = pluginConfigSchema.safeParse(config);
      return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };
    expect(issues({})).toEqual([]);
    expect(issues({ metrics: { enabled: true } })).toEqual(['metrics.token: is required when metrics.enabled is true']);
    expect(issues({ metrics: { enabled: true, token: 'short' } })).toEqual(['metrics.token: must be at least 16 characters']);
    expect(issues({ metrics: { enabled: true, token: TOKEN } })).toEqual([]);
  });
});
