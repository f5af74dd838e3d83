/**
 * Missing signals never satisfy an ordering comparison (docs/design.md, "The variants field"): "dwell time < 10 s"
 * does not match a visitor who sends no dwell time, on `/resolve`, on the plain content API (findOne and
 * list) and in the admin's live test; `meta.personalize.reason` and the live test name the missing signal.
 */
import request from 'supertest';

import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { MOBILE_UA } from '../helpers/user-agents';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const MISSING_DWELL = { rule: 'missing-signal', variant: 'v_quick_exit', signals: ['behavior.dwellSec'] };

describe('missing signals', () => {
  let app: TestStrapi;
  let documentId: string;
  let adminToken: string;

  beforeAll(async () => {
    app = await setupStrapi();
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
    ({ documentId } = await createArticle(app.strapi, {
      title: 'Plan your trip',
      cta: 'Start planning',
      variants: { variants: [mobileQuickExit] },
    }));
    adminToken = (await createAdminSession(app.strapi)).token;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const resolve = (signals?: object) =>
    request(app.server)
      .post('/api/personalize/resolve')
      .set('User-Agent', MOBILE_UA)
      .send({ uid: ARTICLE_UID, documentId, ...(signals ? { signals } : {}) });

  const plain = (path: string, signals: object) =>
    request(app.server).get(path).set('User-Agent', MOBILE_UA).set('x-personalize-signals', encode(signals));

  describe('/resolve', () => {
    it('a mobile visitor without dwellSec does not get v_quick_exit, and the reason names behavior.dwellSec', async () => {
      for (const signals of [undefined, {}, { behavior: { clicks: 2 } }]) {
        const response = await resolve(signals);
        expect(response.status).toBe(200);
        expect(response.body.data).toMatchObject({ title: 'Plan your trip', cta: 'Start planning' });
        expect(response.body.meta.personalize).toEqual({ variant: null, reason: [MISSING_DWELL] });
      }
    });

    it('with dwellSec 3 they get it (and no missing-signal reason)', async () => {
      const response = await resolve({ behavior: { dwellSec: 3 } });
      expect(response.body.meta.personalize.variant).toBe('v_quick_exit');
      expect(response.body.data.title).toBe('Still deciding? Here is 10% off');
      expect(response.body.meta.personalize.reason).not.toContainEqual(expect.objectContaining({ rule: 'missing-signal' }));
      expect(response.body.meta.personalize.reason).toContainEqual(
        expect.objectContaining({ rule: '<', result: true, signals: { 'behavior.dwellSec': 3 } })
      );
    });

    it('0 is a dwell time, not a missing one', async () => {
      const response = await resolve({ behavior: { dwellSec: 0 } });
      expect(response.body.meta.personalize.variant).toBe('v_quick_exit');
    });
  });

  describe('the plain content API', () => {
    it('findOne: no v_quick_exit without dwellSec, with the same reason; v_quick_exit with dwellSec 3', async () => {
      const without = await plain(`/api/articles/${documentId}`, { behavior: { clicks: 1 } });
      expect(without.status).toBe(200);
      expect(without.body.data.title).toBe('Plan your trip');
      expect(without.body.meta.personalize).toEqual({ variant: null, reason: [MISSING_DWELL] });

      const withDwell = await plain(`/api/articles/${documentId}`, { behavior: { dwellSec: 3 } });
      expect(withDwell.body.meta.personalize.variant).toBe('v_quick_exit');
      expect(withDwell.body.data.title).toBe('Still deciding? Here is 10% off');
    });

    it('the list route: the same per entry', async () => {
      const without = await plain('/api/articles', {}).query({ 'pagination[pageSize]': 100 });
      expect(without.status).toBe(200);
      expect(without.body.meta.personalize.entries[documentId]).toEqual({ variant: null, reason: [MISSING_DWELL] });
      const withDwell = await plain('/api/articles', { behavior: { dwellSec: 3 } }).query({ 'pagination[pageSize]': 100 });
      expect(withDwell.body.meta.personalize.entries[documentId].variant).toBe('v_quick_exit');
    });
  });

  describe('the admin live test (POST /personalize/evaluate)', () => {
    const evaluate = (body: object) =>
      request(app.server).post('/personalize/evaluate').set('Authorization', `Bearer ${adminToken}`).send(body);

    it('reports the missing signal per variant', async () => {
      const response = await evaluate({ uid: ARTICLE_UID, documentId, signals: { context: { device: 'mobile' } } });
      expect(response.status).toBe(200);
      expect(response.body.data.variant).toBeNull();
      const [outcome] = response.body.data.variants;
      expect(outcome).toMatchObject({ id: 'v_quick_exit', matched: false, missing: ['behavior.dwellSec'] });
      // the explain tree says it where it happened: on the < node
      expect(outcome.explain.children[1]).toMatchObject({ op: '<', result: false, missing: ['behavior.dwellSec'] });

      const withDwell = await evaluate({ uid: ARTICLE_UID, documentId, signals: { context: { device: 'mobile' }, behavior: { dwellSec: 3 } } });
      expect(withDwell.body.data.variant).toBe('v_quick_exit');
      expect(withDwell.body.data.variants[0]).toMatchObject({ matched: true });
      expect(withDwell.body.data.variants[0]).not.toHaveProperty('missing');
    });

    it('reports it for a condition too', async () => {
      const response = await evaluate({ condition: mobileQuickExit.condition, signals: { context: { device: 'mobile' } } });
      expect(response.status).toBe(200);
      expect(response.body.data).toMatchObject({ matched: false, result: false, missing: ['behavior.dwellSec'] });
    });
  });
});
