/**
 * The SDK's privacy calls from a site on another origin (docs/sdk.md, "A site on another origin: CORS"):
 * `exportData()` and `erase()` send x-personalize-visitor, which strapi::cors's default
 * `Access-Control-Allow-Headers` refused, so the browser saw only "Failed to fetch". With the app's
 * default CORS the plugin adds its headers; with a list of the app's own, startup names those to add.
 */
import request from 'supertest';

import { captureLogs } from '../helpers/logs';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

const SITE = 'http://site.example:3000';

const preflight = (app: TestStrapi, method: string, headers: string) =>
  request(app.server)
    .options('/api/personalize/me')
    .set({ Origin: SITE, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers });

const allowedHeaders = (response: request.Response) =>
  String(response.headers['access-control-allow-headers'] ?? '')
    .split(',')
    .map((header) => header.trim().toLowerCase());

describe("CORS with the playground's default strapi::cors", () => {
  let app: TestStrapi;

  beforeAll(async () => {
    app = await setupStrapi();
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it.each(['GET', 'DELETE'])(
    'allows x-personalize-visitor in the %s /api/personalize/me preflight, and keeps Strapi’s defaults',
    async (method) => {
      const response = await preflight(app, method, 'x-personalize-visitor');
      expect(response.status).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe(SITE);
      expect(allowedHeaders(response)).toEqual(
        expect.arrayContaining([
          'x-personalize-visitor',
          'x-personalize-signals',
          'x-personalize-variant',
          'content-type',
          'authorization',
          'origin',
          'accept',
        ])
      );
    }
  );

  it('answers the cross-origin export itself with the origin allowed', async () => {
    const response = await request(app.server)
      .get('/api/personalize/me')
      .set({ Origin: SITE, 'x-personalize-visitor': 'v_cors-test-visitor-0001' });
    expect(response.headers['access-control-allow-origin']).toBe(SITE);
    expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { data: expect.anything() } });
  });
});

describe('CORS with an app’s own headers list', () => {
  let app: TestStrapi;
  let capture: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    capture = captureLogs(); // the startup warnings (tests/helpers/logs.ts)
    app = await setupStrapi({
      env: { PLAYGROUND_CORS_HEADERS: 'Content-Type,Authorization,x-personalize-signals', LOG_LEVEL: 'warn' },
    });
  });

  afterAll(async () => {
    capture?.restore();
    await app?.destroy();
  });

  it('logs one warning line at startup naming the headers to add', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    capture?.restore();
    const warnings = capture.logged
      .join('\n')
      .split('\n')
      .filter((line) => line.includes("strapi::cors's `headers` list"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('x-personalize-visitor, x-personalize-variant');
    expect(warnings[0]).not.toMatch(/leaves out[^:]*x-personalize-signals/);
  });

  it("leaves the app's list as it wrote it", async () => {
    const response = await preflight(app, 'GET', 'x-personalize-visitor');
    expect(allowedHeaders(response)).toEqual(['content-type', 'authorization', 'x-personalize-signals']);
  });
});
