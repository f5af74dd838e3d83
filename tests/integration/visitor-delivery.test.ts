/**
 * The visitor in the delivery pipeline: the stored profile is a stage of the evaluation context
 * (profile.* at resolve, read in one round trip), frequency caps and session fatigue are rules of
 * selection, and serves are counted after the response; consent decides what is used.
 */
import request from 'supertest';

import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { batchOf, BROWSER_UA, newId, newVisitorId, pageEvent, viewEvent } from '../helpers/events';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { createTcpProxy } from '../helpers/tcp-proxy';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('visitors in delivery (embedded store)', () => {
  let app: TestStrapi;
  let adminToken: string;

  beforeAll(async () => {
    app = await setupStrapi({ env: { PERSONALIZE_CONFIG: JSON.stringify({ caps: { maxPersonalizedPerSession: 3 } }) } });
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
    ({ token: adminToken } = await createAdminSession(app.strapi));
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const send = (batch: object, headers: Record<string, string> = {}) => {
    const call = request(app.server).post('/api/personalize/events').set('User-Agent', BROWSER_UA);
    for (const [name, value] of Object.entries(headers)) call.set(name, value);
    return call.send(batch);
  };

  const resolve = (documentId: string, visitorId?: string, headers: Record<string, string> = {}) => {
    const call = request(app.server).post('/api/personalize/resolve').set('User-Agent', BROWSER_UA);
    for (const [name, value] of Object.entries(headers)) call.set(name, value);
    return call.send({ uid: ARTICLE_UID, documentId, ...(visitorId ? { visitorId } : {}) });
  };

  it('serves profile.* to conditions: a visitor whose views built an interest gets the variant, on resolve and the plain API', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Teaser',
      variants: {
        variants: [
          {
            id: 'v_traveller',
            name: 'Interested in travel',
            condition: { '>=': [{ var: 'profile.interests.travel' }, 2] },
            overrides: { title: 'For the traveller in you' },
          },
        ],
      },
    });
    const visitorId = newVisitorId();
    expect((await resolve(documentId, visitorId)).body.meta.personalize.variant).toBeNull();

    const accepted = await send(batchOf(visitorId, [pageEvent(['travel']), pageEvent(['travel']), pageEvent(['travel'])]));
    expect(accepted.status).toBe(202);
    expect(accepted.body.accepted).toBe(3);

    const after = await resolve(documentId, visitorId);
    expect(after.body.meta.personalize.variant).toBe('v_traveller');
    expect(after.body.data.title).toBe('For the traveller in you');
    const plain = await request(app.server).get(`/api/articles/${documentId}`).set('x-personalize-visitor', visitorId);
    expect(plain.body.meta.personalize.variant).toBe('v_traveller');
    // Another visitor, or the same request without the visitor id, has no such profile.
    expect((await resolve(documentId, newVisitorId())).body.meta.personalize.variant).toBeNull();
    expect((await resolve(documentId)).body.meta.personalize.variant).toBeNull();
    // A client cannot claim a profile.
    const claimed = await request(app.server)
      .get(`/api/articles/${documentId}`)
      .set('x-personalize-signals', encode({ profile: { interests: { travel: 99 } } }));
    expect(claimed.body.meta.personalize.variant).toBeNull();
  });

  it('uses no profile without profiling consent, nor with Global Privacy Control', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Consent',
      variants: {
        variants: [{ id: 'v_returning', name: 'Returning', condition: { '>=': [{ var: 'profile.visits' }, 1] }, overrides: { title: 'Welcome back' } }],
      },
    });
    const eventsOnly = newVisitorId();
    await send(batchOf(eventsOnly, [pageEvent()], { consent: { events: true, profiling: false } }));
    expect((await resolve(documentId, eventsOnly)).body.meta.personalize.variant).toBeNull();

    const everything = newVisitorId();
    await send(batchOf(everything, [pageEvent()]));
    expect((await resolve(documentId, everything)).body.meta.personalize.variant).toBe('v_returning');
    expect((await resolve(documentId, everything, { 'Sec-GPC': '1' })).body.meta.personalize.variant).toBeNull();
  });

  it('passes over a variant whose serve cap is used up, says so, and serves the next one', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Capped',
      variants: {
        variants: [
          { id: 'v_banner', name: 'Banner twice a day', caps: [{ on: 'serve', max: 2, per: 'day' }], overrides: { title: 'Banner' } },
          { id: 'v_fallback', name: 'Fallback', overrides: { title: 'Fallback' } },
        ],
      },
    });
    const visitorId = newVisitorId();
    await send(batchOf(visitorId, [pageEvent()]));
    const responses: request.Response[] = [];
    for (let i = 0; i < 3; i += 1) {
      responses.push(await resolve(documentId, visitorId));
      // Counting runs after the response: give it a moment before the next request.
      await new Promise((resolveWait) => setTimeout(resolveWait, 30));
    }
    expect(responses.map((response) => response.body.meta.personalize.variant)).toEqual(['v_banner', 'v_banner', 'v_fallback']);
    expect(responses[2].body.meta.personalize.reason[0]).toEqual({
      rule: 'capped',
      variant: 'v_banner',
      cap: { on: 'serve', max: 2, per: 'day' },
      count: 2,
    });
    // Without a visitor id caps cannot apply: the variant is served.
    expect((await resolve(documentId)).body.meta.personalize.variant).toBe('v_banner');
  });

  it('caps on qualified views counted from the SDK’s view events, per session', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Seen',
      variants: {
        variants: [{ id: 'v_promo', name: 'Promo', caps: [{ on: 'view', max: 1, per: 'session' }], overrides: { title: 'Promo' } }],
      },
    });
    const visitorId = newVisitorId();
    await send(batchOf(visitorId, [pageEvent()]));
    expect((await resolve(documentId, visitorId)).body.meta.personalize.variant).toBe('v_promo');
    await send(batchOf(visitorId, [viewEvent(documentId, { variant: 'v_promo' })]));
    const after = await resolve(documentId, visitorId);
    expect(after.body.meta.personalize.variant).toBeNull();
    expect(after.body.meta.personalize.reason[0]).toMatchObject({ rule: 'capped', variant: 'v_promo', count: 1 });
  });

  it('stops personalizing for the rest of the session after caps.maxPersonalizedPerSession serves', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Tired',
      variants: { variants: [{ id: 'v_always', name: 'Always', overrides: { title: 'Personalized' } }] },
    });
    const visitorId = newVisitorId();
    await send(batchOf(visitorId, [pageEvent()]));
    const served: (string | null)[] = [];
    for (let i = 0; i < 4; i += 1) {
      served.push((await resolve(documentId, visitorId)).body.meta.personalize.variant);
      await new Promise((resolveWait) => setTimeout(resolveWait, 30));
    }
    expect(served).toEqual(['v_always', 'v_always', 'v_always', null]);
    const tired = await resolve(documentId, visitorId);
    expect(tired.body.meta.personalize.reason).toEqual([{ rule: 'fatigue', max: 3, served: 3 }]);
    expect(tired.body.data.title).toBe('Tired');
  });

  it('shows caps for a visitor id in the live test', async () => {
    const { documentId } = await createArticle(app.strapi, {
      title: 'Live test',
      variants: {
        variants: [{ id: 'v_once', name: 'Once', caps: [{ on: 'view', max: 1, per: 'lifetime' }], overrides: { title: 'Once' } }],
      },
    });
    const visitorId = newVisitorId();
    await send(batchOf(visitorId, [pageEvent(), viewEvent(documentId, { variant: 'v_once', id: newId() })]));
    const evaluated = await request(app.server)
      .post('/personalize/evaluate')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ uid: ARTICLE_UID, documentId, status: 'published', visitorId });
    expect(evaluated.status).toBe(200);
    expect(evaluated.body.data.variant).toBeNull();
    expect(evaluated.body.data.variants[0]).toMatchObject({ id: 'v_once', matched: true, capped: { rule: 'capped', count: 1 } });
    expect(evaluated.body.data.visitor).toEqual({ found: true, consent: { events: true, profiling: true }, unavailable: false });
  });
});

describe('visitors in delivery (Redis store)', () => {
  it('reads the profile from Redis, and serves with an empty profile and reason profile-unavailable while Redis is away', async () => {
    const proxy = await createTcpProxy(6379);
    const prefix = `pz-vd-${Date.now()}:`;
    const app = await setupStrapi({ env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_KEY_PREFIX: prefix } });
    try {
      await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
      const { documentId } = await createArticle(app.strapi, {
        title: 'Stored',
        variants: {
          variants: [{ id: 'v_back', name: 'Back again', condition: { '>=': [{ var: 'profile.visits' }, 1] }, overrides: { title: 'Back' } }],
        },
      });
      const visitorId = newVisitorId();
      const events = await request(app.server).post('/api/personalize/events').set('User-Agent', BROWSER_UA).send(batchOf(visitorId, [pageEvent()]));
      expect(events.status).toBe(202);
      const resolveIt = () =>
        request(app.server).post('/api/personalize/resolve').set('User-Agent', BROWSER_UA).send({ uid: ARTICLE_UID, documentId, visitorId });
      const before = await resolveIt();
      expect(before.body.meta.personalize.variant).toBe('v_back');

      await proxy.cut();
      const during = await resolveIt();
      expect(during.status).toBe(200);
      expect(during.body.meta.personalize.variant).toBeNull();
      expect(during.body.meta.personalize.reason).toEqual([
        { rule: 'profile-unavailable' },
        { rule: 'missing-signal', variant: 'v_back', signals: ['profile.visits'] },
      ]);
      await proxy.restore();
    } finally {
      await app.destroy();
      await proxy.close();
    }
  });
});
