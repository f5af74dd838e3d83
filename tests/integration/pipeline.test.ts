/**
 * One delivery pipeline: the same visitor with the same signals gets the same variant from
 * `/resolve` and from the plain content API (findOne, list, single type), cold or warm; private
 * attributes never leave through an override; a warm personalized GET reads no database row.
 * Each of the first three describes a bug the three copies of the decision had.
 */
import request from 'supertest';

import { evaluate } from '../../engine/src';
import { createApiToken } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { DESKTOP_UA } from '../helpers/user-agents';

const HOMEPAGE_UID = 'api::homepage.homepage';
const HALF_SPLIT = { '==': [{ fractional: [['a', 50], ['b', 50]] }, 'b'] };
const splitVariant = { id: 'v_split', name: 'Half of the visitors', enabled: true, condition: HALF_SPLIT, overrides: { title: 'Bucket B' } };

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The bucket flagd's fractional gives this visitor for this flag key. */
const inBucketB = (visitorId: string, flagKey: string) =>
  evaluate(HALF_SPLIT as never, { targetingKey: visitorId, $flagd: { flagKey } }) === true;

/** A visitor id whose bucket for `flagKey` is `wantB`, and (optionally) the other one for `otherKey`. */
const findVisitor = (flagKey: string, wantB: boolean, otherKey?: string) => {
  for (let i = 0; i < 10_000; i += 1) {
    const id = `visitor-${i.toString().padStart(8, '0')}`;
    if (inBucketB(id, flagKey) !== wantB) continue;
    if (otherKey !== undefined && inBucketB(id, otherKey) === wantB) continue;
    return id;
  }
  throw new Error('no such visitor in 10,000 tries');
};

describe('one delivery pipeline', () => {
  let app: TestStrapi;

  beforeAll(async () => {
    // The in-process store: these tests count every SQL query of a warm response, and the database
    // store reads the visitor's profile with one (docs/events.md, "Where state lives").
    app = await setupStrapi({ env: { PERSONALIZE_CONFIG: JSON.stringify({ storage: 'memory' }) } });
    await grantPublic(app.strapi, [
      `${ARTICLE_UID}.find`,
      `${ARTICLE_UID}.findOne`,
      `${HOMEPAGE_UID}.find`,
      'api::author.author.find',
      'api::author.author.findOne',
    ]);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const resolve = (body: Record<string, unknown>) =>
    request(app.server).post('/api/personalize/resolve').set('User-Agent', DESKTOP_UA).send(body);

  const plain = (path: string, headers: Record<string, string> = {}) => {
    const call = request(app.server).get(path).set('User-Agent', DESKTOP_UA);
    for (const [name, value] of Object.entries(headers)) call.set(name, value);
    return call;
  };

  /** Counts SQL queries run while `run` executes (knex's query event). */
  const countQueries = async (run: () => Promise<unknown>) => {
    let queries = 0;
    const listener = () => {
      queries += 1;
    };
    app.strapi.db.connection.on('query', listener);
    try {
      await run();
    } finally {
      app.strapi.db.connection.off('query', listener);
    }
    return queries;
  };

  describe('the visitor on the plain API (fractional buckets by visitor and entry)', () => {
    let documentId: string;

    beforeAll(async () => {
      ({ documentId } = await createArticle(app.strapi, { title: 'Bucket A', variants: { variants: [splitVariant] } }));
    });

    it.each([
      ['bucket B', true],
      ['bucket A', false],
    ])('gives a visitor in %s the same variant on resolve, findOne (header and query) and the list, cold and warm', async (_, wantB) => {
      const visitorId = findVisitor(`${ARTICLE_UID}:${documentId}`, wantB);
      const expected = wantB ? 'v_split' : null;
      for (let round = 0; round < 2; round += 1) {
        const resolved = await resolve({ uid: ARTICLE_UID, documentId, visitorId });
        expect(resolved.status).toBe(200);
        expect(resolved.body.meta.personalize.variant).toBe(expected);

        const byHeader = await plain(`/api/articles/${documentId}`, { 'x-personalize-visitor': visitorId });
        expect(byHeader.status).toBe(200);
        expect(byHeader.body.meta.personalize.variant).toBe(expected);
        expect(byHeader.body.data.title).toBe(wantB ? 'Bucket B' : 'Bucket A');

        const byQuery = await plain(`/api/articles/${documentId}?personalize[visitor]=${visitorId}`);
        expect(byQuery.body.meta.personalize.variant).toBe(expected);

        const list = await plain(`/api/articles?filters[documentId][$eq]=${documentId}`, { 'x-personalize-visitor': visitorId });
        expect(list.status).toBe(200);
        expect(list.body.meta.personalize.entries[documentId].variant).toBe(expected);
        expect(list.body.data[0].title).toBe(wantB ? 'Bucket B' : 'Bucket A');
        expect(list.body.meta.pagination).toMatchObject({ page: 1, total: 1 });
      }
    });

    it('refuses a malformed visitor id with a 400', async () => {
      const response = await plain(`/api/articles/${documentId}`, { 'x-personalize-visitor': 'short' });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(/x-personalize-visitor/);
      const query = await plain(`/api/articles/${documentId}?personalize[visitor]=bad%20id!`);
      expect(query.status).toBe(400);
      expect(query.body.error.details.errors[0].path).toEqual(['visitor']);
    });
  });

  describe('a single type', () => {
    let documentId: string;
    let visitorId: string;

    beforeAll(async () => {
      const homepage = app.strapi.documents(HOMEPAGE_UID as never);
      const created = (await homepage.create({
        data: { headline: 'Bucket A', cta: 'Go', internalNote: 'editors only', variants: { variants: [splitVariant].map((v) => ({ ...v, overrides: { headline: 'Bucket B' } })) } },
      } as never)) as { documentId: string };
      await homepage.publish({ documentId: created.documentId } as never);
      documentId = created.documentId;
      // In bucket B with the documentId in the flag key, in bucket A without it: a cold and a warm
      // request that built the flag key differently would disagree for this visitor.
      visitorId = findVisitor(`${HOMEPAGE_UID}:${documentId}`, true, `${HOMEPAGE_UID}:`);
    });

    it('keeps a visitor in one bucket on resolve and the plain API, cold and warm', async () => {
      for (let round = 0; round < 3; round += 1) {
        const resolved = await resolve({ uid: HOMEPAGE_UID, visitorId });
        expect(resolved.status).toBe(200);
        expect(resolved.body.meta.personalize.variant).toBe('v_split');
        expect(resolved.body.data.headline).toBe('Bucket B');

        const viaPlain = await plain('/api/homepage', { 'x-personalize-visitor': visitorId });
        expect(viaPlain.status).toBe(200);
        expect(viaPlain.body.meta.personalize.variant).toBe('v_split');
        expect(viaPlain.body.data.headline).toBe('Bucket B');
        expect(viaPlain.body.data).not.toHaveProperty('internalNote');
        expect(viaPlain.body.data).not.toHaveProperty('variants');
      }
    });

    it('serves Strapi’s own response without personalize parameters, never with the variants field', async () => {
      // The homepage's variants field is not ticked Private (playground schema): it stays hidden all the same.
      expect(app.strapi.contentType(HOMEPAGE_UID as never).attributes.variants).toMatchObject({ private: true });
      const response = await plain('/api/homepage');
      expect(response.status).toBe(200);
      expect(response.body.data.headline).toBe('Bucket A');
      expect(response.body.data).not.toHaveProperty('variants');
      expect(response.body.meta).toEqual({});
      const populated = await plain('/api/homepage?populate=*');
      expect(populated.status).toBe(200);
      expect(JSON.stringify(populated.body)).not.toContain('fractional');
    });
  });

  describe('one sanitize policy', () => {
    it.each([
      ['a component override alone', false],
      ['a component and a relation override', true],
    ])('removes private attributes at every depth for %s, on every route', async (_, withRelation) => {
      const author = (await app.strapi.documents('api::author.author').create({
        data: { name: 'Private Person', email: 'private@example.com' },
      } as never)) as { documentId: string };
      const overrides: Record<string, unknown> = { seo: { metaTitle: 'Variant title', internalNote: 'secret inside a component' } };
      if (withRelation) overrides.author = { documentId: author.documentId };
      const { documentId } = await createArticle(app.strapi, {
        title: 'Sanitized',
        seo: { metaTitle: 'Own title' },
        author: author.documentId,
        variants: { variants: [{ id: 'v_everyone', name: 'Everyone', enabled: true, overrides }] },
      });
      const signals = encode({ behavior: { dwellSec: 1 } });
      for (let round = 0; round < 2; round += 1) {
        const responses = [
          await resolve({ uid: ARTICLE_UID, documentId, populate: ['seo', 'author'] }),
          await plain(`/api/articles/${documentId}?populate[0]=seo&populate[1]=author`, { 'x-personalize-signals': signals }),
          await plain(`/api/articles?filters[documentId][$eq]=${documentId}&populate[0]=seo&populate[1]=author`, {
            'x-personalize-signals': signals,
          }),
        ];
        for (const response of responses) {
          expect(response.status).toBe(200);
          const entry = Array.isArray(response.body.data) ? response.body.data[0] : response.body.data;
          expect(entry.seo.metaTitle).toBe('Variant title');
          expect(entry.author.name).toBe('Private Person');
          const text = JSON.stringify(response.body);
          expect(text).not.toContain('secret inside a component');
          expect(text).not.toContain('private@example.com');
          expect(text).not.toContain('internalNote');
        }
      }
    });
  });

  describe('the plain API with signals reuses the response cache', () => {
    it('answers a warm findOne, list and single type without a database query, and purges on change', async () => {
      const { documentId } = await createArticle(app.strapi, { title: 'Cached', variants: { variants: [splitVariant] } });
      const visitorId = findVisitor(`${ARTICLE_UID}:${documentId}`, true);
      const headers = { 'x-personalize-signals': encode({ behavior: { dwellSec: 4 } }), 'x-personalize-visitor': visitorId };
      const paths = [
        `/api/articles/${documentId}?populate[0]=author`,
        `/api/articles?filters[documentId][$eq]=${documentId}&sort=title`,
        '/api/homepage',
      ];
      for (const path of paths) expect((await plain(path, headers)).status).toBe(200);

      const documents = jest.spyOn(app.strapi, 'documents');
      const queries = await countQueries(async () => {
        for (const path of paths) {
          const warm = await plain(path, headers);
          expect(warm.status).toBe(200);
          expect(warm.headers.etag).toBeDefined();
          expect(warm.headers.vary).toMatch(/x-personalize-visitor/);
        }
      });
      expect(documents).not.toHaveBeenCalled();
      expect(queries).toBe(0);
      documents.mockRestore();

      const first = await plain(paths[0], headers);
      expect(first.body.data.title).toBe('Bucket B');
      const notModified = await plain(paths[0], { ...headers, 'if-none-match': first.headers.etag });
      expect(notModified.status).toBe(304);

      await app.strapi.documents(ARTICLE_UID).update({ documentId, locale: 'en', data: { variants: { variants: [] } } as never });
      await app.strapi.documents(ARTICLE_UID).publish({ documentId, locale: 'en' });
      const after = await plain(paths[0], headers);
      expect(after.body.meta.personalize.variant).toBeNull();
      expect(after.body.data.title).toBe('Cached');
      const listAfter = await plain(paths[1], headers);
      expect(listAfter.body.meta.personalize.entries[documentId].variant).toBeNull();
    });

    it('answers warm for a site server with a read-only API token too (no document read)', async () => {
      const token = await createApiToken(app.strapi, 'read-only');
      const { documentId } = await createArticle(app.strapi, { title: 'Token', variants: { variants: [splitVariant] } });
      const visitorId = findVisitor(`${ARTICLE_UID}:${documentId}`, true);
      const get = () =>
        plain(`/api/articles/${documentId}?populate[0]=author`, { authorization: `Bearer ${token}`, 'x-personalize-visitor': visitorId });
      expect((await get()).status).toBe(200);
      const documents = jest.spyOn(app.strapi, 'documents');
      const warm = await get();
      expect(warm.status).toBe(200);
      expect(warm.body.data.title).toBe('Bucket B');
      expect(documents).not.toHaveBeenCalled();
      documents.mockRestore();
    });

    it('stops serving a token the moment it is revoked or loses the permission, though credentials are cached', async () => {
      const apiTokens = app.strapi.service('admin::api-token');
      const created = await apiTokens.create({
        name: `custom-${Date.now()}`,
        type: 'custom',
        lifespan: null,
        permissions: [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`],
      });
      const { documentId } = await createArticle(app.strapi, { title: 'Revoked', variants: { variants: [splitVariant] } });
      const auth = { authorization: `Bearer ${created.accessKey}` };
      const signals = { 'x-personalize-signals': encode({}) };
      const resolveWithToken = () =>
        request(app.server).post('/api/personalize/resolve').set(auth).send({ uid: ARTICLE_UID, documentId });
      expect((await resolveWithToken()).status).toBe(200);
      expect((await plain(`/api/articles/${documentId}`, { ...auth, ...signals })).status).toBe(200);

      await apiTokens.update(created.id, { permissions: [`${ARTICLE_UID}.find`] });
      expect((await resolveWithToken()).status).toBe(403);
      expect((await plain(`/api/articles/${documentId}`, { ...auth, ...signals })).status).toBe(403);

      await apiTokens.revoke(created.id);
      expect((await resolveWithToken()).status).toBe(401);
      expect((await plain(`/api/articles/${documentId}`, { ...auth, ...signals })).status).toBe(401);
    });

    it('still answers 401/403 as Strapi does when the caller may not read the type', async () => {
      const response = await plain('/api/authors', { 'x-personalize-signals': encode({}) });
      expect(response.status).toBe(200); // authors have no variants field: Strapi's own response
      const forbidden = await request(app.server)
        .get('/api/articles')
        .set('Authorization', 'Bearer not-a-token')
        .set('x-personalize-signals', encode({}));
      expect(forbidden.status).toBe(401);
    });
  });
});

describe('the plain API when the app guards the route with a policy of its own', () => {
  let app: TestStrapi;

  beforeAll(async () => {
    app = await setupStrapi({ env: { PLAYGROUND_ARTICLE_POLICY: 'true' } });
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('runs the policy on every personalized request, warm ones included', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Guarded', variants: { variants: [splitVariant] } });
    const signals = encode({ behavior: { dwellSec: 2 } });
    const get = (path: string, key?: string) => {
      const call = request(app.server).get(path).set('x-personalize-signals', signals);
      return key ? call.set('x-playground-key', key) : call;
    };
    for (const path of [`/api/articles/${documentId}`, `/api/articles?filters[documentId][$eq]=${documentId}`]) {
      for (let round = 0; round < 3; round += 1) {
        expect((await get(path, 'let-me-in')).status).toBe(200);
        expect((await get(path)).status).toBe(403);
      }
    }
  });
});
