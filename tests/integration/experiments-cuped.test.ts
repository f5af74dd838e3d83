import { randomUUID } from 'node:crypto';

import Redis from 'ioredis';
import request from 'supertest';

import { compareArmsCuped, type CupedSufficientStats, type GoalKind } from '../../engine/src/stats';
import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { newVisitorId } from '../helpers/events';
import { eventually, giveConsent, resolveFor, track, trackEvent, twoArms } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

/**
 * CUPED over HTTP (docs/statistics.md, "CUPED"; docs/experiments.md, "CUPED"), on the database store (SQLite) and on
 * Redis (own key prefix): visitors track the
 * goals before their first exposure (kept per day in their profile while the experiment runs), are exposed, then
 * convert. The test keeps its own x (pre-exposure value) and y per visitor, tallies Σx, Σx², Σxy per arm and
 * computes the expected CUPED comparison with the engine's compareArmsCuped on those tallies; the results route
 * must answer exactly that.
 */

const OFFER = { id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off today' } };
const VISITORS = 48;

const prefix = `pz-cuped-${randomUUID().slice(0, 8)}:`;
const STORES: [string, Record<string, string>][] = [
  ['database store (SQLite)', {}],
  ['Redis', { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix }],
];

afterAll(async () => {
  const redis = new Redis(6379, '127.0.0.1', { lazyConnect: true });
  await redis.connect();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe.each(STORES)('CUPED counted and reported (%s)', (_store, env) => {
  let app: TestStrapi;
  let token: string;

  beforeAll(async () => {
    app = await setupStrapi({ env });
    token = (await createAdminSession(app.strapi)).token;
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const admin = (method: 'post' | 'put' | 'get', path: string, body?: object) =>
    request(app.server)[method](path).set('Authorization', `Bearer ${token}`).send(body);

  it('refuses a bad cuped setting with a 400 naming the field', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Plain', variants: { variants: [OFFER] } });
    const response = await admin('post', '/personalize/experiments', {
      key: 'cuped-bad',
      name: 'Bad CUPED',
      target: { uid: ARTICLE_UID, documentId },
      arms: twoArms(0.5),
      goal: { event: 'checkout', kind: 'conversion' },
      cuped: { lookbackDays: 0 },
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.error.details)).toContain('cuped');
  });

  it('records x at first exposure, counts Σx, Σx², Σxy exactly once and reports the adjusted comparison', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Published title', variants: { variants: [OFFER] } });
    const key = `cuped-${Math.random().toString(36).slice(2, 8)}`;
    const created = await admin('post', '/personalize/experiments', {
      key,
      name: 'CUPED test',
      target: { uid: ARTICLE_UID, documentId },
      arms: twoArms(0.5),
      goal: { event: 'checkout', kind: 'conversion', windowHours: 1 },
      secondary: [{ event: 'revenue', kind: 'mean', windowHours: 1 }],
      cuped: { lookbackDays: 7 },
    });
    expect(created.status).toBe(201);
    expect(created.body.data.cuped).toEqual({ lookbackDays: 7 });
    const experimentId = created.body.data.documentId as string;
    expect((await admin('post', `/personalize/experiments/${experimentId}/start`)).status).toBe(200);

    // Per visitor: x (before exposure) and y (after), as the test sent them.
    type Unit = { arm: string; x: { checkout: number; revenue: number }; y: { checkout: number; revenue: number } };
    const units = new Map<string, Unit>();
    const visitors = Array.from({ length: VISITORS }, () => newVisitorId());
    for (const [index, visitorId] of visitors.entries()) {
      await giveConsent(app.server, visitorId);
      const x = { checkout: 0, revenue: 0 };
      const before: object[] = [];
      if (index % 3 !== 2) {
        // Twice for some: a conversion's x is 1 however many times.
        before.push(trackEvent('checkout'));
        if (index % 5 === 0) before.push(trackEvent('checkout'));
        x.checkout = 1;
      }
      if (index % 2 === 0) {
        const amount = 8 + (index % 7) * 4;
        before.push(trackEvent('revenue', { value: amount }));
        x.revenue = amount;
      }
      if (before.length > 0) await track(app.server, visitorId, before);
      const response = await resolveFor(app.server, documentId, visitorId);
      expect(response.status).toBe(200);
      const arm = response.body.meta.personalize.experiments[key].arm as string;
      units.set(visitorId, { arm, x, y: { checkout: 0, revenue: 0 } });
    }
    // Counted once: a second resolve changes nothing.
    for (const visitorId of visitors.slice(0, 5)) await resolveFor(app.server, documentId, visitorId);
    await eventually(async () => {
      const data = (await admin('get', `/personalize/experiments/${experimentId}/results`)).body.data;
      const total = data.arms.reduce((sum: number, arm: { units: number }) => sum + arm.units, 0);
      expect(total).toBe(VISITORS);
    });

    // After exposure: who did it before mostly does it again; the offer arm a little more.
    for (const [index, visitorId] of visitors.entries()) {
      const unit = units.get(visitorId)!;
      const events: object[] = [];
      const converts = unit.x.checkout === 1 ? index % 4 !== 3 : index % 4 === 0 || (unit.arm === 'offer' && index % 7 === 1);
      if (converts) {
        events.push(trackEvent('checkout'));
        unit.y.checkout = 1;
      }
      if (index % 3 !== 1) {
        const amount = unit.x.revenue / 2 + 5 + (index % 4) * 3 + (unit.arm === 'offer' ? 2 : 0);
        events.push(trackEvent('revenue', { value: amount }));
        unit.y.revenue += amount;
        if (index % 6 === 0) {
          events.push(trackEvent('revenue', { value: 3 }));
          unit.y.revenue += 3;
        }
      }
      if (events.length > 0) await track(app.server, visitorId, events);
    }

    const tally = (arm: string, goal: 'checkout' | 'revenue'): CupedSufficientStats & { conversions: number } => {
      const members = [...units.values()].filter((unit) => unit.arm === arm);
      const xs = members.map((unit) => unit.x[goal]);
      const ys = members.map((unit) => unit.y[goal]);
      const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
      return {
        units: members.length,
        conversions: goal === 'checkout' ? sum(ys) : members.filter((unit) => unit.y.revenue !== 0).length,
        sum: sum(ys),
        sumSquares: sum(ys.map((y) => y * y)),
        preSum: sum(xs),
        preSumSquares: sum(xs.map((x) => x * x)),
        crossSum: sum(members.map((unit) => unit.x[goal] * unit.y[goal])),
      };
    };

    const data = await eventually(async () => {
      const response = await admin('get', `/personalize/experiments/${experimentId}/results`);
      expect(response.status).toBe(200);
      const { arms, goals } = response.body.data;
      for (const [goalIndex, goal] of (['checkout', 'revenue'] as const).entries()) {
        const expectedArms = ['control', 'offer'].map((arm) => {
          const { units: n, ...rest } = tally(arm, goal);
          return { key: arm, ...rest, mean: rest.sum / n };
        });
        expect(goals[goalIndex].arms).toEqual(expectedArms);
      }
      expect(arms).toEqual(
        ['control', 'offer'].map((arm) => {
          const stats = tally(arm, 'checkout');
          return { key: arm, weight: 0.5, ...stats, mean: stats.sum / stats.units };
        })
      );
      return response.body.data;
    });

    // Both arms exposed, and the covariate varies: the adjustment is real.
    expect(data.arms.every((arm: { units: number }) => arm.units > 5)).toBe(true);
    for (const [goal, kind] of [
      ['checkout', 'conversion'],
      ['revenue', 'mean'],
    ] as ['checkout' | 'revenue', GoalKind][]) {
      const expected = compareArmsCuped(kind, tally('control', goal), tally('offer', goal), { alpha: data.alpha, sequentialNStar: data.sequentialNStar });
      if (!expected.ok) throw new Error(`no expected CUPED result on ${goal}: ${expected.reason}`);
      expect(expected.adjusted).toBe(true);
      expect(expected.varianceReduction).toBeGreaterThan(0);
      const result = data.results.find((entry: { goal: string }) => entry.goal === goal);
      expect(result.arm).toBe('offer');
      expect(result.cuped).toEqual({
        adjusted: true,
        theta: expected.theta,
        varianceReduction: expected.varianceReduction,
        relative: { lift: expected.relative.lift, ci: [...expected.relative.ci], pValue: expected.relative.pValue },
        sequential: { ci: [...expected.relative.sequential.ci], pValue: expected.relative.sequential.pValue },
        chanceToWin: expected.chanceToWin,
      });
      // The raw comparison stays beside it, unchanged.
      if (!expected.raw.ok) throw new Error('no raw result');
      expect(result.relative.lift).toBe(expected.raw.relative.lift);
    }

    // Off: no covariate fields and no CUPED comparison.
    const put = await admin('put', `/personalize/experiments/${experimentId}`, { cuped: false });
    expect(put.status).toBe(200);
    expect(put.body.data.cuped).toEqual({ enabled: false });
    const off = (await admin('get', `/personalize/experiments/${experimentId}/results`)).body.data;
    expect(off.arms[0].preSum).toBeUndefined();
    expect(off.results[0].cuped).toBeUndefined();
  });
});
