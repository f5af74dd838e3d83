/**
 * The Health page in a real browser (docs/observability.md, "The Health page"): after real traffic
 * (personalized resolves, events of several results, an A/B test whose weights moved so its split is
 * off), on an instance with Redis, Settings → Personalize → Health shows the store (Redis) up, Redis
 * connected, the instance bus listening with the last message it heard and the generation it read, the
 * experiment's SRM banner, and charts whose screen-reader tables hold the minute's counts; no critical or serious
 * axe finding, no tab stop inside a chart's aria-hidden drawing, and in French at 390 px nothing
 * scrolls sideways. Screenshots to look at: tests/e2e/__screenshots__/health-*.png.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import Redis from 'ioredis';
import type { Page } from 'playwright-core';

import { batchOf, BOT_UA, newVisitorId, pageEvent } from '../helpers/events';
import { axeViolations, describeFindings, DESKTOP, horizontalOverflow, PHONE } from './a11y';
import {
  adminToken,
  assertChromium,
  ensureAdminBuild,
  expectText,
  inFrench,
  launchBrowser,
  logIn,
  ROOT,
  SCREENSHOTS,
  startStrapi,
  strapiApi,
  withFailureSnapshot,
  type Browser,
  type RunningStrapi,
} from './helpers';

const UID = 'api::article.article';
const NAME = 'Pricing page split';
const VISITORS = 20;
/** This file's keys on the shared Redis (deleted after). */
const REDIS_PREFIX = `pz-e2e-health-${randomUUID().slice(0, 8)}:`;

const FR = JSON.parse(fs.readFileSync(path.join(ROOT, 'admin/src/translations/fr.json'), 'utf8')) as Record<string, string>;

describe('the Health page, in a real browser', () => {
  let strapi: RunningStrapi;
  let browser: Browser;
  let page: Page;
  let token: string;
  let resolves = 0;

  const { api, sendEvents } = strapiApi(() => strapi.url, () => token);

  beforeAll(async () => {
    assertChromium();
    ensureAdminBuild();
    strapi = await startStrapi({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: REDIS_PREFIX });
    browser = await launchBrowser();
    page = browser.page;
    token = await adminToken(strapi.url);

    const { body } = await api<{ data: { documentId: string }[] }>('/api/articles?filters[slug][$eq]=pricing&fields[0]=title');
    const entryId = body.data[0].documentId;
    const arms = (control: number) => [
      { key: 'control', name: 'Control', weight: control, variants: [] },
      { key: 'new', name: 'New', weight: 1 - control, variants: [] },
    ];
    const created = await api<{ data: { documentId: string } }>('/personalize/experiments', {
      method: 'POST',
      body: JSON.stringify({
        key: 'pricing-split',
        name: NAME,
        target: { uid: UID, documentId: entryId },
        arms: arms(0.5),
        traffic: 1,
        goal: { event: 'signup', kind: 'conversion', windowHours: 24 },
      }),
    });
    expect(created.status).toBe(201);
    const experimentId = created.body.data.documentId;
    expect((await api(`/personalize/experiments/${experimentId}/start`, { method: 'POST' })).status).toBe(200);

    // Visitors with consent, each resolving the entry twice (one first exposure each).
    for (let index = 0; index < VISITORS; index += 1) {
      const visitorId = newVisitorId();
      await sendEvents(visitorId, [pageEvent(['pricing'])]);
      for (let serve = 0; serve < 2; serve += 1) {
        const resolved = await api('/api/personalize/resolve', { method: 'POST', body: JSON.stringify({ uid: UID, documentId: entryId, visitorId }) });
        expect(resolved.status).toBe(200);
        resolves += 1;
      }
    }
    // A bot's events, refused.
    const bot = await api('/api/personalize/events', {
      method: 'POST',
      headers: { 'user-agent': BOT_UA },
      body: JSON.stringify(batchOf(newVisitorId(), [pageEvent(), pageEvent()])),
    });
    expect(bot.body).toMatchObject({ ignored: 'bot' });
    // The weights move to 95/5 while about half the visitors are in each arm: a sample ratio mismatch.
    const moved = await api(`/personalize/experiments/${experimentId}`, { method: 'PUT', body: JSON.stringify({ arms: arms(0.95) }) });
    expect(moved.status).toBe(200);
    await logIn(page, strapi.url);
  });

  afterAll(async () => {
    await browser?.close();
    await strapi?.stop();
    const redis = new Redis(6379, '127.0.0.1');
    const keys = await redis.keys(`${REDIS_PREFIX}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const openHealth = async () => {
    await page.goto(`${strapi.url}/admin/settings/personalize/health`);
    await page.getByTestId('health-state').waitFor();
    await page.getByTestId('health-chart-decisions-drawing').locator('svg').first().waitFor();
    await page.waitForTimeout(300);
  };

  /** A chart's screen-reader table: its header row and body rows' cells. */
  const chartTable = (testId: string) =>
    page.getByTestId(testId).locator('table').evaluate((table) => ({
      caption: table.querySelector('caption')?.textContent ?? '',
      columns: Array.from(table.querySelectorAll('thead th')).map((cell) => cell.textContent ?? ''),
      rows: Array.from(table.querySelectorAll('tbody tr')).map((row) => Array.from(row.children).map((cell) => cell.textContent ?? '')),
    }));

  /** axe's findings in `main`, each with the markup it points at. */
  const expectNoAxeFindings = async (state: string) => {
    const findings = await axeViolations(page, { include: ['main'] });
    if (findings.length === 0) return;
    const markup = await page.evaluate(
      (selectors) => selectors.map((selector) => document.querySelector(selector)?.outerHTML.slice(0, 200) ?? selector),
      findings.flatMap((finding) => finding.targets)
    );
    throw new Error(`${state}: axe found\n${describeFindings(findings)}\n${markup.join('\n')}`);
  };

  /** Elements a keyboard can reach inside the charts' aria-hidden drawings. */
  const focusableInHidden = () =>
    page.evaluate(() =>
      Array.from(document.querySelectorAll('[aria-hidden="true"] *'))
        .filter((element) => {
          const tabindex = element.getAttribute('tabindex');
          if (tabindex !== null) return Number(tabindex) >= 0;
          return element.matches('a[href], button, input, select, textarea, [contenteditable="true"]');
        })
        .map((element) => element.outerHTML.slice(0, 80))
    );

  it('shows the state, the SRM banner and charts with their tables, with no axe finding', async () => {
    await withFailureSnapshot(page, 'health-desktop-failure', async () => {
      await page.setViewportSize(DESKTOP);
      await page.goto(`${strapi.url}/admin/settings/personalize`);
      // The settings menu links to the page.
      await page.getByRole('link', { name: 'Health' }).click();
      await page.waitForURL(/\/settings\/personalize\/health$/);
      await openHealth();

      await expectText(page.getByTestId('health-store-value'), 'Up');
      await expectText(page.getByTestId('health-store'), 'Redis');
      await expectText(page.getByTestId('health-redis-value'), 'Connected');
      // The bus: listening, the weights' change heard (a reload message), its generation read every second.
      await expectText(page.getByTestId('health-bus-value'), 'Listening');
      const bus = (await page.getByTestId('health-bus').textContent()) ?? '';
      expect(bus).toMatch(/Last message heard at \d{1,2}:\d{2}:\d{2}( [AP]M)?, [\d.]+ ms after it was sent/);
      expect(bus).toMatch(/Generation \d+ read at \d{1,2}:\d{2}:\d{2}( [AP]M)? \(every second\)/);
      const banner = page.getByTestId('health-srm-banner');
      await expectText(banner, `Sample ratio mismatch in “${NAME}”`);
      await expect(banner.getByRole('link', { name: `Open the results of “${NAME}”` }).count()).resolves.toBe(1);

      // The decisions table holds this run's resolves (one decision each), minute by minute.
      const decisions = await chartTable('health-chart-decisions');
      expect(decisions.caption).toBe('Decisions per minute');
      expect(decisions.columns).toEqual(['Minute', 'Decisions']);
      expect(decisions.rows.reduce((sum, row) => sum + Number(row[1]), 0)).toBe(resolves);
      const exposures = await chartTable('health-chart-exposures');
      expect(exposures.rows.reduce((sum, row) => sum + Number(row[1]), 0)).toBe(VISITORS);
      const events = await chartTable('health-chart-events');
      expect(events.columns).toEqual(['Minute', 'Accepted', 'Bots']);
      expect(events.rows.reduce((sum, row) => sum + Number(row[1]), 0)).toBe(VISITORS);
      expect(events.rows.reduce((sum, row) => sum + Number(row[2]), 0)).toBe(2);
      await page.getByTestId('health-chart-latency').waitFor();
      await page.getByTestId('health-chart-cache').waitFor();

      expect(await focusableInHidden()).toEqual([]);
      await expectNoAxeFindings('health');
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'health-desktop.png'), fullPage: true });
    });
  });

  it('reads in French and fits a 390 px screen', async () => {
    await withFailureSnapshot(page, 'health-phone-failure', async () => {
      await inFrench(strapi.url, token, page, async () => {
        await page.setViewportSize({ ...PHONE, height: 2400 });
        await openHealth();
        await expectText(page.locator('main h1'), FR['health.title']);
        await expectText(page.getByTestId('health-store-value'), FR['health.state.up']);
        await expectText(page.getByTestId('health-bus-value'), FR['health.bus.subscribed']);
        await expectText(page.getByTestId('health-srm-banner'), FR['health.srm.title'].replace('{name}', NAME));
        expect((await chartTable('health-chart-decisions')).columns).toEqual([FR['health.chart.minute'], FR['health.chart.decisions.column']]);
        expect(await horizontalOverflow(page)).toEqual([]);
        await expectNoAxeFindings('health (fr, phone)');
        fs.mkdirSync(SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: path.join(SCREENSHOTS, 'health-phone-fr.png'), fullPage: true });
      });
    });
  });
});
