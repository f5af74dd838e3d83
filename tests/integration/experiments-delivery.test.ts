import request from 'supertest';

import { bucketRanges, chooseArm, experimentBucket, roundBucket } from '../../engine/src/experiments';
import { compareArms, srmCheck } from '../../engine/src/stats';
import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { newVisitorId } from '../helpers/events';
import { eventually, giveConsent, resolveFor, track, trackEvent } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { DESKTOP_UA, MOBILE_UA } from '../helpers/user-agents';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

/**
 * Experiments in delivery, on a real Strapi with the embedded store: assignment (hash, sticky,
 * eligibility, consent), arms as rule sets, exposure and conversion counting, results and bandit
 * updates through the admin routes.
 */

const OFFER = { id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off today' } };
const MOBILE = {
  id: 'v_mobile',
  name: 'Mobile',
  enabled: true,
  condition: { '==': [{ var: 'context.device' }, 'mobile'] },
  overrides: { title: 'Made for your phone' },
};

describe('experiments in delivery (embedded store)', () => {
  let app: TestStrapi;
  let token: string;

  beforeAll(async () => {
    app = await setupStrapi();
    token = (await createAdminSession(app.strapi)).token;
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const admin = (method: 'get' | 'post' | 'put' | 'delete', path: string, body?: object) => {
    const call = request(app.server)[method](path).set('Authorization', `Bearer ${token}`);
    return body ? call.send(body) : call;
  };

  const newKey = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}`;

  /** An article with the offer and mobile variants, and a running experiment on it. */
  const runningExperiment = async (overrides: Record<string, unknown> = {}) => {
    const { documentId } = await createArticle(app.strapi, { title: 'Published title', variants: { variants: [MOBILE, OFFER] } });
    const key = newKey('exp');
    const created = await admin('post', '/personalize/experiments', {
      key,
      name: `Experiment ${key}`,
      target: { uid: ARTICLE_UID, documentId },
      arms: [
        { key: 'control', weight: 0.5, variants: [] },
        { key: 'offer', weight: 0.5, variants: ['v_offer'] },
      ],
      traffic: 1,
      goal: { event: 'checkout', kind: 'conversion', windowHours: 1 },
      secondary: [{ event: 'revenue', kind: 'mean', windowHours: 1 }],
      ...overrides,
    });
    expect(created.status).toBe(201);
    const experimentId = created.body.data.documentId as string;
    expect((await admin('post', `/personalize/experiments/${experimentId}/start`)).status).toBe(200);
    return { documentId, key, experimentId };
  };

  /** A draft site-wide experiment (arms a and b, 50/50, no target): its documentId. */
  const siteWideExperiment = async (key: string, name: string): Promise<string> => {
    const created = await admin('post', '/personalize/experiments', {
      key,
      name,
      arms: [
        { key: 'a', weight: 0.5 },
        { key: 'b', weight: 0.5 },
      ],
      traffic: 1,
      goal: { event: 'signup', kind: 'conversion' },
    });
    expect(created.status).toBe(201);
    return created.body.data.documentId as string;
  };

  const expectedArm = (key: string, visitorId: string, weights: number[], traffic = 1) =>
    chooseArm(experimentBucket(key, visitorId), bucketRanges(weights, traffic));

  const results = async (experimentId: string) => {
    const response = await admin('get', `/personalize/experiments/${experimentId}/results`);
    expect(response.status).toBe(200);
    return response.body.data;
  };

  it('assigns consenting visitors by their hash bucket, serves only their arm’s variants and records the first exposure', async () => {
    const { documentId, key, experimentId } = await runningExperiment();
    const visitors = Array.from({ length: 24 }, () => newVisitorId());
    const arms: Record<string, string> = {};
    for (const visitorId of visitors) {
      await giveConsent(app.server, visitorId);
      // A desktop visitor: only the offer variant can match, and only in the offer arm.
      const response = await resolveFor(app.server, documentId, visitorId, DESKTOP_UA);
      expect(response.status).toBe(200);
      const arm = ['control', 'offer'][expectedArm(key, visitorId, [0.5, 0.5])];
      arms[visitorId] = arm;
      expect(response.body.meta.personalize.experiments[key]).toEqual({
        arm,
        reason: 'hash',
        bucket: roundBucket(experimentBucket(key, visitorId)),
      });
      expect(response.body.meta.personalize.reason[0]).toEqual({
        rule: 'experiment',
        experiment: key,
        arm,
        variants: arm === 'offer' ? ['v_offer'] : [],
      });
      expect(response.body.meta.personalize.variant).toBe(arm === 'offer' ? 'v_offer' : null);
      expect(response.body.data.title).toBe(arm === 'offer' ? 'Ten percent off today' : 'Published title');
    }
    expect(new Set(Object.values(arms)).size).toBe(2);

    // Counted once per visitor, after the response: the next resolve says "sticky".
    for (const visitorId of visitors) {
      await eventually(async () => {
        const again = await resolveFor(app.server, documentId, visitorId, DESKTOP_UA);
        expect(again.body.meta.personalize.experiments[key]).toMatchObject({ arm: arms[visitorId], reason: 'sticky' });
      });
    }
    const data = await results(experimentId);
    const units = (arm: string) => Object.values(arms).filter((value) => value === arm).length;
    expect(data.arms.map((arm: { key: string; units: number }) => [arm.key, arm.units])).toEqual([
      ['control', units('control')],
      ['offer', units('offer')],
    ]);
    expect(data.srm.pValue).toBeCloseTo(srmCheck([units('control'), units('offer')], [0.5, 0.5]).pValue, 10);
    const today = new Date().toISOString().slice(0, 10);
    expect(data.daily).toEqual([
      {
        date: today,
        arms: [
          { key: 'control', units: units('control'), conversions: 0 },
          { key: 'offer', units: units('offer'), conversions: 0 },
        ],
      },
    ]);
  });

  it('keeps exposed visitors in their arm when the weights change, and gives new visitors the new weights', async () => {
    const { documentId, key, experimentId } = await runningExperiment();
    const early = Array.from({ length: 12 }, () => newVisitorId());
    const armOf: Record<string, string> = {};
    for (const visitorId of early) {
      await giveConsent(app.server, visitorId);
      const response = await resolveFor(app.server, documentId, visitorId);
      armOf[visitorId] = response.body.meta.personalize.experiments[key].arm;
    }
    await eventually(async () => expect((await results(experimentId)).arms[0].units + (await results(experimentId)).arms[1].units).toBe(12));

    const changed = await admin('put', `/personalize/experiments/${experimentId}`, {
      arms: [
        { key: 'control', weight: 0.05, variants: [] },
        { key: 'offer', weight: 0.95, variants: ['v_offer'] },
      ],
    });
    expect(changed.status).toBe(200);
    for (const visitorId of early) {
      const response = await resolveFor(app.server, documentId, visitorId);
      expect(response.body.meta.personalize.experiments[key]).toMatchObject({ arm: armOf[visitorId], reason: 'sticky' });
    }
    const late = newVisitorId();
    await giveConsent(app.server, late);
    const response = await resolveFor(app.server, documentId, late);
    expect(response.body.meta.personalize.experiments[key].arm).toBe(['control', 'offer'][expectedArm(key, late, [0.05, 0.95])]);
  });

  it('leaves out visitors without an id or consent, and those the eligibility rule excludes, as if there were no experiment', async () => {
    const { documentId, key, experimentId } = await runningExperiment({
      condition: { '==': [{ var: 'context.device' }, 'desktop'] },
    });
    const anonymous = await resolveFor(app.server, documentId, undefined, MOBILE_UA);
    expect(anonymous.body.meta.personalize.experiments[key]).toEqual({ reason: 'no-visitor', bucket: null });
    // Without an experiment, the mobile variant (first match) wins.
    expect(anonymous.body.meta.personalize.variant).toBe('v_mobile');

    const unknown = newVisitorId(); // no consent recorded (opt-in)
    const noConsent = await resolveFor(app.server, documentId, unknown, DESKTOP_UA);
    expect(noConsent.body.meta.personalize.experiments[key]).toEqual({ reason: 'no-consent', bucket: null });
    expect(noConsent.body.meta.personalize.variant).toBe('v_offer');

    const refused = newVisitorId();
    await giveConsent(app.server, refused, { events: false, profiling: false });
    const refusedResponse = await resolveFor(app.server, documentId, refused, DESKTOP_UA);
    expect(refusedResponse.body.meta.personalize.experiments[key].reason).toBe('no-consent');

    const mobile = newVisitorId();
    await giveConsent(app.server, mobile);
    const notEligible = await resolveFor(app.server, documentId, mobile, MOBILE_UA);
    expect(notEligible.body.meta.personalize.experiments[key]).toEqual({
      reason: 'not-eligible',
      bucket: roundBucket(experimentBucket(key, mobile)),
    });
    expect(notEligible.body.meta.personalize.variant).toBe('v_mobile');

    // Nobody above was counted.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const data = await results(experimentId);
    expect(data.arms.map((arm: { units: number }) => arm.units)).toEqual([0, 0]);
  });

  it('puts visitors outside the traffic share in the holdout, and a raise of traffic only adds visitors', async () => {
    const { documentId, key, experimentId } = await runningExperiment({ traffic: 0.3 });
    const visitors = Array.from({ length: 30 }, () => newVisitorId());
    const before: Record<string, string | undefined> = {};
    for (const visitorId of visitors) {
      await giveConsent(app.server, visitorId);
      const meta = (await resolveFor(app.server, documentId, visitorId)).body.meta.personalize.experiments[key];
      const index = expectedArm(key, visitorId, [0.5, 0.5], 0.3);
      expect(meta.reason).toBe(index < 0 ? 'holdout' : 'hash');
      before[visitorId] = meta.arm;
    }
    expect((await admin('put', `/personalize/experiments/${experimentId}`, { traffic: 0.9 })).status).toBe(200);
    for (const visitorId of visitors) {
      const meta = (await resolveFor(app.server, documentId, visitorId)).body.meta.personalize.experiments[key];
      if (before[visitorId] !== undefined) expect(meta.arm).toBe(before[visitorId]);
      else expect(meta.arm).toBe(['control', 'offer'][expectedArm(key, visitorId, [0.5, 0.5], 0.9)]);
    }
  });

  it('counts a conversion once per exposed visitor, sums values for a mean goal, and ignores pre-exposure and late events', async () => {
    const { documentId, key, experimentId } = await runningExperiment();
    const converter = newVisitorId();
    await giveConsent(app.server, converter);
    // A goal event before the exposure does not count.
    await track(app.server, converter, [trackEvent('checkout', { ts: Date.now() - 60_000 })]);
    await resolveFor(app.server, documentId, converter);
    await eventually(async () => expect((await resolveFor(app.server, documentId, converter)).body.meta.personalize.experiments[key].reason).toBe('sticky'));
    const arm = (await resolveFor(app.server, documentId, converter)).body.meta.personalize.experiments[key].arm as string;

    await track(app.server, converter, [trackEvent('checkout'), trackEvent('revenue', { value: 10 })]);
    await track(app.server, converter, [trackEvent('checkout'), trackEvent('revenue', { value: 5 })]);
    // The same batch twice (a beacon and its retry) counts once.
    const again = trackEvent('revenue', { value: 1 });
    const batch = { visitorId: converter, batchId: `batch_${Date.now()}_x`, sentAt: Date.now(), events: [again] };
    for (let i = 0; i < 2; i += 1) expect((await request(app.server).post('/api/personalize/events').send(batch)).status).toBe(202);

    const data = await results(experimentId);
    const armResults = data.arms.find((candidate: { key: string }) => candidate.key === arm);
    expect(armResults).toMatchObject({ units: 1, conversions: 1, sum: 1, sumSquares: 1 });
    const today = new Date().toISOString().slice(0, 10);
    expect(data.daily[0].date).toBe(today);

    // The mean goal: the visitor's value is 10 + 5 + 1 = 16, one visitor: Σy = 16, Σy² = 256.
    const counters = await app.strapi.plugin('personalize').service('visitors').experimentCounters(key);
    const field = (goal: string, measure: string) => counters[`${today}|0|${arm}|${goal}|${measure}`];
    expect([field('revenue', 'c'), field('revenue', 's'), field('revenue', 'q')]).toEqual([1, 16, 256]);
    expect([field('checkout', 'c'), field('checkout', 's'), field('checkout', 'q')]).toEqual([1, 1, 1]);

    // Late: the window is 1 hour. Move this visitor's exposure two hours back, then convert.
    const late = newVisitorId();
    await giveConsent(app.server, late);
    await resolveFor(app.server, documentId, late);
    const visitors = app.strapi.plugin('personalize').service('visitors');
    const hash = visitors.hash(late);
    await eventually(async () => {
      const snapshot = await visitors.store().snapshot(hash);
      expect(snapshot.profile?.exposures[key]).toBeDefined();
    });
    const snapshot = await visitors.store().snapshot(hash);
    const exposure = snapshot.profile.exposures[key];
    const moved = { ...snapshot.profile, exposures: { ...snapshot.profile.exposures, [key]: { ...exposure, at: exposure.at - 2 * 3_600_000 } } };
    expect((await visitors.store().commit({ hash, expected: snapshot, next: moved, ttlMs: 3_600_000 })).ok).toBe(true);
    await track(app.server, late, [trackEvent('checkout')]);
    const after = await results(experimentId);
    const total = after.arms.reduce((sum: number, candidate: { conversions: number }) => sum + candidate.conversions, 0);
    expect(total).toBe(1);
  });

  it('computes the results page’s statistics from the counts, as the engine does', async () => {
    const { documentId, key, experimentId } = await runningExperiment();
    const byArm: Record<string, string[]> = { control: [], offer: [] };
    for (let i = 0; i < 40; i += 1) {
      const visitorId = newVisitorId();
      await giveConsent(app.server, visitorId);
      const meta = (await resolveFor(app.server, documentId, visitorId)).body.meta.personalize.experiments[key];
      byArm[meta.arm].push(visitorId);
    }
    await eventually(async () => {
      const data = await results(experimentId);
      expect(data.arms[0].units + data.arms[1].units).toBe(40);
    });
    // A third of control converts, two thirds of the offer arm.
    const converted = { control: byArm.control.filter((_, i) => i % 3 === 0), offer: byArm.offer.filter((_, i) => i % 3 !== 0) };
    for (const visitorId of [...converted.control, ...converted.offer]) await track(app.server, visitorId, [trackEvent('checkout')]);
    const data = await results(experimentId);
    const stats = (arm: 'control' | 'offer') => ({
      units: byArm[arm].length,
      sum: converted[arm].length,
      sumSquares: converted[arm].length,
    });
    const expected = compareArms('conversion', stats('control'), stats('offer'), { alpha: 0.05, sequentialNStar: 5000 });
    if (!expected.ok) throw new Error('expected a comparison');
    const [primary] = data.results;
    expect(primary).toMatchObject({ goal: 'checkout', arm: 'offer', baseline: 'control' });
    expect(primary.relative.lift).toBeCloseTo(expected.relative.lift, 12);
    expect(primary.relative.ci[0]).toBeCloseTo(expected.relative.ci[0], 12);
    expect(primary.relative.pValue).toBeCloseTo(expected.relative.pValue, 12);
    expect(primary.absolute.lift).toBeCloseTo(expected.absolute.lift, 12);
    expect(primary.sequential.ci[1]).toBeCloseTo(expected.relative.sequential.ci[1], 12);
    expect(primary.chanceToWin).toBeCloseTo(expected.chanceToWin, 12);
    // The secondary goal has no data: a result without estimates, not an error.
    expect(data.results[1]).toMatchObject({ goal: 'revenue', relative: null, chanceToWin: null });
  });

  it('serves the same arm through the plain content API', async () => {
    const { documentId, key } = await runningExperiment();
    const visitorId = newVisitorId();
    await giveConsent(app.server, visitorId);
    const resolved = await resolveFor(app.server, documentId, visitorId);
    const plain = await request(app.server).get(`/api/articles/${documentId}`).set('x-personalize-visitor', visitorId);
    expect(plain.status).toBe(200);
    expect(plain.body.meta.personalize.experiments[key].arm).toBe(resolved.body.meta.personalize.experiments[key].arm);
    expect(plain.body.meta.personalize.variant).toBe(resolved.body.meta.personalize.variant);
  });

  it('exposes visitors to a site-wide experiment through a variant condition that references it', async () => {
    const key = newKey('site');
    const experimentId = await siteWideExperiment(key, 'Site-wide banner');
    const bVariant = { id: 'v_b', name: 'Arm b', enabled: true, condition: { experiment: [key, 'b'] }, overrides: { title: 'Arm b title' } };
    const { documentId } = await createArticle(app.strapi, { title: 'Site-wide', variants: { variants: [bVariant] } });

    const visitorId = newVisitorId();
    await giveConsent(app.server, visitorId);
    const draft = await resolveFor(app.server, documentId, visitorId);
    // Not running yet: no experiment takes part, and the condition is false.
    expect(draft.body.meta.personalize.experiments).toBeUndefined();
    expect(draft.body.meta.personalize.variant).toBeNull();

    expect((await admin('post', `/personalize/experiments/${experimentId}/start`)).status).toBe(200);
    const response = await resolveFor(app.server, documentId, visitorId);
    const arm = ['a', 'b'][expectedArm(key, visitorId, [0.5, 0.5])];
    expect(response.body.meta.personalize.experiments[key]).toMatchObject({ arm, reason: 'hash' });
    expect(response.body.meta.personalize.variant).toBe(arm === 'b' ? 'v_b' : null);
    await eventually(async () => {
      const data = await results(experimentId);
      expect(data.arms.find((candidate: { key: string }) => candidate.key === arm).units).toBe(1);
    });
  });

  it.each([
    ['the experiment operator', (key: string) => ({ experiment: [key, 'b'] })],
    ['a var of experiments.<key>', (key: string) => ({ '==': [{ var: `experiments.${key}` }, 'b'] })],
  ])('the live test explains a site-wide arm condition (%s) against the data the choice used, as delivery does', async (_form, conditionOf) => {
    // Issue 17's drift: the variant was chosen for a visitor in arm b while its own row said matched: false.
    const key = newKey('drift');
    const experimentId = await siteWideExperiment(key, 'Site-wide drift');
    expect((await admin('post', `/personalize/experiments/${experimentId}/start`)).status).toBe(200);
    const bVariant = { id: 'v_b', name: 'Arm b', enabled: true, condition: conditionOf(key), overrides: { title: 'Arm b title' } };
    const { documentId } = await createArticle(app.strapi, { title: 'Drift', variants: { variants: [bVariant] } });

    // one visitor in each arm (hash buckets are deterministic)
    const visitors: Record<string, string> = {};
    while (!visitors.a || !visitors.b) {
      const visitorId = newVisitorId();
      visitors[['a', 'b'][expectedArm(key, visitorId, [0.5, 0.5])]] ??= visitorId;
    }
    for (const [arm, visitorId] of Object.entries(visitors)) {
      await giveConsent(app.server, visitorId);
      const delivered = await resolveFor(app.server, documentId, visitorId);
      expect(delivered.body.meta.personalize.experiments[key]).toMatchObject({ arm });
      const tested = await admin('post', '/personalize/evaluate', { uid: ARTICLE_UID, documentId, visitorId, status: 'published' });
      expect(tested.status).toBe(200);
      const chosen = arm === 'b' ? 'v_b' : null;
      expect(delivered.body.meta.personalize.variant).toBe(chosen);
      expect(tested.body.data.variant).toBe(chosen);
      expect(tested.body.data.experiments[key]).toMatchObject({ arm });
      // the row agrees with the choice
      expect(tested.body.data.variants[0]).toMatchObject({ id: 'v_b', matched: arm === 'b' });
    }
  });

  it('shows the arm and bucket of a visitor id in the live test', async () => {
    const { documentId, key } = await runningExperiment();
    const visitorId = newVisitorId();
    await giveConsent(app.server, visitorId);
    const response = await admin('post', '/personalize/evaluate', { uid: ARTICLE_UID, documentId, visitorId, status: 'published' });
    expect(response.status).toBe(200);
    const arm = ['control', 'offer'][expectedArm(key, visitorId, [0.5, 0.5])];
    expect(response.body.data.experiments[key]).toEqual({
      name: `Experiment ${key}`,
      arm,
      reason: 'hash',
      bucket: roundBucket(experimentBucket(key, visitorId)),
    });
    expect(response.body.data.variant).toBe(arm === 'offer' ? 'v_offer' : null);
  });

  it('refuses to start a second experiment on an entry that already has one running (409)', async () => {
    const { documentId } = await runningExperiment();
    const second = await admin('post', '/personalize/experiments', {
      key: newKey('second'),
      name: 'Second',
      target: { uid: ARTICLE_UID, documentId },
      arms: [
        { key: 'control', weight: 0.5, variants: [] },
        { key: 'mobile', weight: 0.5, variants: ['v_mobile'] },
      ],
      traffic: 1,
      goal: { event: 'checkout', kind: 'conversion' },
    });
    expect(second.status).toBe(201);
    const start = await admin('post', `/personalize/experiments/${second.body.data.documentId}/start`);
    expect(start.status).toBe(409);
    expect(start.body.error.message).toMatch(/already runs on this entry/);
  });

  it('updates a bandit’s weights under its rules, keeping every update', async () => {
    const { documentId, key, experimentId } = await runningExperiment({
      mode: 'bandit',
      bandit: { burnInMinutes: 0, minUnitsPerArm: 5 },
    });
    const tooEarly = await admin('post', `/personalize/experiments/${experimentId}/bandit/update`);
    expect(tooEarly.status).toBe(200);
    expect(tooEarly.body.data).toMatchObject({ updated: false, reason: 'not-enough-units', weights: [0.5, 0.5] });

    const byArm: Record<string, string[]> = { control: [], offer: [] };
    while (byArm.control.length < 6 || byArm.offer.length < 6) {
      const visitorId = newVisitorId();
      await giveConsent(app.server, visitorId);
      const meta = (await resolveFor(app.server, documentId, visitorId)).body.meta.personalize.experiments[key];
      byArm[meta.arm].push(visitorId);
    }
    await eventually(async () => {
      const data = await results(experimentId);
      expect(data.arms[0].units + data.arms[1].units).toBe(byArm.control.length + byArm.offer.length);
    });
    // The offer converts all but one of its visitors, control one. (An arm whose values are all equal
    // has no variance, so its data carries no precision: GrowthBook's posterior keeps the prior.)
    for (const visitorId of [...byArm.offer.slice(1), byArm.control[0]]) await track(app.server, visitorId, [trackEvent('checkout')]);

    const updated = await admin('post', `/personalize/experiments/${experimentId}/bandit/update`);
    expect(updated.status).toBe(200);
    expect(updated.body.data.updated).toBe(true);
    const [control, offer] = updated.body.data.weights as number[];
    expect(offer).toBeGreaterThan(0.9);
    expect(control).toBeGreaterThanOrEqual(0.01);
    expect(control + offer).toBe(1);

    const stored = await admin('get', `/personalize/experiments/${experimentId}`);
    expect(stored.body.data.arms.map((arm: { weight: number }) => arm.weight)).toEqual([control, offer]);
    expect(stored.body.data.banditHistory).toHaveLength(2);
    expect(stored.body.data.banditHistory[0]).toMatchObject({ weights: [0.5, 0.5], pBest: [] });
    expect(stored.body.data.banditHistory[1]).toMatchObject({ weights: [control, offer] });

    const data = await results(experimentId);
    expect(data.bandit.history).toHaveLength(2);
    expect(data.bandit.weights).toEqual([control, offer]);
    expect(data.bandit.pBest).toEqual(updated.body.data.pBest);

    // New visitors are exposed in period 1, under the new weights.
    const newcomer = newVisitorId();
    await giveConsent(app.server, newcomer);
    const meta = (await resolveFor(app.server, documentId, newcomer)).body.meta.personalize.experiments[key];
    expect(meta.arm).toBe(['control', 'offer'][expectedArm(key, newcomer, [control, offer])]);
    await eventually(async () => {
      const counters = await app.strapi.plugin('personalize').service('visitors').experimentCounters(key);
      const today = new Date().toISOString().slice(0, 10);
      expect(counters[`${today}|1|${meta.arm}|u`]).toBe(1);
    });
  });

  it('guards results and bandit updates with the experiments RBAC actions', async () => {
    const { experimentId } = await runningExperiment();
    const role = await app.strapi.service('admin::role').create({ name: `no experiments ${Date.now()}`, description: 'none' });
    await app.strapi
      .service('admin::role')
      .assignPermissions(role.id, [{ action: 'plugin::personalize.read', subject: null }]);
    const session = await createAdminSession(app.strapi, { roleId: role.id });
    const results = await request(app.server)
      .get(`/personalize/experiments/${experimentId}/results`)
      .set('Authorization', `Bearer ${session.token}`);
    expect(results.status).toBe(403);
    const update = await request(app.server)
      .post(`/personalize/experiments/${experimentId}/bandit/update`)
      .set('Authorization', `Bearer ${session.token}`);
    expect(update.status).toBe(403);
  });
});
