import request from 'supertest';

import { inHoldout } from '../../engine/src/experiments';
import { compareArms, type GoalKind, type SufficientStats } from '../../engine/src/stats';
import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { newVisitorId } from '../helpers/events';
import { eventually, giveConsent, resolveFor, startSplitTest, track, trackEvent } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

/**
 * The site-wide holdout (docs/experiments.md, "The holdout") on a real Strapi with the embedded store: `holdout.share`
 * 0.2, a conversion and a mean goal. A held-out visitor gets the entry as published, in no experiment, with the
 * reason `holdout`; the group is sticky; both groups are counted from their first resolve of an entry with variants
 * (with consent), and the report's counts and statistics equal the ones computed here from what the test sent.
 */

const SHARE = 0.2;
const GOALS = [
  { event: 'checkout', kind: 'conversion', windowHours: 1 },
  { event: 'revenue', kind: 'mean', windowHours: 1 },
];
const OFFER = { id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off today' } };
const VISITORS = 100;

describe('the site-wide holdout (embedded store)', () => {
  let app: TestStrapi;
  let token: string;

  beforeAll(async () => {
    app = await setupStrapi({ env: { PERSONALIZE_CONFIG: JSON.stringify({ holdout: { share: SHARE, goals: GOALS } }) } });
    token = (await createAdminSession(app.strapi)).token;
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const report = (goal: string, bearer = token) =>
    request(app.server)
      .get(`/personalize/holdout/results?goal=${encodeURIComponent(goal)}`)
      .set('Authorization', `Bearer ${bearer}`);

  it('holds out a stable share in no experiment with reason holdout, counts both groups and reports them', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Published title', variants: { variants: [OFFER] } });
    const key = `holdout-split-${Math.random().toString(36).slice(2, 8)}`;
    const split = await startSplitTest(app.server, token, documentId, key);

    const visitors = Array.from({ length: VISITORS }, () => newVisitorId());
    const held = new Set(visitors.filter((visitorId) => inHoldout(visitorId, SHARE)));
    // The share is within binomial bounds (4 standard deviations) and the test has both groups.
    expect(Math.abs(held.size - VISITORS * SHARE)).toBeLessThanOrEqual(4 * Math.sqrt(VISITORS * SHARE * (1 - SHARE)));
    expect(held.size).toBeGreaterThan(0);

    for (const visitorId of visitors) {
      await giveConsent(app.server, visitorId);
      const response = await resolveFor(app.server, documentId, visitorId);
      expect(response.status).toBe(200);
      const meta = response.body.meta.personalize;
      if (held.has(visitorId)) {
        expect(response.body.data.title).toBe('Published title');
        expect(meta.variant).toBeNull();
        expect(meta.reason).toEqual([{ rule: 'holdout', share: SHARE }]);
        expect(meta.experiments).toBeUndefined();
      } else {
        expect(meta.experiments[key]).toMatchObject({ reason: 'hash' });
        expect(meta.reason.some((entry: { rule: string }) => entry.rule === 'holdout')).toBe(false);
      }
    }

    // Sticky, and counted once each (after the response): the report's units are the groups' sizes.
    for (const visitorId of visitors) {
      const again = (await resolveFor(app.server, documentId, visitorId)).body.meta.personalize;
      expect(again.reason.some((entry: { rule: string }) => entry.rule === 'holdout')).toBe(held.has(visitorId));
    }
    await eventually(async () => {
      const response = await report('checkout');
      expect(response.status).toBe(200);
      expect(response.body.data.arms.map((arm: { key: string; units: number }) => [arm.key, arm.units])).toEqual([
        ['holdout', held.size],
        ['personalized', VISITORS - held.size],
      ]);
    });
    // The held-out visitors entered no experiment: the A/B test on the entry counted only the others.
    const splitUnits = (await split.results()).arms.reduce((total: number, arm: { units: number }) => total + arm.units, 0);
    expect(splitUnits).toBe(VISITORS - held.size);

    // Conversions: every third visitor checks out, every second one spends an amount of their own (twice for some).
    const checkout = new Map<string, number>();
    const revenue = new Map<string, number>();
    for (const [index, visitorId] of visitors.entries()) {
      const events: object[] = [];
      if (index % 3 === 0) {
        events.push(trackEvent('checkout'));
        checkout.set(visitorId, 1);
      }
      if (index % 2 === 0) {
        const amount = 10 + (index % 7) * 5;
        events.push(trackEvent('revenue', { value: amount }));
        if (index % 4 === 0) events.push(trackEvent('revenue', { value: 12 }));
        revenue.set(visitorId, amount + (index % 4 === 0 ? 12 : 0));
      }
      if (events.length > 0) await track(app.server, visitorId, events);
    }

    /** What the test sent, per group: units, Σy, Σy² (the visitor's total as y). */
    const groupStats = (values: Map<string, number>, inHold: boolean): SufficientStats & { conversions: number } => {
      const members = visitors.filter((visitorId) => held.has(visitorId) === inHold);
      const ys = members.map((visitorId) => values.get(visitorId) ?? 0);
      return {
        units: members.length,
        conversions: members.filter((visitorId) => values.has(visitorId)).length,
        sum: ys.reduce((total, y) => total + y, 0),
        sumSquares: ys.reduce((total, y) => total + y * y, 0),
      };
    };
    for (const [goal, kind, values] of [
      ['checkout', 'conversion', checkout],
      ['revenue', 'mean', revenue],
    ] as [string, GoalKind, Map<string, number>][]) {
      const holdout = groupStats(values, true);
      const personalized = groupStats(values, false);
      await eventually(async () => {
        const response = await report(goal);
        expect(response.status).toBe(200);
        const { data } = response.body;
        expect(data).toMatchObject({ share: SHARE, goal, kind });
        expect(data.arms).toEqual([
          { key: 'holdout', weight: SHARE, ...holdout, mean: holdout.sum / holdout.units },
          { key: 'personalized', weight: 1 - SHARE, ...personalized, mean: personalized.sum / personalized.units },
        ]);
        const expected = compareArms(kind, holdout, personalized);
        if (!expected.ok) throw new Error(`no expected result: ${expected.reason}`);
        const [result] = data.results;
        expect(result.goal).toBe(goal);
        expect(result.arm).toBe('personalized');
        expect(result.baseline).toBe('holdout');
        expect(result.relative.lift).toBeCloseTo(expected.relative.lift, 12);
        expect(result.relative.ci[0]).toBeCloseTo(expected.relative.ci[0], 12);
        expect(result.relative.ci[1]).toBeCloseTo(expected.relative.ci[1], 12);
        expect(result.relative.pValue).toBeCloseTo(expected.relative.pValue, 12);
        expect(result.absolute.lift).toBeCloseTo(expected.absolute.lift, 12);
        expect(result.sequential.ci[0]).toBeCloseTo(expected.relative.sequential.ci[0], 12);
        expect(result.sequential.ci[1]).toBeCloseTo(expected.relative.sequential.ci[1], 12);
        expect(result.sequential.pValue).toBeCloseTo(expected.relative.sequential.pValue, 12);
        expect(result.chanceToWin).toBeCloseTo(expected.chanceToWin, 12);
      });
    }
  });

  it('without consent a held-out visitor still gets the entry as published, and is not counted', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Plain title', variants: { variants: [OFFER] } });
    const before = (await report('checkout')).body.data.arms.map((arm: { units: number }) => arm.units);
    let visitorId = newVisitorId();
    while (!inHoldout(visitorId, SHARE)) visitorId = newVisitorId();
    const response = await resolveFor(app.server, documentId, visitorId);
    expect(response.body.data.title).toBe('Plain title');
    expect(response.body.meta.personalize.reason).toEqual([{ rule: 'holdout', share: SHARE }]);
    // Give the counting stage time to (not) run.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await report('checkout')).body.data.arms.map((arm: { units: number }) => arm.units)).toEqual(before);
  });

  it('refuses a goal the holdout does not count, an empty goal, no admin, no permission; reserves the key "holdout"', async () => {
    const unknown = await report('signup');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('"signup" is not a holdout goal');
    // Without a goal: the first configured one, with the configured goals and alpha (the admin's picker).
    const first = await request(app.server).get('/personalize/holdout/results').set('Authorization', `Bearer ${token}`);
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ share: SHARE, goal: GOALS[0].event, kind: GOALS[0].kind, goals: GOALS.map(({ event, kind }) => ({ event, kind })) });
    expect(first.body.data.arms.map((arm: { key: string }) => arm.key)).toEqual(['holdout', 'personalized']);
    expect((await request(app.server).get('/personalize/holdout/results?goal=').set('Authorization', `Bearer ${token}`)).status).toBe(400);
    expect((await request(app.server).get('/personalize/holdout/results?goal=checkout')).status).toBe(401);
    const role = await app.strapi.service('admin::role').create({ name: `no experiments ${Date.now()}`, description: 'none' });
    await app.strapi.service('admin::role').assignPermissions(role.id, [{ action: 'plugin::personalize.read', subject: null }]);
    const session = await createAdminSession(app.strapi, { roleId: role.id });
    expect((await report('checkout', session.token)).status).toBe(403);

    const reserved = await request(app.server)
      .post('/personalize/experiments')
      .set('Authorization', `Bearer ${token}`)
      .send({
        key: 'holdout',
        name: 'Reserved',
        arms: [
          { key: 'a', weight: 0.5 },
          { key: 'b', weight: 0.5 },
        ],
        traffic: 1,
        goal: { event: 'checkout', kind: 'conversion', windowHours: 1 },
      });
    expect(reserved.status).toBe(400);
    expect(JSON.stringify(reserved.body.error)).toContain('reserved for the site-wide holdout');
  });
});

describe('the site-wide holdout, off (the default config)', () => {
  let app: TestStrapi;

  beforeAll(async () => {
    // The first describe's PERSONALIZE_CONFIG stays in process.env: unset it for the default config.
    app = await setupStrapi({ env: { PERSONALIZE_CONFIG: undefined } });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('answers "off" without a goal (for the admin page) and refuses a goal, which no config lists', async () => {
    const { token } = await createAdminSession(app.strapi);
    const off = await request(app.server).get('/personalize/holdout/results').set('Authorization', `Bearer ${token}`);
    expect(off.status).toBe(200);
    expect(off.body.data).toEqual({ share: 0, goals: [], alpha: expect.any(Number), goal: null, kind: null, arms: [], results: [] });
    const asked = await request(app.server).get('/personalize/holdout/results?goal=checkout').set('Authorization', `Bearer ${token}`);
    expect(asked.status).toBe(400);
    expect(asked.body.error.message).toContain('holdout.goals: none');
  });
});
