import http from 'node:http';
import { createHmac } from 'node:crypto';

import request from 'supertest';

import { createApiToken } from '../helpers/auth';
import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { MOBILE_UA } from '../helpers/user-agents';

const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

describe('delivery cache and invalidation (embedded store)', () => {
  let app: TestStrapi;

  beforeAll(async () => {
    app = await setupStrapi({ env: { PERSONALIZE_WEBHOOK_SECRET: WEBHOOK_SECRET } });
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`, 'api::author.author.find', 'api::author.author.findOne']);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const resolve = (documentId: string, extra: object = {}) =>
    request(app.server)
      .post('/api/personalize/resolve')
      .set('User-Agent', MOBILE_UA)
      .send({ uid: ARTICLE_UID, documentId, signals: { behavior: { dwellSec: 3 } }, ...extra });

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

  it('serves a warm entry without touching the database or the document service', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Warm', variants: { variants: [mobileQuickExit] } });
    const cold = await resolve(documentId, { populate: ['author'] });
    expect(cold.status).toBe(200);

    const documents = jest.spyOn(app.strapi, 'documents');
    const queries = await countQueries(async () => {
      for (let i = 0; i < 5; i += 1) {
        const warm = await resolve(documentId, { populate: ['author'] });
        expect(warm.status).toBe(200);
        expect(warm.body.data.title).toBe('Still deciding? Here is 10% off');
        expect(warm.body.meta.personalize.variant).toBe('v_quick_exit');
      }
    });
    expect(documents).not.toHaveBeenCalled();
    expect(queries).toBe(0);
    documents.mockRestore();
  });

  it('answers If-None-Match with a 304', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'ETag', variants: { variants: [mobileQuickExit] } });
    const first = await resolve(documentId);
    expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const second = await resolve(documentId).set('If-None-Match', first.headers.etag);
    expect(second.status).toBe(304);
    expect(second.text).toBe('');
  });

  it.each([
    ['update + publish', async (documentId: string) => {
      await app.strapi.documents(ARTICLE_UID).update({ documentId, locale: 'en', data: { title: 'Changed' } as never });
      await app.strapi.documents(ARTICLE_UID).publish({ documentId, locale: 'en' });
    }, (body: { status: number; data: { title: string } }) => expect(body.data.title).toBe('Changed')],
    ['unpublish', async (documentId: string) => {
      await app.strapi.documents(ARTICLE_UID).unpublish({ documentId, locale: 'en' });
    }, (body: { status: number }) => expect(body.status).toBe(404)],
    ['delete', async (documentId: string) => {
      await app.strapi.documents(ARTICLE_UID).delete({ documentId, locale: 'en' });
    }, (body: { status: number }) => expect(body.status).toBe(404)],
  ])('purges on %s', async (_label, change, check) => {
    const { documentId } = await createArticle(app.strapi, { title: 'Original', variants: { variants: [] } });
    const before = await resolve(documentId);
    expect(before.body.data.title).toBe('Original');
    await change(documentId);
    const after = await resolve(documentId);
    check({ status: after.status, data: after.body.data });
  });

  it('purges when a variant changes and on discard draft', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Variant change', variants: { variants: [mobileQuickExit] } });
    expect((await resolve(documentId)).body.data.cta).toBe('Get my discount');
    await app.strapi.documents(ARTICLE_UID).update({
      documentId,
      locale: 'en',
      data: { variants: { variants: [{ ...mobileQuickExit, overrides: { cta: 'New CTA' } }] } } as never,
    });
    await app.strapi.documents(ARTICLE_UID).publish({ documentId, locale: 'en' });
    expect((await resolve(documentId)).body.data.cta).toBe('New CTA');

    const emitted = jest.spyOn(app.strapi.eventHub, 'emit');
    await app.strapi.documents(ARTICLE_UID).update({ documentId, locale: 'en', data: { title: 'Draft only' } as never });
    await app.strapi.documents(ARTICLE_UID).discardDraft({ documentId, locale: 'en' });
    const actions = emitted.mock.calls.filter(([event]) => event === 'personalize.invalidated');
    expect(actions.length).toBeGreaterThanOrEqual(2);
    emitted.mockRestore();
  });

  it('purges entries that embed a changed relation', async () => {
    const author = await app.strapi.documents('api::author.author').create({ data: { name: 'Before' } as never });
    const { documentId } = await createArticle(app.strapi, { title: 'With author', author: author.documentId });
    const before = await resolve(documentId, { populate: ['author'] });
    expect(before.body.data.author.name).toBe('Before');
    await app.strapi.documents('api::author.author').update({ documentId: author.documentId, data: { name: 'After' } as never });
    const after = await resolve(documentId, { populate: ['author'] });
    expect(after.body.data.author.name).toBe('After');
  });

  it('never fails a write when the purge fails', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Purge fails' });
    await resolve(documentId);
    const cache = app.strapi.plugin('personalize').service('cache');
    const purge = jest.spyOn(cache, 'purge').mockRejectedValue(new Error('purge exploded'));
    await expect(
      app.strapi.documents(ARTICLE_UID).update({ documentId, locale: 'en', data: { title: 'Saved anyway' } as never })
    ).resolves.toMatchObject({ title: 'Saved anyway' });
    purge.mockRestore();
  });

  it('emits personalize.invalidated to subscribed webhooks with uid, documentId, locale and keys', async () => {
    const received: Record<string, unknown>[] = [];
    const receiver = http.createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        received.push(JSON.parse(text));
        res.end('ok');
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    const { port } = receiver.address() as { port: number };
    // Registered as the admin's webhook controller does, minus its public-URL check (the receiver is local).
    const webhook = await app.strapi.get('webhookStore').createWebhook({
      name: 'cdn',
      url: `http://127.0.0.1:${port}/purge`,
      headers: {},
      events: ['personalize.invalidated'],
      isEnabled: true,
    });
    app.strapi.get('webhookRunner').add(webhook);
    expect(app.strapi.get('webhookStore').allowedEvents.get('PERSONALIZE_INVALIDATED')).toBe('personalize.invalidated');

    const { documentId } = await createArticle(app.strapi, { title: 'Webhook', variants: { variants: [mobileQuickExit] } });
    await resolve(documentId);
    await app.strapi.documents(ARTICLE_UID).update({ documentId, locale: 'en', data: { title: 'Webhook 2' } as never });

    const deadline = Date.now() + 5000;
    while (!received.some((payload) => payload.documentId === documentId && (payload.keys as string[]).length > 0) && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 50));
    }
    receiver.close();
    const payload = received.find((item) => item.documentId === documentId && (item.keys as string[]).length > 0);
    expect(payload).toMatchObject({ event: 'personalize.invalidated', uid: ARTICLE_UID, documentId, locale: 'en' });
    expect((payload!.keys as string[]).some((key) => key.includes(documentId))).toBe(true);
  });

  describe('inbound POST /api/personalize/invalidate', () => {
    // Timestamped (Stripe's scheme): HMAC-SHA256 of `<timestamp>.<raw body>`; more in webhook.test.ts.
    const sign = (body: string) => {
      const timestamp = Math.floor(Date.now() / 1000);
      return {
        'x-personalize-timestamp': String(timestamp),
        'x-personalize-signature': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${body}`).digest('hex')}`,
      };
    };

    it('accepts a Strapi webhook payload signed with the secret and purges', async () => {
      const { documentId } = await createArticle(app.strapi, { title: 'Inbound' });
      await resolve(documentId);
      const body = JSON.stringify({ event: 'entry.update', model: 'article', uid: ARTICLE_UID, entry: { documentId, locale: 'en' } });
      const response = await request(app.server)
        .post('/api/personalize/invalidate')
        .set('Content-Type', 'application/json')
        .set(sign(body))
        .send(body);
      expect(response.status).toBe(202);
      expect(response.body.data).toMatchObject({ uid: ARTICLE_UID, documentId });
      expect(response.body.data.keys.length).toBeGreaterThan(0);
    });

    it('accepts { uid, documentId } with a full-access API token', async () => {
      const token = await createApiToken(app.strapi, 'full-access');
      const response = await request(app.server)
        .post('/api/personalize/invalidate')
        .set('Authorization', `Bearer ${token}`)
        .send({ uid: ARTICLE_UID, documentId: 'abc123' });
      expect(response.status).toBe(202);
    });

    it.each([
      ['no credentials', {}],
      ['a wrong signature', { 'x-personalize-signature': 'sha256=deadbeef' }],
      ['a bogus token', { Authorization: 'Bearer nope' }],
    ])('answers 401 for %s', async (_label, headers) => {
      const call = request(app.server).post('/api/personalize/invalidate');
      for (const [name, value] of Object.entries(headers as Record<string, string>)) call.set(name, value);
      const response = await call.send({ uid: ARTICLE_UID });
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({ status: 401, name: 'UnauthorizedError' });
    });

    it('answers 401 for a read-only token and 400 for a bad body', async () => {
      const readOnly = await createApiToken(app.strapi, 'read-only');
      const denied = await request(app.server).post('/api/personalize/invalidate').set('Authorization', `Bearer ${readOnly}`).send({ uid: ARTICLE_UID });
      expect(denied.status).toBe(401);
      const body = JSON.stringify({ uid: 'not a uid' });
      const bad = await request(app.server)
        .post('/api/personalize/invalidate')
        .set('Content-Type', 'application/json')
        .set(sign(body))
        .send(body);
      expect(bad.status).toBe(400);
    });
  });
});

describe('public-role permission changes', () => {
  let app: TestStrapi;

  beforeAll(async () => {
    app = await setupStrapi();
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('take effect at once for anonymous delivery, though the public ability is cached', async () => {
    const { documentId } = await createArticle(app.strapi, { title: 'Public' });
    const resolve = () => request(app.server).post('/api/personalize/resolve').send({ uid: ARTICLE_UID, documentId });
    expect((await resolve()).status).toBe(200);
    await app.strapi.db.query('plugin::users-permissions.permission').deleteMany({ where: { action: `${ARTICLE_UID}.findOne` } });
    expect((await resolve()).status).toBe(403);
  });
});
