/**
 * The admin live test (`POST /personalize/evaluate`) shows an entry exactly as the Content
 * Manager's edit view would to the same admin: read conditions (own entries only), locales and
 * fields of their role apply, `localizations` carry no other locale's content, and a visitor id
 * (whose stored profile the test reads) needs the Visitors permission.
 */
import type { Core } from '@strapi/strapi';
import request from 'supertest';

import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, mobileQuickExit } from '../helpers/content';
import { newVisitorId } from '../helpers/events';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

const CM = `/content-manager/collection-types/${ARTICLE_UID}`;
const PERMITTED_FIELDS = ['title', 'cta', 'variants'];
/** What the Content Manager's edit view keeps of the other locales (populate override for localizations). */
const LOCALIZATION_KEYS = ['documentId', 'id', 'locale', 'publishedAt', 'updatedAt'];

/** A role whose Content Manager read is limited to its own `en` entries' title, cta and variants (by default). */
const createLimitedRole = async (
  strapi: Core.Strapi,
  name: string,
  personalize: string[],
  fields = PERMITTED_FIELDS
): Promise<number> => {
  const role = await strapi.service('admin::role').create({ name, description: 'own en articles, a few fields' });
  await strapi.service('admin::role').assignPermissions(role.id, [
    ...personalize.map((action) => ({ action: `plugin::personalize.${action}`, subject: null })),
    {
      action: 'plugin::content-manager.explorer.read',
      subject: ARTICLE_UID,
      properties: { fields, locales: ['en'] },
      conditions: ['admin::is-creator'],
    },
  ]);
  return role.id;
};

const adminIdOf = async (strapi: Core.Strapi, email: string): Promise<number> =>
  (await strapi.db.query('admin::user').findOne({ where: { email } })).id;

describe('POST /personalize/evaluate with a limited Content Manager role', () => {
  let app: TestStrapi;
  let otherToken: string;
  let limitedToken: string;
  let visitorsToken: string;
  let limitedId: number;
  let visitorsId: number;

  beforeAll(async () => {
    app = await setupStrapi();
    await app.strapi.plugin('i18n').service('locales').create({ code: 'fr', name: 'French (fr)' });
    otherToken = (await createAdminSession(app.strapi)).token;
    const limited = await createAdminSession(app.strapi, {
      roleId: await createLimitedRole(app.strapi, 'limited reader', ['read']),
    });
    limitedToken = limited.token;
    limitedId = await adminIdOf(app.strapi, limited.email);
    const withVisitors = await createAdminSession(app.strapi, {
      roleId: await createLimitedRole(app.strapi, 'limited reader with visitors', ['read', 'visitors']),
    });
    visitorsToken = withVisitors.token;
    visitorsId = await adminIdOf(app.strapi, withVisitors.email);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const as = (token: string) => ({
    get: (path: string) => request(app.server).get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object) => request(app.server).post(path).set('Authorization', `Bearer ${token}`).send(body),
    put: (path: string, body: object) => request(app.server).put(path).set('Authorization', `Bearer ${token}`).send(body),
  });

  const secretFields = {
    summary: 'Secret summary',
    body: 'Secret body',
    discountPercent: 42,
    variants: { variants: [mobileQuickExit] },
  };

  /** Another admin's document: an `fr` draft, then an `en` draft, both made in the Content Manager (so they carry a creator). */
  const othersDocument = async (): Promise<string> => {
    const other = as(otherToken);
    const fr = await other.post(`${CM}?locale=fr`, { title: 'Brouillon', cta: 'Allez', ...secretFields });
    expect(fr.status).toBe(201);
    const { documentId } = fr.body.data as { documentId: string };
    const en = await other.put(`${CM}/${documentId}?locale=en`, { title: 'Other draft', cta: 'Go', ...secretFields });
    expect(en.status).toBe(200);
    return documentId;
  };

  /** An `en` draft the (limited) admin created, with an `fr` localization, both full of fields they may not read. */
  const ownDocument = async (creatorId = limitedId): Promise<string> => {
    const articles = app.strapi.documents(ARTICLE_UID);
    const creator = { createdBy: creatorId, updatedBy: creatorId };
    const en = await articles.create({
      locale: 'en',
      data: { title: 'Mine', cta: 'Read', ...secretFields, ...creator } as never,
    });
    await articles.update({
      documentId: en.documentId,
      locale: 'fr',
      data: { title: 'Le mien', cta: 'Lire', ...secretFields, summary: 'Résumé secret', ...creator } as never,
    });
    return en.documentId;
  };

  it("answers 403 for another creator's entry, in every locale, as the Content Manager does", async () => {
    const documentId = await othersDocument();
    const limited = as(limitedToken);
    for (const locale of ['fr', 'en']) {
      const contentManager = await limited.get(`${CM}/${documentId}?locale=${locale}`);
      expect(contentManager.status).toBe(403);

      const evaluated = await limited.post('/personalize/evaluate', { uid: ARTICLE_UID, documentId, locale });
      expect(evaluated.status).toBe(403);
      expect(evaluated.body).toMatchObject({ data: null, error: { status: 403, name: 'ForbiddenError' } });
      expect(JSON.stringify(evaluated.body)).not.toMatch(/Secret|Brouillon|Other draft|v_quick_exit/);
    }
    // The same entry for an admin who may read it.
    const allowed = await as(otherToken).post('/personalize/evaluate', { uid: ARTICLE_UID, documentId, locale: 'fr' });
    expect(allowed.status).toBe(200);
    expect(allowed.body.data.entry).toMatchObject({ title: 'Brouillon', summary: 'Secret summary' });
  });

  it('refuses an own entry in a locale the role may not read', async () => {
    const documentId = await ownDocument();
    const limited = as(limitedToken);
    expect((await limited.get(`${CM}/${documentId}?locale=fr`)).status).toBe(403);
    const evaluated = await limited.post('/personalize/evaluate', { uid: ARTICLE_UID, documentId, locale: 'fr' });
    expect(evaluated.status).toBe(403);
    expect(evaluated.body.error).toMatchObject({ status: 403, name: 'ForbiddenError' });
  });

  it('shows an own `en` entry with only the permitted fields, as the Content Manager does', async () => {
    const documentId = await ownDocument();
    const limited = as(limitedToken);
    const contentManager = await limited.get(`${CM}/${documentId}?locale=en`);
    expect(contentManager.status).toBe(200);

    const evaluated = await limited.post('/personalize/evaluate', {
      uid: ARTICLE_UID,
      documentId,
      locale: 'en',
      signals: { context: { device: 'mobile' }, behavior: { dwellSec: 3 } },
    });
    expect(evaluated.status).toBe(200);
    const { entry } = evaluated.body.data as { entry: Record<string, unknown> };
    // The variant overrides discountPercent too, a field this role may not read: it stays out.
    expect(evaluated.body.data.variant).toBe('v_quick_exit');
    expect(entry).toMatchObject({ documentId, title: 'Still deciding? Here is 10% off', cta: 'Get my discount' });
    for (const hidden of ['summary', 'body', 'discountPercent', 'slug', 'seo', 'hero', 'author', 'variants']) {
      expect(entry).not.toHaveProperty(hidden);
    }
    // Every attribute the evaluate entry has, the Content Manager's edit view has too.
    const cmData = contentManager.body.data as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!['title', 'cta'].includes(key)) expect(cmData).toHaveProperty([key]);
    }
    // Other locales: which exist, never their content.
    const localizations = (entry.localizations ?? []) as Record<string, unknown>[];
    for (const localization of localizations) {
      expect(Object.keys(localization).filter((key) => !LOCALIZATION_KEYS.includes(key))).toEqual([]);
    }
    expect(JSON.stringify(entry)).not.toMatch(/Secret|Résumé|Le mien|Lire/);
  });

  it('tests inline variants on an own entry without revealing the fields it may not read', async () => {
    const documentId = await ownDocument();
    const evaluated = await as(limitedToken).post('/personalize/evaluate', {
      uid: ARTICLE_UID,
      documentId,
      locale: 'en',
      variants: [{ id: 'v_all', name: 'Everyone', overrides: { cta: 'Hi', discountPercent: 5 } }],
    });
    expect(evaluated.status).toBe(200);
    expect(evaluated.body.data.entry).toMatchObject({ cta: 'Hi', title: 'Mine' });
    expect(evaluated.body.data.entry).not.toHaveProperty('discountPercent');
    expect(JSON.stringify(evaluated.body.data.entry)).not.toMatch(/Secret|Résumé|Le mien/);
  });

  it("refuses to test an entry's own variants when the role may not read the variants field", async () => {
    const session = await createAdminSession(app.strapi, {
      roleId: await createLimitedRole(app.strapi, 'no variants field', ['read'], ['title', 'cta']),
    });
    const documentId = await ownDocument(await adminIdOf(app.strapi, session.email));
    const contentManager = await as(session.token).get(`${CM}/${documentId}?locale=en`);
    expect(contentManager.status).toBe(200);
    expect(contentManager.body.data).not.toHaveProperty('variants');

    const stored = await as(session.token).post('/personalize/evaluate', { uid: ARTICLE_UID, documentId, locale: 'en' });
    expect(stored.status).toBe(403);
    expect(JSON.stringify(stored.body)).not.toMatch(/v_quick_exit|Hesitant/);
    // Variants typed in the editor are the admin's own.
    const inline = await as(session.token).post('/personalize/evaluate', {
      uid: ARTICLE_UID,
      documentId,
      locale: 'en',
      variants: [{ id: 'v_all', name: 'Everyone', overrides: { cta: 'Hi' } }],
    });
    expect(inline.status).toBe(200);
    expect(inline.body.data.entry).toMatchObject({ title: 'Mine', cta: 'Hi' });
  });

  it('shows relations as the edit view does, as counts, also when a variant overrides them', async () => {
    // Every article field, nothing of authors.
    const role = await app.strapi.service('admin::role').create({ name: 'articles only', description: 'no authors' });
    await app.strapi.service('admin::role').assignPermissions(role.id, [
      { action: 'plugin::personalize.read', subject: null },
      { action: 'plugin::content-manager.explorer.read', subject: ARTICLE_UID, properties: { locales: ['en', 'fr'] } },
    ]);
    const { token } = await createAdminSession(app.strapi, { roleId: role.id });
    const authors = app.strapi.documents('api::author.author');
    const own = (await authors.create({ data: { name: 'Own Author', email: 'own@example.com' } } as never)) as {
      documentId: string;
    };
    const other = (await authors.create({ data: { name: 'Other Author', email: 'other@example.com' } } as never)) as {
      documentId: string;
    };
    const { documentId } = await app.strapi.documents(ARTICLE_UID).create({
      locale: 'en',
      data: { title: 'Related', author: own.documentId } as never,
    });

    const contentManager = await as(token).get(`${CM}/${documentId}?locale=en`);
    expect(contentManager.status).toBe(200);
    expect(contentManager.body.data.author).toEqual({ count: 1 });

    const plain = await as(token).post('/personalize/evaluate', { uid: ARTICLE_UID, documentId, locale: 'en', variants: [] });
    expect(plain.status).toBe(200);
    expect(plain.body.data.entry.author).toEqual({ count: 1 });

    const overridden = await as(token).post('/personalize/evaluate', {
      uid: ARTICLE_UID,
      documentId,
      locale: 'en',
      variants: [{ id: 'v_other', name: 'Other author', overrides: { author: { documentId: other.documentId } } }],
    });
    expect(overridden.status).toBe(200);
    expect(overridden.body.data.variant).toBe('v_other');
    expect(overridden.body.data.entry.author).toEqual({ count: 1 });
    expect(JSON.stringify([plain.body, overridden.body])).not.toMatch(/Author|@example\.com/);
  });

  describe('a visitor id', () => {
    it('needs the Visitors permission, whose stored profile it reads', async () => {
      const documentId = await ownDocument();
      const visitorId = newVisitorId();
      const body = { uid: ARTICLE_UID, documentId, locale: 'en', visitorId };

      const refused = await as(limitedToken).post('/personalize/evaluate', body);
      expect(refused.status).toBe(403);
      // A policy's 403, as for the routes' own permissions, with a message that says which.
      expect(refused.body).toMatchObject({ data: null, error: { status: 403, name: 'PolicyError' } });
      expect(refused.body.error.message).toMatch(/plugin::personalize\.visitors/);
      expect(refused.body.error.details.errors[0].path).toEqual(['visitorId']);
      // Also with inline variants or a bare condition: the profile is never read for them.
      const inline = await as(limitedToken).post('/personalize/evaluate', { variants: [mobileQuickExit], visitorId });
      expect(inline.status).toBe(403);
      const condition = await as(limitedToken).post('/personalize/evaluate', { condition: true, visitorId });
      expect(condition.status).toBe(403);
      // Without the visitor id, the same test runs.
      const { visitorId: _omitted, ...anonymous } = body;
      expect((await as(limitedToken).post('/personalize/evaluate', anonymous)).status).toBe(200);

      const own = await ownDocument(visitorsId);
      const allowed = await as(visitorsToken).post('/personalize/evaluate', { ...body, documentId: own });
      expect(allowed.status).toBe(200);
      expect(allowed.body.data.visitor).toMatchObject({ found: false });
    });
  });
});
