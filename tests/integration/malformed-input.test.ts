/**
 * Malformed input is a 4xx in Strapi's error shape, never a 500 or a stack overflow (issue 16,
 * finding 5): JSON nested thousands of levels deep in every body, header and query the plugin
 * reads, malformed percent-encodings, over-long keys. Deep JSON is written by hand: JSON.stringify
 * itself overflows past a few thousand levels.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import fc from 'fast-check';
import request from 'supertest';

import { JSON_DEPTH_LIMITS } from '../../contracts/src/json';
import { createAdminSession, createApiToken } from '../helpers/auth';
import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { batchOf, BROWSER_UA, newVisitorId, pageEvent } from '../helpers/events';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { MOBILE_UA } from '../helpers/user-agents';

/** `depth` levels of `open`…`close` around `leaf`, as JSON text. */
const nested = (depth: number, open: string, close: string, leaf = 'true') => `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;
const deepArray = (depth: number, leaf = 'true') => nested(depth, '[', ']', leaf);
const deepObject = (depth: number, key = 'a', leaf = 'true') => nested(depth, `{"${key}":`, '}', leaf);

const REQUEST_LIMIT = JSON_DEPTH_LIMITS.request;

/** A 4xx in Strapi's error shape. */
const expectStrapiError = (response: request.Response, statuses: number[] = [400]) => {
  expect(statuses).toContain(response.status);
  expect(response.headers['content-type']).toMatch(/json/);
  expect(response.body).toMatchObject({ data: null, error: { status: response.status, name: expect.any(String), message: expect.any(String) } });
};

describe('malformed input: 400, never a 500', () => {
  let app: TestStrapi;
  let adminToken: string;
  let documentId: string;

  beforeAll(async () => {
    const config = { rateLimit: { anonymous: { points: 0 } }, events: { rateLimit: { perVisitor: 0, perIp: 0 } } };
    app = await setupStrapi({ env: { PERSONALIZE_CONFIG: JSON.stringify(config) } });
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    adminToken = (await createAdminSession(app.strapi)).token;
    ({ documentId } = await createArticle(app.strapi, { title: 'Deep', variants: { variants: [mobileQuickExit] } }));
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const resolveText = (text: string) =>
    request(app.server).post('/api/personalize/resolve').set({ 'User-Agent': MOBILE_UA, 'Content-Type': 'application/json' }).send(text);
  /** A resolve body for the article with `field` set to the JSON text `value`. */
  const resolveWith = (field: string, value: string) =>
    resolveText(`{"uid":"${ARTICLE_UID}","documentId":"${documentId}","${field}":${value}}`);
  const admin = (method: 'post' | 'put', path: string, text: string) =>
    request(app.server)[method](path).set({ Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' }).send(text);
  const evaluate = (text: string) => admin('post', '/personalize/evaluate', text);
  const saveVariants = (variants: string) =>
    admin('put', `/content-manager/collection-types/${ARTICLE_UID}/${documentId}?locale=en`, `{"title":"Deep","variants":{"variants":${variants}}}`);
  const sendEvents = (text: string) =>
    request(app.server).post('/api/personalize/events').set({ 'User-Agent': BROWSER_UA, 'Content-Type': 'application/json' }).send(text);
  /** A JSON POST without a Content-Length (Transfer-Encoding: chunked). */
  const sendChunked = (path: string, text: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const { port } = app.server.address() as AddressInfo;
      const outgoing = http.request(
        { host: '127.0.0.1', port, path, method: 'POST', headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA } },
        (incoming) => {
          let body = '';
          incoming.setEncoding('utf8');
          incoming.on('data', (chunk: string) => (body += chunk));
          incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, text: body }));
        }
      );
      outgoing.on('error', reject);
      // Two writes before end(): Node sends chunked.
      outgoing.write(text.slice(0, 10));
      outgoing.end(text.slice(10));
    });
  const plain = (path: string) => request(app.server).get(path).set('User-Agent', MOBILE_UA);

  describe("the security test's inputs", () => {
    it('resolve: signals nested 5,000 deep are a 400 naming the path and the limit', async () => {
      const response = await resolveWith('signals', deepObject(5000));
      expectStrapiError(response);
      expect(response.body.error.name).toBe('ValidationError');
      expect(response.body.error.message).toMatch(new RegExp(`nested deeper than ${REQUEST_LIMIT} levels`));
      const [issue] = response.body.error.details.errors;
      expect(issue.path).toEqual(['signals', ...Array.from({ length: REQUEST_LIMIT }, () => 'a')]);
    });

    it('resolve: populate nested 3,000 deep is a 400 naming the path and the limit', async () => {
      for (const populate of [deepObject(3000), `{"author":${deepObject(3000, 'populate')}}`]) {
        const response = await resolveWith('populate', populate);
        expectStrapiError(response);
        expect(response.body.error.message).toMatch(new RegExp(`at populate\\..*nested deeper than ${REQUEST_LIMIT} levels`));
        expect(response.body.error.details.errors[0].path[0]).toBe('populate');
      }
    });

    it('plain API: a malformed percent-encoding is the 400 Strapi alone answers', async () => {
      // A personalized findOne first: the route is then known, and answered warm.
      const warm = await plain(`/api/articles/${documentId}?personalize[variant]=${mobileQuickExit.id}`);
      expect(warm.status).toBe(200);
      for (const bad of ['%E0%A4%A', '%zz']) {
        const alone = await plain(`/api/articles/${bad}`);
        expect(alone.status).toBe(400);
        for (const query of [`personalize[variant]=${mobileQuickExit.id}`, `personalize[variant]=${mobileQuickExit.id}&title=${bad}`]) {
          const response = await plain(`/api/articles/${bad}?${query}`);
          expectStrapiError(response);
          expect(response.body).toEqual(alone.body);
        }
        // In the query string itself: qs keeps the text as it is; the signals are then not base64url.
        const inSignals = await plain(`/api/articles/${documentId}?personalize[signals]=${bad}`);
        expectStrapiError(inSignals);
      }
    });

    it('admin evaluate: a condition nested 5,000 deep is a 400 naming the path and the limit', async () => {
      for (const condition of [deepObject(5000, '!'), deepArray(5000)]) {
        const response = await evaluate(`{"condition":${condition}}`);
        expectStrapiError(response);
        expect(response.body.error.name).toBe('ValidationError');
        expect(response.body.error.message).toMatch(new RegExp(`nested deeper than ${JSON_DEPTH_LIMITS.any} levels`));
        expect(response.body.error.details.errors[0].path[0]).toBe('condition');
      }
      // Deeper than the engine's limit (limits.conditionDepth, 32) but within the JSON ceiling: the engine's 400.
      const engine = await evaluate(`{"condition":${deepObject(40, '!')}}`);
      expectStrapiError(engine);
      expect(engine.body.error.message).toMatch(/deeper than 32 levels/);
    });
  });

  describe('deep JSON everywhere else', () => {
    it.each([5000, 100_000])('resolve: %i levels in any field of the body', async (depth) => {
      for (const [field, value] of [
        ['signals', `{"custom":{"x":${deepArray(depth)}}}`],
        ['populate', deepArray(depth, '"author"')],
        ['fields', deepArray(depth, '"title"')],
        ['unknown', deepObject(depth)],
      ]) {
        const response = await resolveWith(field, value);
        expectStrapiError(response);
        expect(response.body.error.details.errors[0].path[0]).toBe(field);
      }
      expectStrapiError(await resolveText(deepArray(depth)));
    });

    it('resolve: populate and signals within the limit still work', async () => {
      const populate = await resolveWith('populate', '{"author":{"populate":"*"}}');
      expect(populate.status).toBe(200);
      // Exactly at the limit: past the depth check (Strapi's own validator then judges the keys).
      const atLimit = await resolveWith('populate', nested(REQUEST_LIMIT, '{"author":', '}'));
      expect(atLimit.status).toBeLessThan(500);
      expect(JSON.stringify(atLimit.body)).not.toMatch(/nested deeper/);
      const ok = await resolveWith('signals', '{"behavior":{"dwellSec":4},"custom":{"x":[1,2]}}');
      expect(ok.status).toBe(200);
      expect(ok.body.data.title).toBe(mobileQuickExit.overrides.title);
    });

    it('plain API: deep signals in the x-personalize-signals header and personalize[signals]', async () => {
      // Within Node's 16 KB header limit: 5,000 levels of arrays.
      const encoded = Buffer.from(`{"custom":{"x":${deepArray(5000)}}}`).toString('base64url');
      const header = await plain(`/api/articles/${documentId}`).set('x-personalize-signals', encoded);
      expectStrapiError(header);
      expect(header.body.error.message).toMatch(new RegExp(`nested deeper than ${REQUEST_LIMIT} levels`));
      const query = await plain(`/api/articles/${documentId}?personalize[signals]=${encoded}`);
      expectStrapiError(query);
      // Deeper needs more than 16 KB of header or URL, which Node's HTTP parser refuses itself (431).
    });

    it('admin evaluate: deep variants, overrides and signals', async () => {
      for (const depth of [5000, 100_000]) {
        const variants = await evaluate(`{"variants":[{"id":"a","name":"A","condition":${deepObject(depth, '!')}}]}`);
        expectStrapiError(variants);
        const json = await evaluate(`{"uid":"${ARTICLE_UID}","documentId":"${documentId}","variants":[{"id":"a","name":"A","overrides":{"title":${deepArray(depth)}}}]}`);
        expectStrapiError(json);
        const signals = await evaluate(`{"condition":true,"signals":{"custom":{"x":${deepArray(depth)}}}}`);
        expectStrapiError(signals);
      }
    });

    it('audiences: a condition nested 5,000 or 100,000 deep is a 400', async () => {
      for (const depth of [5000, 100_000]) {
        const created = await admin('post', '/personalize/audiences', `{"name":"Deep","key":"deep-${depth}","condition":${deepObject(depth, '!')}}`);
        expectStrapiError(created);
        expect(created.body.error.details.errors[0].path[0]).toBe('condition');
      }
    });

    it('Content Manager and REST: a variant condition nested 5,000 or 100,000 deep is a 400, and nothing is saved', async () => {
      for (const depth of [5000, 100_000]) {
        const saved = await saveVariants(`[{"id":"a","name":"A","condition":${deepObject(depth, '!')}}]`);
        expectStrapiError(saved);
        expect(saved.body.error.message).toMatch(/nested deeper than/);
      }
      const token = await createApiToken(app.strapi, 'full-access');
      const created = await request(app.server)
        .post('/api/articles')
        .set({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' })
        .send(`{"data":{"title":"Over REST","variants":{"variants":[{"id":"a","name":"A","condition":${deepObject(5000, '!')}}]}}}`);
      expectStrapiError(created);
      const stored = (await app.strapi.documents(ARTICLE_UID).findOne({ documentId, locale: 'en' } as never)) as unknown as {
        variants: { variants: { id: string }[] };
      };
      expect(stored.variants.variants.map((variant) => variant.id)).toEqual([mobileQuickExit.id]);
    });

    it('events: deep JSON in the envelope is a 400 (413 over the batch size), in an event a rejection by index', async () => {
      const visitorId = newVisitorId();
      for (const depth of [5000, 100_000]) {
        const envelope = JSON.stringify(batchOf(visitorId, [pageEvent()])).replace(/}$/, `,"extra":${deepArray(depth)},"consent":${deepObject(depth)}}`);
        expectStrapiError(await sendEvents(envelope), [400, 413]);
        expectStrapiError(await sendEvents(deepArray(depth)), [400, 413]);
      }
      // Sent chunked (no Content-Length): the size is measured on the parsed body, without JSON.stringify.
      const chunked = await sendChunked('/api/personalize/events', JSON.stringify(batchOf(visitorId, [pageEvent()])).replace(/}$/, `,"extra":${deepArray(5000)}}`));
      expect(chunked.status).toBe(202);
      const chunkedOver = await sendChunked('/api/personalize/events', `{"extra":${deepArray(40_000)}}`);
      expect(chunkedOver.status).toBe(413);
      expect(JSON.parse(chunkedOver.text)).toMatchObject({ data: null, error: { status: 413 } });
      const inEvent = await sendEvents(JSON.stringify(batchOf(visitorId, [{ ...pageEvent(), extra: 0 }])).replace('"extra":0', `"extra":${deepArray(5000)}`));
      expect(inEvent.status).toBe(202);
      expect(inEvent.body.rejected).toEqual([{ index: 0, message: expect.stringMatching(/nesting too deep/) }]);
    });
  });

  describe('fuzz', () => {
    const depths = fc.oneof(fc.constantFrom(REQUEST_LIMIT + 1, 257, 5000, 100_000), fc.integer({ min: REQUEST_LIMIT + 1, max: 20_000 }));
    /** Deep JSON text: arrays, objects or both, alternating. */
    const deepJson = fc.tuple(depths, fc.constantFrom('array', 'object', 'mixed'), fc.string({ maxLength: 8 })).map(([depth, kind, key]) => {
      const quoted = JSON.stringify(key);
      if (kind === 'array') return deepArray(depth);
      if (kind === 'object') return nested(depth, `{${quoted}:`, '}');
      return nested(Math.ceil(depth / 2), `{${quoted}:[`, ']}');
    });

    it('never answers a 5xx to deep nesting anywhere in resolve, evaluate, audiences or events (fuzz)', async () => {
      const target = fc.constantFrom(
        'resolve.signals',
        'resolve.signals.custom',
        'resolve.populate',
        'resolve.populate.author',
        'resolve.fields',
        'resolve.other',
        'evaluate.condition',
        'evaluate.variants',
        'audience.condition',
        'events.consent'
      );
      await fc.assert(
        fc.asyncProperty(target, deepJson, async (where, json) => {
          let response: request.Response;
          switch (where) {
            case 'resolve.signals':
              response = await resolveWith('signals', json);
              break;
            case 'resolve.signals.custom':
              response = await resolveWith('signals', `{"custom":{"x":${json}}}`);
              break;
            case 'resolve.populate':
              response = await resolveWith('populate', json);
              break;
            case 'resolve.populate.author':
              response = await resolveWith('populate', `{"author":{"populate":${json}}}`);
              break;
            case 'resolve.fields':
              response = await resolveWith('fields', json);
              break;
            case 'resolve.other':
              response = await resolveWith('other', json);
              break;
            case 'evaluate.condition':
              response = await evaluate(`{"condition":{"and":[true,${json}]}}`);
              break;
            case 'evaluate.variants':
              response = await evaluate(`{"variants":[{"id":"a","name":"A","condition":${json}}]}`);
              break;
            case 'audience.condition':
              response = await admin('post', '/personalize/audiences', `{"name":"Deep","key":"deep-fuzz","condition":${json}}`);
              break;
            default:
              response = await sendEvents(JSON.stringify(batchOf(newVisitorId(), [pageEvent()])).replace(/}$/, `,"consent":${json}}`));
          }
          expectStrapiError(response, [400, 413]);
        }),
        { numRuns: 60 }
      );
    });

    it('never answers a 5xx to malformed percent-encodings in the plain API (fuzz)', async () => {
      const hex = fc.constantFrom(...'0123456789abcdefABCDEFzZ%gG'.split(''));
      const malformed = fc.oneof(
        fc.constantFrom('%', '%zz', '%E0%A4%A', '%C3', '%ED%A0%80', '%F4%90%80%80', '%%', '%2'),
        fc.array(fc.tuple(fc.constant('%'), hex, fc.option(hex, { nil: '' })).map((parts) => parts.join('')), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''))
      );
      const placement = fc.constantFrom('path', 'signals', 'variant', 'visitor', 'key', 'value', 'populate');
      await fc.assert(
        fc.asyncProperty(placement, malformed, fc.boolean(), async (where, bad, list) => {
          const base = list ? '/api/articles' : `/api/articles/${documentId}`;
          const personalize = `personalize[variant]=${mobileQuickExit.id}`;
          const url = {
            path: `/api/articles/${bad}?${personalize}`,
            signals: `${base}?personalize[signals]=${bad}`,
            variant: `${base}?personalize[variant]=${bad}`,
            visitor: `${base}?personalize[visitor]=${bad}`,
            key: `${base}?${personalize}&${bad}=1`,
            value: `${base}?${personalize}&filters[title][$eq]=${bad}`,
            populate: `${base}?${personalize}&populate[${bad}]=true`,
          }[where]!;
          const response = await plain(url);
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) expectStrapiError(response, [response.status]);
        }),
        { numRuns: 80 }
      );
    });

    it('never answers a 5xx to over-long keys (fuzz)', async () => {
      const longKey = fc.integer({ min: 1_000, max: 200_000 }).map((length) => 'k'.repeat(length));
      const placement = fc.constantFrom('signals', 'signals.custom', 'populate', 'body', 'evaluate', 'query', 'header');
      await fc.assert(
        fc.asyncProperty(placement, longKey, async (where, key) => {
          const quoted = JSON.stringify(key);
          let response: request.Response;
          switch (where) {
            case 'signals':
              response = await resolveWith('signals', `{${quoted}:1}`);
              break;
            case 'signals.custom':
              response = await resolveWith('signals', `{"custom":{${quoted}:1}}`);
              break;
            case 'populate':
              response = await resolveWith('populate', `{${quoted}:true}`);
              break;
            case 'body':
              response = await resolveText(`{"uid":"${ARTICLE_UID}","documentId":"${documentId}",${quoted}:1}`);
              break;
            case 'evaluate':
              response = await evaluate(`{"condition":{"==":[{"var":${quoted}},1]},"signals":{"custom":{${quoted}:1}}}`);
              break;
            case 'query':
              response = await plain(`/api/articles/${documentId}?personalize[variant]=${mobileQuickExit.id}&populate[${key}]=true`);
              break;
            default:
              response = await plain(`/api/articles/${documentId}`).set(
                'x-personalize-signals',
                Buffer.from(`{"custom":{${quoted.slice(0, 9000)}":1}}`).toString('base64url')
              );
          }
          expect(response.status).toBeLessThan(500);
          expect(response.status).toBeGreaterThanOrEqual(400);
        }),
        { numRuns: 40 }
      );
    });
  });
});
