import { randomUUID } from 'node:crypto';

import Redis from 'ioredis';
import request from 'supertest';

import { bucketRanges, chooseArm, experimentBucket } from '../../engine/src/experiments';
import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { batchOf, newVisitorId } from '../helpers/events';
import { eventually, giveConsent, resolveFor, track, trackEvent } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

/**
 * Goal values (issue 16, finding 3), on the embedded store and on real Redis: an event value beyond
 * ±1e9 is rejected by index, a `mean` goal's `cap` bounds each visitor's total, and no visitor can
 * change another visitor's contribution to the counts, nor make a counter non-finite.
 */

const REDIS_PORT = 6379;
const prefix = `pz-test-${randomUUID().slice(0, 8)}:`;
const OFFER = { id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off today' } };

afterAll(async () => {
  const redis = new Redis(REDIS_PORT, '127.0.0.1');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

interface ArmCounts {
  key: string;
  units: number;
  conversions: number;
  sum: number;
  sumSquares: number;
}

/** A raw JSON body, so values JSON.stringify cannot write (1e400 reads back as Infinity) are sent as such. */
const RAW = (text: string) => `@@raw:${text}@@`;
const rawJson = (body: object) => JSON.stringify(body).replace(/"@@raw:([^@"]*)@@"/g, '$1');

const ARMS = ['control', 'offer'];
/** A new visitor id that the 50/50 experiment `key` puts in `arm`. */
const visitorIn = (key: string, arm: string) => {
  for (;;) {
    const visitorId = newVisitorId();
    if (ARMS[chooseArm(experimentBucket(key, visitorId), bucketRanges([0.5, 0.5], 1))] === arm) return visitorId;
  }
};

describe.each([
  ['the embedded store', {}],
  ['Redis', { REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`, REDIS_KEY_PREFIX: prefix }],
] as const)('goal values on %s', (_name, env) => {
  let app: TestStrapi;
  let token: string;

  beforeAll(async () => {
    app = await setupStrapi({ env });
    token = (await createAdminSession(app.strapi)).token;
    await grantPublic(app.strapi, [`${ARTICLE_UID}.findOne`]);
  }, 120_000);

  afterAll(async () => {
    await app?.destroy();
  });

  const admin = (method: 'get' | 'post' | 'put', path: string, body?: object) => {
    const call = request(app.server)[method](path).set('Authorization', `Bearer ${token}`);
    return body ? call.send(body) : call;
  };
  const visitors = () => app.strapi.plugin('personalize').service('visitors');

  const experimentBody = (documentId: string, goal: object, extra: object = {}) => ({
    key: `values-${Math.random().toString(36).slice(2, 8)}`,
    name: 'Goal values',
    target: { uid: ARTICLE_UID, documentId },
    arms: [
      { key: 'control', weight: 0.5, variants: [] },
      { key: 'offer', weight: 0.5, variants: ['v_offer'] },
    ],
    traffic: 1,
    goal,
    ...extra,
  });

  const startExperiment = async (goal: object) => {
    const { documentId } = await createArticle(app.strapi, { title: 'Published title', variants: { variants: [OFFER] } });
    const created = await admin('post', '/personalize/experiments', experimentBody(documentId, goal));
    expect(created.status).toBe(201);
    const experimentId = created.body.data.documentId as string;
    expect((await admin('post', `/personalize/experiments/${experimentId}/start`)).status).toBe(200);
    return { documentId, key: created.body.data.key as string, experimentId };
  };

  /** Exposes a new consenting visitor in `arm` and waits until the exposure is stored. */
  const expose = async (documentId: string, key: string, arm: string) => {
    const visitorId = visitorIn(key, arm);
    await giveConsent(app.server, visitorId);
    const response = await resolveFor(app.server, documentId, visitorId);
    expect(response.status).toBe(200);
    expect(response.body.meta.personalize.experiments[key].arm).toBe(arm);
    await eventually(async () => {
      const profile = await visitors().store().read(visitors().hash(visitorId));
      expect(profile?.exposures[key]).toMatchObject({ arm });
    });
    return visitorId;
  };

  const armCounts = async (experimentId: string): Promise<ArmCounts[]> => {
    const response = await admin('get', `/personalize/experiments/${experimentId}/results`);
    expect(response.status).toBe(200);
    return response.body.data.arms.map(({ key, units, conversions, sum, sumSquares }: ArmCounts) => ({
      key,
      units,
      conversions,
      sum,
      sumSquares,
    }));
  };

  /** The arms' counts that visitors with these counted totals (by arm) make, in arm order. */
  const expected = (totals: { arm: string; y: number | null }[]): ArmCounts[] =>
    ARMS.map((key) => {
      const mine = totals.filter((total) => total.arm === key);
      const converted = mine.filter((total) => total.y !== null).map((total) => total.y as number);
      return {
        key,
        units: mine.length,
        conversions: converted.length,
        sum: converted.reduce((sum, y) => sum + y, 0),
        sumSquares: converted.reduce((sum, y) => sum + y * y, 0),
      };
    });

  /** Honest visitors' values (binary fractions and integers: every sum below is exact). */
  const HONEST = [[10, 20], [35], [990, 5], [1500], [-5], [250.5, 0.25], [], [7]];

  /** The honest visitors, in both arms (the hostile one shares the offer arm with some). */
  const exposeHonest = async (documentId: string, key: string, goal: string) => {
    const honest: { arm: string; values: number[] }[] = [];
    for (const [index, values] of HONEST.entries()) {
      const arm = ARMS[index % 2];
      const visitorId = await expose(documentId, key, arm);
      if (values.length > 0)
        await track(
          app.server,
          visitorId,
          values.map((value) => trackEvent(goal, { value }))
        );
      honest.push({ arm, values });
    }
    return honest;
  };

  const sendRaw = (body: object) =>
    request(app.server).post('/api/personalize/events').set('Content-Type', 'application/json').send(rawJson(body));

  it('rejects values beyond ±1e9 by index, so two of 1e308 no longer wipe the other visitors’ counts', async () => {
    const { documentId, key, experimentId } = await startExperiment({ event: 'basket', kind: 'mean', windowHours: 24 });
    const honest = await exposeHonest(documentId, key, 'basket');
    const hostileArm = 'offer';
    const hostile = await expose(documentId, key, hostileArm);

    const events = [
      trackEvent('basket', { value: 1e308 }),
      trackEvent('basket', { value: 1e308 }),
      trackEvent('basket', { value: 3 }),
      { ...trackEvent('basket'), value: RAW('1e400') },
      trackEvent('basket', { value: -1e308 }),
      trackEvent('basket', { value: 1e9 + 1 }),
      trackEvent('basket', { value: -1e9 - 1 }),
      { ...trackEvent('basket'), value: 'NaN' },
      { ...trackEvent('basket'), value: null },
      { ...trackEvent('basket'), value: RAW('-1e400') },
    ];
    const response = await sendRaw(batchOf(hostile, events));
    expect(response.status).toBe(202);

    // The honest visitors' values count exactly as they were, beside the hostile visitor's one accepted value.
    const counts = await armCounts(experimentId);
    expect(counts).toEqual(
      expected([
        ...honest.map(({ arm, values }) => ({
          arm,
          y: values.length > 0 ? values.reduce((sum, value) => sum + value, 0) : null,
        })),
        { arm: hostileArm, y: 3 },
      ])
    );
    expect(response.body.accepted).toBe(1);
    expect(response.body.rejected.map((rejection: { index: number }) => rejection.index)).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9]);
    for (const rejection of response.body.rejected) expect(rejection.message).toMatch(/^value: /);
  });

  it('counts a visitor’s total as the cap at most: a hostile visitor’s values change nothing but their own capped contribution', async () => {
    const cap = 1000;
    const { documentId, key, experimentId } = await startExperiment({ event: 'revenue', kind: 'mean', windowHours: 24, cap });
    const honest = await exposeHonest(documentId, key, 'revenue');
    const hostileArm = 'offer';
    const hostile = await expose(documentId, key, hostileArm);
    const clamp = (y: number) => Math.min(cap, Math.max(-cap, y));
    const honestTotals = honest.map(({ arm, values }) => ({
      arm,
      y: values.length > 0 ? clamp(values.reduce((sum, value) => sum + value, 0)) : null,
    }));

    // Overflowing, not-a-number and out-of-bounds values are rejected; the largest allowed ones count as the cap.
    const first = await sendRaw(
      batchOf(hostile, [
        trackEvent('revenue', { value: 1e308 }),
        trackEvent('revenue', { value: 1e9 }),
        trackEvent('revenue', { value: -1e308 }),
        trackEvent('revenue', { value: 1e9 }),
        trackEvent('revenue', { value: 1e9 + 1 }),
        { ...trackEvent('revenue'), value: RAW('1e400') },
        { ...trackEvent('revenue'), value: 'NaN' },
        trackEvent('revenue', { value: 1e9 }),
      ])
    );
    expect(first.status).toBe(202);
    expect(first.body.rejected.map((rejection: { index: number }) => rejection.index)).toEqual([0, 2, 4, 5, 6]);
    expect(await armCounts(experimentId)).toEqual(expected([...honestTotals, { arm: hostileArm, y: cap }]));

    // Down past −cap (3e9 − 5e9 = −2e9): the hostile visitor now counts −cap; nobody else moved.
    await track(
      app.server,
      hostile,
      Array.from({ length: 5 }, () => trackEvent('revenue', { value: -1e9 }))
    );
    expect(await armCounts(experimentId)).toEqual(expected([...honestTotals, { arm: hostileArm, y: -cap }]));
    // Back within the cap: the raw total (−2e9 + 2e9 + 42 = 42) counts as is.
    await track(app.server, hostile, [
      trackEvent('revenue', { value: 1e9 }),
      trackEvent('revenue', { value: 1e9 }),
      trackEvent('revenue', { value: 42 }),
    ]);
    expect(await armCounts(experimentId)).toEqual(expected([...honestTotals, { arm: hostileArm, y: 42 }]));
  });

  it('refuses a cap on a conversion goal, and any change of a started goal’s cap (400 naming the path)', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Caps', variants: { variants: [OFFER] } });
    const conversion = await admin(
      'post',
      '/personalize/experiments',
      experimentBody(documentId, { event: 'signup', kind: 'conversion', cap: 5 })
    );
    expect(conversion.status).toBe(400);
    expect(conversion.body.error.details.errors[0].path).toEqual(['goal', 'cap']);

    const goal = { event: 'revenue', kind: 'mean', windowHours: 24, cap: 100 };
    const secondary = [{ event: 'basket', kind: 'mean', windowHours: 24 }];
    const created = await admin('post', '/personalize/experiments', experimentBody(documentId, goal, { secondary }));
    expect(created.status).toBe(201);
    expect(created.body.data.goal).toEqual(goal);
    const path = `/personalize/experiments/${created.body.data.documentId}`;
    // A draft's cap may change.
    expect((await admin('put', path, { goal: { ...goal, cap: 200 } })).status).toBe(200);
    expect((await admin('post', `${path}/start`)).status).toBe(200);

    for (const [change, where] of [
      [{ goal: { ...goal, cap: 300 } }, ['goal', 'cap']],
      [{ goal: { event: 'revenue', kind: 'mean', windowHours: 24 } }, ['goal', 'cap']],
      [{ secondary: [{ ...secondary[0], cap: 5 }] }, ['secondary', 0, 'cap']],
    ] as const) {
      const response = await admin('put', path, change);
      expect(response.status).toBe(400);
      expect(response.body.error.details.errors[0].path).toEqual(where);
      expect(response.body.error.message).toMatch(/cap/);
    }
    // The window may still change.
    const rewindowed = await admin('put', path, { goal: { ...goal, cap: 200, windowHours: 48 } });
    expect(rewindowed.status).toBe(200);
    expect(rewindowed.body.data.goal).toEqual({ ...goal, cap: 200, windowHours: 48 });
  });

  it('never writes a non-finite counter, whatever increments it is handed', async () => {
    const visitorId = newVisitorId();
    await giveConsent(app.server, visitorId);
    const store = visitors().store();
    const hash = visitors().hash(visitorId);
    const experiment = `guard-${Math.random().toString(36).slice(2, 8)}`;
    const field = (measure: string) => `2026-01-01|0|control|revenue|${measure}`;
    const commit = async (increments: { field: string; by: number }[]) => {
      const snapshot = await store.snapshot(hash);
      const result = await store.commit({
        hash,
        expected: snapshot,
        next: snapshot.profile,
        ttlMs: 3_600_000,
        counters: [{ experiment, increments }],
      });
      expect(result).toEqual({ ok: true });
    };
    await commit([{ field: field('s'), by: 1.5e308 }]);
    await commit([
      { field: field('s'), by: 1.5e308 },
      { field: field('q'), by: Infinity },
      { field: field('c'), by: Number.NaN },
      { field: '2026-01-01|0|control|u', by: 1 },
      { field: field('q'), by: 4 },
    ]);
    const counters = await store.counters(experiment);
    expect(counters).toEqual({ [field('s')]: 1.5e308, [field('q')]: 4, '2026-01-01|0|control|u': 1 });
    // The profile was written with them.
    expect(await store.read(hash)).not.toBeNull();
    await store.dropCounters(experiment);
  });
});
