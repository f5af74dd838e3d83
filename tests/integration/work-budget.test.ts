/**
 * Issue 16, finding 1: one saved condition must not stall the server. Every evaluation has a work budget
 * (engine limits.fuel, docs/engine.md "Work budget"):
 * - a condition whose dry run against the vocabulary's sample signals runs out of it is refused on save
 *   (variants from the Content Manager or the document service, audiences), with a 400 that says so;
 * - a condition that runs out only with what a request sends counts as no match, with reason
 *   `condition-error` (`limit_exceeded`), is logged once per variant and publish, and never fails the request.
 * How long it takes over HTTP, and that other requests are answered meanwhile, is measured by bench/fuel.
 */
import request from 'supertest';

import { CONSTRUCTIONS } from '../engine/fuel-constructions';
import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { MOBILE_UA } from '../helpers/user-agents';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The condition of the finding: `some` wrapping a `reduce` that cats and substrs a 30k accumulator. */
const STALLING = CONSTRUCTIONS[0].rule;

/**
 * Cheap on the sample signals (custom.list is absent there), out of fuel when a request sends a list:
 * every item runs a reduce over a literal of 2,000 items.
 */
const HUNGRY_ON_REQUEST = {
  some: [{ var: 'custom.list' }, { '==': [{ reduce: [Array.from({ length: 2000 }, () => 0), { var: 'accumulator' }, 0] }, 1] }],
};

describe('work budget of conditions', () => {
  let app: TestStrapi;
  let superToken: string;

  beforeAll(async () => {
    app = await setupStrapi();
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
    superToken = (await createAdminSession(app.strapi)).token;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('refuses, with a 400 that says so, a variant condition that runs out of its budget on sample signals', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Stall me', variants: { variants: [] } }, { publish: false });
    const response = await request(app.server)
      .put(`/content-manager/collection-types/${ARTICLE_UID}/${documentId}?locale=en`)
      .set('Authorization', `Bearer ${superToken}`)
      .send({ title: 'Stall me', variants: { variants: [{ id: 'v_stall', name: 'Stall', enabled: true, condition: STALLING, overrides: { title: 'x' } }] } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ data: null, error: { status: 400, name: 'ValidationError' } });
    expect(response.body.error.message).toMatch(/too much work/);
    expect(response.body.error.message).toMatch(/work budget/);
    expect(response.body.error.details.errors[0].path.slice(0, 4)).toEqual(['variants', 'variants', 0, 'condition']);
    const stored = (await app.strapi.documents(ARTICLE_UID).findOne({ documentId, locale: 'en' } as never)) as unknown as {
      variants: { variants: unknown[] };
    };
    expect(stored.variants.variants).toEqual([]);
  });

  it('refuses every relative of that construction that runs out on sample signals', async () => {
    for (const construction of CONSTRUCTIONS.slice(0, 2)) {
      await expect(
        app.strapi.documents(ARTICLE_UID).create({
          locale: 'en',
          data: { title: 'x', variants: { variants: [{ id: 'v', name: 'v', enabled: true, condition: construction.rule, overrides: {} }] } } as never,
        })
      ).rejects.toThrow(/too much work/);
    }
  });

  it('refuses such an audience with a 400 as well', async () => {
    const response = await request(app.server)
      .post('/personalize/audiences')
      .set('Authorization', `Bearer ${superToken}`)
      .send({ name: 'Stalling', key: 'stalling', condition: STALLING });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/too much work/);
  });

  describe('a condition that runs out only with what a request sends', () => {
    let documentId: string;
    const warnings: string[] = [];
    let restore: () => void;

    beforeAll(async () => {
      ({ documentId } = await createArticle(app.strapi, {
        title: 'Plan your trip',
        variants: {
          variants: [
            { id: 'v_hungry', name: 'Hungry', enabled: true, condition: HUNGRY_ON_REQUEST, overrides: { title: 'Hungry' } },
            { id: 'v_mobile', name: 'Mobile', enabled: true, condition: { '==': [{ var: 'context.device' }, 'mobile'] }, overrides: { title: 'Mobile' } },
          ],
        },
      }));
      const warn = app.strapi.log.warn.bind(app.strapi.log);
      const spy = jest.spyOn(app.strapi.log, 'warn').mockImplementation((message: unknown, ...rest: unknown[]) => {
        warnings.push(String(message));
        return warn(message as string, ...(rest as []));
      });
      restore = () => spy.mockRestore();
    });

    afterAll(() => restore?.());

    const LIST = { custom: { list: Array.from({ length: 100 }, (_, i) => i) } };
    const CONDITION_ERROR = { rule: 'condition-error', variant: 'v_hungry', error: 'limit_exceeded' };

    it('was saved (the sample sends no list), and is cheap without the list', async () => {
      const response = await request(app.server)
        .post('/api/personalize/resolve')
        .set('User-Agent', MOBILE_UA)
        .send({ uid: ARTICLE_UID, documentId, signals: { custom: { other: 1 } } });
      expect(response.status).toBe(200);
      expect(response.body.meta.personalize.variant).toBe('v_mobile');
      expect(response.body.meta.personalize.reason).not.toContainEqual(CONDITION_ERROR);
    });

    it('counts as no match with reason condition-error on /resolve and on the plain API, never a 5xx', async () => {
      const resolved = await request(app.server)
        .post('/api/personalize/resolve')
        .set('User-Agent', MOBILE_UA)
        .send({ uid: ARTICLE_UID, documentId, signals: LIST });
      expect(resolved.status).toBe(200);
      expect(resolved.body.data.title).toBe('Mobile');
      expect(resolved.body.meta.personalize.variant).toBe('v_mobile');
      expect(resolved.body.meta.personalize.reason[0]).toEqual(CONDITION_ERROR);

      const plain = await request(app.server)
        .get(`/api/articles/${documentId}`)
        .set('User-Agent', MOBILE_UA)
        .set('x-personalize-signals', encode(LIST));
      expect(plain.status).toBe(200);
      expect(plain.body.data.title).toBe('Mobile');
      expect(plain.body.meta.personalize.reason[0]).toEqual(CONDITION_ERROR);
    });

    it('is logged once per variant and publish, not once per request', async () => {
      for (let i = 0; i < 3; i++) {
        const response = await request(app.server)
          .post('/api/personalize/resolve')
          .set('User-Agent', MOBILE_UA)
          .send({ uid: ARTICLE_UID, documentId, signals: { custom: { list: [i, ...LIST.custom.list.slice(1)] } } });
        expect(response.body.meta.personalize.reason[0]).toEqual(CONDITION_ERROR);
      }
      const about = (list: string[]) => list.filter((line) => line.includes('"v_hungry"') && /work budget/.test(line));
      expect(about(warnings)).toHaveLength(1);

      // a new publish of the entry is a new program: logged once more
      await app.strapi.documents(ARTICLE_UID).update({ documentId, locale: 'en', data: { summary: 'republished' } as never });
      await app.strapi.documents(ARTICLE_UID).publish({ documentId, locale: 'en' });
      for (let i = 0; i < 2; i++) {
        await request(app.server).post('/api/personalize/resolve').set('User-Agent', MOBILE_UA).send({ uid: ARTICLE_UID, documentId, signals: LIST });
      }
      expect(about(warnings)).toHaveLength(2);
    });

    it('the live test reports it as well, without failing', async () => {
      const response = await request(app.server)
        .post('/personalize/evaluate')
        .set('Authorization', `Bearer ${superToken}`)
        .send({ uid: ARTICLE_UID, documentId, signals: { ...LIST, context: { device: 'mobile' } } });
      expect(response.status).toBe(200);
      expect(response.body.data.variant).toBe('v_mobile');
      const row = response.body.data.variants.find((variant: { id: string }) => variant.id === 'v_hungry');
      expect(row).toMatchObject({ matched: false });
      expect(String(row.error)).toMatch(/work budget/);
    });
  });
});

describe('limits.conditionFuel', () => {
  let app: TestStrapi;

  beforeAll(async () => {
    app = await setupStrapi({ env: { PERSONALIZE_CONFIG: JSON.stringify({ limits: { conditionFuel: 60 } }) } });
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('sets the work budget of every evaluation', async () => {
    // 6 units per item (1 + 5 JSON nodes): 10 items fit in 60, 11 do not
    const condition = { some: [{ var: 'custom.list' }, { '==': [{ var: '' }, 'x'] }] };
    const { documentId } = await createArticle(app.strapi, {
      title: 'Budget',
      variants: { variants: [{ id: 'v_list', name: 'List', enabled: true, condition, overrides: { title: 'Listed' } }] },
    });
    const resolve = (list: string[]) =>
      request(app.server).post('/api/personalize/resolve').send({ uid: ARTICLE_UID, documentId, signals: { custom: { list } } });
    expect((await resolve([...'abcdefghi', 'x'])).body.meta.personalize.variant).toBe('v_list');
    const over = await resolve([...'abcdefghij', 'x']);
    expect(over.status).toBe(200);
    expect(over.body.meta.personalize).toEqual({ variant: null, reason: [{ rule: 'condition-error', variant: 'v_list', error: 'limit_exceeded' }] });
    expect(app.strapi.plugin('personalize').service('settings').get().limits.conditionFuel).toBe(60);
  });
});
