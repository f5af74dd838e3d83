import request from 'supertest';

import { namespaceBucket } from '../../engine/src/experiments';
import { compareArms, type SufficientStats } from '../../engine/src/stats';
import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { newVisitorId } from '../helpers/events';
import { eventually, giveConsent, resolveFor, track, trackEvent, twoArms } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

/**
 * Namespaces and guardrails (docs/experiments.md, "Namespaces" and "Guardrails") over HTTP on a real Strapi with the
 * embedded store: two experiments in one namespace never share a visitor and each takes about its range's share, an
 * overlapping save is a 409 naming the other experiment; an arm whose guardrail event rate is far worse is reported
 * harmful, with the numbers of compareArms computed here from what the test sent.
 */

const OFFER = { id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off today' } };
const GOAL = { event: 'checkout', kind: 'conversion', windowHours: 1 };
/** The sequential interval's N*: small, so that a few hundred visitors give an interval that excludes 0. */
const N_STAR = 100;

describe('namespaces and guardrails (embedded store)', () => {
  let app: TestStrapi;
  let token: string;

  beforeAll(async () => {
    app = await setupStrapi({ env: { PERSONALIZE_CONFIG: JSON.stringify({ experiments: { sequentialNStar: N_STAR } }) } });
    token = (await createAdminSession(app.strapi)).token;
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const admin = (method: 'post' | 'put' | 'get', path: string, body?: object) =>
    request(app.server)[method](path).set('Authorization', `Bearer ${token}`).send(body);

  const create = async (body: object) => {
    const response = await admin('post', '/personalize/experiments', body);
    if (response.status !== 201) throw new Error(`create answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body.data.documentId as string;
  };

  const start = async (documentId: string) => {
    const response = await admin('post', `/personalize/experiments/${documentId}/start`);
    if (response.status !== 200) throw new Error(`start answered ${response.status}: ${JSON.stringify(response.body)}`);
  };

  it('two experiments of one namespace never share a visitor, each takes its half, an overlapping save is a 409', async () => {
    const namespace = `ns-${Math.random().toString(36).slice(2, 8)}`;
    const articles = [
      await createArticle(app.strapi, { title: 'First', variants: { variants: [OFFER] } }),
      await createArticle(app.strapi, { title: 'Second', variants: { variants: [OFFER] } }),
    ];
    const ranges: [number, number][] = [
      [0, 0.5],
      [0.5, 1],
    ];
    const keys = [`${namespace}-low`, `${namespace}-high`];
    const ids: string[] = [];
    for (const [index, article] of articles.entries()) {
      ids.push(
        await create({
          key: keys[index],
          name: `Half ${index}`,
          target: { uid: ARTICLE_UID, documentId: article.documentId },
          arms: twoArms(0.5),
          traffic: 1,
          goal: GOAL,
          namespace: { key: namespace, range: ranges[index] },
        })
      );
      await start(ids[index]);
    }

    const VISITORS = 200;
    const members = [0, 0];
    for (let visitor = 0; visitor < VISITORS; visitor += 1) {
      const visitorId = newVisitorId();
      await giveConsent(app.server, visitorId);
      const inside = await Promise.all(
        articles.map(async (article, index) => {
          const response = await resolveFor(app.server, article.documentId, visitorId);
          expect(response.status).toBe(200);
          return response.body.meta.personalize.experiments?.[keys[index]]?.arm !== undefined;
        })
      );
      // In exactly the experiment whose range holds the visitor's namespace bucket: never both, never neither.
      const bucket = namespaceBucket(namespace, visitorId);
      expect(inside).toEqual([bucket < 0.5, bucket >= 0.5]);
      inside.forEach((taken, index) => (members[index] += taken ? 1 : 0));
    }
    // About half each: within 4 standard deviations of the binomial.
    for (const count of members) expect(Math.abs(count - VISITORS / 2)).toBeLessThanOrEqual(4 * Math.sqrt(VISITORS / 4));
    expect(members[0] + members[1]).toBe(VISITORS);

    // The counts agree: each experiment counted only its own visitors.
    await eventually(async () => {
      for (const [index, id] of ids.entries()) {
        const results = (await admin('get', `/personalize/experiments/${id}/results`)).body.data;
        expect(results.arms.reduce((total: number, arm: { units: number }) => total + arm.units, 0)).toBe(members[index]);
      }
    });

    // An overlapping range is refused on create (a draft too) and on update, naming the other experiment.
    const third = await createArticle(app.strapi, { title: 'Third', variants: { variants: [OFFER] } });
    const overlapping = await admin('post', '/personalize/experiments', {
      key: `${namespace}-mid`,
      name: 'Middle',
      target: { uid: ARTICLE_UID, documentId: third.documentId },
      arms: twoArms(0.5),
      goal: GOAL,
      namespace: { key: namespace, range: [0.4, 0.6] },
    });
    expect(overlapping.status).toBe(409);
    expect(overlapping.body.data).toBeNull();
    expect(overlapping.body.error).toMatchObject({
      status: 409,
      name: 'ConflictError',
      details: { namespace, experiment: { key: keys[0], name: 'Half 0', range: [0, 0.5] } },
    });
    expect(overlapping.body.error.message).toContain(`"${keys[0]}" (Half 0)`);
    const widened = await admin('put', `/personalize/experiments/${ids[1]}`, { namespace: { key: namespace, range: [0.3, 1] } });
    expect(widened.status).toBe(409);
    expect(widened.body.error.details.experiment).toEqual({ key: keys[0], name: 'Half 0', range: [0, 0.5] });

    // Touching ranges, another namespace and a stopped experiment's range are fine; a bad range is a 400.
    const adjacent = await create({
      key: `${namespace}-other`,
      name: 'Other namespace',
      target: { uid: ARTICLE_UID, documentId: third.documentId },
      arms: twoArms(0.5),
      goal: GOAL,
      namespace: { key: `${namespace}-b`, range: [0.4, 0.6] },
    });
    expect((await admin('post', `/personalize/experiments/${ids[0]}/stop`)).status).toBe(200);
    const reused = await admin('put', `/personalize/experiments/${adjacent}`, { namespace: { key: namespace, range: [0, 0.5] } });
    expect(reused.status).toBe(200);
    expect(reused.body.data.namespace).toEqual({ key: namespace, range: [0, 0.5] });
    const empty = await admin('put', `/personalize/experiments/${adjacent}`, { namespace: { key: namespace, range: [0.5, 0.5] } });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body.error.details)).toContain('namespace');
  });

  it('reports an arm whose guardrail rate is far worse as harmful, with the numbers of compareArms', async () => {
    const article = await createArticle(app.strapi, { title: 'Guarded', variants: { variants: [OFFER] } });
    const key = `guard-${Math.random().toString(36).slice(2, 8)}`;
    const id = await create({
      key,
      name: 'Guarded offer',
      target: { uid: ARTICLE_UID, documentId: article.documentId },
      arms: twoArms(0.5),
      traffic: 1,
      goal: GOAL,
      guardrails: [
        { event: 'refund', kind: 'conversion', windowHours: 1, direction: 'decrease' },
        { event: 'engaged', kind: 'conversion', windowHours: 1, direction: 'increase' },
      ],
    });
    await start(id);

    const VISITORS = 160;
    const sent = { control: [] as { refund: number; engaged: number }[], offer: [] as { refund: number; engaged: number }[] };
    for (let visitor = 0; visitor < VISITORS; visitor += 1) {
      const visitorId = newVisitorId();
      await giveConsent(app.server, visitorId);
      const arm = (await resolveFor(app.server, article.documentId, visitorId)).body.meta.personalize.experiments[key].arm as
        | 'control'
        | 'offer';
      const position = sent[arm].length;
      // The offer's visitors ask for a refund 19 times in 20, the control's 2 in 5; both engage alike.
      const refund = arm === 'offer' ? (position % 20 < 19 ? 1 : 0) : position % 5 < 2 ? 1 : 0;
      const engaged = position % 2;
      const events = [...(refund ? [trackEvent('refund')] : []), ...(engaged ? [trackEvent('engaged')] : [])];
      if (events.length > 0) await track(app.server, visitorId, events);
      sent[arm].push({ refund, engaged });
    }
    const stats = (arm: 'control' | 'offer', event: 'refund' | 'engaged'): SufficientStats => {
      const ys = sent[arm].map((one) => one[event]);
      const sum = ys.reduce((total, y) => total + y, 0);
      return { units: ys.length, sum, sumSquares: sum };
    };

    await eventually(async () => {
      const response = await admin('get', `/personalize/experiments/${id}/results`);
      expect(response.status).toBe(200);
      const { data } = response.body;
      expect(data.goals.map((goal: { goal: string }) => goal.goal)).toEqual(['checkout', 'refund', 'engaged']);
      for (const [event, direction, harmful] of [
        ['refund', 'decrease', true],
        ['engaged', 'increase', false],
      ] as const) {
        const expected = compareArms('conversion', stats('control', event), stats('offer', event), { sequentialNStar: N_STAR });
        if (!expected.ok) throw new Error(`no expected result: ${expected.reason}`);
        const result = data.results.find((entry: { goal: string }) => entry.goal === event);
        expect(result.relative.lift).toBeCloseTo(expected.relative.lift, 12);
        expect(result.relative.pValue).toBeCloseTo(expected.relative.pValue, 12);
        expect(result.sequential.ci[0]).toBeCloseTo(expected.relative.sequential.ci[0], 12);
        expect(result.sequential.ci[1]).toBeCloseTo(expected.relative.sequential.ci[1], 12);
        // Harmful exactly when the sequential interval lies wholly on the harmful side.
        const [low, high] = expected.relative.sequential.ci;
        expect(direction === 'decrease' ? low > 0 : high < 0).toBe(harmful);
        expect(result).toMatchObject({ arm: 'offer', baseline: 'control', guardrail: { direction, harmful } });
        const counts = data.goals.find((goal: { goal: string }) => goal.goal === event).arms;
        expect(counts.map((arm: { conversions: number }) => arm.conversions)).toEqual([
          stats('control', event).sum,
          stats('offer', event).sum,
        ]);
      }
      // The primary goal has no guardrail verdict.
      expect(data.results.find((entry: { goal: string }) => entry.goal === 'checkout').guardrail).toBeUndefined();
    });

    // Once started, a guardrail's event cannot change (its counts are per goal); its direction can.
    const renamed = await admin('put', `/personalize/experiments/${id}`, {
      guardrails: [
        { event: 'refunds', kind: 'conversion', windowHours: 1, direction: 'decrease' },
        { event: 'engaged', kind: 'conversion', windowHours: 1, direction: 'increase' },
      ],
    });
    expect(renamed.status).toBe(400);
    const duplicate = await admin('post', '/personalize/experiments', {
      key: `${key}-dup`,
      name: 'Duplicate',
      arms: [
        { key: 'a', weight: 0.5 },
        { key: 'b', weight: 0.5 },
      ],
      goal: GOAL,
      guardrails: [{ event: 'checkout', kind: 'conversion', direction: 'increase' }],
    });
    expect(duplicate.status).toBe(400);
    expect(JSON.stringify(duplicate.body.error.details)).toContain('already a goal');
  });
});
