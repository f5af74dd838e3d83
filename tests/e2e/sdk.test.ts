/**
 * The browser SDK (`strapi-plugin-personalize/client`, `/client/react`) in Debian's Chromium: the
 * built files (dist/client, `npm run build` first) on a small test page served from 127.0.0.1, and
 * a harness on another port (another origin, as Strapi usually is) that records what arrives at
 * `/api/personalize/*`. Time is Playwright's fake clock, so waits of seconds or minutes take none.
 * Visibility and focus are simulated in the page (a headless tab never goes hidden by itself).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import type { ClientSignals, EventsEnvelope, PersonalizeEvent } from '../../client/src/types';
import { eventsEnvelopeSchema, visitorEventSchema } from '../../contracts/src/events';
import { signalsSchema } from '../../contracts/src/signals/schema';

const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist/client');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const ID = /^[A-Za-z0-9_-]{16,64}$/;
const T0 = Date.parse('2030-03-04T09:00:00Z');
const VIEWPORT = { width: 1000, height: 800 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const listen = async (server: http.Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** The test page: links, buttons, hover targets and entries; `opts` (JSON) are createPersonalize's. */
const testPage = (api: string, { entries = true, short = false }) => `<!doctype html>
<html><head><meta charset="utf-8"><title>SDK test page</title>
<style>body { margin: 0; font: 16px/1.4 sans-serif } #top { height: 100px } article { height: 400px; background: #eef }</style>
</head><body>
<div id="top">
  <a id="link" href="#anchor">link</a> <button id="btn">button</button> <span id="tagged" data-pz-click>tagged</span>
  <span id="plain">plain text</span>
  <div id="hover" data-pz-hover style="display: inline-block; width: 200px; height: 50px">hover target</div>
</div>
${
  entries
    ? `<div id="card" data-pz-entry="api::article.article:doc2" data-pz-tags="news" style="width: 300px; height: 100px">
  card <button id="card-open">open</button> <button id="card-dismiss" data-pz-dismiss>close</button></div>`
    : ''
}
${
  short
    ? ''
    : `<div id="anchor" style="height: 2000px"></div>
${entries ? '<article id="entry" data-pz-entry="api::article.article:doc1" data-pz-variant="v_sale" data-pz-tags="shoes,sale">entry</article>' : ''}
<div style="height: 600px"></div>
${entries ? '<article id="entry3" data-pz-entry="api::article.article:doc3">another entry</article>' : ''}
<div style="height: 2000px"></div>`
}
<script>
  window.API = ${JSON.stringify(api)};
  // A headless tab is always visible and focused: tests switch these by hand.
  window.setVisible = (visible) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (visible ? 'visible' : 'hidden') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => !visible });
    document.dispatchEvent(new Event('visibilitychange'));
  };
  window.setFocused = (focused) => {
    document.hasFocus = () => focused;
    window.dispatchEvent(new Event(focused ? 'focus' : 'blur'));
  };
</script>
<script type="module">
  import * as PZ from '/sdk/index.mjs';
  const options = JSON.parse(new URLSearchParams(location.search).get('opts') || '{}');
  window.pz = PZ.createPersonalize({ baseUrl: window.API, ...options });
</script>
</body></html>`;

/** Records every EventTarget listener type, every sendBeacon call and how many fetches have settled. */
const INSTRUMENT = `
  window.__listeners = [];
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, ...rest) {
    window.__listeners.push(type);
    return add.call(this, type, ...rest);
  };
  window.__beacons = [];
  const beacon = navigator.sendBeacon.bind(navigator);
  navigator.sendBeacon = (url, body) => {
    window.__beacons.push({ url: String(url), type: typeof body, body: String(body) });
    return beacon(url, body);
  };
  window.__fetches = 0;
  const originalFetch = window.fetch.bind(window);
  window.fetch = (...args) => {
    const promise = originalFetch(...args);
    promise.then(() => window.__fetches++, () => window.__fetches++);
    return promise;
  };
`;

describe('the browser SDK in Chromium', () => {
  let browser: Browser;
  let site: http.Server;
  let harness: http.Server;
  let SITE = '';
  let HARNESS = '';
  /** Each test's own base URL on the harness (`<harness>/t<n>`): late beacons of a closed test are not recorded. */
  let API = '';
  let testNumber = 0;
  let reactApp = '';
  let received: Received[] = [];
  let answer: (request: Received) => Answer | undefined = () => undefined;
  let context: BrowserContext;
  let page: Page;

  /** The event batches received, each checked against the server's contract (contracts/src/events.ts). */
  const batches = (): Array<EventsEnvelope & { headers: http.IncomingHttpHeaders }> =>
    received
      .filter((request) => request.method === 'POST' && request.path === '/api/personalize/events')
      .map((request) => {
        const envelope = JSON.parse(request.body) as EventsEnvelope;
        eventsEnvelopeSchema().parse(envelope);
        envelope.events.forEach((event) => visitorEventSchema.parse(event));
        return { ...envelope, headers: request.headers };
      });
  const events = (): PersonalizeEvent[] => batches().flatMap((batch) => batch.events);
  const ofType = <T extends PersonalizeEvent['type']>(type: T) =>
    events().filter((event): event is Extract<PersonalizeEvent, { type: T }> => event.type === type);

  /** Polls (real time) until the check passes. */
  const eventually = async (check: () => void | Promise<void>, timeout = 5000) => {
    const deadline = Date.now() + timeout;
    for (;;) {
      try {
        await check();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(25);
      }
    }
  };

  const open = async (options: object = {}, { entries = true, short = false, path: pagePath = '/page' } = {}) => {
    const query = new URLSearchParams({
      opts: JSON.stringify(options),
      ...(entries ? {} : { entries: '0' }),
      ...(short ? { short: '1' } : {}),
    });
    await page.goto(`${SITE}${pagePath}?${query}`);
    await page.waitForFunction(() => 'pz' in window, undefined, { polling: 20 });
  };
  const signals = () => page.evaluate(() => (window as unknown as { pz: { signals(): ClientSignals } }).pz.signals());
  const run = (script: string) => page.evaluate(script);
  const flush = () => run('pz.flush()');
  const runFor = async (ms: number) => {
    await page.clock.runFor(ms);
  };
  /** Waits until n event batches arrived and the page has had the n answers (and so set its timers). */
  const answered = (n: number) =>
    eventually(async () => {
      expect(batches()).toHaveLength(n);
      expect(await run('window.__fetches')).toBe(n);
    });
  /** Lets the browser render a frame or two (intersection and scroll notifications), in real time. */
  const frames = () => sleep(120);

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`bash tests/e2e/setup-chromium.sh\` first`);
    if (!fs.existsSync(path.join(DIST, 'index.mjs')) || !fs.existsSync(path.join(DIST, 'react/index.mjs'))) {
      throw new Error('dist/client is missing: run `npm run build` first');
    }

    // A small React app on the built ./client/react (which imports the built ./client next door).
    const bundle = await build({
      stdin: {
        contents: `
          import { createElement as h } from 'react';
          import { createRoot } from 'react-dom/client';
          import { PersonalizeProvider, usePersonalized } from ${JSON.stringify(path.join(DIST, 'react/index.mjs'))};
          function Article() {
            const { data, variant, loading, error } = usePersonalized({ uid: 'api::article.article', documentId: 'doc1', locale: 'en' });
            if (loading) return h('p', { id: 'state' }, 'loading');
            if (error) return h('p', { id: 'state' }, 'error: ' + error.message);
            return h('h1', { id: 'state', 'data-variant': String(variant) }, data.title);
          }
          function Missing() {
            const { error, loading } = usePersonalized({ uid: 'api::article.article', documentId: 'missing' });
            return h('p', { id: 'missing' }, loading ? 'loading' : error ? 'error ' + error.status : 'found');
          }
          createRoot(document.getElementById('root')).render(
            h(PersonalizeProvider, { options: { baseUrl: window.API, consent: { events: true, profiling: true } } }, h(Article), h(Missing))
          );`,
        resolveDir: ROOT,
        loader: 'js',
      },
      bundle: true,
      write: false,
      format: 'esm',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
    reactApp = bundle.outputFiles[0].text;

    harness = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const prefix = `/t${testNumber}`;
        const url = req.url!.split('?')[0];
        const request: Received = { method: req.method!, path: url.slice(prefix.length), headers: req.headers, body };
        if (url.startsWith(`${prefix}/`)) received.push(request);
        const cors = {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
          'access-control-allow-headers': 'content-type, x-personalize-visitor, x-personalize-signals',
          'access-control-expose-headers': 'Retry-After',
        };
        const reply =
          answer(request) ??
          (request.method === 'OPTIONS'
            ? { status: 204 }
            : request.path === '/api/personalize/events'
              ? { status: 202, body: JSON.stringify({ accepted: JSON.parse(body).events.length, rejected: [] }) }
              : request.path === '/api/personalize/resolve' && JSON.parse(body).documentId === 'doc1'
                ? {
                    status: 200,
                    body: JSON.stringify({
                      data: { documentId: 'doc1', title: 'Still deciding? Here is 10% off' },
                      meta: { personalize: { variant: 'v_quick_exit', reason: [] } },
                    }),
                  }
                : {
                    status: 404,
                    body: JSON.stringify({
                      data: null,
                      error: { status: 404, name: 'NotFoundError', message: 'Not Found', details: {} },
                    }),
                  });
        res.writeHead(reply.status, { 'content-type': 'application/json', ...cors, ...reply.headers });
        res.end(reply.body);
      });
    });
    HARNESS = await listen(harness);

    site = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://site');
      const file = url.pathname.startsWith('/sdk/') ? path.join(DIST, url.pathname.slice('/sdk/'.length)) : '';
      if (file && file.startsWith(DIST) && fs.existsSync(file)) {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(fs.readFileSync(file));
      } else if (url.pathname === '/react-app.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(reactApp);
      } else if (url.pathname === '/react') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(
          `<!doctype html><div id="root"></div><script>window.API=${JSON.stringify(API)}</script><script type="module" src="/react-app.js"></script>`
        );
      } else if (url.pathname.startsWith('/page')) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(
          testPage(API, { entries: url.searchParams.get('entries') !== '0', short: url.searchParams.get('short') === '1' })
        );
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    SITE = await listen(site);

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await new Promise((resolve) => harness?.close(resolve));
  });

  /** A new browser context (no cookies, no storage) and page, on the fake clock paused at T0 + 1 s. */
  const freshContext = async () => {
    await context?.close();
    context = await browser.newContext({ viewport: VIEWPORT, timezoneId: 'Europe/Zurich' });
    await context.addInitScript(INSTRUMENT);
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.clock.install({ time: T0 });
    await page.clock.pauseAt(T0 + 1000);
  };

  beforeEach(async () => {
    testNumber += 1;
    API = `${HARNESS}/t${testNumber}`;
    received = [];
    answer = () => undefined;
    await freshContext();
  });

  afterEach(async () => {
    await context?.close();
  });

  const CONSENT = { consent: { events: true, profiling: true } };

  it('writes nothing to cookies or storage and sends nothing before consent; consent then stores pz_vid and sends what waited', async () => {
    await open();
    await page.click('#btn');
    await run(`pz.track('signup', { plan: 'pro' }, 49)`);
    await runFor(10_000);
    await flush();
    await run('setVisible(false)');
    await frames();
    expect(received).toEqual([]);
    expect(await run('document.cookie')).toBe('');
    expect(await run('localStorage.length + sessionStorage.length')).toBe(0);
    expect(await context.cookies()).toEqual([]);
    const visitorId = (await run('pz.visitorId')) as string;
    expect(visitorId).toMatch(ID);

    await run('setVisible(true)');
    await run(`pz.setConsent({ events: true, profiling: true })`);
    await flush();
    expect(events().map((event) => event.type)).toEqual(['page', 'track', 'view']); // the card at the top was viewed
    expect(batches()[0]).toMatchObject({ visitorId, consent: { events: true, profiling: true } });
    expect(await run('document.cookie')).toBe(`pz_vid=${visitorId}`);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'pz_vid', value: visitorId, path: '/', sameSite: 'Lax' });
    expect(cookie.expires * 1000).toBeGreaterThan(Date.now() + 300 * 86_400_000); // the cookie jar keeps real time

    // The next page view keeps the visitor and remembers the consent.
    await open();
    expect(await run('pz.visitorId')).toBe(visitorId);
    expect(await run('pz.consent')).toEqual({ events: true, profiling: true });

    // Withdrawn: what was stored goes.
    await run(`pz.setConsent({ events: false, profiling: false })`);
    expect(await run('document.cookie')).toBe('');
    expect(await run('localStorage.length')).toBe(0);
  });

  it('discards waiting events when consent is refused, and sends nothing afterwards', async () => {
    await open();
    await page.click('#btn');
    await run(`pz.track('signup')`);
    await run(`pz.setConsent({ events: false, profiling: false })`);
    await run(`pz.track('after')`);
    await runFor(60_000);
    await flush();
    await page.goto('about:blank'); // pagehide: no beacon either
    await sleep(300);
    expect(received).toEqual([]);
    expect(await context.cookies()).toEqual([]);
  });

  it('registers no unload or beforeunload listener (pagehide and visibilitychange instead)', async () => {
    await open(CONSENT);
    const types = (await run('window.__listeners')) as string[];
    expect(types).toEqual(expect.arrayContaining(['pagehide', 'visibilitychange']));
    expect(types).not.toContain('unload');
    expect(types).not.toContain('beforeunload');
    expect(await run('window.onunload === null && window.onbeforeunload === null')).toBe(true);
  });

  it('the first resolve of a page view sends no dwellSec, scrollDepth, clicks or hovers: they are sent once measured', async () => {
    await open(CONSENT);
    const sentBehavior = async () => {
      await run(`pz.resolve({ uid: 'api::article.article', documentId: 'doc1' })`);
      const resolves = received.filter((request) => request.path === '/api/personalize/resolve');
      const { signals: sent } = JSON.parse(resolves.at(-1)!.body) as { signals: ClientSignals };
      expect(signalsSchema.safeParse(sent).error).toBeUndefined();
      return sent.behavior;
    };
    // At load nothing is measured yet: "dwell < 10 s" or "no click" must not match every fresh page view.
    expect(await sentBehavior()).toEqual({ quickExits: 0, recentlyViewed: [] });
    await runFor(999);
    expect(await sentBehavior()).toEqual({ quickExits: 0, recentlyViewed: [] });
    // The first engaged second measures them all.
    await runFor(501);
    const height = (await run('document.documentElement.scrollHeight')) as number;
    expect(await sentBehavior()).toEqual({
      dwellSec: 1.5,
      scrollDepth: Math.round((100 * 800) / height),
      clicks: 0,
      hovers: 0,
      quickExits: 0,
      recentlyViewed: ['doc2'], // the card at the top qualified after 1 s
    });

    // A new page view starts unmeasured again; a scroll or a click is measured at once.
    await open(CONSENT);
    await run('scrollTo(0, 1500)');
    await frames();
    await page.click('#btn');
    expect(await sentBehavior()).toEqual({
      scrollDepth: Math.round((100 * 2300) / height),
      clicks: 1,
      quickExits: 1, // the first page view: 1.5 s, no click, no scroll
      recentlyViewed: ['doc2'],
    });
  });

  it('counts engaged dwell only while visible and focused, paused after 30 s without input', async () => {
    await open(CONSENT);
    await runFor(5000);
    expect((await signals()).behavior.dwellSec).toBe(5);
    await run('setVisible(false)');
    await runFor(10_000);
    expect((await signals()).behavior.dwellSec).toBe(5);
    await run('setVisible(true)');
    await runFor(2000);
    expect((await signals()).behavior.dwellSec).toBe(7);
    await run('setFocused(false)');
    await runFor(3000);
    expect((await signals()).behavior.dwellSec).toBe(7);
    await run('setFocused(true)');
    await runFor(1000);
    expect((await signals()).behavior.dwellSec).toBe(8);
    await runFor(40_000); // no input: only the first 30 s count
    expect((await signals()).behavior.dwellSec).toBe(37);
    await page.mouse.move(10, 10);
    await page.mouse.move(20, 20);
    await runFor(2000);
    expect((await signals()).behavior.dwellSec).toBe(39);
  });

  it('measures scroll depth as round(100 × max(scrollY + innerHeight) / scrollHeight), 100 on a page that cannot scroll', async () => {
    await open(CONSENT);
    const height = (await run('document.documentElement.scrollHeight')) as number;
    expect(height).toBeGreaterThan(4000);
    expect((await signals()).behavior.scrollDepth).toBeUndefined(); // not measured before a scroll or the first engaged second
    await runFor(1000);
    expect((await signals()).behavior.scrollDepth).toBe(Math.round((100 * 800) / height));
    await run('scrollTo(0, 1500)');
    await frames();
    expect((await signals()).behavior.scrollDepth).toBe(Math.round((100 * 2300) / height));
    await run('scrollTo(0, 200)');
    await frames();
    expect((await signals()).behavior.scrollDepth).toBe(Math.round((100 * 2300) / height)); // the deepest stays
    await run('scrollTo(0, 1e6)');
    await frames();
    expect((await signals()).behavior.scrollDepth).toBe(100);

    await open(CONSENT, { short: true });
    await runFor(1000);
    expect((await signals()).behavior.scrollDepth).toBe(100);
  });

  it('counts clicks on links, buttons and [data-pz-click], and sends click and dismiss events for entries', async () => {
    await open(CONSENT);
    await page.click('#link');
    await page.click('#btn');
    await page.click('#tagged');
    await page.click('#plain');
    await page.click('#hover');
    expect((await signals()).behavior.clicks).toBe(3);
    await run('scrollTo(0, 0)');
    await page.click('#card-open');
    await page.click('#card-dismiss');
    expect((await signals()).behavior.clicks).toBe(5);
    await flush();
    expect(ofType('click')).toEqual([
      {
        type: 'click',
        id: expect.stringMatching(ID),
        ts: expect.any(Number),
        uid: 'api::article.article',
        documentId: 'doc2',
        tags: ['news'],
      },
    ]);
    expect(ofType('dismiss')).toMatchObject([{ uid: 'api::article.article', documentId: 'doc2' }]);
  });

  it('counts hovers of ≥ 1000 ms on [data-pz-entry] and [data-pz-hover], and ignores touch', async () => {
    await open(CONSENT);
    const center = async (selector: string) => {
      const box = (await page.locator(selector).boundingBox())!;
      return [box.x + box.width / 2, box.y + box.height / 2] as const;
    };
    await page.mouse.move(...(await center('#hover')));
    await runFor(999);
    expect((await signals()).behavior.hovers).toBeUndefined(); // not measured before the first engaged second
    await runFor(1);
    expect((await signals()).behavior.hovers).toBe(1);
    await page.mouse.move(900, 700);
    await page.mouse.move(...(await center('#hover')));
    await runFor(500);
    await page.mouse.move(900, 700);
    await runFor(2000);
    expect((await signals()).behavior.hovers).toBe(1); // 500 ms is not a hover
    await page.mouse.move(...(await center('#card')));
    await runFor(1200);
    await page.mouse.move(900, 700);
    expect((await signals()).behavior.hovers).toBe(2);
    // A touch "hover" (pointerType touch) is not one.
    await run(
      `document.getElementById('hover').dispatchEvent(new PointerEvent('pointerover', { bubbles: true, pointerType: 'touch' }))`
    );
    await runFor(2000);
    expect((await signals()).behavior.hovers).toBe(2);
    await flush();
    expect(ofType('hover')).toMatchObject([{ uid: 'api::article.article', documentId: 'doc2', tags: ['news'] }]);
  });

  it('counts a qualified view at ≥ 50 % visible for 1000 ms continuously on a visible tab, once per element', async () => {
    await open(CONSENT);
    await runFor(1500); // the card at the top qualifies at once
    await flush();
    expect(ofType('view').map((event) => event.documentId)).toEqual(['doc2']);
    const top = (await run(`document.getElementById('entry').getBoundingClientRect().top + scrollY`)) as number;
    const showing = async (fraction: number) => {
      await run(`scrollTo(0, ${top + 400 * fraction - 800})`);
      await frames();
    };
    const views = async () => {
      await flush();
      return ofType('view').filter((event) => event.documentId === 'doc1');
    };

    await showing(0.4);
    await runFor(3000);
    expect(await views()).toHaveLength(0); // 40 % is not enough
    await showing(0.6);
    await runFor(600);
    await showing(0.3);
    await runFor(100);
    await showing(0.6);
    await runFor(600);
    expect(await views()).toHaveLength(0); // 1200 ms in all, but not continuously
    await runFor(300);
    expect(await views()).toHaveLength(0);
    await runFor(200);
    expect(await views()).toEqual([
      {
        type: 'view',
        id: expect.stringMatching(ID),
        ts: expect.any(Number),
        uid: 'api::article.article',
        documentId: 'doc1',
        variant: 'v_sale',
        tags: ['shoes', 'sale'],
      },
    ]);
    await showing(0);
    await runFor(2000);
    await showing(1);
    await runFor(3000);
    expect(await views()).toHaveLength(1); // once per element per page view

    // A hidden tab does not count, and the 1000 ms start over when it shows again.
    const top3 = (await run(`document.getElementById('entry3').getBoundingClientRect().top + scrollY`)) as number;
    await run(`scrollTo(0, ${top3 - 200})`);
    await frames();
    await runFor(800);
    await run('setVisible(false)');
    await runFor(5000);
    expect(ofType('view').filter((event) => event.documentId === 'doc3')).toHaveLength(0);
    await run('setVisible(true)');
    await runFor(900);
    await flush();
    expect(ofType('view').filter((event) => event.documentId === 'doc3')).toHaveLength(0);
    await runFor(100);
    await flush();
    expect(ofType('view').filter((event) => event.documentId === 'doc3')).toHaveLength(1);

    expect((await signals()).behavior.recentlyViewed).toEqual(['doc3', 'doc1', 'doc2']);
  });

  it('sends the page view’s engage summary with sendBeacon on pagehide: text/plain, the contract’s envelope, no preflight', async () => {
    await open(CONSENT);
    await run(`pz.track('signup', { plan: 'pro' }, 49)`);
    await runFor(3000);
    const visitorId = await run('pz.visitorId');
    await page.goto('about:blank');
    await eventually(() => expect(ofType('engage')).toHaveLength(1));
    const beacon = received.find((request) => request.path === '/api/personalize/events')!;
    expect(beacon.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(beacon.headers['sec-fetch-mode']).toBe('no-cors'); // a beacon, not a fetch
    const [envelope] = batches();
    expect(envelope).toEqual({
      visitorId,
      batchId: expect.stringMatching(ID),
      sentAt: T0 + 4000,
      consent: { events: true, profiling: true },
      events: [
        { type: 'page', id: expect.stringMatching(ID), ts: T0 + 1000, path: '/page', title: 'SDK test page' },
        { type: 'track', id: expect.stringMatching(ID), ts: T0 + 1000, name: 'signup', props: { plan: 'pro' }, value: 49 },
        {
          type: 'view',
          id: expect.stringMatching(ID),
          ts: T0 + 2000,
          uid: 'api::article.article',
          documentId: 'doc2',
          tags: ['news'],
        },
        {
          type: 'engage',
          id: expect.stringMatching(ID),
          ts: T0 + 4000,
          dwellSec: 3,
          scrollDepth: expect.any(Number),
          clicks: 0,
          hovers: 0,
          quickExit: true,
        },
      ],
      headers: expect.anything(),
    });
    expect(new Set(envelope.events.map((event) => event.id)).size).toBe(envelope.events.length);
    expect(received.filter((request) => request.method === 'OPTIONS')).toEqual([]);
  });

  it('hands the queue to sendBeacon when the tab goes hidden', async () => {
    await open(CONSENT);
    await run(`pz.track('a')`);
    await run('setVisible(false)');
    const beacons = (await run('window.__beacons')) as Array<{ url: string; type: string; body: string }>;
    expect(beacons).toHaveLength(1);
    expect(beacons[0].url).toBe(`${API}/api/personalize/events`);
    expect(beacons[0].type).toBe('string');
    expect(JSON.parse(beacons[0].body).events.map((event: PersonalizeEvent) => event.type)).toEqual(['page', 'track']);
    await eventually(() => expect(batches()).toHaveLength(1));
  });

  it('sends batches at 10 events, or after 5 s, with fetch and text/plain (no preflight)', async () => {
    await open(CONSENT, { entries: false }); // the page event is the first
    for (let i = 0; i < 8; i++) await run(`pz.track('step', { i: ${i} })`);
    await runFor(100);
    await sleep(200);
    expect(batches()).toHaveLength(0);
    await run(`pz.track('step', { i: 8 })`);
    await answered(1);
    expect(batches()[0].events).toHaveLength(10);
    expect(batches()[0].headers['content-type']).toBe('text/plain');
    expect(batches()[0].headers['sec-fetch-mode']).toBe('cors');
    await run(`pz.track('late')`);
    await runFor(4900);
    await sleep(200);
    expect(batches()).toHaveLength(1);
    await runFor(100);
    await eventually(() => expect(batches()).toHaveLength(2));
    expect(batches()[1].events.map((event) => event.type)).toEqual(['track']);
    expect(received.filter((request) => request.method === 'OPTIONS')).toEqual([]);
  });

  it('retries a 503 after Retry-After, then with exponential backoff, keeping the batchId; drops a 400', async () => {
    const script = [{ status: 503, headers: { 'retry-after': '3' } }, { status: 503 }, { status: 503 }];
    answer = (request) => (request.path === '/api/personalize/events' ? script.shift() : undefined);
    await open(CONSENT, { entries: false });
    await run(`pz.track('a')`);
    await flush();
    await answered(1);
    await runFor(2900);
    await sleep(200);
    expect(batches()).toHaveLength(1); // Retry-After: 3
    await runFor(100);
    await answered(2);
    await runFor(999);
    await sleep(200);
    expect(batches()).toHaveLength(2); // second retry: backoff 2 s × (0.5–1)
    await runFor(1001);
    await answered(3);
    await runFor(1999);
    await sleep(200);
    expect(batches()).toHaveLength(3); // third: 4 s × (0.5–1)
    await runFor(2001);
    await answered(4); // 202 at last
    await runFor(60_000);
    await sleep(100);
    expect(batches()).toHaveLength(4);
    expect(new Set(batches().map((batch) => batch.batchId)).size).toBe(1);

    received = [];
    answer = (request) => (request.path === '/api/personalize/events' ? { status: 400 } : undefined);
    await run(`pz.track('b')`);
    await flush();
    await runFor(120_000);
    await sleep(200);
    expect(batches()).toHaveLength(1);
  });

  it('counts quick exits of this session: dwell < 10 s, no click and scroll < 25 %', async () => {
    await open(CONSENT);
    await runFor(3000);
    await open(CONSENT); // the first page view ends as a quick exit
    await eventually(() => expect(ofType('engage')).toHaveLength(1));
    expect(ofType('engage')[0]).toMatchObject({ quickExit: true, clicks: 0, dwellSec: 3 });
    expect((await signals()).behavior.quickExits).toBe(1);

    await page.click('#btn');
    await open(CONSENT); // a click: not a quick exit
    await runFor(11_000);
    await open(CONSENT); // 11 s: not a quick exit
    await run('scrollTo(0, 1e6)');
    await frames();
    await open(CONSENT); // scrolled to the end: not a quick exit
    await eventually(() => expect(ofType('engage')).toHaveLength(4));
    expect(ofType('engage').map((event) => event.quickExit)).toEqual([true, false, false, false]);
    expect((await signals()).behavior.quickExits).toBe(1);
    await runFor(2000);
    await open(CONSENT);
    expect((await signals()).behavior.quickExits).toBe(2);
  });

  it('keeps a session across page views until 30 minutes without activity', async () => {
    await open(CONSENT);
    expect((await signals()).session).toEqual({ pageviews: 1, durationSec: 0, isNew: true });
    await runFor(5000);
    await open(CONSENT);
    expect((await signals()).session).toEqual({ pageviews: 2, durationSec: 5, isNew: true });
    await page.clock.fastForward(29 * 60_000);
    await page.mouse.move(5, 5); // activity keeps it alive
    await page.clock.fastForward(29 * 60_000);
    await open(CONSENT);
    expect((await signals()).session).toMatchObject({ pageviews: 3, isNew: true });
    await page.clock.fastForward(31 * 60_000);
    await open(CONSENT);
    expect((await signals()).session).toEqual({ pageviews: 1, durationSec: 0, isNew: false });

    // Without consent, nothing is kept: every page view is a session of its own.
    await freshContext();
    await open();
    await open();
    expect((await signals()).session).toEqual({ pageviews: 1, durationSec: 0, isNew: true });
  });

  it('reports the page context: url, path, referrer, timezone, network and saveData', async () => {
    await open(CONSENT);
    await page.click('#link'); // same page, new hash
    await page.goto(`${SITE}/page2?opts=${encodeURIComponent(JSON.stringify(CONSENT))}`, { referer: `${SITE}/from` });
    await page.waitForFunction(() => 'pz' in window, undefined, { polling: 20 });
    const { context: pageContext } = await signals();
    expect(pageContext).toEqual({
      url: `${SITE}/page2?opts=${encodeURIComponent(JSON.stringify(CONSENT))}`,
      path: '/page2',
      referrer: `${SITE}/from`,
      timezone: 'Europe/Zurich',
      network: expect.stringMatching(/^(slow-2g|2g|3g|4g)$/),
      saveData: false,
    });
    const headers = (await run('pz.headers()')) as Record<string, string>;
    expect(headers['x-personalize-visitor']).toBe(await run('pz.visitorId'));
    expect(JSON.parse(Buffer.from(headers['x-personalize-signals'], 'base64url').toString())).toMatchObject({
      context: { path: '/page2' },
    });
  });

  it('starts a new page view on a history.pushState to another path (single-page apps)', async () => {
    await open(CONSENT);
    await runFor(12_000);
    await run(`history.pushState({}, '', '/page/next')`);
    const after = await signals();
    expect(after.behavior).not.toHaveProperty('dwellSec'); // a new page view: not measured yet
    expect(after.session.pageviews).toBe(2);
    await flush();
    expect(ofType('engage')).toMatchObject([{ dwellSec: 12, quickExit: false }]);
    expect(ofType('page').map((event) => [event.path, event.referrer])).toEqual([
      ['/page', undefined],
      ['/page/next', expect.stringContaining('/page?opts=')],
    ]);
  });

  it('resolves through <PersonalizeProvider> and usePersonalized(): data, variant, loading, error', async () => {
    await page.goto(`${SITE}/react`);
    await page.clock.runFor(10); // let the fetches start
    await eventually(async () => expect(await page.textContent('#state')).toBe('Still deciding? Here is 10% off'));
    expect(await page.getAttribute('#state', 'data-variant')).toBe('v_quick_exit');
    await eventually(async () => expect(await page.textContent('#missing')).toBe('error 404'));
    const resolve = received.find(
      (request) => request.method === 'POST' && request.path === '/api/personalize/resolve' && request.body.includes('doc1')
    )!;
    const body = JSON.parse(resolve.body);
    expect(signalsSchema.safeParse(body.signals).error).toBeUndefined(); // the server's signals schema (strict)
    expect(body).toEqual({
      uid: 'api::article.article',
      documentId: 'doc1',
      locale: 'en',
      signals: {
        // The first resolve, at load: nothing of this page view is measured yet (docs/sdk.md, "What is measured").
        behavior: { quickExits: 0, recentlyViewed: [] },
        session: { pageviews: 1, durationSec: expect.any(Number), isNew: true },
        context: expect.objectContaining({ path: '/react', timezone: 'Europe/Zurich' }),
      },
      visitorId: expect.stringMatching(ID),
    });
  });
});
