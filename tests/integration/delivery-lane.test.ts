import request from 'supertest';

import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { MOBILE_UA } from '../helpers/user-agents';

// The router Strapi mounts its routes on; its `match` runs for every request that reaches it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const KoaRouter = require('@koa/router') as { prototype: { match(path: string, method: string): unknown } };

const LANE_PATH = '/api/personalize/resolve';
// The same route through Strapi's router: @koa/router matches a trailing slash, the lane does not.
const ROUTER_PATH = '/api/personalize/resolve/';

const boot = async (env: Record<string, string> = {}) => {
  const app = await setupStrapi({ env });
  await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  const { documentId } = await createArticle(app.strapi, {
    title: 'Plan your trip',
    cta: 'Start planning',
    variants: { variants: [mobileQuickExit] },
  });
  return { app, documentId };
};

/** Calls of the router's `match` while `send` runs: 0 when the lane answered. */
const routerMatches = async <T>(send: () => Promise<T>): Promise<{ result: T; matches: number }> => {
  const spy = jest.spyOn(KoaRouter.prototype, 'match');
  try {
    const result = await send();
    return { result, matches: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
};

const withoutDate = (headers: Record<string, string>) => {
  const { date: _date, ...rest } = headers;
  return rest;
};

describe('delivery lane, listed in config/middlewares.js (as the playground does)', () => {
  let app: TestStrapi;
  let documentId: string;

  beforeAll(async () => {
    ({ app, documentId } = await boot());
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const post = (path: string) => request(app.server).post(path).set('User-Agent', MOBILE_UA);

  it('serves resolve without going through the router', async () => {
    const body = { uid: ARTICLE_UID, documentId, signals: { behavior: { dwellSec: 4 } } };

    const lane = await routerMatches(() => post(LANE_PATH).send(body));
    expect(lane.result.status).toBe(200);
    expect(lane.result.body.meta.personalize.variant).toBe('v_quick_exit');
    expect(lane.matches).toBe(0);

    const routed = await routerMatches(() => post(ROUTER_PATH).send(body));
    expect(routed.result.status).toBe(200);
    expect(routed.matches).toBeGreaterThan(0);
  });

  it('answers exactly as the route does: body, status and every header', async () => {
    const body = { uid: ARTICLE_UID, documentId, populate: ['seo'], signals: { behavior: { dwellSec: 4 } } };
    // Both orders, so neither side is always the one that fills the cache.
    for (const [first, second] of [
      [LANE_PATH, ROUTER_PATH],
      [ROUTER_PATH, LANE_PATH],
    ]) {
      const a = await post(first).set('Origin', 'https://shop.example').send(body);
      const b = await post(second).set('Origin', 'https://shop.example').send(body);
      expect(a.status).toBe(200);
      expect(b.status).toBe(a.status);
      expect(b.text).toBe(a.text);
      expect(withoutDate(b.headers)).toEqual(withoutDate(a.headers));
    }
    // Security headers and CORS come from Strapi's own middlewares, which ran before the lane.
    const response = await post(LANE_PATH).set('Origin', 'https://shop.example').send(body);
    expect(response.headers).toMatchObject({
      'x-frame-options': 'SAMEORIGIN',
      'x-content-type-options': 'nosniff',
      'access-control-allow-origin': 'https://shop.example',
    });
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const body = { uid: ARTICLE_UID, documentId };
    const first = await post(LANE_PATH).send(body);
    const again = await post(LANE_PATH).set('If-None-Match', first.headers.etag).send(body);
    expect(again.status).toBe(304);
  });

  it.each([
    ['malformed JSON', '{"uid": "api::article.article",', 400],
    ['a JSON string instead of an object', '"api::article.article"', 400],
    ['a __proto__ key', '{"uid":"api::article.article","__proto__":{"polluted":true}}', 400],
    ['a body over strapi::body jsonLimit (1mb)', JSON.stringify({ uid: ARTICLE_UID, documentId: 'x'.repeat(1_100_000) }), 413],
  ])('parses the body as strapi::body would: %s', async (_label, raw, status) => {
    const lane = await routerMatches(() => post(LANE_PATH).set('Content-Type', 'application/json').send(raw));
    const routed = await post(ROUTER_PATH).set('Content-Type', 'application/json').send(raw);
    expect(lane.matches).toBe(0);
    expect(lane.result.status).toBe(status);
    expect(routed.status).toBe(status);
    expect(lane.result.body).toEqual(routed.body);
    expect(lane.result.body).toMatchObject({ data: null, error: { status } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leaves other content types to the ordinary path', async () => {
    const lane = await routerMatches(() => post(LANE_PATH).set('Content-Type', 'text/plain').send('uid=api::article.article'));
    expect(lane.matches).toBeGreaterThan(0);
    expect(lane.result.status).toBe(400);
    expect(lane.result.body).toMatchObject({ data: null, error: { status: 400, name: 'ValidationError' } });
  });

  it('leaves other methods and paths alone', async () => {
    const signals = await routerMatches(() => request(app.server).get('/api/personalize/signals'));
    expect(signals.result.status).toBe(200);
    expect(signals.matches).toBeGreaterThan(0);

    const getResolve = await routerMatches(() => request(app.server).get(LANE_PATH));
    const getRouted = await request(app.server).get(ROUTER_PATH);
    expect(getResolve.matches).toBeGreaterThan(0);
    expect(getResolve.result.status).toBe(getRouted.status);
  });
});

describe('delivery lane, added by the plugin when the app does not list it', () => {
  let app: TestStrapi;
  let documentId: string;

  beforeAll(async () => {
    ({ app, documentId } = await boot({
      PLAYGROUND_DELIVERY_LANE: 'auto',
      PERSONALIZE_CONFIG: JSON.stringify({ rateLimit: { points: 3, durationSec: 60 } }),
    }));
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('serves resolve before the router, rate limit included', async () => {
    const body = { uid: ARTICLE_UID, documentId, signals: { behavior: { dwellSec: 4 } } };
    const statuses: number[] = [];
    let limited: request.Response | undefined;
    const { matches } = await routerMatches(async () => {
      for (let i = 0; i < 4; i++) {
        const response = await request(app.server).post(LANE_PATH).set('User-Agent', MOBILE_UA).send(body);
        statuses.push(response.status);
        if (response.status === 429) limited = response;
      }
    });
    expect(matches).toBe(0);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited!.body).toMatchObject({ data: null, error: { status: 429, name: 'RateLimitError' } });
  });
});

describe('delivery lane, when the app reconfigured the resolve route', () => {
  let app: TestStrapi;
  let documentId: string;

  beforeAll(async () => {
    ({ app, documentId } = await boot({ PLAYGROUND_RESOLVE_POLICY: 'true' }));
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it("steps aside, so the app's policy runs", async () => {
    const body = { uid: ARTICLE_UID, documentId };
    const denied = await routerMatches(() => request(app.server).post(LANE_PATH).send(body));
    expect(denied.matches).toBeGreaterThan(0);
    expect(denied.result.status).toBe(403);
    expect(denied.result.body).toMatchObject({ data: null, error: { status: 403, name: 'PolicyError' } });

    const allowed = await request(app.server).post(LANE_PATH).set('x-playground-key', 'let-me-in').send(body);
    expect(allowed.status).toBe(200);
    expect(allowed.body.data.title).toBe('Plan your trip');
  });
});
