import request from 'supertest';

import { cellSignals, contextualLeafIndex } from '../../engine/src/contextual';
import { createAdminSession, createRole } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { batchOf, CONSENT_ALL, newId, newVisitorId } from '../helpers/events';
import { eventually, resolveFor, track, trackEvent } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { DESKTOP_UA, MOBILE_UA } from '../helpers/user-agents';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

/**
 * Contextual experiments over HTTP (docs/experiments.md, "Contextual bandits"), on a real Strapi with the embedded
 * store: visitors whose best arm depends on their device and their visits (mobile on a first visit converts on the
 * offer, everyone else on the control) are counted per (cell, arm); a refit through `bandit/update` learns it,
 * the next visitors get the learned leaf and weights, the results' numbers equal what the test counted, and a
 * frozen leaf serves its variant to its segment until the variant is deleted.
 */

const OFFER = { id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off today' } };
const HOUR = 3_600_000;

interface Segment {
  name: string;
  userAgent: string;
  device: 'mobile' | 'desktop';
  visits: number;
  best: 'control' | 'offer';
}

/**
 * The segments and how many visitors of each the first phase sends: the fitter shrinks a leaf's means towards
 * the rest of the traffic's (50 pseudo-units per arm), so a segment that disagrees with the rest needs some
 * 70 units per arm before its own data wins.
 */
const SEGMENTS: (Segment & { visitors: number })[] = [
  { name: 'mobile, first visit', userAgent: MOBILE_UA, device: 'mobile', visits: 1, best: 'offer', visitors: 150 },
  { name: 'mobile, returning', userAgent: MOBILE_UA, device: 'mobile', visits: 3, best: 'control', visitors: 90 },
  { name: 'desktop, first visit', userAgent: DESKTOP_UA, device: 'desktop', visits: 1, best: 'control', visitors: 45 },
  { name: 'desktop, returning', userAgent: DESKTOP_UA, device: 'desktop', visits: 3, best: 'control', visitors: 45 },
];

/** Runs `task` over `items`, `width` at a time (requests in flight together, as visitors would send them). */
const inParallel = async <T, R>(items: readonly T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return out;
};
const ARMS = ['control', 'offer'] as const;

/** One exposed visitor as the test logged it. */
interface Logged {
  segment: Segment;
  arm: string;
  leaf: string;
  propensity: number;
  converted: boolean;
}

describe('contextual experiments over HTTP (embedded store)', () => {
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

  /** A visitor of the segment: consent with `visits` sessions an hour apart (the last one now). */
  const newVisitor = async (segment: Segment) => {
    const visitorId = newVisitorId();
    const now = Date.now();
    const pages = Array.from({ length: segment.visits }, (_, index) => ({
      id: newId(),
      ts: now - (segment.visits - 1 - index) * HOUR,
      type: 'page',
      path: '/',
    }));
    const response = await request(app.server)
      .post('/api/personalize/events')
      .set('User-Agent', segment.userAgent)
      .send(batchOf(visitorId, pages, { consent: CONSENT_ALL }));
    expect(response.status).toBe(202);
    return visitorId;
  };

  const experimentBody = (key: string, documentId: string, extra: Record<string, unknown> = {}) => ({
    key,
    name: `Contextual ${key}`,
    mode: 'contextual',
    target: { uid: ARTICLE_UID, documentId },
    arms: [
      { key: 'control', weight: 0.5, variants: [] },
      { key: 'offer', weight: 0.5, variants: ['v_offer'] },
    ],
    goal: { event: 'checkout', kind: 'conversion', windowHours: 1 },
    contextual: { attributes: [{ path: 'context.device' }, { path: 'profile.visits' }], minUnitsPerLeaf: 8 },
    bandit: { burnInMinutes: 0, minUnitsPerArm: 10 },
    ...extra,
  });

  it('refuses attributes that are not signal paths of the vocabulary, and settings without the mode', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Published title', variants: { variants: [OFFER] } });
    const typo = await admin('post', '/personalize/experiments', {
      ...experimentBody('ctx-typo', documentId),
      contextual: { attributes: [{ path: 'context.devise' }] },
    });
    expect(typo.status).toBe(400);
    expect(typo.body.error.details.errors[0].path).toEqual(['contextual', 'attributes', 0, 'path']);
    expect(typo.body.error.message).toMatch(/context\.devise/);
    const arms = await admin('post', '/personalize/experiments', {
      ...experimentBody('ctx-arms', documentId),
      contextual: { attributes: [{ path: 'experiments.other' }] },
    });
    expect(arms.status).toBe(400);
    expect(arms.body.error.details.errors[0].path).toEqual(['contextual', 'attributes', 0, 'path']);
    const missing = await admin('post', '/personalize/experiments', { ...experimentBody('ctx-missing', documentId), contextual: undefined });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.errors[0].path).toEqual(['contextual']);
    const notContextual = await admin('post', '/personalize/experiments', { ...experimentBody('ctx-ab', documentId), mode: 'ab' });
    expect(notContextual.status).toBe(400);
    expect(notContextual.body.error.details.errors[0].path).toEqual(['contextual']);
    const tooMany = await admin('post', '/personalize/experiments', {
      ...experimentBody('ctx-many', documentId),
      contextual: { attributes: ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name) => ({ path: `custom.${name}` })) },
    });
    expect(tooMany.status).toBe(400);
  });

  it('counts per (cell, arm), refits, serves the learned weights, reports what was counted, and freezes a leaf', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Published title', variants: { variants: [OFFER] } });
    const key = `ctx-${Math.random().toString(36).slice(2, 8)}`;
    const created = await admin('post', '/personalize/experiments', experimentBody(key, documentId));
    expect(created.status).toBe(201);
    const experimentId = created.body.data.documentId as string;
    expect((await admin('post', `/personalize/experiments/${experimentId}/start`)).status).toBe(200);
    const results = async () => {
      const response = await admin('get', `/personalize/experiments/${experimentId}/results`);
      expect(response.status).toBe(200);
      return response.body.data;
    };

    const before = await results();
    expect(before.contextual.modelVersion).toBeNull();
    expect(before.contextual.leaves).toHaveLength(1);
    expect(before.contextual.leaves[0]).toMatchObject({ condition: true, units: 0 });
    expect(before.contextual.leaves[0].arms.map((arm: { weight: number }) => arm.weight)).toEqual([0.5, 0.5]);
    const startLeaf = before.contextual.leaves[0].id as string;

    /**
     * Exposes visitors of each segment (`count(segment)` of them), then converts those whose arm is their
     * segment's best (a conversion rate of 1 on the best arm and 0 on the other).
     */
    const log: Logged[] = [];
    const expose = async (count: (segment: (typeof SEGMENTS)[number]) => number) => {
      const visitors = SEGMENTS.flatMap((segment) => Array.from({ length: count(segment) }, () => segment));
      const exposed = await inParallel(visitors, 6, async (segment) => {
        const visitorId = await newVisitor(segment);
        const response = await resolveFor(app.server, documentId, visitorId, segment.userAgent);
        expect(response.status).toBe(200);
        const meta = response.body.meta.personalize.experiments[key];
        expect(meta.reason).toBe('hash');
        expect(response.body.data.title).toBe(meta.arm === 'offer' ? OFFER.overrides.title : 'Published title');
        const logged: Logged = { segment, arm: meta.arm, leaf: meta.leaf, propensity: meta.propensity, converted: meta.arm === segment.best };
        return { visitorId, logged };
      });
      const units = log.length + exposed.length;
      await eventually(async () => expect((await results()).arms.reduce((sum: number, arm: { units: number }) => sum + arm.units, 0)).toBe(units), 20_000);
      await inParallel(
        exposed.filter(({ logged }) => logged.converted),
        6,
        ({ visitorId }) => track(app.server, visitorId, [trackEvent('checkout')])
      );
      const batch = exposed.map(({ logged }) => logged);
      log.push(...batch);
      return batch;
    };

    // Before the first fit: one leaf, the starting weights for everyone.
    const first = await expose((segment) => segment.visitors);
    for (const visitor of first) expect(visitor).toMatchObject({ leaf: startLeaf, propensity: 0.5 });
    const conversions = log.filter((visitor) => visitor.converted).length;
    const counted = await eventually(async () => {
      const data = await results();
      expect(data.arms.reduce((sum: number, arm: { conversions: number }) => sum + arm.conversions, 0)).toBe(conversions);
      return data;
    }, 10_000);
    const leaf = counted.contextual.leaves[0];
    expect(leaf.units).toBe(log.length);
    for (const [index, arm] of ARMS.entries()) {
      const exposed = log.filter((visitor) => visitor.arm === arm);
      expect(leaf.arms[index]).toMatchObject({ key: arm, units: exposed.length, conversions: exposed.filter((visitor) => visitor.converted).length });
    }
    // Every unit was logged at 0.5 and the policy in force is that: its value is the plain conversion rate.
    expect(counted.contextual.policy.value).toBeCloseTo(conversions / log.length, 12);
    expect(counted.contextual.policy.uniform).toBeCloseTo(conversions / log.length, 12);
    expect(counted.contextual.policy.units).toBe(log.length);
    expect(counted.contextual.leaves[0].srm.ok).toBe(true);
    expect(counted.srm.ok).toBe(true);

    // The refit learns the segments.
    const refit = await admin('post', `/personalize/experiments/${experimentId}/bandit/update`);
    expect(refit.status).toBe(200);
    expect(JSON.stringify(refit.body)).toMatch(/"updated":true/);
    const version = refit.body.data.modelVersion as string;
    expect(version).toMatch(/^[0-9a-f]{16}$/);
    const fitted = (await results()).contextual;
    expect(fitted.modelVersion).toBe(version);
    expect(fitted.history.map((entry: { version: string }) => entry.version)).toEqual(['initial', version]);
    expect(fitted.leaves.length).toBeGreaterThan(1);
    expect(fitted.leaves.at(-1).condition).toBe(true);

    // The next visitors get their segment's leaf, its weight as their propensity, and mostly their best arm.
    const next = await expose(() => 4);
    const leafOf = new Map<string, { id: string; arms: { key: string; weight: number; units: number; conversions: number }[] }>(
      fitted.leaves.map((one: { id: string }) => [one.id, one])
    );
    const segmentLeaf = new Map<string, string>();
    for (const visitor of next) {
      const served = leafOf.get(visitor.leaf);
      expect(served).toBeDefined();
      expect(visitor.propensity).toBeCloseTo(served!.arms[ARMS.indexOf(visitor.arm as (typeof ARMS)[number])].weight, 12);
      const best = served!.arms.reduce((top, arm) => (arm.weight > top.weight ? arm : top));
      expect(best.key).toBe(visitor.segment.best);
      expect(segmentLeaf.get(visitor.segment.name) ?? visitor.leaf).toBe(visitor.leaf);
      segmentLeaf.set(visitor.segment.name, visitor.leaf);
    }
    // The first-visit mobile segment has a leaf of its own.
    const mobileLeaf = segmentLeaf.get(SEGMENTS[0].name)!;
    for (const segment of SEGMENTS.slice(1)) expect(segmentLeaf.get(segment.name)).not.toBe(mobileLeaf);
    expect(next.filter((visitor) => visitor.arm === visitor.segment.best).length).toBeGreaterThanOrEqual(next.length - 2);

    // The results per leaf are the counts of its segments over every model version, and the policy's value the
    // self-normalised IPS of the log under the fitted weights.
    const total = log.filter((visitor) => visitor.converted).length;
    const after = await eventually(async () => {
      const data = await results();
      expect(data.arms.reduce((sum: number, arm: { conversions: number }) => sum + arm.conversions, 0)).toBe(total);
      return data.contextual;
    }, 10_000);
    for (const reported of after.leaves as { id: string; units: number; arms: { units: number; conversions: number }[]; srm: { ok: boolean } }[]) {
      const inLeaf = log.filter((visitor) => segmentLeaf.get(visitor.segment.name) === reported.id);
      expect(reported.units).toBe(inLeaf.length);
      ARMS.forEach((arm, index) => {
        const exposed = inLeaf.filter((visitor) => visitor.arm === arm);
        expect(reported.arms[index].units).toBe(exposed.length);
        expect(reported.arms[index].conversions).toBe(exposed.filter((visitor) => visitor.converted).length);
      });
      expect(reported.srm.ok).toBe(true);
    }
    const weightOf = (visitor: Logged) => leafOf.get(segmentLeaf.get(visitor.segment.name)!)!.arms[ARMS.indexOf(visitor.arm as 'control')].weight;
    const weights = log.map((visitor) => weightOf(visitor) / visitor.propensity);
    const expectedValue = log.reduce((sum, visitor, index) => sum + weights[index] * (visitor.converted ? 1 : 0), 0) / weights.reduce((a, b) => a + b, 0);
    expect(after.policy.value).toBeCloseTo(expectedValue, 10);
    expect(after.policy.value).toBeGreaterThan(after.policy.uniform);
    // The routing of a cell by the engine agrees with the leaf visitors were served.
    for (const segment of SEGMENTS) {
      const index = contextualLeafIndex(after, cellSignals({ 'context.device': segment.device, 'profile.visits': segment.visits > 1 ? 2 : 1 }));
      expect(after.leaves[index].id).toBe(segmentLeaf.get(segment.name));
    }

    // Freeze: a stale version and a bad leaf are refused; the segment's leaf becomes a variant above the experiment's.
    const stale = await admin('post', `/personalize/experiments/${experimentId}/contextual/freeze`, { leafId: mobileLeaf, modelVersion: 'initial' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.details.reason).toBe('stale-model');
    const bad = await admin('post', `/personalize/experiments/${experimentId}/contextual/freeze`, { leafId: 'Leaf!', modelVersion: version });
    expect(bad.status).toBe(400);
    // Freezing edits the entry: experiments.manage alone is not enough, as for shipping.
    const manageOnly = await createAdminSession(app.strapi, {
      roleId: await createRole(app.strapi, 'contextual manage only', [
        { action: 'plugin::personalize.experiments.manage' },
        { action: 'plugin::personalize.experiments.read' },
        { action: 'plugin::content-manager.explorer.read', subject: ARTICLE_UID, properties: { locales: ['en'] } },
      ]),
    });
    const refused = await request(app.server)
      .post(`/personalize/experiments/${experimentId}/contextual/freeze`)
      .set('Authorization', `Bearer ${manageOnly.token}`)
      .send({ leafId: mobileLeaf, modelVersion: version });
    expect(refused.status).toBe(403);
    const frozen = await admin('post', `/personalize/experiments/${experimentId}/contextual/freeze`, { leafId: mobileLeaf, modelVersion: version });
    expect(frozen.status).toBe(200);
    expect(frozen.body.data).toMatchObject({ leafId: mobileLeaf, entry: { uid: ARTICLE_UID, documentId } });
    const variantId = frozen.body.data.variantId as string;
    const again = await admin('post', `/personalize/experiments/${experimentId}/contextual/freeze`, { leafId: mobileLeaf, modelVersion: version });
    expect(again.status).toBe(409);
    expect(again.body.error.details.reason).toBe('already-frozen');
    expect((await results()).contextual.leaves.find((one: { id: string }) => one.id === mobileLeaf).frozenVariantId).toBe(variantId);

    const mobileVisitor = await newVisitor(SEGMENTS[0]);
    const served = await resolveFor(app.server, documentId, mobileVisitor, MOBILE_UA);
    expect(served.body.meta.personalize.experiments[key]).toMatchObject({ reason: 'not-eligible' });
    expect(served.body.meta.personalize.experiments[key].arm).toBeUndefined();
    expect(served.body.meta.personalize.variant).toBe(variantId);
    expect(served.body.data.title).toBe(OFFER.overrides.title);
    const desktopVisitor = await newVisitor(SEGMENTS[2]);
    const desktop = await resolveFor(app.server, documentId, desktopVisitor, DESKTOP_UA);
    expect(desktop.body.meta.personalize.experiments[key]).toMatchObject({ reason: 'hash', leaf: segmentLeaf.get(SEGMENTS[2].name) });

    // Deleting the variant undoes the freeze.
    const article = await app.strapi.documents(ARTICLE_UID as never).findOne({ documentId } as never) as unknown as { variants: { variants: { id: string }[] } };
    expect(article.variants.variants.map((variant) => variant.id)).toEqual([variantId, 'v_offer']);
    await app.strapi.documents(ARTICLE_UID as never).update({ documentId, data: { variants: { variants: [OFFER] } } } as never);
    await app.strapi.documents(ARTICLE_UID as never).publish({ documentId } as never);
    const later = await newVisitor(SEGMENTS[0]);
    const undone = await eventually(async () => {
      const response = await resolveFor(app.server, documentId, later, MOBILE_UA);
      expect(response.body.meta.personalize.experiments[key]).toMatchObject({ reason: 'hash', leaf: mobileLeaf });
      return response;
    });
    expect(undone.body.meta.personalize.variant).not.toBe(variantId);
    expect((await results()).contextual.leaves.find((one: { id: string }) => one.id === mobileLeaf).frozenVariantId).toBeUndefined();
  }, 120_000);
});
