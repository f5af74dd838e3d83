/**
 * The SDK after the visitor's privacy calls (docs/sdk.md, "Consent"): after `erase()` it forgets the
 * visitor (a new random id, the `pz_vid` cookie and the stored state gone) and asks consent again,
 * so nothing is sent or stored until the visitor says yes; after `optOut()` it sends nothing at all,
 * not even the visitor id with a resolve. The browser's cookie jar and storage are a small stand-in
 * here; tests/e2e/sdk.test.ts runs the SDK in Chromium.
 */
import { createPersonalize, VISITOR_COOKIE, type EventsEnvelope, type PersonalizeOptions } from '../../client/src';

const ID = /^[A-Za-z0-9_-]{22}$/;
const GLOBALS = ['window', 'document', 'location', 'localStorage', 'navigator'] as const;

interface Sent {
  method: string;
  path: string;
  visitorHeader: string | undefined;
  body: Record<string, unknown> | undefined;
}

/** A Strapi double: answers every route, and records what reached it. */
const server = () => {
  const sent: Sent[] = [];
  const fetchDouble = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const path = new URL(String(input)).pathname;
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : undefined;
    sent.push({
      method: init.method ?? 'GET',
      path,
      visitorHeader: new Headers(init.headers).get('x-personalize-visitor') ?? undefined,
      body,
    });
    if (path.endsWith('/resolve'))
      return new Response(JSON.stringify({ data: {}, meta: { personalize: { variant: null, reason: [] } } }));
    if (path.endsWith('/events')) return new Response(JSON.stringify({ accepted: 1, rejected: [] }), { status: 202 });
    return new Response(init.method === 'POST' ? null : '{}', {
      status: init.method === 'DELETE' ? 202 : init.method === 'POST' ? 204 : 200,
    });
  }) as typeof fetch;
  /** The event batches, and the ids of the visitors they were sent for. */
  const batches = () =>
    sent.filter((call) => call.path.endsWith('/events')).map((call) => call.body as unknown as EventsEnvelope);
  return { sent, fetch: fetchDouble, batches };
};

/** A page's cookie jar (`document.cookie` as a browser reads and writes it) and localStorage. */
const installBrowser = () => {
  const cookies = new Map<string, string>();
  const storage = new Map<string, string>();
  const document = {
    referrer: '',
    get cookie() {
      return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    },
    set cookie(text: string) {
      const [pair, ...attributes] = text.split(/;\s*/);
      const [name, value] = pair.split('=');
      if (attributes.some((attribute) => /^max-age=0$/i.test(attribute))) cookies.delete(name);
      else cookies.set(name, value);
    },
  };
  const fakes = {
    window: {},
    document,
    location: { href: 'https://site.example/trip', pathname: '/trip', protocol: 'https:' },
    localStorage: {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
      removeItem: (key: string) => void storage.delete(key),
    },
    navigator: {},
  };
  for (const name of GLOBALS) Object.defineProperty(globalThis, name, { value: fakes[name], configurable: true, writable: true });
  return { cookies, storage };
};

const make = (double: ReturnType<typeof server>, options: Partial<PersonalizeOptions> = {}) =>
  createPersonalize({ baseUrl: 'https://cms.example.com', fetch: double.fetch, autoTrack: false, ...options });

const resolve = (pz: ReturnType<typeof make>) => pz.resolve({ uid: 'api::article.article', documentId: 'doc1' });

beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
afterEach(() => {
  jest.clearAllTimers();
  jest.useRealTimers();
  for (const name of GLOBALS) delete (globalThis as Record<string, unknown>)[name];
});

describe('the SDK after erase()', () => {
  it('forgets the visitor (cookie, stored state, memory) and stores nothing until consent is given again', async () => {
    const { cookies, storage } = installBrowser();
    const double = server();
    const pz = make(double);
    pz.setConsent({ events: true, profiling: true });
    pz.view({ uid: 'api::article.article', documentId: 'doc1' });
    const erased = pz.visitorId;
    expect(cookies.get(VISITOR_COOKIE)).toBe(erased);
    expect(storage.has('pz_state')).toBe(true);
    pz.track('queued-before-erase');

    await pz.erase();
    expect(double.sent.map(({ method, path, visitorHeader }) => [method, path, visitorHeader])).toEqual([
      ['DELETE', '/api/personalize/me', erased],
    ]);
    expect(pz.visitorId).toMatch(ID);
    expect(pz.visitorId).not.toBe(erased);
    expect(pz.consent).toEqual({ events: null, profiling: null });
    expect(cookies.size).toBe(0);
    expect(storage.size).toBe(0);
    expect(pz.signals().behavior.recentlyViewed).toEqual([]);

    // Browsing on: nothing is sent or stored, and a resolve carries the new id, never the erased one.
    pz.track('after-erase');
    pz.view({ uid: 'api::article.article', documentId: 'doc2' });
    await pz.flush();
    await jest.advanceTimersByTimeAsync(60_000);
    await resolve(pz);
    expect(double.batches()).toEqual([]);
    expect(cookies.size + storage.size).toBe(0);
    expect(double.sent.at(-1)!.body!.visitorId).toBe(pz.visitorId);
    expect(JSON.stringify(double.sent.slice(1))).not.toContain(erased);

    // A new yes: a new visitor, with what waited for the answer.
    pz.setConsent({ events: true, profiling: true });
    await pz.flush();
    const [batch] = double.batches();
    expect(batch.visitorId).toBe(pz.visitorId);
    expect(batch.events.map((event) => event.type)).toEqual(['track', 'view']);
    expect(cookies.get(VISITOR_COOKIE)).toBe(pz.visitorId);
  });

  it("under consentMode 'opt-out', an unknown consent is a yes: the new visitor is tracked (docs/sdk.md)", async () => {
    const double = server();
    const pz = make(double, { consentMode: 'opt-out' });
    const erased = pz.visitorId;
    await pz.erase();
    expect(pz.consent).toEqual({ events: null, profiling: null });
    pz.track('signup');
    await pz.flush();
    expect(double.batches().map((batch) => batch.visitorId)).toEqual([pz.visitorId]);
    expect(pz.visitorId).not.toBe(erased);
  });

  it('keeps the visitor when the erasure fails (nothing is forgotten that the server kept)', async () => {
    const double = server();
    const failing = (async () => new Response('{}', { status: 503 })) as typeof fetch;
    const pz = make({ ...double, fetch: failing }, { consent: { events: true, profiling: true } });
    const visitorId = pz.visitorId;
    await expect(pz.erase()).rejects.toMatchObject({ status: 503 });
    expect(pz.visitorId).toBe(visitorId);
    expect(pz.consent).toEqual({ events: true, profiling: true });
  });
});

describe('the SDK after optOut()', () => {
  it('sends nothing at all: no events, no visitor id with a resolve or in headers(); a later yes is a new visitor', async () => {
    const { cookies, storage } = installBrowser();
    const double = server();
    const pz = make(double, { consent: { events: true, profiling: true } });
    pz.view({ uid: 'api::article.article', documentId: 'doc1' });
    const optedOut = pz.visitorId;
    pz.track('queued-before-opt-out');

    await pz.optOut();
    expect(double.sent.map(({ method, path, visitorHeader }) => [method, path, visitorHeader])).toEqual([
      ['POST', '/api/personalize/optout', optedOut],
    ]);
    expect(pz.consent).toEqual({ events: false, profiling: false });
    expect(cookies.size + storage.size).toBe(0);

    pz.track('after-opt-out');
    pz.view({ uid: 'api::article.article', documentId: 'doc2' });
    await pz.flush();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(double.batches()).toEqual([]);
    // Resolve still works, anonymously.
    await resolve(pz);
    const resolved = double.sent.at(-1)!;
    expect(resolved.path).toBe('/api/personalize/resolve');
    expect(resolved.body).not.toHaveProperty('visitorId');
    expect(pz.headers()).not.toHaveProperty('x-personalize-visitor');
    expect(pz.headers()).toHaveProperty('x-personalize-signals');
    expect(double.sent).toHaveLength(2);
    expect(cookies.size + storage.size).toBe(0);

    // The opted-out id stays suppressed on the server: a later yes starts afresh.
    pz.setConsent({ events: true, profiling: true });
    pz.track('signup');
    await pz.flush();
    expect(pz.visitorId).not.toBe(optedOut);
    expect(double.batches().map((batch) => [batch.visitorId, batch.events.map((event) => event.type)])).toEqual([
      [pz.visitorId, ['track']],
    ]);
    expect(pz.headers()['x-personalize-visitor']).toBe(pz.visitorId);
  });
});
