import request from 'supertest';

import { createApiToken } from '../helpers/auth';
import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { BOT_UA, DESKTOP_UA, MOBILE_UA, TABLET_UA } from '../helpers/user-agents';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A variant per signal, so each test can see which server-derived value the condition saw. */
const probeVariants = (path: string, values: unknown[]) =>
  values.map((value, index) => ({
    id: `v_${index}`,
    name: `${path} is ${String(value)}`,
    condition: { '==': [{ var: path }, value] },
    overrides: { cta: String(value) },
  }));

describe('delivery: signals, the plain content API and permissions', () => {
  let app: TestStrapi;

  beforeAll(async () => {
    app = await setupStrapi({ env: { PERSONALIZE_CONFIG: JSON.stringify({ limits: { signalsBytes: 2048 } }) } });
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const resolve = (body: object, headers: Record<string, string> = {}) => {
    const call = request(app.server).post('/api/personalize/resolve');
    for (const [name, value] of Object.entries(headers)) call.set(name, value);
    return call.send(body);
  };

  describe('server-derived signals', () => {
    it('derives the device from the User-Agent and ignores a client-sent device', async () => {
      const { documentId } = await createArticle(app.strapi, {
        title: 'Devices',
        variants: { variants: probeVariants('context.device', ['mobile', 'tablet', 'desktop', 'bot']) },
      });
      const cases: [string, string][] = [
        [MOBILE_UA, 'mobile'],
        [TABLET_UA, 'tablet'],
        [DESKTOP_UA, 'desktop'],
        [BOT_UA, 'bot'],
      ];
      for (const [userAgent, device] of cases) {
        const response = await resolve(
          { uid: ARTICLE_UID, documentId, signals: { context: { device: device === 'mobile' ? 'desktop' : 'mobile' } } },
          { 'User-Agent': userAgent }
        );
        expect(response.status).toBe(200);
        expect(response.body.data.cta).toBe(device);
      }
    });

    it('reads the network from the ECT client hint and Save-Data, over what the client measured', async () => {
      const { documentId } = await createArticle(app.strapi, {
        title: 'Network',
        variants: {
          variants: [
            { id: 'v_light', name: 'Light', condition: { '==': [{ var: 'context.saveData' }, true] }, overrides: { cta: 'light' } },
            ...probeVariants('context.network', ['slow-2g', '2g', '3g', '4g']),
          ],
        },
      });
      const measured = { context: { network: '4g' } };
      expect((await resolve({ uid: ARTICLE_UID, documentId, signals: measured })).body.data.cta).toBe('4g');
      expect((await resolve({ uid: ARTICLE_UID, documentId, signals: measured }, { ECT: '2g' })).body.data.cta).toBe('2g');
      expect((await resolve({ uid: ARTICLE_UID, documentId, signals: measured }, { ECT: 'bogus' })).body.data.cta).toBe('4g');
      expect((await resolve({ uid: ARTICLE_UID, documentId, signals: measured }, { 'Save-Data': 'on' })).body.data.cta).toBe('light');
    });

    it('never takes profile.* or experiments.* from the client: they are the server’s', async () => {
      const { documentId } = await createArticle(app.strapi, {
        title: 'Claims',
        variants: {
          variants: [
            { id: 'v_loyal', name: 'Loyal', condition: { '>': [{ var: 'profile.visits' }, 5] }, overrides: { cta: 'loyal' } },
            { id: 'v_arm', name: 'Arm', condition: { '==': [{ var: 'experiments.hero' }, 'b'] }, overrides: { cta: 'arm' } },
          ],
        },
      });
      const response = await resolve({ uid: ARTICLE_UID, documentId, signals: { profile: { visits: 50 }, experiments: { hero: 'b' } } });
      expect(response.status).toBe(200);
      expect(response.body.meta.personalize.variant).toBeNull();
    });

    it('reads the OS and browser from the User-Agent', async () => {
      const { documentId } = await createArticle(app.strapi, {
        title: 'OS',
        variants: {
          variants: [
            {
              id: 'v_ios_safari',
              name: 'iOS Safari',
              condition: { and: [{ '==': [{ var: 'context.os' }, 'iOS'] }, { '==': [{ var: 'context.browser' }, 'Safari'] }] },
              overrides: { cta: 'ios' },
            },
          ],
        },
      });
      const ios = await resolve({ uid: ARTICLE_UID, documentId, signals: { context: { os: 'Windows' } } }, { 'User-Agent': MOBILE_UA });
      expect(ios.body.data.cta).toBe('ios');
      const spoofed = await resolve(
        { uid: ARTICLE_UID, documentId, signals: { context: { os: 'iOS', browser: 'Safari' } } },
        { 'User-Agent': DESKTOP_UA }
      );
      expect(spoofed.body.meta.personalize.variant).toBeNull();
    });

    it('takes the country from the trusted header only', async () => {
      const { documentId } = await createArticle(app.strapi, {
        title: 'Countries',
        variants: { variants: probeVariants('context.country', ['DE', 'FR']) },
      });
      const trusted = await resolve({ uid: ARTICLE_UID, documentId }, { 'cf-ipcountry': 'de' });
      expect(trusted.body.data.cta).toBe('DE');
      const clientClaim = await resolve({ uid: ARTICLE_UID, documentId, signals: { context: { country: 'FR' } } });
      expect(clientClaim.body.meta.personalize.variant).toBeNull();
      const untrustedHeader = await resolve({ uid: ARTICLE_UID, documentId }, { 'x-country': 'FR' });
      expect(untrustedHeader.body.meta.personalize.variant).toBeNull();
    });

    it('derives locale and language from the request, else from Accept-Language', async () => {
      const { documentId } = await createArticle(app.strapi, {
        title: 'Language',
        variants: { variants: probeVariants('context.language', ['en', 'fr']) },
      });
      const fromHeader = await resolve({ uid: ARTICLE_UID, documentId }, { 'Accept-Language': 'fr-CA,fr;q=0.9,en;q=0.5' });
      expect(fromHeader.body.data.cta).toBe('fr');
      const fromBody = await resolve({ uid: ARTICLE_UID, documentId, locale: 'en' }, { 'Accept-Language': 'fr-CA' });
      expect(fromBody.body.data.cta).toBe('en');
    });

    it('computes time signals in the visitor time zone', async () => {
      const now = new Date();
      const hourIn = (timeZone: string) =>
        Number(new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(now));
      const { documentId } = await createArticle(app.strapi, {
        title: 'Time',
        variants: {
          variants: [
            {
              id: 'v_tokyo_hour',
              name: 'Tokyo hour',
              condition: { '==': [{ var: 'time.hour' }, hourIn('Asia/Tokyo')] },
              overrides: { cta: 'tokyo' },
            },
          ],
        },
      });
      const tokyo = await resolve({
        uid: ARTICLE_UID,
        documentId,
        signals: { context: { timezone: 'Asia/Tokyo' }, time: { hour: (hourIn('Asia/Tokyo') + 5) % 24 } },
      });
      expect(tokyo.body.data.cta).toBe('tokyo');
      // UTC (the configured default) is never Tokyo's hour: Japan is UTC+9 all year.
      const utc = await resolve({ uid: ARTICLE_UID, documentId, signals: { time: { hour: hourIn('Asia/Tokyo') } } });
      expect(utc.body.meta.personalize.variant).toBeNull();

      const badZone = await resolve({ uid: ARTICLE_UID, documentId, signals: { context: { timezone: 'Mars/Olympus' } } });
      expect(badZone.status).toBe(400);
      expect(badZone.body.error.details.errors[0].path).toEqual(['signals', 'context', 'timezone']);
    });

    it('reads UTM parameters from the page URL the client sends', async () => {
      const { documentId } = await createArticle(app.strapi, {
        title: 'UTM',
        variants: { variants: probeVariants('context.utm.campaign', ['spring-sale']) },
      });
      const response = await resolve({
        uid: ARTICLE_UID,
        documentId,
        signals: { context: { url: 'https://shop.example/landing?utm_source=news&utm_campaign=spring-sale' } },
      });
      expect(response.body.data.cta).toBe('spring-sale');
    });

    it('refuses signals over the size limit with a 413', async () => {
      const { documentId } = await createArticle(app.strapi, { title: 'Big' });
      const response = await resolve({
        uid: ARTICLE_UID,
        documentId,
        signals: { behavior: { recentlyViewed: Array.from({ length: 90 }, (_, index) => `item-${index}-${'x'.repeat(20)}`) } },
      });
      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ data: null, error: { status: 413, name: 'PayloadTooLargeError' } });
    });
  });

  describe('the plain content API', () => {
    let documentId: string;

    beforeAll(async () => {
      ({ documentId } = await createArticle(app.strapi, {
        title: 'Plain',
        cta: 'Default',
        variants: { variants: [mobileQuickExit, { id: 'v_second', name: 'Second', condition: { '==': [1, 2] }, overrides: { cta: 'Second' } }] },
      }));
    });

    it('leaves responses without personalize parameters exactly as Strapi makes them', async () => {
      const response = await request(app.server).get(`/api/articles/${documentId}`).set('User-Agent', MOBILE_UA);
      expect(response.status).toBe(200);
      const entity = await app.strapi.documents(ARTICLE_UID).findOne({ documentId, status: 'published' } as never);
      const schema = app.strapi.contentType(ARTICLE_UID);
      const data = await app.strapi.contentAPI.sanitize.output(entity, schema, { auth: undefined } as never);
      // Strapi's own findOne: the sanitized entity and empty meta, serialized by Koa.
      expect(response.text).toBe(JSON.stringify({ data, meta: {} }));
      expect(response.headers.etag).toBeUndefined();
      expect(response.headers.vary ?? '').not.toMatch(/personalize/);

      const list = await request(app.server).get('/api/articles').query({ 'pagination[pageSize]': 100 });
      expect(list.body.meta.personalize).toBeUndefined();
      expect(list.body.data.find((entry: { documentId: string }) => entry.documentId === documentId).cta).toBe('Default');
    });

    it('applies variants from the x-personalize-signals header', async () => {
      const response = await request(app.server)
        .get(`/api/articles/${documentId}`)
        .set('User-Agent', MOBILE_UA)
        .set('x-personalize-signals', encode({ behavior: { dwellSec: 3 } }));
      expect(response.status).toBe(200);
      expect(response.body.data).toMatchObject({ title: 'Still deciding? Here is 10% off', cta: 'Get my discount' });
      expect(response.body.data).not.toHaveProperty('variants');
      expect(response.body.meta.personalize.variant).toBe('v_quick_exit');
      expect(response.headers.etag).toMatch(/^"/);
      expect(response.headers.vary).toMatch(/x-personalize-signals/i);
      expect(response.headers['cache-control']).toBe('private, no-cache');
    });

    it('applies variants from personalize[signals] on the list route', async () => {
      const response = await request(app.server)
        .get('/api/articles')
        .set('User-Agent', MOBILE_UA)
        .query({ 'personalize[signals]': encode({ behavior: { dwellSec: 3 } }), 'pagination[pageSize]': 100 });
      expect(response.status).toBe(200);
      const entry = response.body.data.find((item: { documentId: string }) => item.documentId === documentId);
      expect(entry.cta).toBe('Get my discount');
      expect(response.body.meta.personalize.entries[documentId].variant).toBe('v_quick_exit');
      expect(response.body.meta.pagination).toBeDefined();
    });

    it('serves a fixed variant with the configured Cache-Control, an ETag and 304s', async () => {
      const response = await request(app.server).get(`/api/articles/${documentId}`).query({ 'personalize[variant]': 'v_second' });
      expect(response.status).toBe(200);
      expect(response.body.data.cta).toBe('Second');
      expect(response.headers['cache-control']).toBe('public, max-age=60');
      const etag = response.headers.etag;

      const again = await request(app.server).get(`/api/articles/${documentId}`).set('x-personalize-variant', 'v_second').set('If-None-Match', etag);
      expect(again.status).toBe(304);

      const unknown = await request(app.server).get(`/api/articles/${documentId}`).query({ 'personalize[variant]': 'v_nope' });
      expect(unknown.status).toBe(404);
    });

    it('answers 400 for bad personalize parameters', async () => {
      const notBase64 = await request(app.server).get(`/api/articles/${documentId}`).set('x-personalize-signals', '%%%');
      expect(notBase64.status).toBe(400);
      const badSignals = await request(app.server)
        .get(`/api/articles/${documentId}`)
        .set('x-personalize-signals', encode({ behavior: { scrollDepth: 400 } }));
      expect(badSignals.status).toBe(400);
      expect(badSignals.body.error.details.errors[0].path).toEqual(['signals', 'behavior', 'scrollDepth']);
      const unknownParam = await request(app.server).get(`/api/articles/${documentId}`).query({ 'personalize[foo]': 'x' });
      expect(unknownParam.status).toBe(400);
      const badVariant = await request(app.server).get(`/api/articles/${documentId}`).set('x-personalize-variant', 'Not Valid');
      expect(badVariant.status).toBe(400);
      const huge = await request(app.server).get(`/api/articles/${documentId}`).set('x-personalize-signals', encode({ custom: { blob: 'x'.repeat(3000) } }));
      expect(huge.status).toBe(413);
    });
  });

  describe('permission parity', () => {
    it('answers 403 through resolve when the plain API would, and 200 with a read-only API token', async () => {
      const author = await app.strapi.documents('api::author.author').create({ data: { name: 'Hidden' } as never });
      const plain = await request(app.server).get(`/api/authors/${author.documentId}`);
      expect(plain.status).toBe(403);

      const anonymous = await resolve({ uid: 'api::author.author', documentId: author.documentId });
      expect(anonymous.status).toBe(403);
      expect(anonymous.body).toMatchObject({ data: null, error: { status: 403, name: 'ForbiddenError' } });

      const readOnly = await createApiToken(app.strapi, 'read-only');
      const withToken = await resolve({ uid: 'api::author.author', documentId: author.documentId }, { Authorization: `Bearer ${readOnly}` });
      expect(withToken.status).toBe(200);
      expect(withToken.body.data.name).toBe('Hidden');

      const badToken = await resolve({ uid: 'api::author.author', documentId: author.documentId }, { Authorization: 'Bearer not-a-token' });
      expect(badToken.status).toBe(401);
    });

    it('gives an API token whose permissions lack findOne a 403', async () => {
      const { documentId } = await createArticle(app.strapi, { title: 'Token scoped' });
      const token = await createApiToken(app.strapi, 'custom', ['api::author.author.find']);
      const response = await resolve({ uid: ARTICLE_UID, documentId }, { Authorization: `Bearer ${token}` });
      expect(response.status).toBe(403);
    });
  });
});
