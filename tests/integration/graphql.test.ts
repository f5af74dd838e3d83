import request from 'supertest';

import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { DESKTOP_UA, MOBILE_UA } from '../helpers/user-agents';

/**
 * GraphQL personalization (docs/delivery.md, "GraphQL") with @strapi/plugin-graphql, on the
 * playground: real queries to /graphql with the plain API's headers — a single entry, a list, a
 * connection, a single type, entries reached through relations — and without them Strapi's own
 * answers. Runs on SQLite and, with `npm run test:postgres`, on PostgreSQL.
 */

const AUTHOR_UID = 'api::author.author';
const HOMEPAGE_UID = 'api::homepage.homepage';
const MOBILE_SIGNALS = { behavior: { dwellSec: 4 } };
const encodeSignals = (signals: object) => Buffer.from(JSON.stringify(signals)).toString('base64url');
const PERSONALIZE = { 'x-personalize-signals': encodeSignals(MOBILE_SIGNALS) };

describe('GraphQL, personalized by the plain API’s headers', () => {
  let app: TestStrapi;
  let quickExit: string;
  let noVariants: string;
  let authorId: string;
  let otherAuthorId: string;
  let byline: string;

  beforeAll(async () => {
    app = await setupStrapi({ env: { PERSONALIZE_CONFIG: JSON.stringify({ rateLimit: { anonymous: { points: 0 } } }) } });
    await grantPublic(app.strapi, [
      `${ARTICLE_UID}.find`,
      `${ARTICLE_UID}.findOne`,
      `${AUTHOR_UID}.find`,
      `${AUTHOR_UID}.findOne`,
      `${HOMEPAGE_UID}.find`,
    ]);
    const authors = app.strapi.documents(AUTHOR_UID as never);
    authorId = ((await authors.create({ data: { name: 'Ada', email: 'ada@example.com' } } as never)) as { documentId: string }).documentId;
    otherAuthorId = ((await authors.create({ data: { name: 'Grace' } } as never)) as { documentId: string }).documentId;
    // The mobile variant also names another author: the relation is overridden.
    const withByline = { ...mobileQuickExit, overrides: { ...mobileQuickExit.overrides, author: { documentId: otherAuthorId } } };
    quickExit = (await createArticle(app.strapi, { title: 'Plan your trip', cta: 'Start planning', author: authorId, variants: { variants: [withByline] } })).documentId;
    noVariants = (await createArticle(app.strapi, { title: 'Packing lists', cta: 'Read', author: authorId })).documentId;
    byline = (await createArticle(app.strapi, { title: 'Byline only', author: authorId, variants: { variants: [mobileQuickExit] } })).documentId;
    const homepage = app.strapi.documents(HOMEPAGE_UID as never);
    const created = (await homepage.create({
      data: {
        headline: 'Welcome',
        cta: 'Browse',
        featured: quickExit,
        variants: { variants: [{ ...mobileQuickExit, overrides: { headline: 'Welcome back, on the go' } }] },
      },
    } as never)) as { documentId: string };
    await homepage.publish({ documentId: created.documentId } as never);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const graphql = (query: string, variables: object = {}, headers: Record<string, string> = {}, userAgent = MOBILE_UA) =>
    request(app.server)
      .post('/graphql')
      .set({ 'User-Agent': userAgent, ...headers })
      .send({ query, variables });

  const ARTICLE = `query Article($id: ID!) { article(documentId: $id) { documentId title cta discountPercent } }`;

  it('personalizes a single entry with the headers, and serves Strapi’s own without them, byte for byte', async () => {
    const personalized = await graphql(
      `query Article($id: ID!) { article(documentId: $id) { title cta personalization { variant reason experiments } } }`,
      { id: quickExit },
      PERSONALIZE
    );
    expect(personalized.status).toBe(200);
    expect(personalized.body.errors).toBeUndefined();
    expect(personalized.body.data.article).toEqual({
      title: 'Still deciding? Here is 10% off',
      cta: 'Get my discount',
      personalization: {
        variant: 'v_quick_exit',
        reason: expect.arrayContaining([expect.objectContaining({ rule: '==', signals: { 'context.device': 'mobile' } })]),
        experiments: {},
      },
    });

    // Without a header: exactly what Strapi serves (the published entry, serialized by Strapi alone).
    const plain = await graphql(ARTICLE, { id: quickExit });
    const published = (await app.strapi.documents(ARTICLE_UID as never).findOne({ documentId: quickExit, status: 'published' } as never)) as unknown as Record<string, unknown>;
    expect(plain.text).toBe(
      `${JSON.stringify({ data: { article: { documentId: quickExit, title: published.title, cta: published.cta, discountPercent: published.discountPercent } } })}\n`
    );
    // And `personalization` is null there.
    const meta = await graphql(`query Article($id: ID!) { article(documentId: $id) { personalization { variant } } }`, { id: quickExit });
    expect(meta.body).toEqual({ data: { article: { personalization: null } } });
  });

  it('chooses the mobile variant from the User-Agent, not from what the client says', async () => {
    const desktop = await graphql(ARTICLE, { id: quickExit }, PERSONALIZE, DESKTOP_UA);
    expect(desktop.body.data.article.title).toBe('Plan your trip');
    const claimsMobile = await graphql(
      ARTICLE,
      { id: quickExit },
      { 'x-personalize-signals': encodeSignals({ ...MOBILE_SIGNALS, context: { device: 'mobile' } }) },
      DESKTOP_UA
    );
    expect(claimsMobile.body.data.article.title).toBe('Plan your trip');
    // Twice on a phone: cold, then from the response cache, the same answer.
    for (let round = 0; round < 2; round += 1) {
      expect((await graphql(ARTICLE, { id: quickExit }, PERSONALIZE)).body.data.article.title).toBe('Still deciding? Here is 10% off');
    }
  });

  it('gives every entry of a list and of a connection its own variant', async () => {
    const list = await graphql(
      `query List($ids: [ID]) { articles(filters: { documentId: { in: $ids } }, sort: "title:asc") { documentId title personalization { variant } } }`,
      { ids: [quickExit, noVariants] },
      PERSONALIZE
    );
    expect(list.body.errors).toBeUndefined();
    expect(list.body.data.articles).toEqual([
      { documentId: noVariants, title: 'Packing lists', personalization: { variant: null } },
      { documentId: quickExit, title: 'Still deciding? Here is 10% off', personalization: { variant: 'v_quick_exit' } },
    ]);
    const connection = await graphql(
      `query List($ids: [ID]) { articles_connection(filters: { documentId: { in: $ids } }, sort: "title:asc") { nodes { title } pageInfo { total } } }`,
      { ids: [quickExit, noVariants] },
      PERSONALIZE
    );
    expect(connection.body.data.articles_connection).toEqual({
      nodes: [{ title: 'Packing lists' }, { title: 'Still deciding? Here is 10% off' }],
      pageInfo: { total: 2 },
    });
  });

  it('personalizes a single type, the entry it features through a relation, and an overridden relation', async () => {
    // The single type, its own variant, and the article it features (a to-one relation) personalized too.
    const homepage = await graphql(
      `{ homepage { headline personalization { variant } featured { title author { name } personalization { variant } } } }`,
      {},
      PERSONALIZE
    );
    expect(homepage.body.errors).toBeUndefined();
    expect(homepage.body.data.homepage).toEqual({
      headline: 'Welcome back, on the go',
      personalization: { variant: 'v_quick_exit' },
      // The variant's author override: Grace, not the stored Ada.
      featured: { title: 'Still deciding? Here is 10% off', author: { name: 'Grace' }, personalization: { variant: 'v_quick_exit' } },
    });
    // Without headers, the stored relation.
    const stored = await graphql(`query Article($id: ID!) { article(documentId: $id) { author { name } } }`, { id: byline });
    expect(stored.body).toEqual({ data: { article: { author: { name: 'Ada' } } } });
  });

  it('gives each entry reached through a to-many relation its own variant (Author.articles)', async () => {
    const authors = app.strapi.documents(AUTHOR_UID as never);
    const lin = ((await authors.create({ data: { name: 'Lin' } } as never)) as { documentId: string }).documentId;
    const first = (await createArticle(app.strapi, { title: 'Lin, first', author: lin, variants: { variants: [mobileQuickExit] } })).documentId;
    const onPhones = { id: 'v_phone', name: 'On a phone', enabled: true, condition: { '==': [{ var: 'context.device' }, 'mobile'] } };
    const second = (
      await createArticle(app.strapi, { title: 'Lin, second', author: lin, variants: { variants: [{ ...onPhones, overrides: { title: 'Lin, second, on a phone' } }] } })
    ).documentId;
    const AUTHORS = `query Authors($id: ID!) { authors(filters: { documentId: { eq: $id } }) { name articles(sort: "title:asc") { documentId title personalization { variant } } articles_connection(sort: "title:asc") { nodes { title } } } }`;

    const personalized = await graphql(AUTHORS, { id: lin }, PERSONALIZE);
    expect(personalized.body.errors).toBeUndefined();
    expect(personalized.body.data.authors).toEqual([
      {
        name: 'Lin',
        articles: [
          { documentId: first, title: 'Still deciding? Here is 10% off', personalization: { variant: 'v_quick_exit' } },
          { documentId: second, title: 'Lin, second, on a phone', personalization: { variant: 'v_phone' } },
        ],
        articles_connection: { nodes: [{ title: 'Still deciding? Here is 10% off' }, { title: 'Lin, second, on a phone' }] },
      },
    ]);
    // On a desktop with the same headers: each entry's own answer is no variant.
    const desktop = await graphql(AUTHORS, { id: lin }, PERSONALIZE, DESKTOP_UA);
    expect(desktop.body.data.authors[0].articles).toEqual([
      { documentId: first, title: 'Lin, first', personalization: { variant: null } },
      { documentId: second, title: 'Lin, second', personalization: { variant: null } },
    ]);
    // Without headers: the stored entries, and no personalization.
    const plain = await graphql(AUTHORS, { id: lin });
    expect(plain.body.data.authors[0].articles).toEqual([
      { documentId: first, title: 'Lin, first', personalization: null },
      { documentId: second, title: 'Lin, second', personalization: null },
    ]);
  });

  it('serves a fixed variant from x-personalize-variant', async () => {
    const fixed = await graphql(ARTICLE, { id: quickExit }, { 'x-personalize-variant': 'v_quick_exit' }, DESKTOP_UA);
    expect(fixed.body.data.article.title).toBe('Still deciding? Here is 10% off');
    const missing = await graphql(ARTICLE, { id: quickExit }, { 'x-personalize-variant': 'v_missing' }, DESKTOP_UA);
    expect(missing.body.errors?.[0]?.message).toMatch(/Variant "v_missing" not found/);
  });

  it('keeps the variants attribute out of the schema: introspection lacks it, asking for it is an error', async () => {
    const introspection = await graphql(`{ __type(name: "Article") { fields { name } } }`);
    const fields = (introspection.body.data.__type.fields as { name: string }[]).map((field) => field.name);
    expect(fields).toEqual(expect.arrayContaining(['title', 'cta', 'author', 'personalization']));
    expect(fields).not.toContain('variants');
    const homepageFields = (await graphql(`{ __type(name: "Homepage") { fields { name } } }`)).body.data.__type.fields as { name: string }[];
    expect(homepageFields.map((field) => field.name)).not.toContain('variants');

    const asked = await graphql(`query Article($id: ID!) { article(documentId: $id) { title variants } }`, { id: quickExit }, PERSONALIZE);
    expect(asked.status).toBe(400);
    expect(asked.body.errors[0].message).toMatch(/Cannot query field "variants" on type "Article"/);
  });

  it('follows the caller’s permissions: without find on articles the query is forbidden, headers or not', async () => {
    const role = await app.strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' } });
    await app.strapi.db.query('plugin::users-permissions.permission').deleteMany({ where: { action: `${ARTICLE_UID}.findOne`, role: role.id } });
    try {
      const denied = await graphql(ARTICLE, { id: quickExit }, PERSONALIZE);
      expect(denied.body.data?.article ?? null).toBeNull();
      expect(denied.body.errors[0].message).toBe('Forbidden access');
    } finally {
      await grantPublic(app.strapi, [`${ARTICLE_UID}.findOne`]);
    }
  });
});

describe('without the GraphQL plugin', () => {
  let app: TestStrapi;

  beforeAll(async () => {
    app = await setupStrapi({ env: { PLAYGROUND_GRAPHQL: 'false' } });
    await grantPublic(app.strapi, [`${ARTICLE_UID}.findOne`]);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('boots and personalizes the REST API unchanged', async () => {
    expect(app.strapi.plugin('graphql')).toBeUndefined();
    const { documentId } = await createArticle(app.strapi, { title: 'Plan your trip', variants: { variants: [mobileQuickExit] } });
    const response = await request(app.server)
      .get(`/api/articles/${documentId}`)
      .set('User-Agent', MOBILE_UA)
      .set(PERSONALIZE);
    expect(response.body.meta.personalize.variant).toBe('v_quick_exit');
    // No GraphQL route: Strapi's router answers (405 for a method no route takes there).
    expect([404, 405]).toContain((await request(app.server).post('/graphql').send({ query: '{ __typename }' })).status);
  });
});
