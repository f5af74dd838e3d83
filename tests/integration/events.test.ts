import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

import fc from 'fast-check';
import Redis from 'ioredis';
import request from 'supertest';

import { profileSignals } from '../../engine/src/profile/signals';
import type { VisitorProfile } from '../../engine/src/profile/types';
import pluginConfig from '../../server/src/config';
import { pluginConfigSchema, storageOf } from '../../server/src/config/schema';
import { TABLES } from '../../server/src/storage/database-store';
import { visitorKeys } from '../../server/src/storage/redis-store';
import type { VisitorsService } from '../../server/src/visitors/service';
import { createAdminSession } from '../helpers/auth';
import { batchOf, BOT_UA, BROWSER_UA, newId, newVisitorId, pageEvent, viewEvent } from '../helpers/events';
import { decayVectors, expectedScores, TAGS } from '../helpers/profile-vectors';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { createTcpProxy } from '../helpers/tcp-proxy';

// The router Strapi mounts its routes on; its `match` runs for every request that reaches it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const KoaRouter = require('@koa/router') as { prototype: { match(path: string, method: string): unknown } };

/** Calls of the router's `match` while `send` runs: 0 when the delivery lane answered. */
const routerMatches = async <T>(send: () => Promise<T>): Promise<{ result: T; matches: number }> => {
  const spy = jest.spyOn(KoaRouter.prototype, 'match');
  try {
    const result = await send();
    return { result, matches: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
};

const REDIS_PORT = 6379;
const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;
// This file's own key prefix on the shared Redis.
const prefix = `pz-test-ev-${randomUUID().slice(0, 8)}:`;
const redis = new Redis(REDIS_PORT, '127.0.0.1', { lazyConnect: true });

/** No limits but the ones a test sets. */
const UNLIMITED = { rateLimit: { anonymous: { points: 0 } }, events: { rateLimit: { perVisitor: 0, perIp: 0 } } };

const boot = async (config: object = UNLIMITED, env: Record<string, string> = {}) => {
  const app = await setupStrapi({ env: { PERSONALIZE_CONFIG: JSON.stringify(config), ...env } });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
};

const visitorsOf = (app: TestStrapi) => app.strapi.plugin('personalize').service('visitors') as VisitorsService;

/** Every Redis key that names the visitor's hash (their keys, under their shard's hash tag, and their rate limit). */
const keysOf = async (hash: string) => {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `*${hash}*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
};

/** Every row of the database store's tables that holds the visitor's hash, as `table:kind`. */
const rowsOf = async (app: TestStrapi, hash: string) => {
  const rows: string[] = [];
  for (const table of [TABLES.profiles, TABLES.batches, TABLES.events, TABLES.markers]) {
    for (const row of await app.strapi.db.connection(table).where({ hash })) rows.push(`${table}:${(row as { kind?: string }).kind ?? ''}`);
  }
  return rows.sort();
};

const waitFor = async (check: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

beforeAll(async () => {
  await redis.connect();
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('config', () => {
  it('validates visitors, events, profiles and caps, naming the key', () => {
    expect(() => pluginConfig.validator({})).not.toThrow();
    expect(() =>
      pluginConfig.validator({
        visitors: { secret: 'a-long-enough-secret', consent: 'opt-out', honorGpc: false, retentionDays: 30 },
        events: {
          transport: 'inline',
          maxBatch: 20,
          maxBatchBytes: 32768,
          rateLimit: { perVisitor: 10, perIp: 100, durationSec: 10 },
        },
        profiles: { halfLifeDays: 3, weights: { click: 5 }, maxInterests: 8 },
        caps: { maxPersonalizedPerSession: 3 },
      })
    ).not.toThrow();
    expect(() => pluginConfig.validator({ visitors: { consent: 'maybe' } })).toThrow(/visitors\.consent/);
    expect(() => pluginConfig.validator({ visitors: { secret: 'short' } })).toThrow(/visitors\.secret/);
    expect(() => pluginConfig.validator({ events: { transport: 'redis' } })).toThrow(
      /events\.transport: "redis" needs redis\.url/
    );
    expect(() => pluginConfig.validator({ storage: 'redis' })).toThrow(/storage: "redis" needs redis\.url/);
    expect(() => pluginConfig.validator({ storage: 'disk' })).toThrow(/storage/);
    for (const storage of ['auto', 'database', 'memory']) expect(() => pluginConfig.validator({ storage })).not.toThrow();
    // `auto`: Redis when configured, else the database; the deprecated events.transport maps on.
    const resolved = (config: object) => storageOf(pluginConfigSchema.parse(config));
    expect(resolved({})).toBe('database');
    expect(resolved({ redis: { url: REDIS_URL } })).toBe('redis');
    expect(resolved({ redis: { url: REDIS_URL }, storage: 'database' })).toBe('database');
    expect(resolved({ events: { transport: 'inline' } })).toBe('memory');
    expect(resolved({ redis: { url: REDIS_URL }, events: { transport: 'redis' } })).toBe('redis');
    expect(resolved({ events: { transport: 'inline' }, storage: 'database' })).toBe('database');
    expect(() => pluginConfig.validator({ profiles: { halfLifeDays: 0 } })).toThrow(/profiles\.halfLifeDays/);
    expect(() => pluginConfig.validator({ caps: { maxPersonalizedPerSession: 0 } })).toThrow(/caps\.maxPersonalizedPerSession/);
  });
});

describe.each([
  // The default without Redis: the app's own database (docs/design.md, "Storage").
  ['database', {} as Record<string, string>],
  ['Redis', { REDIS_URL, REDIS_KEY_PREFIX: prefix }],
])('%s store', (label, env) => {
  let app: TestStrapi;
  let url: string;
  let visitors: VisitorsService;
  const isRedis = label === 'Redis';

  beforeAll(async () => {
    ({ app, url } = await boot(UNLIMITED, env));
    visitors = visitorsOf(app);
    if (isRedis) await waitFor(() => app.strapi.plugin('personalize').service('redis').isReady());
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const send = (body: unknown, headers: Record<string, string> = {}) =>
    request(url)
      .post('/api/personalize/events')
      .set({ 'User-Agent': BROWSER_UA, ...headers })
      .send(body as object);
  const sendText = (text: string, headers: Record<string, string> = {}) =>
    request(url)
      .post('/api/personalize/events')
      .set({ 'User-Agent': BROWSER_UA, 'Content-Type': 'text/plain;charset=UTF-8', ...headers })
      .send(text);
  const me = (visitorId: string) => request(url).get('/api/personalize/me').set('x-personalize-visitor', visitorId);
  const profileOf = async (visitorId: string): Promise<VisitorProfile | null> => {
    const result = await visitors.read(visitorId);
    if ('unavailable' in result) throw new Error('store unavailable');
    return result.profile;
  };

  it(`uses the ${label} store`, () => {
    expect(visitors.storage()).toBe(isRedis ? 'redis' : 'database');
  });

  it('is served by the delivery lane, ahead of strapi::body and the router (JSON and text/plain up to maxBatchBytes)', async () => {
    const visitorId = newVisitorId();
    const json = await routerMatches(() => send(batchOf(visitorId, [pageEvent(['lane'])])));
    expect(json.result.status).toBe(202);
    expect(json.matches).toBe(0);
    // 60 KB of text/plain: over koa-body's 56 KB text limit, under events.maxBatchBytes (64 KB).
    const text = await routerMatches(() =>
      sendText(
        JSON.stringify(
          batchOf(
            visitorId,
            Array.from({ length: 30 }, () => pageEvent([], Date.now(), { path: 't'.repeat(1900) }))
          )
        )
      )
    );
    expect(text.result.status).toBe(202);
    expect(text.result.body.accepted).toBe(30);
    expect(text.matches).toBe(0);
    const empty = await request(url).post('/api/personalize/events').set('Content-Type', 'text/plain').send('');
    expect(empty.status).toBe(400);
    const form = await request(url).post('/api/personalize/events').type('form').send({ visitorId });
    expect(form.status).toBe(400);
  });

  describe('POST /api/personalize/events', () => {
    it('accepts a good batch (application/json) and updates the profile before answering', async () => {
      const visitorId = newVisitorId();
      const response = await send(
        batchOf(visitorId, [pageEvent(['shoes']), viewEvent('doc-1', { tags: ['shoes'], variant: 'v1' }), pageEvent(['bags'])])
      );
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ accepted: 3, rejected: [] });
      const profile = await profileOf(visitorId);
      expect(profile).toMatchObject({
        visits: 1,
        session: { pageviews: 2 },
        recentlyViewed: ['doc-1'],
        consent: { events: true, profiling: true },
      });
      expect(Object.keys(profile!.interests).sort()).toEqual(['bags', 'shoes']);
      expect(profile!.interests.shoes.score).toBeCloseTo(2, 6);
      expect(profile!.caps['api::article.article:doc-1:v1'].view).toHaveLength(1);
      expect(profile!.events).toHaveLength(3);
    });

    it('accepts text/plain (no CORS preflight), parsed as JSON', async () => {
      const visitorId = newVisitorId();
      const response = await sendText(JSON.stringify(batchOf(visitorId, [pageEvent(['hats'])])));
      expect(response.status).toBe(202);
      expect(response.body.accepted).toBe(1);
      expect((await profileOf(visitorId))!.interests.hats).toBeDefined();
      const malformed = await sendText('{"visitorId":');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
    });

    it('keeps the valid events of a partly invalid batch', async () => {
      const visitorId = newVisitorId();
      const response = await send(
        batchOf(visitorId, [
          pageEvent(['ok']),
          { id: newId(), ts: Date.now(), type: 'teleport' },
          pageEvent(['NOT A TAG']),
          viewEvent('doc-2'),
          { id: 'short', ts: Date.now(), type: 'page' },
          { id: newId(), ts: Date.now(), type: 'track', name: 'purchase', value: 42, props: { plan: 'pro' } },
        ])
      );
      expect(response.status).toBe(202);
      expect(response.body.accepted).toBe(3);
      expect(response.body.rejected.map((rejection: { index: number }) => rejection.index)).toEqual([1, 2, 4]);
      for (const rejection of response.body.rejected) expect(typeof rejection.message).toBe('string');
      expect((await profileOf(visitorId))!.events).toHaveLength(3);
    });

    it('counts a repeated batchId once', async () => {
      const visitorId = newVisitorId();
      const batch = batchOf(visitorId, [pageEvent(['dup'])]);
      const first = await send(batch);
      const again = await send(batch);
      const text = await sendText(JSON.stringify(batch));
      expect(first.body).toEqual({ accepted: 1, rejected: [] });
      expect(again.status).toBe(202);
      expect(again.body).toMatchObject({ accepted: 1, duplicate: true });
      expect(text.body).toMatchObject({ duplicate: true });
      const profile = await profileOf(visitorId);
      expect(profile!.events).toHaveLength(1);
      expect(profile!.interests.dup.score).toBe(1);
    });

    it('rebases times on the server clock and drops stale and future events', async () => {
      const visitorId = newVisitorId();
      // The client's clock is an hour fast: times are taken relative to its sentAt.
      const skew = 60 * 60 * 1000;
      const sentAt = Date.now() + skew;
      const before = Date.now();
      const response = await send(
        batchOf(
          visitorId,
          [
            pageEvent(['fresh'], sentAt - 2000),
            pageEvent(['stale'], sentAt - 25 * 60 * 60 * 1000),
            pageEvent(['ahead'], sentAt + 6 * 60 * 1000),
            pageEvent(['soon'], sentAt + 60 * 1000),
          ],
          { sentAt }
        )
      );
      expect(response.status).toBe(202);
      expect(response.body.accepted).toBe(2);
      expect(response.body.rejected).toEqual([
        { index: 1, message: 'older than 24 h' },
        { index: 2, message: 'more than 5 min ahead' },
      ]);
      const profile = await profileOf(visitorId);
      const at = (profile!.events[0] as { at: number }).at;
      expect(at).toBeGreaterThanOrEqual(before - 2000 - 50);
      expect(at).toBeLessThanOrEqual(Date.now() - 2000 + 50);

      const allStale = await send(batchOf(newVisitorId(), [pageEvent([], Date.now() - 2 * 24 * 60 * 60 * 1000)]));
      expect(allStale.status).toBe(202);
      expect(allStale.body.accepted).toBe(0);
    });

    it('answers 413 over maxBatchBytes (JSON and text/plain) and 400 over maxBatch events', async () => {
      const visitorId = newVisitorId();
      const big = batchOf(visitorId, [pageEvent([], Date.now(), { title: 'x'.repeat(70_000) })]);
      const json = await send(big);
      expect(json.status).toBe(413);
      expect(json.body.error).toMatchObject({ status: 413, name: 'PayloadTooLargeError' });
      const text = await sendText(
        JSON.stringify(
          batchOf(
            visitorId,
            Array.from({ length: 40 }, () => pageEvent([], Date.now(), { title: 'y'.repeat(1700) }))
          )
        )
      );
      expect(text.status).toBe(413);
      const many = await send(
        batchOf(
          visitorId,
          Array.from({ length: 51 }, () => pageEvent())
        )
      );
      expect(many.status).toBe(400);
      expect(many.body.error.details.errors[0].path).toEqual(['events']);
      expect(await profileOf(visitorId)).toBeNull();
    });

    it('answers 400 for a malformed envelope', async () => {
      const visitorId = newVisitorId();
      const cases: unknown[] = [
        {},
        [],
        { visitorId, batchId: newId(), sentAt: Date.now(), events: [] },
        { visitorId: 'short', batchId: newId(), sentAt: Date.now(), events: [pageEvent()] },
        { visitorId, batchId: 'x', sentAt: Date.now(), events: [pageEvent()] },
        { visitorId, batchId: newId(), sentAt: 'now', events: [pageEvent()] },
        { visitorId, batchId: newId(), sentAt: Date.now(), events: 'page' },
        { visitorId, batchId: newId(), sentAt: Date.now(), consent: { events: 'yes' }, events: [pageEvent()] },
      ];
      for (const body of cases) {
        const response = await send(body);
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ data: null, error: { status: 400 } });
      }
      const notJson = await request(url).post('/api/personalize/events').set('Content-Type', 'application/json').send('{nope');
      expect(notJson.status).toBe(400);
    });

    it('refuses malicious batches without a 5xx: prototype keys, deep nesting, huge strings', async () => {
      const visitorId = newVisitorId();
      const proto = await sendText(
        `{"__proto__":{"polluted":true},"visitorId":"${visitorId}","batchId":"${newId()}","sentAt":${Date.now()},"events":[]}`
      );
      expect(proto.status).toBe(400);
      const protoJson = await request(url)
        .post('/api/personalize/events')
        .set('Content-Type', 'application/json')
        .send(
          `{"constructor":{"prototype":{"polluted":true}},"visitorId":"${visitorId}","batchId":"${newId()}","sentAt":${Date.now()},"events":[{}]}`
        );
      expect(protoJson.status).toBe(400);
      const inEvent = await sendText(
        JSON.stringify(batchOf(visitorId, [pageEvent(['a'])])).replace(
          '"type":"page"',
          '"type":"page","__proto__":{"polluted":true}'
        )
      );
      expect(inEvent.status).toBe(202);
      expect(inEvent.body.accepted).toBe(0);
      expect(inEvent.body.rejected[0].message).toMatch(/forbidden key/);
      const props = await sendText(
        `{"visitorId":"${visitorId}","batchId":"${newId()}","sentAt":${Date.now()},"consent":{"events":true},"events":[{"id":"${newId()}","ts":${Date.now()},"type":"track","name":"buy","props":{"__proto__":{"x":1}}}]}`
      );
      expect(props.status).toBe(202);
      expect(props.body.accepted).toBe(0);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();

      // 20 000 levels of arrays (JSON.stringify itself would overflow on it: written by hand).
      const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
      for (const send of [
        sendText,
        (text: string) => request(url).post('/api/personalize/events').set('Content-Type', 'application/json').send(text),
      ]) {
        const nested = await send(
          JSON.stringify(batchOf(visitorId, [{ ...pageEvent(), extra: 0 }, pageEvent()])).replace('"extra":0', `"extra":${deep}`)
        );
        expect(nested.status).toBe(202);
        expect(nested.body.accepted).toBe(1);
        expect(nested.body.rejected).toEqual([{ index: 0, message: expect.stringMatching(/nesting too deep/) }]);
        const nestedEnvelope = await send(`{"visitorId":${deep}}`);
        expect(nestedEnvelope.status).toBe(400);
      }

      const huge = await send(
        batchOf(visitorId, [pageEvent([], Date.now(), { path: 'p'.repeat(5000) }), pageEvent(['x'.repeat(65)])])
      );
      expect(huge.status).toBe(202);
      expect(huge.body.accepted).toBe(0);
      expect(huge.body.rejected).toHaveLength(2);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('never answers a 5xx to random input (fuzz)', async () => {
      const visitorId = newVisitorId();
      const eventLike = fc.record(
        {
          id: fc.oneof(fc.string({ minLength: 0, maxLength: 70 }), fc.constant(newId())),
          ts: fc.oneof(fc.integer(), fc.double(), fc.constant(Date.now()), fc.string()),
          type: fc.oneof(fc.constantFrom('page', 'view', 'click', 'hover', 'dismiss', 'engage', 'track'), fc.string()),
          tags: fc.array(fc.string(), { maxLength: 25 }),
          uid: fc.oneof(fc.constant('api::article.article'), fc.string()),
          documentId: fc.string({ maxLength: 70 }),
          variant: fc.oneof(fc.constant(null), fc.string({ maxLength: 70 })),
          name: fc.string(),
          props: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })),
          quickExit: fc.anything({ maxDepth: 1 }),
        },
        { requiredKeys: [] }
      );
      const body = fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        fc.record(
          {
            visitorId: fc.oneof(fc.constant(visitorId), fc.string()),
            batchId: fc.oneof(fc.constant(newId()), fc.string()),
            sentAt: fc.oneof(fc.constant(Date.now()), fc.double(), fc.string()),
            consent: fc.oneof(fc.constant({ events: true, profiling: true }), fc.jsonValue({ maxDepth: 2 })),
            events: fc.oneof(fc.array(eventLike, { maxLength: 60 }), fc.jsonValue({ maxDepth: 3 })),
          },
          { requiredKeys: [] }
        )
      );
      await fc.assert(
        fc.asyncProperty(body, fc.boolean(), async (value, asText) => {
          const response = asText
            ? await sendText(JSON.stringify(value) ?? 'null')
            : await send(JSON.stringify(value), { 'Content-Type': 'application/json' });
          expect([202, 400, 413]).toContain(response.status);
          expect(response.headers['content-type']).toMatch(/json/);
        }),
        { numRuns: 150 }
      );
    });

    it('sees the new profile on the very next read, every time (500 tries)', async () => {
      const visitorId = newVisitorId();
      let fresh = 0;
      for (let attempt = 0; attempt < 500; attempt += 1) {
        const event = pageEvent([`t${attempt % 40}`]);
        const response = await send(batchOf(visitorId, [event]));
        expect(response.status).toBe(202);
        const profile = await profileOf(visitorId);
        if (profile!.events.some((stored) => (stored as { id: string }).id === event.id)) fresh += 1;
      }
      expect(fresh).toBe(500);
      // And over HTTP, through GET /me.
      for (let attempt = 0; attempt < 50; attempt += 1) {
        const event = pageEvent(['http']);
        await send(batchOf(visitorId, [event]));
        const response = await me(visitorId);
        expect(response.body.data.events.some((stored: { id: string }) => stored.id === event.id)).toBe(true);
      }
    });

    it('keeps one profile under concurrent batches of one visitor (compare-and-set)', async () => {
      const visitorId = newVisitorId();
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, index) => send(batchOf(visitorId, [pageEvent(['race'], Date.now() + index)])))
      );
      expect(responses.every((response) => response.status === 202)).toBe(true);
      const profile = await profileOf(visitorId);
      expect(profile!.events).toHaveLength(20);
      expect(profile!.interests.race.score).toBeGreaterThan(19.99);
    });
  });

  describe('decay on the store', () => {
    it('matches score(t) = Σ wᵢ·2^(−(t−tᵢ)/H) within 1e-9 for random batchings and arrival orders (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          decayVectors({ maxEvents: 40, base: Date.now() - 20 * 24 * 60 * 60 * 1000, spanMs: 20 * 24 * 60 * 60 * 1000 }),
          async (vector) => {
            const visitorId = newVisitorId();
            for (const batch of vector.batches) {
              const outcome = await visitors.ingest({
                visitorId,
                batchId: newId(),
                events: batch,
                receivedAt: Math.max(...batch.map((event) => event.at)),
                consent: { events: true, profiling: true },
              });
              expect(outcome.status).toBe('applied');
            }
            const profile = (await profileOf(visitorId))!;
            const actual = profileSignals(profile, vector.readAt).interests;
            const expected = expectedScores(vector.events, vector.readAt, 7);
            for (const tag of TAGS) {
              const want = expected[tag] ?? 0;
              if (want >= 0.0101) expect(Math.abs(actual[tag] - want) / want).toBeLessThan(1e-9);
              else if (want < 0.0099) expect(actual[tag]).toBeUndefined();
            }
            // A score halves after one half-life.
            const later = profileSignals(profile, vector.readAt + 7 * 24 * 60 * 60 * 1000).interests;
            for (const tag of Object.keys(later)) expect(Math.abs(later[tag] / actual[tag] - 0.5)).toBeLessThan(1e-9);
          }
        ),
        { numRuns: 25 }
      );
    });
  });

  describe('consent, GPC and bots', () => {
    const storedNowhere = async (visitorId: string) => {
      expect(await profileOf(visitorId)).toBeNull();
      if (isRedis) {
        const keys = await keysOf(visitors.hash(visitorId));
        // Nothing but the per-visitor rate-limit counter (and only when limits are on: they are off here).
        expect(keys).toEqual([]);
        const stream = await redis.xrange(visitorKeys(prefix, visitors.hash(visitorId)).stream, '-', '+');
        expect(stream.some(([, fields]) => fields.includes(visitors.hash(visitorId)))).toBe(false);
      }
    };

    it('stores nothing without consent under opt-in (the default)', async () => {
      const visitorId = newVisitorId();
      for (const consent of [undefined, null, { events: null, profiling: null }, { events: false, profiling: true }]) {
        const response = await send(batchOf(visitorId, [pageEvent(['x'])], { consent }));
        expect(response.status).toBe(202);
        expect(response.body).toMatchObject({ accepted: 0, ignored: 'no-consent' });
      }
      await storedNowhere(visitorId);
    });

    it('stores nothing from bots', async () => {
      const visitorId = newVisitorId();
      const response = await send(batchOf(visitorId, [pageEvent(['x'])]), { 'User-Agent': BOT_UA });
      expect(response.status).toBe(202);
      expect(response.body).toMatchObject({ accepted: 0, ignored: 'bot' });
      await storedNowhere(visitorId);
    });

    it('builds no profile under Sec-GPC: 1, and remembers it', async () => {
      const visitorId = newVisitorId();
      const response = await send(batchOf(visitorId, [pageEvent(['x']), viewEvent('doc-9', { tags: ['y'] })]), {
        'Sec-GPC': '1',
      });
      expect(response.body.accepted).toBe(2);
      const profile = await profileOf(visitorId);
      expect(profile).toMatchObject({ interests: {}, recentlyViewed: [], consent: { events: true, profiling: true, gpc: true } });
      expect(visitors.consentOf(profile, { gpc: true })).toEqual({ events: true, profiling: false });
    });

    it('remembers the last consent sent, and erases the profile when events consent is withdrawn', async () => {
      const visitorId = newVisitorId();
      await send(batchOf(visitorId, [pageEvent(['x'])]));
      const without = await send(batchOf(visitorId, [pageEvent(['y'])], { consent: undefined }));
      expect(without.body.accepted).toBe(1);
      expect(Object.keys((await profileOf(visitorId))!.interests).sort()).toEqual(['x', 'y']);
      expect(visitors.consentOf(await profileOf(visitorId))).toEqual({ events: true, profiling: true });

      const noProfiling = await send(batchOf(visitorId, [pageEvent(['z'])], { consent: { events: true, profiling: false } }));
      expect(noProfiling.body.accepted).toBe(1);
      expect((await profileOf(visitorId))!.interests).toEqual({});

      const withdrawn = await send(batchOf(visitorId, [pageEvent(['z'])], { consent: { events: false, profiling: false } }));
      expect(withdrawn.body).toMatchObject({ accepted: 0, ignored: 'no-consent' });
      expect(await profileOf(visitorId)).toBeNull();
    });
  });

  describe('privacy', () => {
    it('GET /me returns everything stored: raw and decayed profile, events, caps, consent, exposures', async () => {
      const visitorId = newVisitorId();
      await send(batchOf(visitorId, [pageEvent(['shoes']), viewEvent('doc-3', { variant: 'v2', tags: ['shoes'] })]));
      await visitors.recordServe(visitorId, 'api::article.article:doc-3:v2');
      const response = await me(visitorId);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const data = response.body.data;
      expect(data.visitor.hash).toBe(visitors.hash(visitorId));
      expect(JSON.stringify(data)).not.toContain(visitorId);
      expect(data.profile.interests.shoes.score).toBeCloseTo(2, 6);
      expect(data.decayed.interests.shoes).toBeCloseTo(2, 3);
      expect(data.decayed).toMatchObject({ visits: 1, topInterests: ['shoes'], recentlyViewed: ['doc-3'] });
      expect(data.events).toHaveLength(2);
      expect(data.caps['api::article.article:doc-3:v2']).toMatchObject({
        view: [expect.any(Number)],
        serve: [expect.any(Number)],
      });
      expect(data.profile.session.personalizedServes).toBe(1);
      expect(data.consent).toMatchObject({ events: true, profiling: true });
      expect(data.exposures).toEqual({});
      expect(data.suppressed).toBeNull();

      const nobody = await me(newVisitorId());
      expect(nobody.status).toBe(200);
      expect(nobody.body.data).toMatchObject({ profile: null, events: [], suppressed: null });
    });

    it('answers 400 for a missing or malformed visitor id', async () => {
      expect((await request(url).get('/api/personalize/me')).status).toBe(400);
      expect((await request(url).get('/api/personalize/me').set('x-personalize-visitor', 'short')).status).toBe(400);
      expect((await request(url).delete('/api/personalize/me').set('x-personalize-visitor', 'bad id with spaces!!')).status).toBe(
        400
      );
      expect((await request(url).post('/api/personalize/optout')).status).toBe(400);
    });

    it('DELETE /me erases every key of the visitor, keeps a marker, drops events in flight, and accepts new ones', async () => {
      const visitorId = newVisitorId();
      const hash = visitors.hash(visitorId);
      const inFlight = pageEvent(['old']);
      await send(batchOf(visitorId, [pageEvent(['shoes'])]));
      await visitors.recordServe(visitorId, 'api::article.article:doc:v');
      if (isRedis) {
        // The profile, its batch ids, and the ids of its entries in the event stream.
        const keys = visitorKeys(prefix, hash);
        expect(await keysOf(hash)).toEqual([keys.profile, keys.batches, keys.entries]);
      } else {
        // The profile, its batch id and the batch in the event log.
        expect(await rowsOf(app, hash)).toEqual(['personalize_batches:', 'personalize_events:', 'personalize_profiles:']);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
      const erased = await request(url).delete('/api/personalize/me').set('x-personalize-visitor', visitorId);
      expect(erased.status).toBe(202);
      expect(await profileOf(visitorId)).toBeNull();
      if (isRedis) expect(await keysOf(hash)).toEqual([visitorKeys(prefix, hash).marker]);
      else expect(await rowsOf(app, hash)).toEqual(['personalize_markers:erased']);
      const after = await me(visitorId);
      expect(after.body.data).toMatchObject({ profile: null, suppressed: { kind: 'erased' } });
      expect(JSON.stringify(after.body.data.suppressed)).not.toContain(visitorId);

      // An event from before the erasure, still in flight, is dropped.
      const late = await send(batchOf(visitorId, [inFlight]));
      expect(late.body).toMatchObject({ accepted: 0, ignored: 'suppressed' });
      expect(await profileOf(visitorId)).toBeNull();
      // The visitor carries on browsing: a new profile starts.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const fresh = await send(batchOf(visitorId, [pageEvent(['new'])]));
      expect(fresh.body.accepted).toBe(1);
      expect(Object.keys((await profileOf(visitorId))!.interests)).toEqual(['new']);
    });

    it('POST /optout erases and suppresses for the retention period', async () => {
      const visitorId = newVisitorId();
      const hash = visitors.hash(visitorId);
      await send(batchOf(visitorId, [pageEvent(['shoes'])]));
      const response = await request(url).post('/api/personalize/optout').set('x-personalize-visitor', visitorId);
      expect(response.status).toBe(204);
      expect(await profileOf(visitorId)).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const later = await send(batchOf(visitorId, [pageEvent(['again'])]));
      expect(later.body).toMatchObject({ accepted: 0, ignored: 'suppressed' });
      expect(await visitors.recordServe(visitorId, 'k:k:k')).toBe(false);
      expect(await profileOf(visitorId)).toBeNull();
      // An erasure afterwards does not lift the opt-out.
      await request(url).delete('/api/personalize/me').set('x-personalize-visitor', visitorId);
      expect((await me(visitorId)).body.data.suppressed).toMatchObject({ kind: 'optout' });
      if (isRedis) {
        expect(await keysOf(hash)).toEqual([visitorKeys(prefix, hash).marker]);
        const ttl = await redis.pttl(visitorKeys(prefix, hash).marker);
        expect(ttl).toBeGreaterThan(89 * 24 * 60 * 60 * 1000);
      } else {
        expect(await rowsOf(app, hash)).toEqual(['personalize_markers:optout']);
      }
    });

    it('admin: POST /personalize/visitors/lookup and /erase under plugin::personalize.visitors, the id in the body', async () => {
      const visitorId = newVisitorId();
      await send(batchOf(visitorId, [pageEvent(['admin'])]));
      const { token } = await createAdminSession(app.strapi);
      const role = await app.strapi.service('admin::role').create({ name: `no-visitors-${label}`, description: 'read only' });
      await app.strapi.service('admin::role').assignPermissions(role.id, [{ action: 'plugin::personalize.read', subject: null }]);
      const { token: readOnly } = await createAdminSession(app.strapi, { roleId: role.id });
      const lookup = (body: object, bearer?: string) => {
        const call = request(url).post('/personalize/visitors/lookup');
        return (bearer ? call.set('Authorization', `Bearer ${bearer}`) : call).send(body);
      };
      const erase = (body: object, bearer?: string) => {
        const call = request(url).post('/personalize/visitors/erase');
        return (bearer ? call.set('Authorization', `Bearer ${bearer}`) : call).send(body);
      };

      expect((await lookup({ visitorId })).status).toBe(401);
      expect((await erase({ visitorId })).status).toBe(401);
      expect((await lookup({ visitorId }, readOnly)).status).toBe(403);
      expect((await erase({ visitorId }, readOnly)).status).toBe(403);
      const found = await lookup({ visitorId }, token);
      expect(found.status).toBe(200);
      expect(found.body.data.profile.interests.admin).toBeDefined();
      for (const bad of [{ visitorId: 'nope' }, {}, { visitorId, extra: 1 }, { visitorId: 42 }]) {
        const refused = await lookup(bad, token);
        expect(refused.status).toBe(400);
        expect(refused.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
        expect((await erase(bad, token)).status).toBe(400);
      }
      expect((await lookup({ visitorId: 'nope' }, token)).body.error.details.errors[0].path).toEqual(['visitorId']);
      // The id never appears in a URL, so never in Strapi's request log: the former path routes are gone.
      for (const method of ['get', 'delete'] as const) {
        const former = await request(url)[method](`/personalize/visitors/${visitorId}`).set('Authorization', `Bearer ${token}`);
        expect([404, 405]).toContain(former.status);
      }
      expect(await profileOf(visitorId)).not.toBeNull();
      const erased = await erase({ visitorId }, token);
      expect(erased.status).toBe(202);
      expect(erased.body).toEqual({ data: { erased: true } });
      expect(await profileOf(visitorId)).toBeNull();
    });
  });

  describe('the visitors service', () => {
    it('hashes visitor ids with HMAC-SHA256 (22 base64url characters), never storing them raw', async () => {
      const visitorId = newVisitorId();
      const hash = visitors.hash(visitorId);
      expect(hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(visitors.hash(visitorId)).toBe(hash);
      expect(visitors.hash(newVisitorId())).not.toBe(hash);
      await send(batchOf(visitorId, [pageEvent(['x'])]));
      if (isRedis) {
        const raw = await redis.get(visitorKeys(prefix, hash).profile);
        expect(raw).not.toContain(visitorId);
        const stream = await redis.xrevrange(visitorKeys(prefix, hash).stream, '+', '-', 'COUNT', 5);
        const entry = stream.find(([, fields]) => fields[fields.indexOf('v') + 1] === hash);
        expect(entry).toBeDefined();
        expect(JSON.stringify(entry)).not.toContain(visitorId);
        expect(JSON.parse(entry![1][entry![1].indexOf('events') + 1])).toHaveLength(1);
      }
    });

    it('reads a profile, records serves and gives the profile signals', async () => {
      const visitorId = newVisitorId();
      expect(await visitors.read(visitorId)).toEqual({ profile: null });
      await send(batchOf(visitorId, [pageEvent(['a', 'b']), pageEvent(['b'])]));
      expect(await visitors.recordServe(visitorId, 'api::article.article:d:v')).toBe(true);
      expect(await visitors.recordServe(visitorId, null)).toBe(true);
      const profile = (await profileOf(visitorId))!;
      expect(profile.session.personalizedServes).toBe(2);
      expect(profile.caps['api::article.article:d:v'].serve).toHaveLength(1);
      const signals = visitors.signalsOf(profile);
      expect(signals).toMatchObject({ visits: 1, firstSeenDays: 0, daysSinceLastVisit: 0, topInterests: ['b', 'a'] });
      expect(visitors.consentOf(null)).toEqual({ events: false, profiling: false });
      expect(visitors.isBot(BOT_UA)).toBe(true);
      expect(visitors.isBot(BROWSER_UA)).toBe(false);
    });
  });
});

describe('opt-out consent mode', () => {
  let target: { app: TestStrapi; url: string };

  beforeAll(async () => {
    target = await boot(
      { ...UNLIMITED, visitors: { consent: 'opt-out', honorGpc: false } },
      { PLAYGROUND_DELIVERY_LANE: 'auto' }
    );
  });

  afterAll(async () => {
    await target?.app.destroy();
  });

  it('stores events until the visitor says no; GPC ignored with honorGpc false; text/plain with the lane after strapi::body', async () => {
    const visitorId = newVisitorId();
    const response = await request(target.url)
      .post('/api/personalize/events')
      .set({ 'User-Agent': BROWSER_UA, 'Content-Type': 'text/plain', 'Sec-GPC': '1' })
      .send(JSON.stringify(batchOf(visitorId, [pageEvent(['x'])], { consent: undefined })));
    expect(response.status).toBe(202);
    expect(response.body.accepted).toBe(1);
    const result = await visitorsOf(target.app).read(visitorId);
    expect('profile' in result && result.profile?.interests.x).toBeTruthy();
    // The lane the plugin adds after strapi::body serves events too.
    const laned = await routerMatches(() =>
      request(target.url)
        .post('/api/personalize/events')
        .set('User-Agent', BROWSER_UA)
        .send(batchOf(visitorId, [pageEvent(['y'])]))
    );
    expect(laned.result.status).toBe(202);
    expect(laned.matches).toBe(0);
    const no = await request(target.url)
      .post('/api/personalize/events')
      .set({ 'User-Agent': BROWSER_UA })
      .send(batchOf(newVisitorId(), [pageEvent(['x'])], { consent: { events: false } }));
    expect(no.body).toMatchObject({ accepted: 0, ignored: 'no-consent' });
  });
});

describe.each([
  ['in memory', {} as Record<string, string>],
  ['in Redis', { REDIS_URL, REDIS_KEY_PREFIX: `${prefix}rl:` }],
])('events rate limits (%s)', (_label, env) => {
  let target: { app: TestStrapi; url: string };

  beforeAll(async () => {
    target = await boot(
      { rateLimit: { anonymous: { points: 1 } }, events: { rateLimit: { perVisitor: 3, perIp: 6, durationSec: 60 } } },
      env
    );
  });

  afterAll(async () => {
    await target?.app.destroy();
  });

  const send = (visitorId: string) =>
    request(target.url)
      .post('/api/personalize/events')
      .set('User-Agent', BROWSER_UA)
      .send(batchOf(visitorId, [pageEvent()]));

  it('limits per visitor and per IP with 429 and Retry-After, on a budget of their own', async () => {
    const visitorId = newVisitorId();
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await send(visitorId)).status);
    // Not the anonymous budget of the other public routes (1 here).
    expect(statuses).toEqual([202, 202, 202, 429]);
    const limited = await send(visitorId);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ data: null, error: { status: 429, name: 'RateLimitError' } });
    // Per IP: 6 batches a minute whatever the visitor (5 counted above).
    expect((await send(newVisitorId())).status).toBe(202);
    expect((await send(newVisitorId())).status).toBe(429);
  });
});

describe('Redis down', () => {
  it('answers 503 with Retry-After to events and privacy requests, never a crash, and recovers', async () => {
    const proxy = await createTcpProxy(REDIS_PORT);
    const target = await boot(UNLIMITED, { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_KEY_PREFIX: prefix });
    try {
      const redisService = target.app.strapi.plugin('personalize').service('redis');
      await waitFor(() => redisService.isReady());
      const visitors = visitorsOf(target.app);
      const visitorId = newVisitorId();
      const send = () =>
        request(target.url)
          .post('/api/personalize/events')
          .set('User-Agent', BROWSER_UA)
          .send(batchOf(visitorId, [pageEvent(['x'])]));
      expect((await send()).status).toBe(202);

      await proxy.cut();
      await waitFor(() => !redisService.isReady());
      const down = await send();
      expect(down.status).toBe(503);
      expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
      expect(down.body).toMatchObject({ data: null, error: { status: 503, name: 'ServiceUnavailableError' } });
      expect(await visitors.read(visitorId)).toEqual({ unavailable: true });
      expect(await visitors.recordServe(visitorId, 'a:b:c')).toBe(false);
      const meDown = await request(target.url).get('/api/personalize/me').set('x-personalize-visitor', visitorId);
      expect(meDown.status).toBe(503);
      expect((await request(target.url).delete('/api/personalize/me').set('x-personalize-visitor', visitorId)).status).toBe(503);
      // Bad input is still a 4xx, and consent-less or bot batches still a 202 (nothing to store).
      expect((await request(target.url).post('/api/personalize/events').send({})).status).toBe(400);
      expect(
        (
          await request(target.url)
            .post('/api/personalize/events')
            .set('User-Agent', BOT_UA)
            .send(batchOf(visitorId, [pageEvent()]))
        ).status
      ).toBe(202);
      const refused = await request(target.url)
        .post('/api/personalize/events')
        .set('User-Agent', BROWSER_UA)
        .send(batchOf(visitorId, [pageEvent()], { consent: { events: false } }));
      expect(refused.status).toBe(202);
      expect(refused.body).toMatchObject({ accepted: 0, ignored: 'no-consent' });

      await proxy.restore();
      await waitFor(() => redisService.isReady(), 15_000);
      expect((await send()).status).toBe(202);
      const result = await visitors.read(visitorId);
      expect('profile' in result && result.profile?.events).toHaveLength(2);
    } finally {
      await target.app.destroy();
      await proxy.close();
    }
  });
});
