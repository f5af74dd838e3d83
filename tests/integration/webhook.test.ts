/**
 * The inbound invalidation webhook's signature: HMAC-SHA256 of `<timestamp>.<raw body>` with the
 * timestamp in `x-personalize-timestamp` (Stripe's scheme), refused outside a 5-minute window
 * either way, so a captured request cannot be replayed later. The former signature of the body
 * alone only with `webhookLegacySignature: true`, which warns at startup.
 */
import { createHmac } from 'node:crypto';

import request from 'supertest';

import { captureLogs } from '../helpers/logs';
import { ARTICLE_UID } from '../helpers/content';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

const hmac = (payload: string) => createHmac('sha256', WEBHOOK_SECRET).update(payload).digest('hex');
const now = () => Math.floor(Date.now() / 1000);

/** A request as the sender signs it at `timestamp` (unix seconds). */
const signed = (body: string, timestamp = now()) => ({
  'x-personalize-timestamp': String(timestamp),
  'x-personalize-signature': `sha256=${hmac(`${timestamp}.${body}`)}`,
});
/** The former scheme: the body alone, no timestamp. */
const legacySigned = (body: string) => ({ 'x-personalize-signature': `sha256=${hmac(body)}` });

const bodyOf = (documentId = 'doc-1') => JSON.stringify({ uid: ARTICLE_UID, documentId });

const send = (app: TestStrapi, body: string, headers: Record<string, string>) =>
  request(app.server).post('/api/personalize/invalidate').set({ 'Content-Type': 'application/json', ...headers }).send(body);

const expectRefused = (response: request.Response, message: RegExp) => {
  expect(response.status).toBe(401);
  expect(response.body).toMatchObject({ data: null, error: { status: 401, name: 'UnauthorizedError' } });
  expect(response.body.error.message).toMatch(message);
};

describe('webhook signatures (default: timestamped only)', () => {
  let app: TestStrapi;

  beforeAll(async () => {
    app = await setupStrapi({ env: { PERSONALIZE_WEBHOOK_SECRET: WEBHOOK_SECRET } });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('accepts a fresh signature over the timestamp and the raw body, with or without "sha256="', async () => {
    const body = bodyOf();
    const response = await send(app, body, signed(body));
    expect(response.status).toBe(202);
    expect(response.body.data).toMatchObject({ uid: ARTICLE_UID, documentId: 'doc-1' });
    const timestamp = now();
    const bare = await send(app, body, { 'x-personalize-timestamp': String(timestamp), 'x-personalize-signature': hmac(`${timestamp}.${body}`) });
    expect(bare.status).toBe(202);
    // Within the window either way: a sender's clock a little ahead or behind.
    expect((await send(app, body, signed(body, now() - 240))).status).toBe(202);
    expect((await send(app, body, signed(body, now() + 240))).status).toBe(202);
  });

  it('answers a body nested 5,000 deep with a 400 before checking anything (never a stack overflow)', async () => {
    const body = '{"uid":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
    const response = await send(app, body, signed(body));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ data: null, error: { status: 400, name: 'ValidationError' } });
    expect(response.body.error.message).toMatch(/deeper than 32/);
  });

  it('refuses a captured request replayed after the window, and one dated too far ahead', async () => {
    const body = bodyOf();
    // Captured 301 s ago: signature and timestamp exactly as the sender sent them.
    expectRefused(await send(app, body, signed(body, now() - 301)), /x-personalize-timestamp.*5-minute window/);
    expectRefused(await send(app, body, signed(body, now() - 86_400)), /5-minute window/);
    expectRefused(await send(app, body, signed(body, now() + 301)), /5-minute window/);
  });

  it('refuses a tampered timestamp or body (the signature covers both)', async () => {
    const body = bodyOf();
    const captured = signed(body, now() - 400);
    // The replayer moves the timestamp into the window: the signature no longer matches.
    expectRefused(await send(app, body, { ...captured, 'x-personalize-timestamp': String(now()) }), /^Invalid signature/);
    const fresh = signed(body);
    expectRefused(await send(app, bodyOf('doc-2'), fresh), /^Invalid signature/);
    expectRefused(await send(app, body, { ...fresh, 'x-personalize-timestamp': String(Number(fresh['x-personalize-timestamp']) + 1) }), /^Invalid signature/);
  });

  it('refuses a missing or malformed timestamp, and the former signature of the body alone', async () => {
    const body = bodyOf();
    expectRefused(await send(app, body, legacySigned(body)), /Missing x-personalize-timestamp/);
    const timestamp = now();
    for (const bad of ['abc', '1.5', '-5', `${timestamp}x`, `${timestamp * 1000}0000`]) {
      const headers = { 'x-personalize-timestamp': bad, 'x-personalize-signature': `sha256=${hmac(`${bad}.${body}`)}` };
      expectRefused(await send(app, body, headers), /x-personalize-timestamp/);
    }
    // A timestamp with the body-only signature is not the former scheme either.
    expectRefused(await send(app, body, { 'x-personalize-timestamp': String(timestamp), ...legacySigned(body) }), /^Invalid signature/);
  });

  it('shows webhookLegacySignature off in the settings', () => {
    expect(app.strapi.plugin('personalize').service('settings').get().webhookLegacySignature).toBe(false);
  });
});

describe('webhook signatures with webhookLegacySignature: true', () => {
  let app: TestStrapi;
  let capture: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    capture = captureLogs(); // the startup warnings (tests/helpers/logs.ts)
    {
      app = await setupStrapi({
        env: {
          PERSONALIZE_WEBHOOK_SECRET: WEBHOOK_SECRET,
          PERSONALIZE_CONFIG: JSON.stringify({ webhookLegacySignature: true }),
          LOG_LEVEL: 'warn',
        },
      });
    }
  });

  afterAll(async () => {
    capture?.restore();
    await app?.destroy();
  });

  it('warns at startup that the former signature is deprecated', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    capture?.restore();
    expect(capture.logged.join('\n')).toMatch(/webhookLegacySignature.*deprecated/);
  });

  it('accepts the former signature of the body alone, and the timestamped one', async () => {
    const body = bodyOf();
    expect((await send(app, body, legacySigned(body))).status).toBe(202);
    expect((await send(app, body, signed(body))).status).toBe(202);
  });

  it('still refuses a wrong former signature, and a timestamped one outside the window', async () => {
    const body = bodyOf();
    expectRefused(await send(app, bodyOf('doc-2'), legacySigned(body)), /^Invalid signature/);
    expectRefused(await send(app, body, signed(body, now() - 301)), /5-minute window/);
    // With a timestamp, only the timestamped scheme counts.
    expectRefused(await send(app, body, { 'x-personalize-timestamp': String(now()), ...legacySigned(body) }), /^Invalid signature/);
  });
});
