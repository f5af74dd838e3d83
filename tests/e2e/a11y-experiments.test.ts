/**
 * Accessibility of the experiments pages, the Visitors page and the settings page, in a real browser
 * (issue: every editor, every device):
 * - a keyboard-only walk: "Test these variants" from an entry's variants field, the editor, Save,
 *   Start, then the list and the experiment's results, with where focus lands after each step;
 * - axe-core (WCAG 2.1 A/AA) on every page and state, scoped to the plugin's markup (its main content,
 *   its navigation and its dialogs; Strapi's own menu is left out): no critical or serious finding;
 * - the same pages at phone width (390 px) in French: no sideways scroll outside data tables, no label
 *   cut by an ellipsis, no English left in the tables' headers, screenshots to look at.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { Page } from 'playwright-core';

import { newId, newVisitorId, pageEvent } from '../helpers/events';
import { axeViolations, describeFindings, DESKTOP, focused, horizontalOverflow, PHONE, truncatedLabels } from './a11y';
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
const GOAL = 'signup';
const VISITORS = 40;
const NAME = 'Variants of “Our plans, side by side” vs. no personalization';

/** The plugin's French, for labels built from the same keys. */
const FR = JSON.parse(fs.readFileSync(path.join(ROOT, 'admin/src/translations/fr.json'), 'utf8')) as Record<string, string>;

/** The plugin's own markup: its pages' main content, its navigation and its dialogs (Strapi's menu is not the plugin's). */
const PLUGIN_MARKUP = ['main', 'nav[aria-label="Personalize"]', 'nav[aria-label="Personnalisation"]', '[role="dialog"]', '[role="alertdialog"]'];

interface ExperimentBody {
  documentId: string;
  key: string;
  status: string;
}

describe('experiments, visitors and settings by keyboard, with a screen reader, at phone width and in French', () => {
  let strapi: RunningStrapi;
  let browser: Browser;
  let page: Page;
  let token: string;
  let entryId: string;
  let draft: ExperimentBody;
  let bandit: ExperimentBody;
  let walked: ExperimentBody;
  const visitorId = newVisitorId();

  const { api, sendEvents } = strapiApi(() => strapi.url, () => token);

  const create = async (body: Record<string, unknown>) => {
    const created = await api<{ data: ExperimentBody }>('/personalize/experiments', { method: 'POST', body: JSON.stringify(body) });
    expect(created.status).toBe(201);
    return created.body.data;
  };

  beforeAll(async () => {
    assertChromium();
    ensureAdminBuild();
    strapi = await startStrapi();
    browser = await launchBrowser();
    page = browser.page;
    token = await adminToken(strapi.url);
    const { body } = await api<{ data: { documentId: string }[] }>('/api/articles?filters[slug][$eq]=pricing&fields[0]=title');
    entryId = body.data[0].documentId;
    draft = await create({
      key: 'homepage-headline',
      name: 'Homepage headline',
      arms: [
        { key: 'a', weight: 0.5, variants: [] },
        { key: 'b', weight: 0.5, variants: [] },
      ],
      goal: { event: GOAL, kind: 'conversion', windowHours: 72 },
    });
    bandit = await create({
      key: 'cta-bandit',
      name: 'Call to action bandit',
      mode: 'bandit',
      arms: [
        { key: 'short', name: 'Short', weight: 0.5, variants: [] },
        { key: 'long', name: 'Long', weight: 0.5, variants: [] },
      ],
      goal: { event: GOAL, kind: 'conversion', windowHours: 72 },
    });
    expect((await api(`/personalize/experiments/${bandit.documentId}/start`, { method: 'POST' })).status).toBe(200);
    await sendEvents(visitorId, [
      pageEvent(['pricing', 'plans'], Date.now() - 5 * 60_000, { path: '/pricing', title: 'Our plans' }),
      { id: newId(), ts: Date.now() - 60_000, type: 'track', name: 'newsletter.signup', value: 1 },
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await strapi?.stop();
  });

  /** Presses Tab (or Shift+Tab) until focus is on an element that `matches`, failing after `limit` presses. */
  const tabTo = async (matches: (target: Awaited<ReturnType<typeof focused>>) => boolean, { backwards = false, limit = 120 } = {}) => {
    const seen: string[] = [];
    for (let press = 0; press < limit; press += 1) {
      await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
      const target = await focused(page);
      if (matches(target)) return target;
      seen.push(`${target.tag}${target.role ? `[${target.role}]` : ''} "${target.name}"`);
    }
    throw new Error(`no match after ${limit} presses of ${backwards ? 'Shift+Tab' : 'Tab'}; focus went through:\n${seen.slice(-30).join('\n')}`);
  };

  /** A live region (role=status, visually hidden) of the page says `text`. */
  const expectAnnounced = (text: string) =>
    page.waitForFunction(
      (expected) => Array.from(document.querySelectorAll('main [role="status"]')).some((region) => (region.textContent ?? '').includes(expected)),
      text,
      { timeout: 10_000 }
    );

  /** The focused element has a visible focus indicator (an outline or a focus ring drawn as a shadow). */
  const focusIsVisible = () =>
    page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element || element === document.body) return false;
      const style = getComputedStyle(element);
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      const ring = style.boxShadow !== 'none';
      const after = getComputedStyle(element, '::after');
      const pseudo = after.content !== 'none' && (after.borderStyle !== 'none' || after.boxShadow !== 'none' || after.outlineStyle !== 'none');
      const rect = element.getBoundingClientRect();
      return (outline || ring || pseudo) && rect.width > 0 && rect.height > 0;
    });

  /** axe on the plugin's markup: no critical or serious violation. */
  const expectNoAxeViolations = async (state: string) => {
    const present: string[] = [];
    for (const selector of PLUGIN_MARKUP) if ((await page.locator(selector).count()) > 0) present.push(selector);
    const findings = await axeViolations(page, { include: present });
    if (findings.length) throw new Error(`${state}: axe found\n${describeFindings(findings)}`);
  };

  /**
   * Tabs through the whole page and lists the tab stops inside `aria-hidden` (reached by a keyboard,
   * unheard by a screen reader) or without a box (an invisible focus).
   */
  const hiddenTabStops = async (limit = 200) => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const found: string[] = [];
    const visited = new Set<string>();
    for (let press = 0; press < limit; press += 1) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(() => {
        const element = document.activeElement;
        if (!element || element === document.body) return null;
        const rect = element.getBoundingClientRect();
        const path: string[] = [];
        for (let node: Element | null = element; node; node = node.parentElement) path.push(`${node.tagName}${Array.from(node.parentElement?.children ?? []).indexOf(node)}`);
        return { path: path.join('<'), hidden: element.closest('[aria-hidden="true"]') !== null, empty: rect.width === 0 || rect.height === 0, html: element.outerHTML.slice(0, 100) };
      });
      if (!stop || visited.has(stop.path)) break; // back at the start
      visited.add(stop.path);
      if (stop.hidden || stop.empty) found.push(`${stop.hidden ? 'inside aria-hidden' : '0×0'}: ${stop.html}`);
    }
    return found;
  };

  /** Phone width: nothing scrolls sideways outside the data tables, no label is cut; a screenshot to look at. */
  const checkPhone = async (name: string) => {
    await page.waitForTimeout(300);
    const overflow = await horizontalOverflow(page);
    const truncated = await truncatedLabels(page);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `a11y-experiments-${name}.png`), fullPage: true });
    expect({ name, overflow, truncated }).toEqual({ name, overflow: [], truncated: [] });
  };

  it('walks from an entry to a running experiment and its results by keyboard alone', async () => {
    await withFailureSnapshot(page, 'a11y-experiments-keyboard-failure', keyboardWalk);
  });

  it('has no critical or serious axe finding on the experiments, visitors and settings pages', async () => {
    await withFailureSnapshot(page, 'a11y-experiments-axe-failure', axeTour);
  });

  it('fits a phone’s width in French, with no label cut and no English left', async () => {
    await inFrench(strapi.url, token, page, () => withFailureSnapshot(page, 'a11y-experiments-phone-failure', phoneTour));
  });

  async function keyboardWalk() {
    await page.setViewportSize(DESKTOP);
    await logIn(page, strapi.url);
    // From here on, no mouse: page.keyboard only (and the address bar for the entry).
    await page.goto(`${strapi.url}/admin/content-manager/collection-types/${UID}/${entryId}?plugins[i18n][locale]=en`);
    await page.getByTestId('variant-card-v_weekend').waitFor();

    // 1. "Test these variants" in the entry's variants field opens the editor on the entry.
    await tabTo((target) => target.tag === 'button' && target.name === 'Test these variants');
    expect(await focusIsVisible()).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/plugins\/personalize\/experiments\/new\?/);
    await page.getByRole('heading', { name: 'New experiment' }).waitFor();

    // 2. The goal's event, typed; then Save (the one under the last card, reached going forward).
    await tabTo((target) => target.tag === 'input' && /^Event name/.test(target.label), { limit: 250 });
    await page.keyboard.type(GOAL);
    await tabTo((target) => target.tag === 'button' && target.name === 'Save');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/plugins\/personalize\/experiments\/[a-z0-9]+$/);
    // Saved: said in the live region, and focus on Start, the next step (not on <body>).
    await expectAnnounced(`Experiment "${NAME}" saved`);
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-lifecycle') === 'start');
    expect(await focused(page)).toMatchObject({ tag: 'button', name: 'Start' });
    expect(await focusIsVisible()).toBe(true);

    // 3. Start: the experiment runs, focus goes to Pause (Start is gone), and the change is announced.
    await page.keyboard.press('Enter');
    await expectText(page.getByTestId('experiment-status'), 'Running');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-lifecycle') === 'pause');
    expect(await focused(page)).toMatchObject({ tag: 'button', name: 'Pause' });
    await expectAnnounced(`Experiment "${NAME}" is running`);
    walked = (await api<{ data: ExperimentBody }>(`/personalize/experiments/${page.url().split('/').pop()}`)).body.data;
    expect(walked).toMatchObject({ status: 'running' });

    // 4. Back to the list (the header's back link, behind the title).
    await tabTo((target) => target.tag === 'a' && target.name === 'Experiments', { backwards: true });
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/plugins\/personalize\/experiments$/);
    const row = page.getByTestId(`experiment-row-${walked.key}`);
    await row.waitFor();

    // 5. The table is one tab stop (a column header), then arrows: down to the experiment's name, a link to its results.
    const header = await tabTo((target) => target.role === 'columnheader');
    expect(header.name).toBe('Name');
    expect(await focusIsVisible()).toBe(true);
    for (let press = 0; press < 5; press += 1) {
      await page.keyboard.press('ArrowDown');
      if ((await focused(page)).name === NAME) break;
    }
    expect(await focused(page)).toMatchObject({ tag: 'a', name: NAME });
    expect(await focusIsVisible()).toBe(true);
    // The row's actions are reached with the arrows too.
    for (let press = 0; press < 5; press += 1) await page.keyboard.press('ArrowRight');
    expect((await focused(page)).name).toMatch(/^(Results of|Edit) /);
    for (let press = 0; press < 5; press += 1) await page.keyboard.press('ArrowLeft');
    expect(await focused(page)).toMatchObject({ tag: 'a', name: NAME });

    // 6. Its results: the page, and its table is reachable by Tab with real column headers.
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/results$/);
    await page.getByRole('heading', { name: /^Results: / }).waitFor();
    const cell = await tabTo((target) => target.role === 'columnheader');
    expect(cell.name).toBe('Arm (weight)');
    expect(await page.getByTestId(`results-table-${GOAL}`).getByRole('columnheader').count()).toBe(8);
  }

  /** Visitors resolve the entry (exposed to the walked experiment's arms), some convert, in both arms. */
  const traffic = async () => {
    const arms: string[] = [];
    for (let index = 0; index < VISITORS; index += 1) {
      const visitor = newVisitorId();
      await sendEvents(visitor, [{ id: newId(), ts: Date.now(), type: 'page', path: '/pricing' }]);
      const resolved = await api<{ meta: { personalize: { experiments?: Record<string, { arm?: string }> } } }>('/api/personalize/resolve', {
        method: 'POST',
        body: JSON.stringify({ uid: UID, documentId: entryId, locale: 'en', visitorId: visitor }),
      });
      expect(resolved.status).toBe(200);
      const arm = resolved.body.meta.personalize.experiments?.[walked.key]?.arm ?? '';
      arms.push(arm);
      if (index % 3 === 0 || (arm !== 'control' && index % 2 === 0)) {
        await sendEvents(visitor, [{ id: newId(), ts: Date.now(), type: 'track', name: GOAL, value: 1 }]);
      }
    }
    expect(new Set(arms)).toEqual(new Set(['control', 'treatment']));
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { body } = await api<{ data: { arms: { units: number }[] } }>(`/personalize/experiments/${walked.documentId}/results`);
      if (body.data.arms.reduce((sum, arm) => sum + arm.units, 0) === VISITORS) break;
      if (Date.now() > deadline) throw new Error('exposures were not counted in time');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  /** Every page and state, each loaded and then checked by `check` (axe at desktop width, or phone width in French). */
  async function visitAll(check: (name: string) => Promise<void>, { french }: { french: boolean }) {
    const label = (key: string, english: string) => (french ? FR[key] : english);

    await page.goto(`${strapi.url}/admin/plugins/personalize/experiments`);
    await page.getByTestId(`experiment-row-${walked.key}`).waitFor();
    await expectText(page.getByTestId(`experiment-units-${walked.key}`), String(VISITORS));
    await check('list');

    await page.goto(`${strapi.url}/admin/plugins/personalize/experiments/${draft.documentId}`);
    await page.getByTestId('power-calculator').waitFor();
    await page.getByTestId('power-calculator').getByLabel(label('experiments.power.daily', 'Eligible visitors per day')).fill('20000');
    await page.getByTestId('chart-power').locator('svg .recharts-line-curve').first().waitFor();
    if (!french) expect(await hiddenTabStops()).toEqual([]);
    await check('editor-draft');

    await page.goto(`${strapi.url}/admin/plugins/personalize/experiments/${walked.documentId}`);
    await page.getByTestId('section-arms').waitFor();
    await check('editor-running');

    await page.goto(`${strapi.url}/admin/plugins/personalize/experiments/${walked.documentId}/results`);
    await page.getByTestId(`results-table-${GOAL}`).waitFor();
    await page.getByTestId('chart-lift-drawing').locator('svg .recharts-bar-rectangle').first().waitFor();
    if (!french) expect(await hiddenTabStops()).toEqual([]);
    await check('results');

    await page.goto(`${strapi.url}/admin/plugins/personalize/experiments/${bandit.documentId}/results`);
    await page.getByTestId('bandit-panel').waitFor();
    await check('results-bandit');

    await page.goto(`${strapi.url}/admin/plugins/personalize/visitors`);
    const lookup = page.getByTestId('visitor-lookup');
    await lookup.waitFor();
    const idField = lookup.getByLabel(label('visitors.id', 'Visitor id'));
    const stranger = newVisitorId();
    await idField.fill(stranger);
    await idField.press('Enter');
    await page.getByTestId('visitor-empty').waitFor();
    await check('visitors-empty');

    await idField.fill(visitorId);
    await idField.press('Enter');
    await page.getByTestId('visitor-events').waitFor();
    await check('visitors-found');

    await page.getByRole('button', { name: label('visitors.erase', 'Erase this visitor') }).press('Enter');
    await page.getByRole('alertdialog').waitFor();
    await page.waitForTimeout(400); // the dialog's opening animation
    await check('visitors-erase-dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('alertdialog').waitFor({ state: 'detached' });
    // The dialog gives focus back to the button that opened it.
    expect(await focused(page)).toMatchObject({ tag: 'button', name: label('visitors.erase', 'Erase this visitor') });

    await page.goto(`${strapi.url}/admin/settings/personalize`);
    await page.getByTestId('active-config').waitFor();
    await check('settings');
  }

  async function axeTour() {
    await traffic();
    await page.setViewportSize(DESKTOP);
    await visitAll(
      async (name) => {
        await expectNoAxeViolations(name);
        // Results at desktop width: each table fits its card (no sideways scroll inside it).
        if (name === 'results') {
          const widths = await page.getByTestId(`results-table-${GOAL}`).evaluate((table) => ({ table: table.scrollWidth, card: table.parentElement?.clientWidth ?? 0 }));
          expect(widths.table).toBeLessThanOrEqual(widths.card);
        }
      },
      { french: false }
    );
  }

  async function phoneTour() {
    await page.setViewportSize({ ...PHONE, height: 2400 });
    await visitAll(
      async (name) => {
        expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
        // French throughout: the tables' column headers have no English left.
        const headers = await page.locator('main [role="columnheader"]').allTextContents();
        expect(headers.filter((text) => /\b(Name|Status|Arms|Visitors|Arm \(weight\)|Conversion rate|Relative lift|Chance to win|When|About|Setting|Value)\b/.test(text))).toEqual([]);
        await checkPhone(`${name}-fr-phone`);
        await expectNoAxeViolations(`${name} (French, phone)`);
      },
      { french: true }
    );
    // French numbers: a no-break space (narrow or not, as the browser's ICU has it) before every %, and
    // decimals with a comma, never a point.
    await page.goto(`${strapi.url}/admin/plugins/personalize/experiments/${walked.documentId}/results`);
    const table = page.getByTestId(`results-table-${GOAL}`);
    await expectText(table.getByTestId('results-row-control'), /\d[\u00a0\u202f]%/);
    const text = (await table.textContent()) ?? '';
    expect(text.match(/\d ?%/g) ?? []).toEqual([]);
    expect(text).not.toMatch(/\d\.\d/);
    await page.setViewportSize(DESKTOP);
  }
});
