import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

import Redis from 'ioredis';
import request from 'supertest';

import pluginConfig from '../../server/src/config';
import { pluginConfigSchema } from '../../server/src/config/schema';
import { createApiToken } from '../helpers/auth';
import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { batchOf, BROWSER_UA, newVisitorId, pageEvent } from '../helpers/events';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { MOBILE_UA } from '../helpers/user-agents';
import { SIGNALS_HEADER, VISITOR_HEADER } from '../../contracts/src/wire';

const REDIS_URL = 'redis://127.0.0.1:6379';
// This file's own key prefix on the shared Redis.
const prefix = `pz-test-rl-${randomUUID().slice(0, 8)}:`;

interface App {
  app: TestStrapi;
  /** http://127.0.0.1:<port>: one listening server, so requests can run in parallel. */
  url: string;
  documentId: string;
}

const boot = async (rateLimit: object, env: Record<string, string> = {}, config: object = {}): Promise<App> => {
  const app = await setupStrapi({ env: { PERSONALIZE_CONFIG: JSON.stringify({ rateLimit, ...config }), ...env } });
  await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  const { documentId } = await createArticle(app.strapi, { title: 'Rate limits', variants: { variants: [mobileQuickExit] } });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, documentId };
};

type Headers = Record<string, string>;

const signals = (target: App, headers: Headers = {}) => request(target.url).get('/api/personalize/signals').set(headers);

const resolve = (target: App, headers: Headers = {}) =>
  request(target.url)
    .post('/api/personalize/resolve')
    .set({ 'User-Agent': MOBILE_UA, ...headers })
    .send({ uid: ARTICLE_UID, documentId: target.documentId, signals: { behavior: { dwellSec: 3 } } });

/** Sends `total` requests, `batch` at a time in parallel; returns every status. */
const inBatches = async (total: number, batch: number, send: (index: number) => Promise<request.Response>) => {
  const statuses: number[] = [];
  for (let start = 0; start < total; start += batch) {
    const responses = await Promise.all(Array.from({ length: Math.min(batch, total - start) }, (_, offset) => send(start + offset)));
    statuses.push(...responses.map((response) => response.status));
  }
  return statuses;
};

const count = (statuses: number[], status: number) => statuses.filter((value) => value === status).length;

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const bogusToken = () => bearer(randomBytes(64).toString('hex'));

const expectRateLimited = (response: request.Response, durationSec: number) => {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(durationSec);
  expect(response.body).toMatchObject({ data: null, error: { status: 429, name: 'RateLimitError' } });
};

const events = (target: App, headers: Headers = {}, visitorId = newVisitorId()) =>
  request(target.url)
    .post('/api/personalize/events')
    .set({ 'User-Agent': BROWSER_UA, ...headers })
    .send(batchOf(visitorId, [pageEvent(['rate'])]));

const encodeSignals = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const signalsHeader = { [SIGNALS_HEADER]: encodeSignals({ behavior: { dwellSec: 3 } }) };

/** The plain content API: GET /api/articles/:documentId (with the personalization headers given, if any). */
const plain = (target: App, headers: Headers = {}, query = '') =>
  request(target.url)
    .get(`/api/articles/${target.documentId}${query}`)
    .set({ 'User-Agent': MOBILE_UA, ...headers });

/** The privacy routes: GET /me, DELETE /me, POST /optout. */
const privacy = (target: App, route: 'get' | 'delete' | 'optout', headers: Headers) => {
  const agent = request(target.url);
  const call = route === 'get' ? agent.get('/api/personalize/me') : route === 'delete' ? agent.delete('/api/personalize/me') : agent.post('/api/personalize/optout');
  return call.set({ 'User-Agent': BROWSER_UA, ...headers });
};

/** A visitor signing up on the site: POST /api/auth/local/register (open by default), its JWT. */
const registerUser = async (target: App): Promise<string> => {
  const name = `visitor${randomUUID().slice(0, 8)}`;
  const response = await request(target.url)
    .post('/api/auth/local/register')
    .send({ username: name, email: `${name}@example.com`, password: 'Password123!' });
  expect(response.status).toBe(200);
  return response.body.jwt as string;
};

/** A users-permissions user and its JWT. */
const createUserJwt = async (strapi: TestStrapi['strapi']) => {
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  const name = `reader-${randomUUID().slice(0, 8)}`;
  const user = await strapi
    .plugin('users-permissions')
    .service('user')
    .add({ username: name, email: `${name}@example.com`, password: 'Password123!', provider: 'local', confirmed: true, role: role.id });
  return (await strapi.plugin('users-permissions').service('jwt').issue({ id: user.id })) as string;
};

describe('config', () => {
  const settingsOf = (config: object) => pluginConfig.validator(config);

  it('accepts { anonymous, authenticated, users }, anonymous budgets by family, and the former { points, durationSec }', () => {
    expect(() => settingsOf({ rateLimit: { anonymous: { points: 20 }, authenticated: { points: 30, durationSec: 10 } } })).not.toThrow();
    expect(() => settingsOf({ rateLimit: { anonymous: { resolve: { points: 20 }, plain: { durationSec: 10 }, privacy: {}, other: { points: 0 } } } })).not.toThrow();
    expect(() => settingsOf({ rateLimit: { users: { points: 40, durationSec: 10 } } })).not.toThrow();
    expect(() => settingsOf({ rateLimit: { points: 5, durationSec: 60 } })).not.toThrow();
  });

  const rateLimitOf = (rateLimit?: object) => pluginConfigSchema.parse(rateLimit ? { rateLimit } : {}).rateLimit;
  const everyFamily = (budget: { points: number; durationSec: number }) => ({ resolve: budget, plain: budget, privacy: budget, other: budget });

  it('gives each route family its own anonymous budget, users the former 300 a minute, API tokens none', () => {
    expect(rateLimitOf()).toEqual({
      anonymous: {
        resolve: { points: 3000, durationSec: 60 },
        plain: { points: 3000, durationSec: 60 },
        privacy: { points: 300, durationSec: 60 },
        other: { points: 300, durationSec: 60 },
      },
      authenticated: { points: 0, durationSec: 60 },
      users: { points: 300, durationSec: 60 },
    });
  });

  it('reads anonymous.points / .durationSec (and the former form) as every family, users alike', () => {
    expect(rateLimitOf({ anonymous: { points: 20, durationSec: 30 } })).toMatchObject({
      anonymous: everyFamily({ points: 20, durationSec: 30 }),
      users: { points: 20, durationSec: 30 },
    });
    expect(rateLimitOf({ points: 5 })).toMatchObject({ anonymous: everyFamily({ points: 5, durationSec: 60 }), users: { points: 5, durationSec: 60 } });
    expect(rateLimitOf({ anonymous: { points: 20 }, users: { durationSec: 10 } }).users).toEqual({ points: 20, durationSec: 10 });
    expect(rateLimitOf({ users: { points: 0 } })).toMatchObject({ anonymous: { resolve: { points: 3000 } }, users: { points: 0, durationSec: 60 } });
  });

  it("takes a family's own values over anonymous.points / .durationSec and the defaults", () => {
    expect(rateLimitOf({ anonymous: { privacy: { points: 7 }, resolve: { durationSec: 10 } } }).anonymous).toEqual({
      resolve: { points: 3000, durationSec: 10 },
      plain: { points: 3000, durationSec: 60 },
      privacy: { points: 7, durationSec: 60 },
      other: { points: 300, durationSec: 60 },
    });
    expect(rateLimitOf({ anonymous: { points: 50, durationSec: 30, plain: { points: 0 } } }).anonymous).toEqual({
      ...everyFamily({ points: 50, durationSec: 30 }),
      plain: { points: 0, durationSec: 30 },
    });
  });

  it('names the key of an invalid value', () => {
    expect(() => settingsOf({ rateLimit: { anonymous: { points: -1 } } })).toThrow(/rateLimit\.anonymous\.points/);
    expect(() => settingsOf({ rateLimit: { authenticated: { durationSec: 0 } } })).toThrow(/rateLimit\.authenticated\.durationSec/);
    expect(() => settingsOf({ rateLimit: { points: 'many' } })).toThrow(/rateLimit\.points/);
    expect(() => settingsOf({ rateLimit: { users: { points: 1.5 } } })).toThrow(/rateLimit\.users\.points/);
    expect(() => settingsOf({ rateLimit: { anonymous: { resolve: { points: -1 } } } })).toThrow(/rateLimit\.anonymous\.resolve\.points/);
    expect(() => settingsOf({ rateLimit: { anonymous: { events: { points: 5 } } } })).toThrow(/rateLimit\.anonymous/);
    expect(() => settingsOf({ rateLimit: { points: 5, anonymous: { points: 5 } } })).toThrow(/rateLimit: use \{ anonymous, authenticated, users \}/);
    expect(() => settingsOf({ rateLimit: { points: 5, users: { points: 5 } } })).toThrow(/rateLimit: use \{ anonymous, authenticated, users \}/);
  });
});

describe('in memory, server.proxy off: anonymous 20 a minute, API tokens unlimited, users 20 a minute (the defaults)', () => {
  let target: App;

  beforeAll(async () => {
    target = await boot({ anonymous: { points: 20, durationSec: 60 } });
  });

  afterAll(async () => {
    await target?.app.destroy();
  });

  it('limits anonymous callers per IP, X-Forwarded-For ignored', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1) statuses.push((await signals(target, { 'X-Forwarded-For': `203.0.113.${i + 1}` })).status);
    expect(statuses).toEqual(Array(20).fill(200));
    expectRateLimited(await signals(target, { 'X-Forwarded-For': '203.0.113.99' }), 60);
    // Each route family counts apart: resolve has a budget of its own.
    expect((await resolve(target)).status).toBe(200);
  });

  it('never limits a read-only API token calling from that same IP', async () => {
    const token = await createApiToken(target.app.strapi, 'read-only');
    const statuses = await inBatches(300, 30, () => resolve(target, bearer(token)));
    expect(count(statuses, 429)).toBe(0);
    expect(statuses).toEqual(Array(300).fill(200));
    const variant = await resolve(target, bearer(token));
    expect(variant.body.meta.personalize.variant).toBe('v_quick_exit');
    expect((await signals(target, bearer(token))).status).toBe(200);
  });

  it('limits a registered user (JWT) per user with the anonymous budget, apart from its IP', async () => {
    // Anyone can sign up: a JWT must not buy an unlimited budget.
    const jwt = await registerUser(target);
    const statuses = await inBatches(20, 10, () => signals(target, bearer(jwt)));
    expect(statuses).toEqual(Array(20).fill(200));
    expectRateLimited(await signals(target, bearer(jwt)), 60);
    // Resolve is another family: the same user has a budget of its own there (answered by the read
    // permission, which the authenticated role lacks, not by the limit).
    expect((await resolve(target, bearer(jwt))).status).toBe(403);
    // Another user, from the same IP, has a budget of its own.
    const other = await createUserJwt(target.app.strapi);
    expect((await signals(target, bearer(other))).status).toBe(200);
  });

  it('counts a bogus bearer token, or a non-bearer Authorization, against the IP', async () => {
    expectRateLimited(await signals(target, bogusToken()), 60);
    expectRateLimited(await signals(target, { Authorization: 'Basic dXNlcjpwYXNz' }), 60);
    // On resolve, the IP's own budget (one anonymous resolve spent above): 19 more are answered (a 401, the token is bogus), then 429.
    const statuses = await inBatches(20, 10, () => resolve(target, bogusToken()));
    expect(count(statuses, 401)).toBe(19);
    expect(count(statuses, 429)).toBe(1);
  });
});

describe('in memory, server.proxy on: anonymous 20 a minute, authenticated 30 a minute', () => {
  let target: App;

  beforeAll(async () => {
    target = await boot({ anonymous: { points: 20, durationSec: 60 }, authenticated: { points: 30, durationSec: 60 } }, { PLAYGROUND_PROXY: 'true' });
  });

  afterAll(async () => {
    await target?.app.destroy();
  });

  const from = (ip: string, headers: Headers = {}) => ({ 'X-Forwarded-For': ip, ...headers });

  it('takes the client IP from X-Forwarded-For', async () => {
    const statuses = await inBatches(20, 10, () => signals(target, from('198.51.100.1')));
    expect(statuses).toEqual(Array(20).fill(200));
    expectRateLimited(await signals(target, from('198.51.100.1')), 60);
    expect((await signals(target, from('198.51.100.2'))).status).toBe(200);
  });

  it('counts requests with bogus bearer tokens against their IP', async () => {
    const statuses = await inBatches(20, 10, () => signals(target, from('198.51.100.3', bogusToken())));
    expect(statuses).toEqual(Array(20).fill(200));
    expectRateLimited(await signals(target, from('198.51.100.3', bogusToken())), 60);
    expectRateLimited(await signals(target, from('198.51.100.3')), 60);
    // Resolve rejects the token itself (401) while the IP has budget left.
    expect((await resolve(target, from('198.51.100.4', bogusToken()))).status).toBe(401);
    expect((await signals(target, from('198.51.100.5'))).status).toBe(200);
  });

  it('enforces the authenticated budget per credential, whatever the IP, each its own', async () => {
    const first = await createApiToken(target.app.strapi, 'read-only');
    const second = await createApiToken(target.app.strapi, 'read-only');

    const statuses = await inBatches(30, 10, (i) => resolve(target, from(`192.0.2.${i + 1}`, bearer(first))));
    expect(statuses).toEqual(Array(30).fill(200));
    expectRateLimited(await resolve(target, from('192.0.2.200', bearer(first))), 60);
    // Each route family counts apart, for tokens too.
    expect((await signals(target, from('192.0.2.201', bearer(first)))).status).toBe(200);

    // The second token, from the same IPs, has a budget of its own; so have anonymous callers.
    const others = await inBatches(30, 10, (i) => resolve(target, from(`192.0.2.${i + 1}`, bearer(second))));
    expect(others).toEqual(Array(30).fill(200));
    expectRateLimited(await resolve(target, from('192.0.2.1', bearer(second))), 60);
    expect((await signals(target, from('192.0.2.1'))).status).toBe(200);
  });

  it("gives a users-permissions user a budget of its own, whatever the IP: the anonymous one (20), not the tokens' (30)", async () => {
    const jwt = await createUserJwt(target.app.strapi);
    const statuses = await inBatches(20, 10, (i) => signals(target, from(`192.0.2.${50 + i}`, bearer(jwt))));
    expect(statuses).toEqual(Array(20).fill(200));
    expectRateLimited(await signals(target, from('192.0.2.90', bearer(jwt))), 60);
    expect((await signals(target, from('192.0.2.90'))).status).toBe(200);
  });

  it('stops counting a token as a credential once it is deleted', async () => {
    const service = target.app.strapi.service('admin::api-token');
    const created = await service.create({ name: `revoked-${randomUUID()}`, type: 'read-only', lifespan: null });
    const token = created.accessKey as string;
    for (let i = 0; i < 3; i += 1) expect((await signals(target, from('192.0.2.60', bearer(token)))).status).toBe(200);
    await service.revoke(created.id);
    // Now an invalid credential: it counts against the IP (20), not a budget of its own (30).
    const statuses = await inBatches(21, 7, () => signals(target, from('192.0.2.61', bearer(token))));
    expect(count(statuses, 200)).toBe(20);
    expect(count(statuses, 429)).toBe(1);
  });
});

describe('the former rateLimit: { points, durationSec }', () => {
  let target: App;

  beforeAll(async () => {
    target = await boot({ points: 5, durationSec: 60 });
  });

  afterAll(async () => {
    await target?.app.destroy();
  });

  it('still limits anonymous callers, users alike, and never API tokens', async () => {
    const five = { points: 5, durationSec: 60 };
    expect(target.app.strapi.plugin('personalize').service('settings').get().rateLimit).toEqual({
      anonymous: { resolve: five, plain: five, privacy: five, other: five },
      authenticated: { points: 0, durationSec: 60 },
      users: { points: 5, durationSec: 60 },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await signals(target)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expectRateLimited(await signals(target), 60);

    const token = await createApiToken(target.app.strapi, 'read-only');
    expect(await inBatches(50, 25, () => resolve(target, bearer(token)))).toEqual(Array(50).fill(200));

    const jwt = await createUserJwt(target.app.strapi);
    expect(await inBatches(5, 5, () => signals(target, bearer(jwt)))).toEqual(Array(5).fill(200));
    expectRateLimited(await signals(target, bearer(jwt)), 60);
  });
});

describe('route families, each its own anonymous budget (server.proxy on: resolve 10, plain 5, privacy 5, other 5, users 5)', () => {
  let target: App;

  beforeAll(async () => {
    target = await boot(
      {
        anonymous: { resolve: { points: 10 }, plain: { points: 5 }, privacy: { points: 5 }, other: { points: 5 } },
        users: { points: 5 },
      },
      { PLAYGROUND_PROXY: 'true' }
    );
  });

  afterAll(async () => {
    await target?.app.destroy();
  });

  const from = (ip: string, headers: Headers = {}) => ({ 'X-Forwarded-For': ip, ...headers });

  it('a burst on resolve blocks neither /me, events, the plain API nor the other routes of the same IP', async () => {
    const ip = '198.51.100.20';
    expect(await inBatches(10, 5, () => resolve(target, from(ip)))).toEqual(Array(10).fill(200));
    expectRateLimited(await resolve(target, from(ip)), 60);

    const visitor = { [VISITOR_HEADER]: newVisitorId() };
    expect((await privacy(target, 'get', from(ip, visitor))).status).toBe(200);
    expect((await events(target, from(ip))).status).toBe(202);
    expect((await plain(target, from(ip, signalsHeader))).status).toBe(200);
    expect((await signals(target, from(ip))).status).toBe(200);
    expect((await privacy(target, 'delete', from(ip, visitor))).status).toBe(202);
    expect((await privacy(target, 'optout', from(ip, visitor))).status).toBe(204);
  });

  it('a burst on the privacy routes does not block resolve', async () => {
    const ip = '198.51.100.21';
    const visitor = { [VISITOR_HEADER]: newVisitorId() };
    expect(await inBatches(5, 5, () => privacy(target, 'get', from(ip, visitor)))).toEqual(Array(5).fill(200));
    expectRateLimited(await privacy(target, 'get', from(ip, visitor)), 60);
    expectRateLimited(await privacy(target, 'optout', from(ip, visitor)), 60);
    expect((await resolve(target, from(ip))).status).toBe(200);
    expect((await events(target, from(ip))).status).toBe(202);
  });

  it('limits the plain API with personalization past its budget (429, Retry-After, Strapi shape), and leaves it alone without', async () => {
    const ip = '198.51.100.22';
    // Strapi's own responses, without personalization: never counted, never limited.
    expect(await inBatches(12, 6, () => plain(target, from(ip)))).toEqual(Array(12).fill(200));

    expect(await inBatches(5, 5, () => plain(target, from(ip, signalsHeader)))).toEqual(Array(5).fill(200));
    expectRateLimited(await plain(target, from(ip, signalsHeader)), 60);
    expectRateLimited(await plain(target, from(ip, { [VISITOR_HEADER]: newVisitorId() })), 60);
    expectRateLimited(await plain(target, from(ip), `?personalize[signals]=${encodeSignals({ behavior: { dwellSec: 3 } })}`), 60);
    expectRateLimited(await plain(target, from(ip, { 'x-personalize-variant': 'v_quick_exit' })), 60);

    const plainAgain = await plain(target, from(ip));
    expect(plainAgain.status).toBe(200);
    expect(plainAgain.headers['retry-after']).toBeUndefined();
    expect((await resolve(target, from(ip))).status).toBe(200);
  });

  it('counts the plain API per API token (unlimited by default) and per user (rateLimit.users)', async () => {
    const token = await createApiToken(target.app.strapi, 'read-only');
    expect(await inBatches(20, 10, () => plain(target, from('198.51.100.23', { ...bearer(token), ...signalsHeader })))).toEqual(
      Array(20).fill(200)
    );

    const jwt = await createUserJwt(target.app.strapi);
    const statuses = await inBatches(5, 5, (i) => plain(target, from(`198.51.100.${30 + i}`, { ...bearer(jwt), ...signalsHeader })));
    expect(count(statuses, 429)).toBe(0);
    expectRateLimited(await plain(target, from('198.51.100.40', { ...bearer(jwt), ...signalsHeader })), 60);
    // The same user's resolve is another family (answered by the read permission the authenticated role lacks).
    expect((await resolve(target, from('198.51.100.40', bearer(jwt)))).status).toBe(403);
  });
});

describe('the defaults: an office of 50 browsers behind one IP', () => {
  let target: App;

  beforeAll(async () => {
    target = await boot({});
  });

  afterAll(async () => {
    await target?.app.destroy();
  });

  it("lets a busy minute of 50 browsers' traffic through (docs/delivery.md, \"Rate limits\")", async () => {
    // Per browser and minute, the figures docs/delivery.md sizes the defaults on: 6 pages with 5
    // personalized entries each, read through resolve (30) and through the plain API with signals
    // (30), an events batch every 5 s (12), two privacy calls.
    const browsers = Array.from({ length: 50 }, () => newVisitorId());
    const perBrowser = (visitorId: string) => [
      ...Array.from({ length: 30 }, () => () => resolve(target)),
      ...Array.from({ length: 30 }, () => () => plain(target, { ...signalsHeader, [VISITOR_HEADER]: visitorId })),
      ...Array.from({ length: 12 }, () => () => events(target, {}, visitorId)),
      ...Array.from({ length: 2 }, () => () => privacy(target, 'get', { [VISITOR_HEADER]: visitorId })),
    ];
    const calls = browsers.flatMap(perBrowser);
    const statuses = await inBatches(calls.length, 50, (index) => calls[index]());
    expect(count(statuses, 429)).toBe(0);
    expect(statuses.every((status) => status === 200 || status === 202)).toBe(true);
  }, 300_000);
});

describe('rateLimit.users set, and events', () => {
  let target: App;

  beforeAll(async () => {
    target = await boot(
      { anonymous: { points: 0 }, users: { points: 4, durationSec: 30 } },
      {},
      { events: { rateLimit: { perIp: 3, perVisitor: 0 } } }
    );
  });

  afterAll(async () => {
    await target?.app.destroy();
  });

  it('limits each user to rateLimit.users while anonymous callers are unlimited', async () => {
    expect(await inBatches(30, 10, () => signals(target))).toEqual(Array(30).fill(200));
    const jwt = await createUserJwt(target.app.strapi);
    expect(await inBatches(4, 4, () => signals(target, bearer(jwt)))).toEqual(Array(4).fill(200));
    expectRateLimited(await signals(target, bearer(jwt)), 30);
    const token = await createApiToken(target.app.strapi, 'read-only');
    expect(await inBatches(30, 10, () => signals(target, bearer(token)))).toEqual(Array(30).fill(200));
  });

  it('counts events batches of a user per user against events.rateLimit.perIp, as anonymous ones per IP', async () => {
    const jwt = await createUserJwt(target.app.strapi);
    const statuses = await inBatches(3, 3, () => events(target, bearer(jwt)));
    expect(statuses).toEqual(Array(3).fill(202));
    expectRateLimited(await events(target, bearer(jwt)), 60);
    // The IP's own budget is untouched, and an API token (a site's server forwarding events) is never limited.
    expect((await events(target)).status).toBe(202);
    const token = await createApiToken(target.app.strapi, 'read-only');
    expect(await inBatches(10, 5, () => events(target, bearer(token)))).toEqual(Array(10).fill(202));
  });
});

describe('in Redis', () => {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  let target: App;

  beforeAll(async () => {
    await redis.connect();
    target = await boot({ anonymous: { points: 20, durationSec: 60 } }, { REDIS_URL, REDIS_KEY_PREFIX: prefix });
    const redisService = target.app.strapi.plugin('personalize').service('redis');
    const deadline = Date.now() + 10_000;
    while (!redisService.isReady()) {
      if (Date.now() > deadline) throw new Error('Redis not ready');
      await new Promise((done) => setTimeout(done, 50));
    }
  });

  afterAll(async () => {
    await target?.app.destroy();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('limits anonymous callers per IP', async () => {
    const statuses = await inBatches(20, 10, () => signals(target));
    expect(statuses).toEqual(Array(20).fill(200));
    expectRateLimited(await signals(target), 60);
    expect((await redis.keys(`${prefix}rl-other:*`)).length).toBe(1);
  });

  it('never limits a read-only API token from that IP, and counts nothing for it', async () => {
    const token = await createApiToken(target.app.strapi, 'read-only');
    const statuses = await inBatches(300, 30, () => resolve(target, bearer(token)));
    expect(statuses).toEqual(Array(300).fill(200));
    expect(await redis.keys(`${prefix}rl-auth*`)).toEqual([]);
    expectRateLimited(await signals(target, bogusToken()), 60);
  });
});
