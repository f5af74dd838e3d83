/**
 * The playground's demo site (playground/public/demo/, at /demo/ of the playground Strapi, with the
 * built SDK from /demo/sdk.mjs) in Debian's Chromium, against the real playground Strapi and its real
 * `/api/personalize/*` routes. Real time, short waits. Run after `npm run build`.
 *
 * Chromium is launched with a desktop User-Agent on its command line: the headless one says
 * "HeadlessChrome", which the events endpoint ignores as a bot, and a context-level `userAgent`
 * override does not reach the beacon Chromium sends as the page goes away.
 */
import fs from 'node:fs';
import path from 'node:path';

import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';

import { assertChromium, CHROMIUM, ROOT, snap, startStrapi, type RunningStrapi } from './helpers';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  `--user-agent=${UA}`,
];
/** A laptop screen: the demo page is more than four screens tall, so a visitor who does not scroll stays under 25 %. */
const VIEWPORT = { width: 1280, height: 800 };

const PUBLISHED = {
  cta: 'Book the three huts',
  summary: 'Your first multi-day hike, planned: where to sleep, what to pack, and how fit you need to be.',
};
const HESITANT_CTA = 'Not sure yet? Get the free route map';
const HIKING_SUMMARY =
  'You have been reading about hiking: here is the route we would pick for you, with the huts already chosen.';

/**
 * The README's demo steps, word for word (between `<!-- demo:steps -->` and `<!-- /demo:steps -->`, as
 * plain text). The test below does each, in this order, and checks what each says it shows; it also checks
 * the README and the demo page's "Try it" box still say exactly this.
 */
const STEPS = [
  'Accept the banner, then reload twice within 10 s, without scrolling or clicking: the page view between the two reloads counts as a quick exit (the first one does not: you clicked Accept), so the call to action becomes “Not sure yet? Get the free route map”. The teaser under the title does not change.',
  'Then read on: scroll down to “The route at a glance”, after day 3, stay there a few seconds, and reload: that view builds an interest in hiking, so the teaser under the title changes, and the call to action is “Book the three huts” again: a reader is no longer hesitant.',
];
const plain = (text: string) => text.replace(/\*\*/g, '').replace(/\s+/g, ' ').trim();
const readmeSteps = () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- demo:steps -->\n([\s\S]*?)\n<!-- \/demo:steps -->/.exec(readme)?.[1] ?? '';
  return block
    .split(/\n(?=\d+\. )/)
    .filter(Boolean)
    .map((step) => plain(step.replace(/^\d+\. /, '')));
};

/**
 * Records, in every page: the type of every listener added (window.__listeners), and every
 * sendBeacon call, kept in sessionStorage so the next same-origin page of the tab can read them.
 */
const INSTRUMENT = `
  window.__listeners = [];
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, ...rest) {
    window.__listeners.push(type);
    return add.call(this, type, ...rest);
  };
  const beacon = navigator.sendBeacon.bind(navigator);
  navigator.sendBeacon = (url, body) => {
    const ok = beacon(url, body);
    const sent = JSON.parse(sessionStorage.getItem('__beacons') || '[]');
    sent.push({ url: String(url), ok, types: JSON.parse(String(body)).events.map((event) => event.type) });
    sessionStorage.setItem('__beacons', JSON.stringify(sent));
    return ok;
  };
`;

interface Resolved {
  data: { documentId: string; title: string; summary: string; cta: string };
  meta: { personalize: { variant: string | null; reason: Array<Record<string, unknown>> } };
}
interface StoredEvent {
  type: string;
  documentId?: string;
  variant?: string | null;
  tags?: string[];
  dwellSec?: number;
  scrollDepth?: number;
  clicks?: number;
  quickExit?: boolean;
}
interface Export {
  profile: object | null;
  decayed: { interests: Record<string, number>; quickExits: number; recentlyViewed: string[] } | null;
  events: StoredEvent[];
}
interface Behavior {
  dwellSec: number;
  scrollDepth: number;
  clicks: number;
  quickExits: number;
  recentlyViewed: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the demo site, in Chromium against the playground Strapi', () => {
  let strapi: RunningStrapi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** POSTs to /api/personalize/events the browser reported (fetches; a beacon at page hide may not be reported). */
  let eventPosts: Request[] = [];

  const me = async (visitorId: string): Promise<Export> => {
    const response = await fetch(`${strapi.url}/api/personalize/me`, {
      headers: { 'x-personalize-visitor': visitorId, connection: 'close' },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: Export }).data;
  };

  /** Polls GET /me (real time) until the check passes. */
  const eventually = async <T>(read: () => Promise<T>, check: (value: T) => void, timeout = 10_000): Promise<T> => {
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await read();
      try {
        check(value);
        return value;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(200);
      }
    }
  };

  /** Opens the demo and waits until it has rendered the resolved article and the visitor's profile. */
  const openDemo = async (): Promise<Resolved> => {
    await page.goto(`${strapi.url}/demo/`);
    await page.waitForFunction(() => (window as unknown as { demo: { ready: boolean } }).demo?.ready === true);
    const demo = (await page.evaluate(() => (window as unknown as { demo: Resolved & { error?: string } }).demo)) as Resolved & {
      error?: string;
    };
    expect(demo.error).toBeUndefined();
    return demo;
  };
  /** Reloads the demo (pagehide: the SDK's beacon) and waits until it has rendered again. */
  const reloadDemo = async (): Promise<Resolved> => {
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { demo: { ready: boolean } }).demo?.ready === true);
    return (await page.evaluate(() => (window as unknown as { demo: Resolved }).demo)) as Resolved;
  };
  const text = (selector: string) => page.locator(selector).innerText();
  const behavior = () =>
    page.evaluate(() => (window as unknown as { pz: { signals(): { behavior: Behavior } } }).pz.signals().behavior);
  const visitorId = () => page.evaluate(() => (window as unknown as { pz: { visitorId: string } }).pz.visitorId);
  /** Scrolls down with the wheel, a reader's pace, until the route card is wholly in view. */
  const scrollToRoute = async () => {
    const routeInView = () =>
      page.evaluate(() => {
        const box = document.getElementById('route')!.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= window.innerHeight;
      });
    await page.mouse.move(400, 400);
    for (let step = 0; !(await routeInView()); step += 1) {
      expect(step).toBeLessThan(40);
      await page.mouse.wheel(0, 300);
      await sleep(300);
    }
  };
  /** Leaves the demo for another page of the same origin (pagehide: the SDK's beacon), and returns the beacons sent. */
  const leave = async () => {
    await page.goto(`${strapi.url}/demo/demo.css`);
    return page.evaluate(() => JSON.parse(sessionStorage.getItem('__beacons') || '[]')) as Promise<
      Array<{ url: string; ok: boolean; types: string[] }>
    >;
  };
  const expectNoUnloadListeners = async () => {
    const types = (await page.evaluate(() => (window as unknown as { __listeners: string[] }).__listeners)) as string[];
    expect(types).toEqual(expect.arrayContaining(['pagehide', 'visibilitychange']));
    expect(types).not.toContain('unload');
    expect(types).not.toContain('beforeunload');
  };

  const newVisitor = async () => {
    await context?.close();
    context = await browser.newContext({ viewport: VIEWPORT });
    await context.addInitScript(INSTRUMENT);
    eventPosts = [];
    context.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/personalize/events') eventPosts.push(request);
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  };

  /** Runs a flow, with a screenshot of the page when it fails. */
  const flow = async (name: string, body: () => Promise<void>) => {
    try {
      await body();
    } catch (error) {
      await snap(page, `demo-${name}-failure`).catch(() => undefined);
      throw error;
    }
  };

  beforeAll(async () => {
    assertChromium();
    strapi = await startStrapi();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await strapi?.stop();
  });

  it('serves the page, its script and the built SDK from the playground', async () => {
    for (const [path, type] of [
      ['/demo/', 'text/html'],
      ['/demo/demo.js', 'application/javascript'],
      ['/demo/sdk.mjs', 'text/javascript'],
    ]) {
      const response = await fetch(`${strapi.url}${path}`, { headers: { connection: 'close' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
    }
  });

  it('the README and the demo page give the same steps', async () => {
    expect(readmeSteps()).toEqual(STEPS);
    await newVisitor();
    await openDemo();
    expect((await page.locator('#steps li').allInnerTexts()).map(plain)).toEqual(STEPS);
  });

  it('follows the README’s steps in order, and each shows what it says', async () => {
    await newVisitor();
    await flow('readme-steps', async () => {
      const first = await openDemo();
      expect(first.meta.personalize.variant).toBeNull();
      expect(await text('#cta')).toBe(PUBLISHED.cta);
      expect(await text('#summary')).toBe(PUBLISHED.summary);
      const id = await visitorId();

      // Step 1. "Accept the banner" (after reading it a moment: the title's view qualifies and goes with the
      // consent), "then reload twice within 10 s, without scrolling or clicking".
      await sleep(1500);
      await page.getByRole('button', { name: 'Accept' }).click();
      await page.locator('#consent').waitFor({ state: 'hidden' });
      const reloadsStart = Date.now();
      const between = await reloadDemo();
      // "the first one does not [count]: you clicked Accept": still the article as published, teaser included.
      expect(between.meta.personalize.variant).toBeNull();
      expect(await text('#summary')).toBe(PUBLISHED.summary);
      expect(await text('#cta')).toBe(PUBLISHED.cta);
      await sleep(1500); // a glance: the title's view qualifies again, and builds no interest
      const step1 = await reloadDemo();
      expect(Date.now() - reloadsStart).toBeLessThan(10_000);
      expect((await behavior()).quickExits).toBe(1); // "the page view between the two reloads counts as a quick exit"
      // "so the call to action becomes “Not sure yet? Get the free route map”. The teaser under the title does not change."
      expect(step1.meta.personalize.variant).toBe('v_hesitant');
      expect(await text('#cta')).toBe(HESITANT_CTA);
      expect(await text('#summary')).toBe(PUBLISHED.summary);
      expect(await text('#why-variant')).toContain('Hesitant visitor');
      await snap(page, 'demo-step-1');

      // Step 2. "Then read on: scroll down to “The route at a glance”, after day 3, stay there a few seconds, and reload".
      const route = page.locator('#route');
      expect(await route.locator('figcaption').innerText()).toBe('The route at a glance');
      expect(
        await route.evaluate((card) => {
          let heading = card.previousElementSibling;
          while (heading && heading.tagName !== 'H2') heading = heading.previousElementSibling;
          return heading?.textContent;
        })
      ).toMatch(/^Day 3\b/);
      await scrollToRoute();
      await sleep(6000); // a few seconds: the view qualifies after 1 s, and the SDK sends its events every 5 s
      // "that view builds an interest in hiking"
      await eventually(
        () => me(id),
        (data) => expect(data.decayed?.interests.hiking).toBeCloseTo(1, 3)
      );
      const step2 = await reloadDemo();
      // "so the teaser under the title changes, and the call to action is “Book the three huts” again"
      expect(step2.meta.personalize.variant).toBe('v_hiking_fan');
      expect(await text('#summary')).toBe(HIKING_SUMMARY);
      expect(await text('#cta')).toBe(PUBLISHED.cta);
      expect(await text('#why-variant')).toContain('Reads about hiking');
      // "a reader is no longer hesitant": the session's quick exit is still there, the reader's variant comes first.
      expect((await behavior()).quickExits).toBe(1);
      await snap(page, 'demo-step-2');
    });
  });

  it('an engaged reader: the beacon carries the view and the engagement, and the next visit gets the hiking teaser', async () => {
    await newVisitor();
    await flow('reader', async () => {
      // First visit: the article as published, and the consent banner.
      const first = await openDemo();
      expect(first.meta.personalize.variant).toBeNull();
      expect(await text('#cta')).toBe(PUBLISHED.cta);
      expect(await text('#summary')).toBe(PUBLISHED.summary);
      expect(await page.locator('#consent').isVisible()).toBe(true);
      expect(await page.getAttribute('#entry', 'data-pz-entry')).toBe(`api::article.article:${first.data.documentId}`);
      await snap(page, 'demo-first-visit');

      await page.getByRole('button', { name: 'Accept' }).click();
      await page.locator('#consent').waitFor({ state: 'hidden' });
      const id = await visitorId();
      expect((await context.cookies()).find((cookie) => cookie.name === 'pz_vid')?.value).toBe(id);
      // What waited for consent (the page event, and the view if it qualified already) goes at once.
      await eventually(
        () => me(id),
        (data) => expect(data.events.map((event) => event.type)).toContain('page')
      );

      // Read: the title for a moment (the entry's view qualifies after 1 s), then down the article in steps,
      // a moment on the route card after day 3 (its view carries the tags), then to the end.
      await sleep(1200);
      await page.mouse.move(400, 400);
      await scrollToRoute();
      await sleep(1500);
      for (let step = 0; step < 8; step += 1) {
        await page.mouse.wheel(0, 600);
        await sleep(400);
      }
      await page.waitForFunction(() => window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2);
      await sleep(500);
      const measured = await behavior();
      const measuredAt = Date.now();
      expect(measured.recentlyViewed).toEqual([first.data.documentId]); // the qualified view
      expect(measured.scrollDepth).toBe(100);
      expect(measured.dwellSec).toBeGreaterThanOrEqual(3);
      expect(measured.clicks).toBe(1); // Accept
      await snap(page, 'demo-read');
      await expectNoUnloadListeners();

      // Leave: pagehide → sendBeacon with the view and the engage summary.
      const beacons = await leave();
      expect(beacons).toHaveLength(1);
      expect(beacons[0]).toMatchObject({ url: '/api/personalize/events', ok: true }); // baseUrl '': same origin
      expect(beacons[0].types).toContain('engage');

      const stored = await eventually(
        () => me(id),
        (data) => expect(data.events.map((event) => event.type)).toEqual(['page', 'view', 'view', 'engage'])
      );
      // The title's view carries no tag (a glance builds no interest); the route card's carries the article's.
      const [title, route] = [stored.events[1], stored.events[2]];
      expect(title).toMatchObject({ documentId: first.data.documentId, variant: null });
      expect(title.tags).toBeUndefined();
      expect(route).toMatchObject({ documentId: first.data.documentId, variant: null, tags: ['hiking', 'alps'] });
      const engage = stored.events[3];
      expect(engage.scrollDepth).toBe(measured.scrollDepth);
      expect(engage.dwellSec).toBeGreaterThanOrEqual(measured.dwellSec);
      expect(engage.dwellSec).toBeLessThanOrEqual(measured.dwellSec + (Date.now() - measuredAt) / 1000 + 0.5);
      expect(engage).toMatchObject({ clicks: 1, quickExit: false });
      expect(stored.decayed?.interests.hiking).toBeCloseTo(1, 3);
      expect(stored.decayed?.quickExits).toBe(0);

      // The next visit: the interest in hiking changes the teaser.
      const next = await openDemo();
      expect(next.meta.personalize.variant).toBe('v_hiking_fan');
      expect(next.meta.personalize.reason).toContainEqual(
        expect.objectContaining({ result: true, signals: { 'profile.interests.hiking': expect.closeTo(1, 3) } })
      );
      expect(await text('#summary')).toBe(HIKING_SUMMARY);
      expect(await text('#cta')).toBe(PUBLISHED.cta);
      expect(await page.getAttribute('#entry', 'data-pz-variant')).toBe('v_hiking_fan');
      expect(await page.locator('#consent').isVisible()).toBe(false); // the answer is remembered
      expect(await text('#why-variant')).toContain('Reads about hiking');
      expect(await text('#profile')).toMatch(/Interests\s+.*\bhiking 1(\.00)?\b/);
      await snap(page, 'demo-return-hiking-teaser');
      await expectNoUnloadListeners();
    });
  });

  it('a hesitant visitor who leaves quickly gets the other call to action on the next view', async () => {
    await newVisitor();
    await flow('hesitant', async () => {
      await openDemo();
      await page.getByRole('button', { name: 'Accept' }).click();
      await page.locator('#consent').waitFor({ state: 'hidden' });
      const id = await visitorId();

      // The next page view: a glance (the view qualifies after 1 s), no scroll, no click, gone within 10 s.
      const glance = await openDemo();
      expect(glance.meta.personalize.variant).toBeNull();
      await sleep(1500);
      const measured = await behavior();
      expect(measured).toMatchObject({ clicks: 0, quickExits: 0 });
      expect(measured.scrollDepth).toBeLessThan(25);
      expect(measured.dwellSec).toBeLessThan(10);
      await page.waitForFunction(() => document.getElementById('live')?.textContent?.includes('would count as a quick exit'));
      await snap(page, 'demo-glance');
      const beacons = await leave();
      expect(beacons.at(-1)).toMatchObject({ ok: true, types: expect.arrayContaining(['engage']) });

      const stored = await eventually(
        () => me(id),
        (data) =>
          expect(data.events.filter((event) => event.type === 'engage').map((event) => event.quickExit)).toEqual([false, true])
      );
      expect(stored.decayed?.quickExits).toBeCloseTo(1, 3);

      const next = await openDemo();
      expect(next.meta.personalize.variant).toBe('v_hesitant');
      expect(await text('#cta')).toBe(HESITANT_CTA);
      expect(await text('#summary')).toBe(PUBLISHED.summary);
      expect(await page.getAttribute('#entry', 'data-pz-variant')).toBe('v_hesitant');
      expect(await text('#why-variant')).toContain('Hesitant visitor');
      expect(await text('#why-reasons')).toContain('behavior.quickExits = 1');
      expect(await text('#profile')).toMatch(/Quick exits\s+1(\.00)?\b/);
      await snap(page, 'demo-return-hesitant');
    });
  });

  it('with consent refused, nothing is sent or stored', async () => {
    await newVisitor();
    await flow('refused', async () => {
      const first = await openDemo();
      await page.getByRole('button', { name: 'Refuse' }).click();
      await page.locator('#consent').waitFor({ state: 'hidden' });
      const id = await visitorId();

      await sleep(1500); // the view qualifies, and is dropped
      await page.mouse.move(400, 400);
      await page.mouse.wheel(0, 1200);
      await sleep(300);
      expect((await behavior()).recentlyViewed).toEqual([first.data.documentId]);
      expect(await text('#consent-state')).toContain('refused');
      await snap(page, 'demo-refused');
      const beacons = await leave();
      expect(beacons).toEqual([]);
      await sleep(500);

      expect(eventPosts).toHaveLength(0);
      const stored = await me(id);
      expect(stored.profile).toBeNull();
      expect(stored.events).toEqual([]);
      expect((await context.cookies()).find((cookie) => cookie.name === 'pz_vid')).toBeUndefined();

      // The refusal is remembered: no banner on the next page, the article as published, still nothing sent.
      const next = await openDemo();
      expect(next.meta.personalize.variant).toBeNull();
      expect(await page.locator('#consent').isVisible()).toBe(false);
      expect(await page.evaluate(() => localStorage.getItem('pz_state'))).toBeNull();
      expect(eventPosts).toHaveLength(0);
      expect((await me(await visitorId())).profile).toBeNull();
    });
  });
});
