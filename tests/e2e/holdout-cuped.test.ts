/**
 * Browser test of the site-wide holdout's report page and the experiment editor's CUPED card (issue 24,
 * docs/experiments.md "The holdout" and "CUPED"). Strapi runs with `holdout: { share: 0.2, goals: [signup] }`;
 * consenting visitors resolve an article with variants (each falls in the holdout or the personalized group, which
 * `meta.personalize.reason` says), some sign up; the test keeps the tallies. The report page
 * (Experiments > Holdout report) shows each group's visitors and conversions as tallied, and the reading.
 * The editor's CUPED card: the lookback changed to 7 days and saved, then CUPED turned off and saved, checked over
 * the API each time. Screenshots: holdout-report.png, cuped-card.png.
 */
import path from 'node:path';

import type { Page } from 'playwright-core';

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
const GOAL = 'signup';
const SHARE = 0.2;
const VISITORS = 120;

describe('the holdout report and the CUPED card in a real browser', () => {
  let strapi: RunningStrapi;
  let browser: Browser;
  let page: Page;
  let token: string;
  const { api, sendEvents, publishArticle } = strapiApi(() => strapi.url, () => token);

  const article = (slug: string) =>
    publishArticle({
      title: `Trips ${slug}`,
      slug,
      variants: { variants: [{ id: 'v_offer', name: 'Offer', enabled: true, condition: true, overrides: { title: 'A trip on us' } }] },
    });

  beforeAll(async () => {
    assertChromium();
    ensureAdminBuild();
    strapi = await startStrapi({
      PERSONALIZE_CONFIG: JSON.stringify({ holdout: { share: SHARE, goals: [{ event: GOAL, kind: 'conversion', windowHours: 1 }] } }),
    });
    browser = await launchBrowser();
    page = browser.page;
    token = await adminToken(strapi.url);
    await logIn(page, strapi.url);
  });

  afterAll(async () => {
    await browser?.close();
    await strapi?.stop();
  });

  it('shows each group of the holdout with the visitors and conversions the test sent', async () => {
    await withFailureSnapshot(page, 'holdout-failure', async () => {
      const documentId = await article('holdout');
      const tallies = { holdout: { units: 0, conversions: 0 }, personalized: { units: 0, conversions: 0 } };
      for (let index = 0; index < VISITORS; index += 1) {
        const visitorId = newVisitorId();
        await sendEvents(visitorId, [{ id: newId(), ts: Date.now(), type: 'page', path: '/trips' }]);
        const resolved = await api<{ data: { title: string }; meta: { personalize: { variant: string | null; reason: { rule: string }[] } } }>(
          '/api/personalize/resolve',
          { method: 'POST', body: JSON.stringify({ uid: UID, documentId, locale: 'en', visitorId }) }
        );
        expect(resolved.status).toBe(200);
        const held = resolved.body.meta.personalize.reason.some((entry) => entry.rule === 'holdout');
        // Held out: the entry as published; personalized: the offer.
        expect(resolved.body.meta.personalize.variant).toBe(held ? null : 'v_offer');
        const group = tallies[held ? 'holdout' : 'personalized'];
        group.units += 1;
        // The personalized convert one in three, the held out one in six.
        if (group.units % (held ? 6 : 3) === 0) {
          await sendEvents(visitorId, [{ id: newId(), ts: Date.now(), type: 'track', name: GOAL }]);
          group.conversions += 1;
        }
      }
      expect(tallies.holdout.units).toBeGreaterThan(5);
      expect(tallies.personalized.units).toBeGreaterThan(tallies.holdout.units);

      await page.goto(`${strapi.url}/admin/plugins/personalize/experiments`);
      await page.getByRole('link', { name: 'Holdout report' }).click();
      await page.getByRole('heading', { name: 'Holdout: personalization against none' }).waitFor();
      // The counts arrive after the responses: refresh until the page shows them all.
      for (let attempt = 0; ; attempt += 1) {
        const shown = await page.getByTestId('units-personalized').textContent().catch(() => null);
        if (shown === String(tallies.personalized.units)) break;
        if (attempt > 20) throw new Error(`the report shows ${shown} personalized visitors, the test sent ${tallies.personalized.units}`);
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.waitForTimeout(250);
      }
      for (const group of ['holdout', 'personalized'] as const) {
        await expectText(page.getByTestId(`units-${group}`), String(tallies[group].units));
        await expectText(page.getByTestId(`conversions-${group}`), String(tallies[group].conversions));
      }
      await expectText(page.getByTestId('results-row-holdout'), 'Held out (no personalization)');
      await expectText(page.getByTestId('results-row-personalized'), 'Personalized');
      await expectText(page.getByTestId('holdout-reading'), 'Personalized:');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'holdout-report.png'), fullPage: true });
    });
  });

  it("saves the CUPED card's lookback, then CUPED off", async () => {
    await withFailureSnapshot(page, 'cuped-card-failure', async () => {
      const documentId = await article('cuped');
      const created = await api<{ data: { documentId: string; cuped?: unknown } }>('/personalize/experiments', {
        method: 'POST',
        body: JSON.stringify({
          key: 'cuped-card',
          name: 'CUPED card',
          target: { uid: UID, documentId },
          arms: [
            { key: 'control', weight: 0.5, variants: [] },
            { key: 'offer', weight: 0.5, variants: ['v_offer'] },
          ],
          goal: { event: GOAL, kind: 'conversion', windowHours: 24 },
        }),
      });
      expect(created.status).toBe(201);
      const id = created.body.data.documentId;
      await page.goto(`${strapi.url}/admin/plugins/personalize/experiments/${id}`);
      const lookback = page.getByLabel('Lookback (days)');
      await lookback.fill('7');
      await lookback.blur();
      await page.getByRole('button', { name: 'Save' }).first().click();
      await expectText(page.getByRole('status').first(), 'saved');
      const saved = await api<{ data: { cuped: unknown } }>(`/personalize/experiments/${id}`);
      expect(saved.body.data.cuped).toMatchObject({ lookbackDays: 7 });
      await lookback.scrollIntoViewIfNeeded();
      await page.getByRole('heading', { name: 'Variance reduction (CUPED)' }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'cuped-card.png') });

      // Off: the lookback field is disabled, and the experiment is saved without CUPED.
      await page.getByRole('checkbox', { name: 'CUPED' }).click();
      await expect(lookback.isDisabled()).resolves.toBe(true);
      await page.getByRole('button', { name: 'Save' }).first().click();
      await expectText(page.getByRole('status').first(), 'saved');
      const off = await api<{ data: { cuped: unknown } }>(`/personalize/experiments/${id}`);
      expect(off.body.data.cuped).toMatchObject({ enabled: false });
    });
  });
});
