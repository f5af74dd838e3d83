/**
 * The SDK sends a behaviour signal only once it has been measured on this page view (docs/sdk.md, "What
 * is measured"): the first resolve of a fresh page view carries no `behavior.dwellSec`, `scrollDepth`,
 * `clicks` or `hovers`, so a rule such as "dwell time < 10 s" does not match every page view at load
 * (a missing signal never satisfies `<`, docs/engine.md). The DOM tracker runs here on a small stand-in
 * DOM in Node, on jest's fake clock; tests/e2e/sdk.test.ts checks the same in Chromium.
 */
import { createPersonalize, type Personalize } from '../../client/src';
import type { ClientSignals } from '../../client/src/types';
import { signalsSchema } from '../../contracts/src/signals/schema';

const GLOBALS = ['window', 'document', 'location', 'history', 'localStorage', 'navigator', 'IntersectionObserver', 'MutationObserver'];

class FakeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}

/** What the tracker reads of a browser: a visible, focused page 4000 px tall in an 800 px window. */
const installDom = () => {
  const store = new Map<string, string>();
  const win = Object.assign(new EventTarget(), { scrollY: 0, innerHeight: 800 });
  const doc = Object.assign(new EventTarget(), {
    visibilityState: 'visible',
    hasFocus: () => true,
    title: 'A trip',
    referrer: '',
    cookie: '',
    documentElement: { scrollHeight: 4000, matches: () => false, querySelectorAll: () => [] },
  });
  const fakes: Record<string, unknown> = {
    window: win,
    document: doc,
    location: { pathname: '/trip', href: 'https://site.example/trip', protocol: 'https:' },
    history: { pushState() {} },
    localStorage: {
      getItem: (key: string) => store.get(key) ?? null,
      setItem: (key: string, value: string) => store.set(key, value),
      removeItem: (key: string) => store.delete(key),
    },
    navigator: {},
    IntersectionObserver: FakeObserver,
    MutationObserver: FakeObserver,
  };
  for (const name of GLOBALS) Object.defineProperty(globalThis, name, { value: fakes[name], configurable: true, writable: true });
  /** An event whose target is `target`, as the listener on `on` sees it (no bubbling in Node). */
  const fire = (on: EventTarget, type: string, target: unknown) => {
    const event = new Event(type);
    Object.defineProperty(event, 'target', { value: target });
    on.dispatchEvent(event);
  };
  /** A click on a button of the page (the tracker listens on the document). */
  const click = () => {
    const button = { closest: (selector: string) => (selector.includes('button') ? button : null) };
    fire(doc, 'click', button);
  };
  /** The page scrolls (the event targets the document); a scroll box's scroll targets the box. */
  const scrollTo = (y: number) => {
    win.scrollY = y;
    fire(win, 'scroll', doc);
  };
  const scrollBox = () => fire(win, 'scroll', {});
  return { click, scrollTo, scrollBox };
};

/** The signals each resolve sent. */
const resolver = () => {
  const sent: ClientSignals[] = [];
  const fetchDouble = (async (_input: RequestInfo | URL, init: RequestInit = {}) => {
    const body = JSON.parse(String(init.body));
    if (body.signals) sent.push(body.signals);
    return new Response(JSON.stringify({ data: {}, meta: { personalize: { variant: null, reason: [] } } }), { status: 200 });
  }) as typeof fetch;
  return { sent, fetch: fetchDouble };
};

const resolveBehavior = async (pz: Personalize, sent: ClientSignals[]) => {
  await pz.resolve({ uid: 'api::article.article', documentId: 'doc1' });
  const signals = sent.at(-1)!;
  expect(signalsSchema.safeParse(signals).error).toBeUndefined();
  return signals.behavior;
};

let dom: ReturnType<typeof installDom>;
beforeEach(() => {
  jest.useFakeTimers({ now: 1_700_000_000_000 });
  dom = installDom();
});
afterEach(() => {
  jest.clearAllTimers();
  jest.useRealTimers();
  for (const name of GLOBALS) delete (globalThis as Record<string, unknown>)[name];
});

const make = (fetchDouble: typeof fetch) =>
  createPersonalize({ baseUrl: 'https://cms.example.com', fetch: fetchDouble, consent: { events: true, profiling: true } });

describe('the SDK sends only the behaviour signals measured on this page view', () => {
  it('the first resolve of a page view carries no dwellSec, scrollDepth, clicks or hovers; a resolve after the first engaged second carries them', async () => {
    const { sent, fetch } = resolver();
    const pz = make(fetch);
    expect(await resolveBehavior(pz, sent)).toEqual({ quickExits: 0, recentlyViewed: [] });

    jest.advanceTimersByTime(999);
    expect(await resolveBehavior(pz, sent)).toEqual({ quickExits: 0, recentlyViewed: [] });

    jest.advanceTimersByTime(1);
    expect(await resolveBehavior(pz, sent)).toEqual({
      dwellSec: 1,
      scrollDepth: 20, // 800 of 4000 px seen
      clicks: 0,
      hovers: 0,
      quickExits: 0,
      recentlyViewed: [],
    });
    // The headers of the plain API carry the same.
    expect(Object.keys(pz.signals().behavior).sort()).toEqual(['clicks', 'dwellSec', 'hovers', 'quickExits', 'recentlyViewed', 'scrollDepth']);
  });

  it('a scroll measures scrollDepth and a click measures clicks before the first engaged second; dwell and hovers wait for it', async () => {
    const { sent, fetch } = resolver();
    const pz = make(fetch);
    dom.scrollBox(); // a carousel's scroll does not measure the page's depth
    expect(await resolveBehavior(pz, sent)).toEqual({ quickExits: 0, recentlyViewed: [] });
    dom.scrollTo(1200);
    expect(await resolveBehavior(pz, sent)).toEqual({ scrollDepth: 50, quickExits: 0, recentlyViewed: [] });
    dom.click();
    expect(await resolveBehavior(pz, sent)).toEqual({ scrollDepth: 50, clicks: 1, quickExits: 0, recentlyViewed: [] });
    jest.advanceTimersByTime(1000);
    expect(await resolveBehavior(pz, sent)).toEqual({
      dwellSec: 1,
      scrollDepth: 50,
      clicks: 1,
      hovers: 0,
      quickExits: 0,
      recentlyViewed: [],
    });
  });

  it('a hidden or unfocused page view counts no engaged second, so its dwell stays unmeasured', async () => {
    (document as unknown as { hasFocus: () => boolean }).hasFocus = () => false;
    const { sent, fetch } = resolver();
    const pz = make(fetch);
    jest.advanceTimersByTime(60_000);
    expect(await resolveBehavior(pz, sent)).toEqual({ quickExits: 0, recentlyViewed: [] });
  });
});
