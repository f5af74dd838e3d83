/**
 * Browser test of namespaces and guardrails (issue 24, docs/experiments.md "Namespaces" and "Guardrails"): the
 * experiment editor's namespace card shows the namespace's ranges as a bar (another experiment's range and this
 * one's), marks an overlapping range red and says saving will be refused; a free range saves. The results page of an
 * experiment whose offer sends refunds far more often shows the red guardrail banner naming the arm and the
 * guardrail. The editor adds a guardrail with its direction. Screenshots: namespace-bar-overlap.png, namespace-bar.png,
 * guardrails-editor.png, guardrail-banner.png.
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
const GOAL = { event: 'signup', kind: 'conversion', windowHours: 1 };

describe('namespaces and guardrails in a real browser', () => {
  let strapi: RunningStrapi;
  let browser: Browser;
  let page: Page;
  let token: string;
  const { api, sendEvents, publishArticle } = strapiApi(() => strapi.url, () => token);
  const snapshot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  const article = (slug: string) =>
    publishArticle({
      title: `Plans ${slug}`,
      slug,
      variants: { variants: [{ id: 'v_offer', name: 'Offer', enabled: true, condition: true, overrides: { title: 'A month free' } }] },
    });

  const experiment = async (body: object, start: boolean) => {
    const created = await api<{ data: { documentId: string } }>('/personalize/experiments', { method: 'POST', body: JSON.stringify(body) });
    expect(created.status).toBe(201);
    const id = created.body.data.documentId;
    if (start) expect((await api(`/personalize/experiments/${id}/start`, { method: 'POST', body: '{}' })).status).toBe(200);
    return id;
  };

  const arms = [
    { key: 'control', name: 'Control', weight: 0.5, variants: [] },
    { key: 'offer', name: 'Month free', weight: 0.5, variants: ['v_offer'] },
  ];

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

  it('shows the namespace bar in the editor, marks an overlap, and saves a free range', async () => {
    await withFailureSnapshot(page, 'namespace-failure', async () => {
      const first = await article('ns-first');
      const second = await article('ns-second');
      await experiment(
        { key: 'checkout-low', name: 'Checkout low half', target: { uid: UID, documentId: first }, arms, goal: GOAL, namespace: { key: 'checkout', range: [0, 0.5] } },
        true
      );
      const id = await experiment({ key: 'checkout-high', name: 'Checkout high half', target: { uid: UID, documentId: second }, arms, goal: GOAL }, false);
      await logIn(page, strapi.url);
      await page.goto(`${strapi.url}/admin/plugins/personalize/experiments/${id}`);
      await page.getByText('In a namespace').click();
      await page.getByLabel(/^Namespace/).fill('checkout');
      await page.getByLabel('From (%)').fill('40');
      await page.getByLabel('From (%)').blur();
      const bar = page.getByTestId('namespace-bar');
      await expectText(bar, 'Checkout low half (checkout-low): 0 % to 50 %, overlaps this one');
      await expectText(bar, 'This experiment: 40 % to 100 %');
      await expectText(page.getByRole('alert').filter({ hasText: 'saving will be refused' }), 'Checkout low half (checkout-low)');
      await page.getByTestId('namespace-bar').scrollIntoViewIfNeeded();
      await snapshot('namespace-bar-overlap');
      await page.getByLabel('From (%)').fill('50');
      await page.getByLabel('From (%)').blur();
      await expectText(bar, 'Checkout low half (checkout-low): 0 % to 50 %');
      expect(await bar.textContent()).not.toContain('overlaps');
      await expectText(bar, 'In no experiment of the namespace: 0 %');
      // A guardrail from the editor: refunds should go down (the default direction), then up for the test of the select.
      await page.getByRole('button', { name: 'Add a guardrail' }).click();
      const guardrail = page.getByTestId('guardrail-0');
      await guardrail.getByLabel(/^Event name/).fill('refund');
      await guardrail.getByRole('combobox', { name: /^Good when it/ }).click();
      await page.getByRole('option', { name: 'goes up (retention, engagement)' }).click();
      await guardrail.scrollIntoViewIfNeeded();
      await snapshot('guardrails-editor');
      await page.getByRole('button', { name: 'Save' }).first().click();
      await expectText(page.getByRole('status').first(), 'saved');
      const saved = await api<{ data: { namespace: unknown; guardrails: unknown } }>(`/personalize/experiments/${id}`);
      expect(saved.body.data.namespace).toEqual({ key: 'checkout', range: [0.5, 1] });
      expect(saved.body.data.guardrails).toEqual([{ event: 'refund', kind: 'conversion', windowHours: 72, direction: 'increase' }]);
      await bar.scrollIntoViewIfNeeded();
      await snapshot('namespace-bar');
    });
  });

  it('shows the red guardrail banner naming the arm and the guardrail', async () => {
    await withFailureSnapshot(page, 'guardrail-failure', async () => {
      const entry = await article('guarded');
      const id = await experiment(
        {
          key: 'guarded-offer',
          name: 'Guarded offer',
          target: { uid: UID, documentId: entry },
          arms,
          goal: GOAL,
          guardrails: [{ event: 'refund', kind: 'conversion', windowHours: 1, direction: 'decrease' }],
        },
        true
      );
      const seen = { control: 0, offer: 0 };
      for (let visitor = 0; visitor < 160; visitor += 1) {
        const visitorId = newVisitorId();
        await sendEvents(visitorId, [{ id: newId(), ts: Date.now(), type: 'page', path: '/plans' }]);
        const resolved = await api<{ meta: { personalize: { experiments: Record<string, { arm: 'control' | 'offer' }> } } }>(
          '/api/personalize/resolve',
          { method: 'POST', body: JSON.stringify({ uid: UID, documentId: entry, locale: 'en', visitorId }) }
        );
        const arm = resolved.body.meta.personalize.experiments['guarded-offer'].arm;
        const position = seen[arm]++;
        // The offer's visitors ask for a refund 19 times in 20, the control's 2 in 5.
        const refund = arm === 'offer' ? position % 20 < 19 : position % 5 < 2;
        if (refund) await sendEvents(visitorId, [{ id: newId(), ts: Date.now(), type: 'track', name: 'refund' }]);
      }
      const deadline = Date.now() + 20_000;
      for (;;) {
        const results = await api<{ data: { results: { goal: string; guardrail?: { harmful: boolean } }[] } }>(`/personalize/experiments/${id}/results`);
        if (results.body.data.results.find((row) => row.goal === 'refund')?.guardrail?.harmful) break;
        if (Date.now() > deadline) throw new Error(`no harmful guardrail: ${JSON.stringify(results.body.data.results)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await page.goto(`${strapi.url}/admin/plugins/personalize/experiments/${id}/results`);
      const banner = page.getByTestId('guardrail-banner');
      await expectText(banner, 'A guardrail is harmed');
      await expectText(banner, 'Arm Month free raises “refund”, which should go down');
      await expectText(page.getByText('Guardrail: refund (should not go up)'), 'Guardrail: refund');
      await snapshot('guardrail-banner');
    });
  });
});
