import request from 'supertest';

import { createAdminSession, createApiToken } from '../helpers/auth';
import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

describe('the variants custom field', () => {
  let app: TestStrapi;
  let fullAccessToken: string;

  beforeAll(async () => {
    app = await setupStrapi();
    fullAccessToken = await createApiToken(app.strapi, 'full-access');
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const articleCount = () => app.strapi.documents(ARTICLE_UID).count({} as never);

  it('is registered on the server as plugin::personalize.variants of type json', () => {
    const field = app.strapi.get('custom-fields').get('plugin::personalize.variants');
    expect(field).toMatchObject({ name: 'variants', plugin: 'personalize', type: 'json' });
    const attribute = app.strapi.contentType(ARTICLE_UID).attributes.variants as { type: string; customField: string };
    expect(attribute).toMatchObject({ type: 'json', customField: 'plugin::personalize.variants' });
  });

  it('stores a valid value, normalized', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Valid',
      variants: { variants: [{ id: 'v_a', name: 'A', overrides: { cta: 'Hi' } }] },
    });
    const stored = (await app.strapi.documents(ARTICLE_UID).findOne({ documentId, status: 'published' } as never)) as unknown;
    expect((stored as { variants: unknown }).variants).toEqual({
      variants: [{ id: 'v_a', name: 'A', enabled: true, overrides: { cta: 'Hi' } }],
    });
  });

  const invalidValues: [string, unknown, RegExp, string][] = [
    [
      'an override of an unknown field',
      { variants: [{ ...mobileQuickExit, overrides: { headline: 'x' } }] },
      /"headline" is not a field/,
      'variants.variants.0.overrides.headline',
    ],
    [
      'an override of the wrong type',
      { variants: [{ ...mobileQuickExit, overrides: { discountPercent: 'ten' } }] },
      /number/i,
      'variants.variants.0.overrides.discountPercent',
    ],
    [
      'an override outside the attribute bounds',
      { variants: [{ ...mobileQuickExit, overrides: { discountPercent: 95 } }] },
      /90/,
      'variants.variants.0.overrides.discountPercent',
    ],
    [
      'an override of a system field',
      { variants: [{ ...mobileQuickExit, overrides: { publishedAt: '2020-01-01T00:00:00.000Z' } }] },
      /system field/,
      'variants.variants.0.overrides.publishedAt',
    ],
    [
      'an override of the variants field itself',
      { variants: [{ ...mobileQuickExit, overrides: { variants: null } }] },
      /variants field/,
      'variants.variants.0.overrides.variants',
    ],
    [
      'a bad component value',
      { variants: [{ ...mobileQuickExit, overrides: { seo: { metaTitle: 42 } } }] },
      /string/i,
      'variants.variants.0.overrides.seo.metaTitle',
    ],
    [
      'a duplicate id',
      { variants: [mobileQuickExit, { ...mobileQuickExit, name: 'Again' }] },
      /duplicate id "v_quick_exit"/,
      'variants.variants.1.id',
    ],
    [
      'a malformed id',
      { variants: [{ ...mobileQuickExit, id: 'Bad Id!' }] },
      /a-z/,
      'variants.variants.0.id',
    ],
    [
      'a condition with an unknown operator',
      { variants: [{ ...mobileQuickExit, condition: { and: [{ '==': [1, 1] }, { frobnicate: [1] }] } }] },
      /frobnicate/,
      'variants.variants.0.condition.and.1',
    ],
    [
      'a condition that calls a method',
      { variants: [{ ...mobileQuickExit, condition: { method: ['abc', 'toUpperCase'] } }] },
      /method/,
      'variants.variants.0.condition',
    ],
    [
      'a condition naming an unknown audience',
      { variants: [{ ...mobileQuickExit, condition: { audience: 'nobody' } }] },
      /nobody/,
      'variants.variants.0.condition',
    ],
    [
      'a condition reading a misspelt signal (with the closest one suggested)',
      { variants: [{ ...mobileQuickExit, condition: { '<': [{ var: 'behavior.dwelSec' }, 10] } }] },
      /Unknown signal "behavior\.dwelSec"; did you mean "behavior\.dwellSec"\?/,
      'variants.variants.0.condition.<.0.var',
    ],
    ['a value that is not an object of variants', { variants: 'nope' }, /array/i, 'variants.variants'],
    ['an unexpected key', { variants: [], extra: true }, /extra|unrecognized/i, 'variants'],
  ];

  it.each(invalidValues)('refuses %s with a 400 naming the variant and path, saving nothing', async (_label, value, message, path) => {
    const before = await articleCount();
    let thrown: unknown;
    try {
      await app.strapi.documents(ARTICLE_UID).create({ locale: 'en', data: { title: 'Invalid', variants: value } as never });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeDefined();
    const error = thrown as { name: string; message: string; details: { errors: { path: (string | number)[]; message: string }[] } };
    expect(error.name).toBe('ValidationError');
    expect(error.message).toMatch(message);
    expect(error.details.errors.map((issue) => issue.path.join('.'))).toContain(path);
    expect(await articleCount()).toBe(before);
  });

  it('names the variant in the message', async () => {
    await expect(
      app.strapi.documents(ARTICLE_UID).create({
        locale: 'en',
        data: { title: 'Invalid', variants: { variants: [{ ...mobileQuickExit, overrides: { headline: 'x' } }] } } as never,
      })
    ).rejects.toThrow(/Variant "Hesitant mobile visitor"/);
  });

  it('refuses more variants than the configured limit', async () => {
    const variants = Array.from({ length: 51 }, (_, index) => ({ id: `v_${index}`, name: `V${index}`, overrides: {} }));
    await expect(
      app.strapi.documents(ARTICLE_UID).create({ locale: 'en', data: { title: 'Many', variants: { variants } } as never })
    ).rejects.toThrow(/at most 50 variants/);
  });

  it('refuses an invalid value over the REST API with a 400 and saves nothing', async () => {
    const before = await articleCount();
    const response = await request(app.server)
      .post('/api/articles')
      .set('Authorization', `Bearer ${fullAccessToken}`)
      .send({ data: { title: 'Over REST', variants: { variants: [{ ...mobileQuickExit, overrides: { cta: 12 } }] } } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ data: null, error: { status: 400, name: 'ValidationError' } });
    expect(response.body.error.message).toMatch(/Variant "Hesitant mobile visitor"/);
    expect(response.body.error.details.errors[0].path).toEqual(['variants', 'variants', 0, 'overrides', 'cta']);
    expect(await articleCount()).toBe(before);
  });

  it('refuses an invalid value saved from the Content Manager, and keeps the stored value', async () => {
    const { token } = await createAdminSession(app.strapi);
    const { documentId } = await createArticle(app.strapi, { title: 'Edited in the admin', variants: { variants: [mobileQuickExit] } }, { publish: false });

    const response = await request(app.server)
      .put(`/content-manager/collection-types/${ARTICLE_UID}/${documentId}?locale=en`)
      .set('Authorization', `Bearer ${token}`)
      .send({ title: 'Edited in the admin', variants: { variants: [{ ...mobileQuickExit, id: 'v_quick_exit' }, { ...mobileQuickExit }] } });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/duplicate id/);

    const stored = (await app.strapi.documents(ARTICLE_UID).findOne({ documentId, locale: 'en' } as never)) as unknown as { variants: { variants: unknown[] } };
    expect(stored.variants.variants).toHaveLength(1);

    const valid = await request(app.server)
      .put(`/content-manager/collection-types/${ARTICLE_UID}/${documentId}?locale=en`)
      .set('Authorization', `Bearer ${token}`)
      .send({ title: 'Edited in the admin', variants: { variants: [{ ...mobileQuickExit, overrides: { cta: 'Saved from the admin' } }] } });
    expect(valid.status).toBe(200);
    const updated = (await app.strapi.documents(ARTICLE_UID).findOne({ documentId, locale: 'en' } as never)) as unknown as {
      variants: { variants: { overrides: { cta: string } }[] };
    };
    expect(updated.variants.variants[0].overrides.cta).toBe('Saved from the admin');
  });

  it('keeps the variants field out of the plain REST API when it is private', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Private variants', variants: { variants: [mobileQuickExit] } });
    const response = await request(app.server).get(`/api/articles/${documentId}`).set('Authorization', `Bearer ${fullAccessToken}`);
    expect(response.status).toBe(200);
    expect(response.body.data.title).toBe('Private variants');
    expect(response.body.data).not.toHaveProperty('variants');
  });
});
