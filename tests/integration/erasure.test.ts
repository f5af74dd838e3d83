import { randomUUID } from 'node:crypto';

import Redis from 'ioredis';
import request from 'supertest';

import { emptyProfile } from '../../engine/src/profile/apply';
import { createRedisStore, shardOf, visitorKeys } from '../../server/src/storage/redis-store';
import type { VisitorStore } from '../../server/src/storage/store';
import type { VisitorsService } from '../../server/src/visitors/service';
import { captureLogs } from '../helpers/logs';
import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { batchOf, BROWSER_UA, newId, newVisitorId, pageEvent, viewEvent } from '../helpers/events';
import { eventually, trackEvent } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { startStrapiProcess, type StrapiProcess } from '../helpers/strapi-process';

/**
 * Erasure erases everything (docs/events.md, "Privacy endpoints"): after `DELETE /api/personalize/me`,
 * `POST /api/personalize/optout` or the admin's erase, a scan of every key under the test's Redis
 * prefix, read by type (strings, hashes, sets, sorted sets, lists, streams), finds nothing of the
 * visitor (neither the raw id nor its HMAC) but the suppression marker, with two Strapi instances
 * sharing Redis; and the in-process store's export shows nothing but the marker.
 */

const REDIS_PORT = 6379;
const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;
const prefix = `pz-test-er-${randomUUID().slice(0, 8)}:`;
const redis = new Redis(REDIS_PORT, '127.0.0.1', { lazyConnect: true });

type Target = Parameters<typeof request>[0];

const OFFER = { id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off today' } };

beforeAll(async () => {
  await redis.connect();
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

/** Every key under the prefix with its whole content as text, whatever its type. */
const dumpPrefix = async (): Promise<Array<{ key: string; type: string; content: string }>> => {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  const dump = [];
  for (const key of [...new Set(keys)].sort()) {
    const type = await redis.type(key);
    let content: unknown;
    if (type === 'string') content = await redis.get(key);
    else if (type === 'hash') content = await redis.hgetall(key);
    else if (type === 'set') content = await redis.smembers(key);
    else if (type === 'zset') content = await redis.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'list') content = await redis.lrange(key, 0, -1);
    else if (type === 'stream') content = await redis.xrange(key, '-', '+');
    else if (type === 'none')
      continue; // expired meanwhile
    else throw new Error(`a key of a type the scan cannot read: ${key} (${type})`);
    dump.push({ key, type, content: JSON.stringify(content) });
  }
  return dump;
};

/** The keys (by name or content) that mention any of `needles`. */
const mentions = (dump: Awaited<ReturnType<typeof dumpPrefix>>, needles: string[]) =>
  dump
    .filter(({ key, content }) => needles.some((needle) => key.includes(needle) || content.includes(needle)))
    .map(({ key }) => key);

describe('erasure with two instances sharing Redis', () => {
  let first: TestStrapi;
  let second: StrapiProcess;
  let token: string;
  let documentId: string;
  let experimentKey: string;
  let hashOf: (visitorId: string) => string;

  beforeAll(async () => {
    first = await setupStrapi({ env: { REDIS_URL, REDIS_KEY_PREFIX: prefix } });
    await grantPublic(first.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
    token = (await createAdminSession(first.strapi)).token;
    second = await startStrapiProcess({ DATABASE_FILENAME: process.env.DATABASE_FILENAME!, REDIS_URL, REDIS_KEY_PREFIX: prefix });
    const visitors = first.strapi.plugin('personalize').service('visitors') as VisitorsService;
    hashOf = (visitorId) => visitors.hash(visitorId);

    // An article in a running experiment: its visitors get exposures, counters and serves.
    ({ documentId } = await createArticle(first.strapi, { title: 'Published title', variants: { variants: [OFFER] } }));
    experimentKey = `erasure-${randomUUID().slice(0, 6)}`;
    const created = await admin('post', '/personalize/experiments', {
      key: experimentKey,
      name: 'Erasure',
      target: { uid: ARTICLE_UID, documentId },
      arms: [
        { key: 'control', weight: 0.5, variants: [] },
        { key: 'offer', weight: 0.5, variants: ['v_offer'] },
      ],
      traffic: 1,
      goal: { event: 'signup', kind: 'conversion', windowHours: 24 },
    });
    expect(created.status).toBe(201);
    expect((await admin('post', `/personalize/experiments/${created.body.data.documentId}/start`)).status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await second?.stop();
    await first?.destroy();
  });

  const admin = (method: 'get' | 'post', path: string, body?: object) => {
    const call = request(first.server)[method](path).set('Authorization', `Bearer ${token}`);
    return body ? call.send(body) : call;
  };

  const events = (target: Target, visitorId: string, list: object[]) =>
    request(target).post('/api/personalize/events').set('User-Agent', BROWSER_UA).send(batchOf(visitorId, list));

  /**
   * Everything a visitor leaves behind, half through each instance: page views with titles and tags,
   * a view, a click, engagement, a goal, resolves (a serve, an exposure), the rate-limit counter.
   */
  const browse = async (visitorId: string) => {
    const here = await events(first.server, visitorId, [
      pageEvent(['pricing'], Date.now(), { path: '/pricing', title: 'Pricing' }),
      viewEvent(documentId, { tags: ['offers'], variant: 'v_offer' }),
      { id: newId(), ts: Date.now(), type: 'click', uid: ARTICLE_UID, documentId },
    ]);
    expect(here.body).toMatchObject({ accepted: 3 });
    for (const target of [first.server, second.url]) {
      const resolved = await request(target)
        .post('/api/personalize/resolve')
        .set('User-Agent', BROWSER_UA)
        .send({ uid: ARTICLE_UID, documentId, visitorId });
      expect(resolved.status).toBe(200);
    }
    const there = await events(second.url, visitorId, [
      { id: newId(), ts: Date.now(), type: 'engage', dwellSec: 42, scrollDepth: 80, clicks: 1 },
      trackEvent('signup'),
    ]);
    expect(there.body).toMatchObject({ accepted: 2 });
    // The serve and exposure are counted after the response.
    await eventually(async () => {
      const me = await request(second.url).get('/api/personalize/me').set('x-personalize-visitor', visitorId);
      expect(me.body.data.exposures[experimentKey]).toBeDefined();
      expect(me.body.data.events).toHaveLength(5);
    });
    const needles = [visitorId, hashOf(visitorId)];
    // Before: the visitor is in the event stream, as the scan sees it.
    const stream = mentions(await dumpPrefix(), needles);
    expect(stream).toContain(visitorKeys(prefix, hashOf(visitorId)).stream);
    return needles;
  };

  /** After an erasure, only the marker key is left of the visitor, and the lookup says so. */
  const onlyTheMarkerLeft = async (visitorId: string, kind: 'erased' | 'optout', control: string) => {
    const hash = hashOf(visitorId);
    const dump = await dumpPrefix();
    expect(mentions(dump, [visitorId, hash])).toEqual([visitorKeys(prefix, hash).marker]);
    // The marker itself holds no personal data.
    expect(dump.find(({ key }) => key === visitorKeys(prefix, hash).marker)?.content).toMatch(new RegExp(`^"${kind}:\\d+"$`));
    // The scan does see a visitor who was not erased (the control), in the stream too.
    expect(mentions(dump, [hashOf(control)])).toContain(visitorKeys(prefix, hashOf(control)).stream);
    // The admin says what remains: the marker, and until when.
    const lookup = await admin('post', '/personalize/visitors/lookup', { visitorId });
    expect(lookup.status).toBe(200);
    const { data } = lookup.body;
    expect(data).toMatchObject({ profile: null, events: [], exposures: {}, consent: null, suppressed: { kind } });
    const ttl = await redis.pttl(visitorKeys(prefix, hash).marker);
    expect(Math.abs(data.suppressed.until - (Date.now() + ttl))).toBeLessThan(5000);
  };

  let control: string;

  it('keeps a visitor who was not erased (the scan sees them)', async () => {
    control = newVisitorId();
    await browse(control);
  });

  it('DELETE /api/personalize/me on one instance leaves nothing of the visitor but the marker, events in flight included', async () => {
    const visitorId = newVisitorId();
    await browse(visitorId);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const inFlight = pageEvent(['late'], Date.now() - 1000, { path: '/late', title: 'Late' });
    const erased = await request(second.url).delete('/api/personalize/me').set('x-personalize-visitor', visitorId);
    expect(erased.status).toBe(202);
    // A batch still in flight, through the other instance: dropped.
    const late = await events(first.server, visitorId, [inFlight]);
    expect(late.body).toMatchObject({ accepted: 0, ignored: 'suppressed' });
    await onlyTheMarkerLeft(visitorId, 'erased', control);
  });

  it('POST /api/personalize/optout leaves nothing of the visitor but the marker, and keeps it so', async () => {
    const visitorId = newVisitorId();
    await browse(visitorId);
    const response = await request(first.server).post('/api/personalize/optout').set('x-personalize-visitor', visitorId);
    expect(response.status).toBe(204);
    const later = await events(second.url, visitorId, [pageEvent(['again'])]);
    expect(later.body).toMatchObject({ accepted: 0, ignored: 'suppressed' });
    await onlyTheMarkerLeft(visitorId, 'optout', control);
  });

  it("the admin's erase leaves nothing of the visitor but the marker", async () => {
    const visitorId = newVisitorId();
    await browse(visitorId);
    const erased = await admin('post', '/personalize/visitors/erase', { visitorId });
    expect(erased.status).toBe(202);
    await onlyTheMarkerLeft(visitorId, 'erased', control);
  });
});

describe('erasure with the in-process store', () => {
  let app: TestStrapi;
  let capture: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    capture = captureLogs(); // the startup warnings (tests/helpers/logs.ts)
    // The in-process store through the deprecated events.transport (the default without Redis is the database).
    app = await setupStrapi({
      env: {
        REDIS_URL: undefined,
        REDIS_KEY_PREFIX: undefined,
        LOG_LEVEL: 'warn',
        PERSONALIZE_CONFIG: JSON.stringify({ events: { transport: 'inline' } }),
      },
    });
  });

  afterAll(async () => {
    capture?.restore();
    await app?.destroy();
  });

  it('warns once at startup that memory loses everything on restart, and that events.transport is deprecated', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    capture?.restore();
    const lines = capture.logged.join('\n').split('\n');
    expect(lines.filter((line) => line.includes('storage is memory: visitor profiles'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes("events.transport is deprecated: use storage: 'memory'"))).toHaveLength(1);
  });

  it.each([
    ['DELETE /api/personalize/me', 'erased'],
    ['POST /api/personalize/optout', 'optout'],
  ] as const)('%s: the export shows nothing but the marker', async (_route, kind) => {
    const visitors = app.strapi.plugin('personalize').service('visitors') as VisitorsService;
    expect(visitors.storage()).toBe('memory');
    const visitorId = newVisitorId();
    const batch = batchOf(visitorId, [pageEvent(['shoes'], Date.now(), { title: 'Shoes' }), trackEvent('signup')]);
    const sent = await request(app.server).post('/api/personalize/events').set('User-Agent', BROWSER_UA).send(batch);
    expect(sent.body).toMatchObject({ accepted: 2 });
    const call = request(app.server);
    const erased = await (kind === 'erased' ? call.delete('/api/personalize/me') : call.post('/api/personalize/optout')).set(
      'x-personalize-visitor',
      visitorId
    );
    expect(erased.status).toBe(kind === 'erased' ? 202 : 204);
    const me = await request(app.server).get('/api/personalize/me').set('x-personalize-visitor', visitorId);
    const { data } = me.body;
    expect(data).toEqual({
      visitor: { hash: visitors.hash(visitorId) },
      profile: null,
      decayed: null,
      events: [],
      caps: {},
      consent: null,
      exposures: {},
      suppressed: { kind, at: expect.any(Number), until: expect.any(Number) },
    });
    expect(data.suppressed.until).toBeGreaterThan(Date.now() + (kind === 'erased' ? 23 : 89 * 24) * 3600_000);
    // Nor is the batch remembered: the store keeps nothing of it.
    const snapshot = await visitors.store().snapshot(visitors.hash(visitorId), batch.batchId);
    expect(snapshot).toEqual({
      profile: null,
      token: null,
      marker: expect.stringMatching(new RegExp(`^${kind}:\\d+$`)),
      seen: false,
    });
  });
});

describe("the Redis store's event log", () => {
  const logPrefix = `${prefix}log:`;
  let retentionMs = 60_000;
  /** Fails the next erasure script (a connection lost as it was sent). */
  let failErase = false;
  const store: VisitorStore = createRedisStore({
    prefix: () => logPrefix,
    retentionMs: () => retentionMs,
    attempt: async (operation, fallback) => {
      const connection = new Proxy(redis, {
        get(target, property, receiver) {
          if (property === 'pzVisitorErase' && failErase) {
            failErase = false;
            return () => Promise.reject(new Error('connection lost'));
          }
          const value = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      try {
        return await operation(connection);
      } catch {
        return fallback;
      }
    },
  });

  /** Visitor hashes of one shard: they share one event stream. */
  const sameShard = (count: number) => {
    const shard = shardOf(newId());
    const hashes: string[] = [];
    while (hashes.length < count) {
      const hash = newId();
      if (shardOf(hash) === shard) hashes.push(hash);
    }
    return hashes;
  };

  const commitBatch = async (hash: string) => {
    const now = Date.now();
    const result = await store.commit({
      hash,
      expected: await store.snapshot(hash),
      next: emptyProfile(now),
      ttlMs: retentionMs,
      batch: { id: newId(), receivedAt: now, dedupMs: 60_000, streamEvents: JSON.stringify([{ type: 'page', at: now }]) },
    });
    expect(result).toEqual({ ok: true });
  };
  /** The visitors of the entries of the shard's stream of `hash`. */
  const streamOf = async (hash: string) =>
    (await redis.xrange(visitorKeys(logPrefix, hash).stream, '-', '+')).map(([, fields]) => fields[1]);

  it("records each entry's id in the visitor's own set, and erases exactly those, in one script", async () => {
    const [a, b] = sameShard(2);
    await commitBatch(a);
    await commitBatch(b);
    await commitBatch(a);
    expect(await redis.zcard(visitorKeys(logPrefix, a).entries)).toBe(2);
    await store.erase(a, { kind: 'erased', at: Date.now() }, 60_000);
    expect(await streamOf(a)).toEqual([b]);
    expect(await redis.exists(visitorKeys(logPrefix, a).entries)).toBe(0);
  });

  it('changes nothing when the erasure does not reach Redis, and erases all when retried', async () => {
    const hash = newId();
    await commitBatch(hash);
    failErase = true;
    await expect(store.erase(hash, { kind: 'erased', at: Date.now() }, 60_000)).rejects.toThrow('unavailable');
    expect(await streamOf(hash)).toContain(hash);
    expect(await redis.exists(visitorKeys(logPrefix, hash).profile)).toBe(1);
    await store.erase(hash, { kind: 'erased', at: Date.now() }, 60_000);
    expect(await streamOf(hash)).not.toContain(hash);
    expect(await redis.exists(visitorKeys(logPrefix, hash).entries, visitorKeys(logPrefix, hash).profile)).toBe(0);
  });

  it('keeps no entry past the retention period, even on a stream no batch has trimmed since', async () => {
    retentionMs = 300;
    try {
      const [quiet, later, other, erased] = sameShard(4);
      await commitBatch(quiet);
      await new Promise((resolve) => setTimeout(resolve, 400));
      // Its set of entry ids expired with the retention period; its entry is still in the stream.
      expect(await redis.exists(visitorKeys(logPrefix, quiet).entries)).toBe(0);
      expect(await streamOf(quiet)).toContain(quiet);
      // An erasure (of anyone of the shard) trims it.
      await store.erase(erased, { kind: 'erased', at: Date.now() }, 60_000);
      expect(await streamOf(quiet)).not.toContain(quiet);
      // So does the next batch.
      await commitBatch(later);
      await new Promise((resolve) => setTimeout(resolve, 400));
      await commitBatch(other);
      expect(await streamOf(other)).toEqual([other]);
    } finally {
      retentionMs = 60_000;
    }
  });

  it("forgets the ids of entries the stream's length cap trimmed", async () => {
    const hash = newId();
    await commitBatch(hash);
    await commitBatch(hash);
    // As MAXLEN would, once the stream is full.
    await redis.xtrim(visitorKeys(logPrefix, hash).stream, 'MAXLEN', 0);
    expect(await redis.zcard(visitorKeys(logPrefix, hash).entries)).toBe(2);
    await commitBatch(hash);
    expect(await redis.zcard(visitorKeys(logPrefix, hash).entries)).toBe(1);
  });
});
