/**
 * The SDK core without a DOM (as in an edge runtime: fetch only): visitor ids, signals and headers,
 * resolve and the privacy calls, the event queue (batching, consent, retries). The DOM tracker is
 * tested in a real browser: tests/e2e/sdk.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';

import { createPersonalize, PersonalizeError, type EventsEnvelope, type PersonalizeOptions } from '../../client/src';
import type { ClientSignals } from '../../client/src/types';
import { eventsEnvelopeSchema, visitorEventSchema } from '../../contracts/src/events';
import { signalsSchema, type Signals } from '../../contracts/src/signals/schema';
import { backoffMs, encodeSignals, retryAfterMs } from '../../client/src/util';

const ROOT = path.resolve(__dirname, '../..');
const ID = /^[A-Za-z0-9_-]{16,64}$/;

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  at: number;
}

/** A fetch double: records calls, answers from a list of responses (the last one repeats). */
const fakeFetch = (...responses: Array<Response | (() => Response) | Error>) => {
  const calls: Call[] = [];
  const fn = jest.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    calls.push({
      url: String(input),
      method: init.method ?? 'GET',
      headers,
      body: init.body as string | undefined,
      at: Date.now(),
    });
    const next = responses.length > 1 ? responses.shift()! : responses[0];
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next() : next.clone();
  });
  /** The event batches sent, each checked against the server's contract (contracts/src/events.ts). */
  const envelopes = () =>
    calls.map((call) => {
      const envelope = JSON.parse(call.body!) as EventsEnvelope;
      eventsEnvelopeSchema().parse(envelope);
      envelope.events.forEach((event) => visitorEventSchema.parse(event));
      return envelope;
    });
  return { fetch: fn as unknown as typeof fetch, calls, envelopes };
};

const accepted = () => new Response(JSON.stringify({ accepted: 1, rejected: [] }), { status: 202 });
const status =
  (code: number, headers: Record<string, string> = {}) =>
  () =>
    new Response('{}', { status: code, headers });

const make = (fetchDouble: ReturnType<typeof fakeFetch>, options: Partial<PersonalizeOptions> = {}) =>
  createPersonalize({
    baseUrl: 'https://cms.example.com/',
    fetch: fetchDouble.fetch,
    consent: { events: true, profiling: true },
    ...options,
  });

const decode = (value: string) => JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));

// Every test on fake timers: no queue timer outlives its test.
beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
afterEach(() => {
  jest.clearAllTimers();
  jest.useRealTimers();
});

describe('client SDK without a DOM (edge)', () => {
  it('makes a random visitor id of the contract, or keeps a valid given one', () => {
    const double = fakeFetch(accepted());
    const ids = new Set(Array.from({ length: 200 }, () => make(double).visitorId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(ID);
    expect(make(double, { visitorId: 'abcdefghijklmnop_-12' }).visitorId).toBe('abcdefghijklmnop_-12');
    expect(make(double, { visitorId: 'too short' }).visitorId).toMatch(ID);
    expect(make(double, { visitorId: 'too short' }).visitorId).not.toBe('too short');
  });

  it('signals() has the schema shape; headers() carry them as base64url JSON with the visitor', () => {
    const pz = make(fakeFetch(accepted()));
    const signals = pz.signals();
    expect(signals).toEqual({ behavior: { recentlyViewed: [] }, session: {}, context: {} });
    pz.view({ uid: 'api::article.article', documentId: 'doc1' });
    pz.view({ uid: 'api::article.article', documentId: 'doc2' });
    pz.view({ uid: 'api::article.article', documentId: 'doc1' });
    const headers = pz.headers();
    expect(headers['x-personalize-visitor']).toBe(pz.visitorId);
    expect(headers['x-personalize-signals']).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decode(headers['x-personalize-signals'])).toEqual({
      behavior: { recentlyViewed: ['doc1', 'doc2'] },
      session: {},
      context: {},
    });
    expect(decode(encodeSignals({ custom: { city: 'Zürich ✓' } }))).toEqual({ custom: { city: 'Zürich ✓' } });
  });

  it('recently viewed keeps the last 20, newest first, de-duplicated', () => {
    const pz = make(fakeFetch(accepted()));
    for (let i = 0; i < 30; i++) pz.view({ uid: 'api::article.article', documentId: `d${i % 25}` });
    const recent = pz.signals().behavior.recentlyViewed!;
    expect(recent).toHaveLength(20);
    expect(recent[0]).toBe('d4');
    expect(recent).toEqual([...new Set(recent)]);
  });

  it('resolve() posts the query, the signals (extra ones merged) and the visitor id', async () => {
    const entry = { data: { documentId: 'doc1', title: 'Hi' }, meta: { personalize: { variant: 'v1', reason: [] } } };
    const double = fakeFetch(new Response(JSON.stringify(entry), { status: 200 }));
    const pz = make(double, { headers: { authorization: 'Bearer t' } });
    const result = await pz.resolve({
      uid: 'api::article.article',
      documentId: 'doc1',
      locale: 'en',
      populate: ['cover'],
      fields: ['title'],
      signals: { custom: { plan: 'pro' }, behavior: { dwellSec: 12 } },
    });
    expect(result).toEqual(entry);
    const [call] = double.calls;
    expect(call.url).toBe('https://cms.example.com/api/personalize/resolve');
    expect(call.method).toBe('POST');
    expect(call.headers).toEqual({ 'content-type': 'application/json', authorization: 'Bearer t' });
    expect(JSON.parse(call.body!)).toEqual({
      uid: 'api::article.article',
      documentId: 'doc1',
      locale: 'en',
      populate: ['cover'],
      fields: ['title'],
      signals: { behavior: { recentlyViewed: [], dwellSec: 12 }, session: {}, context: {}, custom: { plan: 'pro' } },
      visitorId: pz.visitorId,
    });
  });

  it('a non-2xx answer is a PersonalizeError with Strapi’s message and status', async () => {
    const error = { data: null, error: { status: 404, name: 'NotFoundError', message: 'Entry not found', details: {} } };
    const pz = make(fakeFetch(new Response(JSON.stringify(error), { status: 404 })));
    const failure = await pz.resolve({ uid: 'api::article.article', documentId: 'nope' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PersonalizeError);
    expect(failure).toMatchObject({ status: 404, message: 'Entry not found', details: error.error });
  });

  it('optOut, exportData and erase call their routes with the visitor header', async () => {
    const double = fakeFetch(
      new Response(JSON.stringify({ profile: { visits: 3 } }), { status: 200 }),
      new Response(null, { status: 202 }),
      new Response(null, { status: 204 })
    );
    const pz = make(double);
    const first = pz.visitorId;
    expect(await pz.exportData()).toEqual({ profile: { visits: 3 } });
    pz.track('queued-before-erase');
    await pz.erase();
    expect(pz.visitorId).toMatch(ID);
    expect(pz.visitorId).not.toBe(first); // the erased id is suppressed on the server: start afresh
    const second = pz.visitorId;
    await pz.optOut();
    expect(
      double.calls.map((call) => [
        call.method,
        call.url.replace('https://cms.example.com', ''),
        call.headers['x-personalize-visitor'],
      ])
    ).toEqual([
      ['GET', '/api/personalize/me', first],
      ['DELETE', '/api/personalize/me', first],
      ['POST', '/api/personalize/optout', second],
    ]);
    expect(pz.consent).toEqual({ events: false, profiling: false });
    pz.track('after-opt-out');
    await pz.flush();
    expect(double.calls).toHaveLength(3); // nothing queued before the erase, nothing after the opt-out
  });
});

describe('client SDK event queue', () => {
  it('sends the contract envelope as text/plain, at 10 events', async () => {
    const double = fakeFetch(accepted());
    const pz = make(double);
    for (let i = 0; i < 9; i++) pz.track('step', { i }, i);
    await jest.advanceTimersByTimeAsync(100);
    expect(double.calls).toHaveLength(0);
    pz.view({ uid: 'api::article.article', documentId: 'doc1', variant: 'v1', tags: ['shoes'] });
    await jest.advanceTimersByTimeAsync(0);
    expect(double.calls).toHaveLength(1);
    const [call] = double.calls;
    expect(call.url).toBe('https://cms.example.com/api/personalize/events');
    expect(call.method).toBe('POST');
    expect(call.headers['content-type']).toBe('text/plain');
    const envelope = double.envelopes()[0];
    expect(envelope).toEqual({
      visitorId: pz.visitorId,
      batchId: expect.stringMatching(ID),
      sentAt: Date.now(),
      consent: { events: true, profiling: true },
      events: expect.any(Array),
    });
    expect(envelope.events).toHaveLength(10);
    expect(envelope.events[0]).toEqual({
      type: 'track',
      id: expect.stringMatching(ID),
      ts: Date.now() - 100,
      name: 'step',
      props: { i: 0 },
      value: 0,
    });
    expect(envelope.events[9]).toEqual({
      type: 'view',
      id: expect.stringMatching(ID),
      ts: Date.now(),
      uid: 'api::article.article',
      documentId: 'doc1',
      variant: 'v1',
      tags: ['shoes'],
    });
    expect(new Set(envelope.events.map((event) => event.id)).size).toBe(10);
  });

  it('sends fewer after 5 s, and flush() sends at once', async () => {
    const double = fakeFetch(accepted());
    const pz = make(double);
    pz.track('a');
    await jest.advanceTimersByTimeAsync(4999);
    expect(double.calls).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(double.envelopes()[0].events).toHaveLength(1);
    pz.track('b');
    await pz.flush();
    expect(double.calls).toHaveLength(2);
  });

  it('holds events while consent is unknown (at most 50), sends them on yes', async () => {
    const double = fakeFetch(accepted());
    const pz = make(double, { consent: { events: null, profiling: null } });
    for (let i = 0; i < 60; i++) pz.track('held', { i });
    await jest.advanceTimersByTimeAsync(60_000);
    await pz.flush();
    expect(double.calls).toHaveLength(0);
    pz.setConsent({ events: true });
    await pz.flush();
    const events = double.envelopes().flatMap((envelope) => envelope.events);
    expect(events).toHaveLength(50);
    expect(events[0]).toMatchObject({ props: { i: 10 } }); // the oldest went
    expect(double.envelopes()[0].consent).toEqual({ events: true, profiling: null });
  });

  it('discards held events when consent is refused, and sends nothing after', async () => {
    const double = fakeFetch(accepted());
    const pz = make(double, { consent: {} });
    pz.track('held');
    pz.setConsent({ events: false, profiling: false });
    pz.track('refused');
    await jest.advanceTimersByTimeAsync(60_000);
    await pz.flush();
    pz.setConsent({ events: true });
    await pz.flush();
    expect(double.calls).toHaveLength(0);
  });

  it('under opt-out, unknown consent sends', async () => {
    const double = fakeFetch(accepted());
    const pz = make(double, { consent: {}, consentMode: 'opt-out' });
    pz.track('a');
    await pz.flush();
    expect(double.envelopes()[0].consent).toEqual({ events: null, profiling: null });
  });

  it('retries a 503 after Retry-After with the same batchId, and a network error with backoff', async () => {
    const double = fakeFetch(status(503, { 'retry-after': '2' }), new TypeError('fetch failed'), accepted());
    const pz = make(double);
    pz.track('a');
    await pz.flush();
    expect(double.calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1999);
    expect(double.calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(double.calls).toHaveLength(2); // Retry-After honoured: 2 s
    await jest.advanceTimersByTimeAsync(2000); // second retry: backoff 1–2 s (attempt 1: 2 s × 0.5–1)
    expect(double.calls).toHaveLength(3);
    const envelopes = double.envelopes();
    expect(new Set(envelopes.map((envelope) => envelope.batchId)).size).toBe(1);
    expect(envelopes[1].sentAt - envelopes[0].sentAt).toBe(2000);
    pz.track('b');
    await pz.flush();
    expect(double.calls).toHaveLength(4);
    expect(double.envelopes()[3].batchId).not.toBe(envelopes[0].batchId);
  });

  it('retries 408 and 429; drops any other 4xx', async () => {
    for (const code of [408, 429]) {
      const double = fakeFetch(status(code), accepted());
      const pz = make(double);
      pz.track('a');
      await pz.flush();
      await jest.advanceTimersByTimeAsync(1000);
      expect(double.calls).toHaveLength(2);
    }
    for (const code of [400, 401, 403, 404, 413]) {
      const double = fakeFetch(status(code), accepted());
      const pz = make(double);
      pz.track('a');
      await pz.flush();
      await jest.advanceTimersByTimeAsync(120_000);
      expect(double.calls).toHaveLength(1);
    }
  });

  it('gives a failing batch up after 8 tries, with growing delays', async () => {
    const double = fakeFetch(status(500));
    const pz = make(double);
    pz.track('a');
    await pz.flush();
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(double.calls).toHaveLength(8);
    const gaps = double.calls.slice(1).map((call, i) => call.at - double.calls[i].at);
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(Math.min(30_000, 1000 * 2 ** i) / 2);
      expect(gap).toBeLessThanOrEqual(Math.min(30_000, 1000 * 2 ** i));
    });
  });
});

describe('client SDK helpers', () => {
  it('reads Retry-After as seconds or an HTTP date, and backs off exponentially with jitter', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs(null, 0)).toBeUndefined();
    expect(retryAfterMs('soon', 0)).toBeUndefined();
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(retryAfterMs('Tue, 01 Jan 2030 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('86400', 0)).toBe(600_000);
    for (let attempt = 0; attempt < 8; attempt++) {
      const cap = Math.min(30_000, 1000 * 2 ** attempt);
      const delay = backoffMs(attempt);
      expect(delay).toBeGreaterThanOrEqual(cap / 2);
      expect(delay).toBeLessThanOrEqual(cap);
    }
  });

  it('client signals are the server’s signals schema (types and a strict parse)', () => {
    const signals: ClientSignals = {
      behavior: { dwellSec: 12.5, scrollDepth: 40, clicks: 2, hovers: 1, quickExits: 0, recentlyViewed: ['doc1'] },
      session: { pageviews: 3, durationSec: 95, isNew: false },
      context: {
        url: 'https://example.com/a?utm_source=x',
        path: '/a',
        referrer: 'https://google.com/',
        timezone: 'Europe/Zurich',
        network: '4g',
        saveData: false,
      },
    };
    const typed: Signals = signals; // compile-time: every client signal is in the vocabulary
    expect(signalsSchema.parse(typed)).toEqual(signals);
  });
});

describe('client SDK boundaries', () => {
  const files = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((entry) => (entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));

  it('client/ imports only itself, react and the wire contract (type-only imports aside): no zod, no server, no Node', () => {
    const offending = files(path.join(ROOT, 'client/src')).flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/^import (?!type )[^;]*?from ['"]([^'"]+)['"]/gm)]
        .map((match) => match[1])
        .filter((specifier) => !specifier.startsWith('./') && specifier !== 'react' && specifier !== '../../contracts/src/wire')
        .map((specifier) => `${path.relative(ROOT, file)} → ${specifier}`)
    );
    expect(offending).toEqual([]);
  });

  it('the wire contract the SDK bundles imports only types, and only from engine/ (so no zod)', () => {
    const source = fs.readFileSync(path.join(ROOT, 'contracts/src/wire.ts'), 'utf8');
    const imports = [...source.matchAll(/^(import|export)\b([^;]*?)\sfrom\s+['"]([^'"]+)['"]/gm)];
    expect(imports.length).toBeGreaterThan(0);
    for (const [statement, , clause, specifier] of imports) {
      expect([statement, /^\s*type\b/.test(clause), specifier.startsWith('../../engine/src/')]).toEqual([statement, true, true]);
    }
    expect(source).not.toMatch(/\b(require|import)\(/);
  });

  it('registers no unload or beforeunload listener', () => {
    const source = files(path.join(ROOT, 'client/src'))
      .map((file) => fs.readFileSync(file, 'utf8'))
      .join('\n');
    expect(source).not.toMatch(/['"](before)?unload['"]|onunload|onbeforeunload/);
  });
});
