/**
 * Browser test of multivariate experiments (issue 24, docs/experiments.md "Multivariate"): in the experiment editor, a
 * 2×2 test is built on an article (the mode, two factors with their levels and the variants each level serves); the
 * editor shows the cells and warns when two factors' variants override the same field; the saved experiment has the
 * factors and the four cells as arms. Started, it gets consenting visitors over the public API, some of whom convert,
 * tallied here per cell from what delivery answered; the results page's factorial panel shows each level's visitors
 * and conversions and the best cell as the tallies say, and the arms table names the cells by their levels.
 * Screenshots: multivariate-editor.png, multivariate-overlap.png, multivariate-results.png.
 */
import path from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { newId, newVisitorId } from '../helpers/events';
import {
  adminToken,
  assertChromium,
  ensureAdminBuild,
  expectText,
  launchBrowser,
  logIn,
  SCREENSHOTS,
  startStrapi,
  strapiApi,
  withFailureSnapshot,
  type Browser,
  type RunningStrapi,
} from './helpers';

const UID = 'api::article.article';
const GOAL = 'checkout';
const KEY = 'headline-button';
const VISITORS = 120;
const CELLS = ['plain|soft', 'plain|strong', 'bold|soft', 'bold|strong'] as const;
type Cell = (typeof CELLS)[number];
/** Of every 10 visitors of a cell (in the order they came), how many convert: the bold headline with the strong button does best. */
const CONVERT_PER_TEN: Record<Cell, number> = { 'plain|soft': 2, 'plain|strong': 3, 'bold|soft': 4, 'bold|strong': 8 };
/** The cells named by their levels, as the results page writes them. */
const CELL_LABELS: Record<Cell, string> = {
  'plain|soft': 'Headline: Plain · Button: Soft',
  'plain|strong': 'Headline: Plain · Button: Strong',
  'bold|soft': 'Headline: Bold · Button: Soft',
  'bold|strong': 'Headline: Bold · Button: Strong',
};

interface ResolveBody {
  data: { title: string; cta: string };
  meta: { personalize: { variant: string | null; experiments?: Record<string, { arm: string; levels: Record<string, string>; reason: string }> } };
}

describe('multivariate experiments in a real browser', () => {
  let strapi: RunningStrapi;
  let browser: Browser;
  let page: Page;
  let token: string;
  const { api, sendEvents, publishArticle } = strapiApi(() => strapi.url, () => token);

  /** Polls until `check` stops throwing (counting runs after the response). */
  const eventually = async <T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> => {
    const started = Date.now();
    for (;;) {
      try {
        return await check();
      } catch (error) {
        if (Date.now() - started > timeoutMs) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  };

  /**
   * A screenshot of `locator` whole: the admin scrolls inside its own layout, so a full-page screenshot stops at the
   * window; a window as tall as the page shows it all, then the window is put back.
   */
  const shoot = async (name: string, locator?: Locator) => {
    const viewport = page.viewportSize() ?? { width: 1440, height: 1000 };
    const height = await page.evaluate(() => Math.max(...Array.from(document.querySelectorAll('main, body, html')).map((element) => element.scrollHeight)));
    await page.setViewportSize({ width: viewport.width, height: Math.min(Math.max(height + 200, viewport.height), 6000) });
    try {
      if (locator) await locator.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
      else await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    } finally {
      await page.setViewportSize(viewport);
    }
  };

  /** Picks an option of a multi-select (it stays open while options are picked). */
  const pick = async (combobox: Locator, option: string) => {
    await combobox.click();
    await page.getByRole('option', { name: option, exact: true }).click();
    await page.keyboard.press('Escape');
  };

  beforeAll(async () => {
    assertChromium();
    ensureAdminBuild();
    strapi = await startStrapi({ PERSONALIZE_CONFIG: JSON.stringify({ experiments: { sequentialNStar: 100 } }) });
    browser = await launchBrowser();
    page = browser.page;
    token = await adminToken(strapi.url);
  });

  afterAll(async () => {
    await browser?.close();
    await strapi?.stop();
  });

  it('builds a 2×2 test in the editor, and its results page reads the visitors’ levels and conversions', async () => {
    await withFailureSnapshot(page, 'multivariate-failure', async () => {
      // An article whose headline and button each have a variant; a third variant also changes the headline.
      const entryId = await publishArticle({
        title: 'Plain headline',
        slug: 'mvt-landing',
        cta: 'Read more',
        variants: {
          variants: [
            { id: 'v_headline', name: 'Bold headline', enabled: true, condition: true, overrides: { title: 'Bold headline' } },
            { id: 'v_button', name: 'Strong button', enabled: true, condition: true, overrides: { cta: 'Buy it now' } },
            { id: 'v_big_title', name: 'Big title', enabled: true, condition: true, overrides: { title: 'BIG TITLE' } },
          ],
        },
      });

      // 1. The editor, on the entry (as "Test these variants" opens it): the mode, then the factors.
      await logIn(page, strapi.url);
      await page.goto(`${strapi.url}/admin/plugins/personalize/experiments/new?uid=${UID}&documentId=${entryId}&locale=en&title=Landing`);
      await page.getByRole('heading', { name: 'New experiment' }).waitFor();
      await page.getByLabel(/^Name/).fill('Headline × button');
      await page.getByLabel(/^Key/).fill(KEY);
      await page.getByLabel('Event name').fill(GOAL);
      await page.getByRole('radio', { name: /^Multivariate test/ }).click();
      const factors = page.getByTestId('section-factors');
      await factors.waitFor();
      expect(await page.getByTestId('section-arms').count()).toBe(0);
      // One factor of two levels to start with.
      await expectText(factors.getByTestId('factors-cells'), '2 cells, 50% of the visitors each');
      await factors.getByLabel(/^Factor 1: name/).fill('Headline');
      await factors.getByLabel(/^Factor 1: key/).fill('headline');
      await factors.getByLabel(/^Factor 1, level 1: name/).fill('Plain');
      await factors.getByLabel(/^Factor 1, level 1: key/).fill('plain');
      await factors.getByLabel(/^Factor 1, level 2: name/).fill('Bold');
      await factors.getByLabel(/^Factor 1, level 2: key/).fill('bold');
      await pick(factors.getByRole('combobox', { name: 'Factor 1, level 2: variants served' }), 'Bold headline');
      await factors.getByRole('button', { name: 'Add a factor' }).click();
      await expectText(factors.getByTestId('factors-cells'), '2 × 2 = 4 cells, 25% of the visitors each');
      await factors.getByLabel(/^Factor 2: name/).fill('Button');
      await factors.getByLabel(/^Factor 2: key/).fill('button');
      await factors.getByLabel(/^Factor 2, level 1: name/).fill('Soft');
      await factors.getByLabel(/^Factor 2, level 1: key/).fill('soft');
      await factors.getByLabel(/^Factor 2, level 2: name/).fill('Strong');
      await factors.getByLabel(/^Factor 2, level 2: key/).fill('strong');
      const strongVariants = factors.getByRole('combobox', { name: 'Factor 2, level 2: variants served' });
      await pick(strongVariants, 'Strong button');
      // Different fields: no warning.
      expect(await factors.getByTestId('factors-overlap').count()).toBe(0);

      // 2. A variant of the second factor that also sets the title: the warning names the field and both variants.
      await pick(strongVariants, 'Big title');
      const overlap = factors.getByTestId('factors-overlap');
      await expectText(overlap, 'Two factors change the same field');
      await expectText(overlap, '“title” is set by Bold headline (Headline) and by Big title (Button)');
      await shoot('multivariate-overlap', factors);
      await factors.getByRole('button', { name: 'Remove Big title' }).click();
      await eventually(async () => expect(await factors.getByTestId('factors-overlap').count()).toBe(0));
      await shoot('multivariate-editor', factors);

      // 3. Saved: the factors as built, and the server's four cells as the arms.
      await page.getByRole('button', { name: 'Save' }).first().click();
      await page.waitForURL(/\/plugins\/personalize\/experiments\/[a-z0-9]+$/);
      await expectText(page.getByRole('status').first(), 'saved');
      const experimentId = page.url().split('/').pop() as string;
      const saved = await api<{ data: { mode: string; factors: unknown; arms: unknown; target: unknown } }>(`/personalize/experiments/${experimentId}`);
      expect(saved.body.data).toMatchObject({
        mode: 'multivariate',
        target: { uid: UID, documentId: entryId, locale: 'en' },
        factors: [
          {
            key: 'headline',
            name: 'Headline',
            levels: [
              { key: 'plain', name: 'Plain', variants: [] },
              { key: 'bold', name: 'Bold', variants: ['v_headline'] },
            ],
          },
          {
            key: 'button',
            name: 'Button',
            levels: [
              { key: 'soft', name: 'Soft', variants: [] },
              { key: 'strong', name: 'Strong', variants: ['v_button'] },
            ],
          },
        ],
        arms: CELLS.map((cell) => ({ key: cell, weight: 0.25, variants: [] })),
      });
      // Read back, the editor shows the same factors (keys now fixed only once started).
      await expectText(page.getByTestId('factors-cells'), '2 × 2 = 4 cells, 25% of the visitors each');
      expect(await page.getByLabel(/^Factor 2, level 2: key/).inputValue()).toBe('strong');

      // 4. Started: the keys are fixed.
      await page.getByRole('button', { name: 'Start' }).click();
      await expectText(page.getByTestId('experiment-status'), 'Running');
      expect(await page.getByLabel(/^Factor 1: key/).isDisabled()).toBe(true);

      // 5. Traffic: consenting visitors resolve the entry; each cell's visitors convert as CONVERT_PER_TEN says.
      const units: Record<Cell, number> = { 'plain|soft': 0, 'plain|strong': 0, 'bold|soft': 0, 'bold|strong': 0 };
      const conversions: Record<Cell, number> = { 'plain|soft': 0, 'plain|strong': 0, 'bold|soft': 0, 'bold|strong': 0 };
      const converting: string[] = [];
      for (let index = 0; index < VISITORS; index += 1) {
        const visitorId = newVisitorId();
        await sendEvents(visitorId, [{ id: newId(), ts: Date.now(), type: 'page', path: '/landing' }]);
        const resolved = await api<ResolveBody>('/api/personalize/resolve', {
          method: 'POST',
          body: JSON.stringify({ uid: UID, documentId: entryId, locale: 'en', visitorId }),
        });
        expect(resolved.status).toBe(200);
        const meta = resolved.body.meta.personalize.experiments?.[KEY];
        expect(meta?.reason).toBe('hash');
        const cell = meta?.arm as Cell;
        expect(CELLS).toContain(cell);
        const [headline, button] = cell.split('|');
        expect(meta?.levels).toEqual({ headline, button });
        // What the visitor sees is their levels' variants, merged.
        expect(resolved.body.data.title).toBe(headline === 'bold' ? 'Bold headline' : 'Plain headline');
        expect(resolved.body.data.cta).toBe(button === 'strong' ? 'Buy it now' : 'Read more');
        if (units[cell] % 10 < CONVERT_PER_TEN[cell]) {
          converting.push(visitorId);
          conversions[cell] += 1;
        }
        units[cell] += 1;
      }
      for (const cell of CELLS) expect(units[cell]).toBeGreaterThan(10);
      // Exposures are counted after the response: all of them before the goal events.
      await eventually(async () => {
        const { body } = await api<{ data: { arms: { units: number }[] } }>(`/personalize/experiments/${experimentId}/results`);
        expect(body.data.arms.reduce((sum, arm) => sum + arm.units, 0)).toBe(VISITORS);
      });
      for (const visitorId of converting) await sendEvents(visitorId, [{ id: newId(), ts: Date.now(), type: 'track', name: GOAL }]);
      await eventually(async () => {
        const { body } = await api<{ data: { arms: { key: string; units: number; conversions: number }[] } }>(`/personalize/experiments/${experimentId}/results`);
        expect(body.data.arms).toEqual(CELLS.map((cell) => expect.objectContaining({ key: cell, units: units[cell], conversions: conversions[cell] })));
      });

      // 6. The results page: each level pooled over the other factor, as tallied here.
      const pooled = (factor: 0 | 1, level: string, counts: Record<Cell, number>) =>
        CELLS.filter((cell) => cell.split('|')[factor] === level).reduce((sum, cell) => sum + counts[cell], 0);
      await page.goto(`${strapi.url}/admin/plugins/personalize/experiments/${experimentId}/results`);
      const panel = page.getByTestId('factorial-panel');
      await panel.waitFor();
      for (const [factor, index, levels] of [
        ['headline', 0, ['plain', 'bold']],
        ['button', 1, ['soft', 'strong']],
      ] as const) {
        for (const level of levels) {
          await expectText(panel.getByTestId(`factorial-units-${factor}-${level}`), String(pooled(index, level, units)));
          expect(await panel.getByTestId(`factorial-units-${factor}-${level}`).textContent()).toBe(String(pooled(index, level, units)));
          expect(await panel.getByTestId(`factorial-conversions-${factor}-${level}`).textContent()).toBe(String(pooled(index, level, conversions)));
        }
      }
      // The best cell: the highest conversion rate (the first in the arms' order on a tie).
      const rate = (cell: Cell) => conversions[cell] / units[cell];
      const best = CELLS.reduce((top, cell) => (rate(cell) > rate(top) ? cell : top), CELLS[0]);
      const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 2 }).format(rate(best));
      await expectText(panel.getByTestId('factorial-best'), `Best cell so far: ${CELL_LABELS[best]}, ${percent} (${units[best]} visitors)`);
      // The effects' charts and the interaction in words.
      await panel.getByTestId('chart-factor-headline').waitFor();
      await panel.getByTestId('chart-factor-button').waitFor();
      // The interaction: the difference in differences of the cells' rates, in points, computed from the tallies.
      const interaction = (rate('bold|strong') - rate('bold|soft') - (rate('plain|strong') - rate('plain|soft'))) * 100;
      const points = new Intl.NumberFormat('en', { maximumFractionDigits: 1, signDisplay: interaction >= 0 ? 'exceptZero' : 'auto' }).format(Math.abs(interaction));
      await expectText(
        panel.getByTestId('factorial-interaction-bold-strong'),
        `Bold with Strong: ${points} points ${interaction >= 0 ? 'more' : 'less'} than the two effects added (always-valid 95% interval `
      );
      // The arms table names the cells by their levels.
      for (const cell of CELLS) await expectText(page.getByTestId(`results-row-${cell}`), CELL_LABELS[cell]);
      await shoot('multivariate-results');
    });
  });
});
