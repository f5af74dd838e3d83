import request from 'supertest';

import { addLocale, ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

import { DESKTOP_UA, MOBILE_UA } from '../helpers/user-agents';

// The device is derived from the User-Agent; a client-sent context.device is ignored.
const mobileSignals = { behavior: { dwellSec: 4 } };

describe('POST /api/personalize/resolve', () => {
  let app: TestStrapi;

  beforeAll(async () => {
    app = await setupStrapi();
    await grantPublic(app.strapi, [
      `${ARTICLE_UID}.find`,
      `${ARTICLE_UID}.findOne`,
      'api::author.author.find',
      'api::author.author.findOne',
    ]);
    await app.strapi.plugin('i18n').service('locales').create({ code: 'fr', name: 'French (fr)' });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  /** Resolves as a mobile browser unless told otherwise. */
  const resolve = (body: unknown, userAgent = MOBILE_UA) =>
    request(app.server).post('/api/personalize/resolve').set('User-Agent', userAgent).send(body as object);

  it('serves the matching variant, with why it matched', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Plan your trip',
      cta: 'Start planning',
      variants: { variants: [mobileQuickExit] },
    });

    const response = await resolve({ uid: ARTICLE_UID, documentId, signals: mobileSignals });

    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      documentId,
      title: 'Still deciding? Here is 10% off',
      cta: 'Get my discount',
      discountPercent: 10,
    });
    expect(response.body.meta.personalize.variant).toBe('v_quick_exit');
    const reason = response.body.meta.personalize.reason;
    expect(reason).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: '==', result: true, signals: { 'context.device': 'mobile' } }),
        expect.objectContaining({ rule: '<', result: true, signals: { 'behavior.dwellSec': 4 } }),
      ])
    );
    // The variants (conditions and all) are never part of the delivered entry.
    expect(response.body.data).not.toHaveProperty('variants');
  });

  it('serves the entry unchanged when no variant matches', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Plan your trip',
      cta: 'Start planning',
      variants: { variants: [mobileQuickExit] },
    });

    const desktop = await resolve({ uid: ARTICLE_UID, documentId, signals: mobileSignals }, DESKTOP_UA);
    expect(desktop.status).toBe(200);
    expect(desktop.body.data).toMatchObject({ title: 'Plan your trip', cta: 'Start planning' });
    expect(desktop.body.meta.personalize).toEqual({ variant: null, reason: [] });

    const noSignals = await resolve({ uid: ARTICLE_UID, documentId }, DESKTOP_UA);
    expect(noSignals.status).toBe(200);
    expect(noSignals.body.data.title).toBe('Plan your trip');
    expect(noSignals.body.meta.personalize.variant).toBeNull();
  });

  it('takes the first matching variant in order, and skips disabled ones', async () => {
    const broad = { id: 'v_any_mobile', name: 'Any mobile', condition: { '==': [{ var: 'context.device' }, 'mobile'] }, overrides: { title: 'Mobile' } };
    const disabled = { ...mobileQuickExit, id: 'v_disabled', enabled: false, overrides: { title: 'Disabled' } };
    const { documentId } = await createArticle(app.strapi, {
      title: 'Default',
      variants: { variants: [disabled, mobileQuickExit, broad] },
    });

    const quickExit = await resolve({ uid: ARTICLE_UID, documentId, signals: mobileSignals });
    expect(quickExit.body.meta.personalize.variant).toBe('v_quick_exit');
    expect(quickExit.body.data.title).toBe('Still deciding? Here is 10% off');

    const lingering = await resolve({
      uid: ARTICLE_UID,
      documentId,
      signals: { behavior: { dwellSec: 60 } },
    });
    expect(lingering.body.meta.personalize.variant).toBe('v_any_mobile');
    expect(lingering.body.data.title).toBe('Mobile');
  });

  it('matches a variant without a condition always', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Default',
      variants: { variants: [{ id: 'v_everyone', name: 'Everyone', overrides: { cta: 'For all' } }] },
    });
    const response = await resolve({ uid: ARTICLE_UID, documentId });
    expect(response.body.data.cta).toBe('For all');
    expect(response.body.meta.personalize).toEqual({ variant: 'v_everyone', reason: [{ rule: 'always', result: true }] });
  });

  it('resolves per locale, with each locale’s own variants', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Hello',
      variants: { variants: [mobileQuickExit] },
    });
    await addLocale(app.strapi, documentId, 'fr', {
      title: 'Bonjour',
      variants: { variants: [{ ...mobileQuickExit, overrides: { title: 'Vous hésitez ?' } }] },
    });

    const fr = await resolve({ uid: ARTICLE_UID, documentId, locale: 'fr', signals: mobileSignals });
    expect(fr.status).toBe(200);
    expect(fr.body.data).toMatchObject({ locale: 'fr', title: 'Vous hésitez ?' });

    const frDefault = await resolve({ uid: ARTICLE_UID, documentId, locale: 'fr' }, DESKTOP_UA);
    expect(frDefault.body.data.title).toBe('Bonjour');

    const en = await resolve({ uid: ARTICLE_UID, documentId, locale: 'en', signals: mobileSignals });
    expect(en.body.data).toMatchObject({ locale: 'en', title: 'Still deciding? Here is 10% off' });

    const missingLocale = await resolve({ uid: ARTICLE_UID, documentId, locale: 'de' });
    expect(missingLocale.status).toBe(404);
  });

  it('honours populate and fields', async () => {
    const author = await app.strapi.documents('api::author.author').create({ data: { name: 'Camille' } as never });
    const { documentId } = await createArticle(app.strapi, {
      title: 'With author',
      cta: 'Go',
      author: author.documentId,
      seo: { metaTitle: 'Meta' },
      variants: { variants: [{ ...mobileQuickExit, overrides: { title: 'Mobile title', seo: { metaTitle: 'Mobile meta' } } }] },
    });

    const populated = await resolve({ uid: ARTICLE_UID, documentId, populate: ['author', 'seo'], signals: mobileSignals });
    expect(populated.status).toBe(200);
    expect(populated.body.data.author).toMatchObject({ documentId: author.documentId, name: 'Camille' });
    expect(populated.body.data.seo).toMatchObject({ metaTitle: 'Mobile meta' });
    expect(populated.body.data.title).toBe('Mobile title');

    const plain = await resolve({ uid: ARTICLE_UID, documentId, signals: mobileSignals });
    expect(plain.body.data).not.toHaveProperty('author');
    expect(plain.body.data).not.toHaveProperty('seo');

    const onlyCta = await resolve({ uid: ARTICLE_UID, documentId, fields: ['cta'], signals: mobileSignals });
    expect(onlyCta.status).toBe(200);
    expect(onlyCta.body.data.cta).toBe('Go');
    // An override for a field the caller did not ask for does not add it.
    expect(onlyCta.body.data).not.toHaveProperty('title');
    expect(onlyCta.body.meta.personalize.variant).toBe('v_quick_exit');
  });

  it('resolves audience references from the audience library', async () => {
    await app.strapi.documents('plugin::personalize.audience').create({
      data: {
        name: 'Campaign returners',
        key: 'campaign-returners',
        condition: { and: [{ '==': [{ var: 'session.isNew' }, false] }, { '==': [{ var: 'context.utm.campaign' }, 'spring'] }] },
      } as never,
    });
    const { documentId } = await createArticle(app.strapi, {
      title: 'Default',
      variants: { variants: [{ id: 'v_back', name: 'Back', condition: { audience: 'campaign-returners' }, overrides: { title: 'Welcome back' } }] },
    });
    const response = await resolve({
      uid: ARTICLE_UID,
      documentId,
      signals: { session: { isNew: false }, context: { utm: { campaign: 'spring' } } },
    });
    expect(response.body.data.title).toBe('Welcome back');
    expect(response.body.meta.personalize.reason).toEqual(
      expect.arrayContaining([expect.objectContaining({ audience: 'campaign-returners', rule: '==' })])
    );
  });

  it('never serves a draft-only entry', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Secret draft', variants: { variants: [mobileQuickExit] } }, { publish: false });
    const response = await resolve({ uid: ARTICLE_UID, documentId, signals: mobileSignals });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ data: null, error: expect.objectContaining({ status: 404, name: 'NotFoundError' }) });
  });

  it('serves the published version, not newer draft changes', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Published title', variants: { variants: [mobileQuickExit] } });
    await app.strapi.documents(ARTICLE_UID).update({
      documentId,
      locale: 'en',
      data: { title: 'Draft title', variants: { variants: [{ ...mobileQuickExit, overrides: { title: 'Draft variant' } }] } } as never,
    });
    const response = await resolve({ uid: ARTICLE_UID, documentId, signals: mobileSignals });
    expect(response.body.data.title).toBe('Still deciding? Here is 10% off');
  });

  it('answers 404 for an unknown entry or content type', async () => {
    const unknownEntry = await resolve({ uid: ARTICLE_UID, documentId: 'doesnotexist123' });
    expect(unknownEntry.status).toBe(404);
    expect(unknownEntry.body.error).toMatchObject({ status: 404, name: 'NotFoundError' });

    const unknownType = await resolve({ uid: 'api::nothing.nothing', documentId: 'abc' });
    expect(unknownType.status).toBe(404);
    expect(unknownType.body.error.message).toMatch(/Unknown content type/);

    // Plugin-internal types are not delivered through this route.
    const internal = await resolve({ uid: 'plugin::users-permissions.user', documentId: 'abc' });
    expect(internal.status).toBe(404);
  });

  it('answers 400 with zod paths for a malformed body or signals', async () => {
    const noUid = await resolve({ documentId: 'abc' });
    expect(noUid.status).toBe(400);
    expect(noUid.body).toMatchObject({ data: null, error: { status: 400, name: 'ValidationError' } });
    expect(noUid.body.error.details.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: ['uid'] })]));

    const badSignals = await resolve({
      uid: ARTICLE_UID,
      documentId: 'abc',
      signals: { behavior: { scrollDepth: 250, dwellSec: 'long' }, context: { device: 'fridge' } },
    });
    expect(badSignals.status).toBe(400);
    const paths = badSignals.body.error.details.errors.map((issue: { path: unknown[] }) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['signals.behavior.scrollDepth', 'signals.behavior.dwellSec', 'signals.context.device']));

    const unknownKey = await resolve({ uid: ARTICLE_UID, documentId: 'abc', signal: {} });
    expect(unknownKey.status).toBe(400);

    const badPopulate = await resolve({ uid: ARTICLE_UID, documentId: 'abc', populate: ['doesNotExist'] });
    expect(badPopulate.status).toBe(400);

    const notJson = await request(app.server)
      .post('/api/personalize/resolve')
      .set('Content-Type', 'application/json')
      .send('{"uid": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toBeDefined();

    const collectionWithoutId = await resolve({ uid: ARTICLE_UID });
    expect(collectionWithoutId.status).toBe(400);
  });

  it('treats a condition that throws at runtime as no match', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Default',
      variants: {
        variants: [
          // A string bomb: doubling per viewed item passes the engine's string limit, so it throws
          // at runtime; the resolver counts that as no match and moves on.
          {
            id: 'v_heavy',
            name: 'Heavy',
            condition: {
              reduce: [{ var: 'behavior.recentlyViewed' }, { cat: [{ var: 'accumulator' }, { var: 'accumulator' }] }, 'ab'],
            },
            overrides: { title: 'Heavy' },
          },
          { id: 'v_fallback', name: 'Fallback', overrides: { title: 'Fallback' } },
        ],
      },
    });
    const few = await resolve({ uid: ARTICLE_UID, documentId, signals: { behavior: { recentlyViewed: ['a', 'b'] } } });
    expect(few.body.meta.personalize.variant).toBe('v_heavy');

    const many = Array.from({ length: 20 }, (_, index) => `item-${index}`);
    const response = await resolve({ uid: ARTICLE_UID, documentId, signals: { behavior: { recentlyViewed: many } } });
    expect(response.status).toBe(200);
    expect(response.body.meta.personalize.variant).toBe('v_fallback');
    expect(response.body.data.title).toBe('Fallback');
  });
});

describe('GET /api/personalize/signals', () => {
  let app: TestStrapi;
  beforeAll(async () => {
    app = await setupStrapi();
  });
  afterAll(async () => {
    await app?.destroy();
  });

  it('lists the signal vocabulary with types and allowed values', async () => {
    const response = await request(app.server).get('/api/personalize/signals');
    expect(response.status).toBe(200);
    const signals = response.body.data.signals as { path: string; type: string; values?: string[] }[];
    const byPath = Object.fromEntries(signals.map((signal) => [signal.path, signal]));
    expect(byPath['context.device']).toMatchObject({ type: 'string', values: ['mobile', 'tablet', 'desktop', 'bot'], source: 'server' });
    expect(byPath['behavior.scrollDepth']).toMatchObject({ type: 'number', minimum: 0, maximum: 100 });
    expect(byPath['behavior.recentlyViewed']).toMatchObject({ type: 'array', items: 'string' });
    expect(byPath['time.weekday']).toMatchObject({ type: 'integer', minimum: 0, maximum: 6 });
    expect(byPath['experiments']).toMatchObject({ keyed: true });
    expect(response.body.data.groups).toEqual(['context', 'time', 'behavior', 'session', 'profile', 'experiments', 'custom']);
  });
});
