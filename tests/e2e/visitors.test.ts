/**
 * Browser test of frequency caps in the variant editor, the live test with a visitor id, and the
 * Visitors page: a visitor profile made by POST /api/personalize/events, a variant capped at
 * "at most 1 view ever" that the live test reports as capped once the visitor viewed it, the
 * visitor looked up (interests, caps, events) and erased, and the page in French.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { newId, newVisitorId, pageEvent, viewEvent } from '../helpers/events';
import {
  adminToken,
  assertChromium,
  ensureAdminBuild,
  launchBrowser,
  ROOT,
  inFrench,
  withFailureSnapshot,
  snap,
  startStrapi,
  strapiApi,
  type Browser,
  type RunningStrapi,
  expectText,
  logIn,
} from './helpers';

const VARIANT_NAME = 'Returning reader';
const VARIANT_ID = 'v_returning_reader';
const NEW_CTA = 'Welcome back: pick up where you left off';
const UID = 'api::article.article';

/** The plugin's French, for labels built from the same keys. */
const FR = JSON.parse(fs.readFileSync(path.join(ROOT, 'admin/src/translations/fr.json'), 'utf8')) as Record<string, string>;

/** Picks an option of a design-system select (a Radix combobox rendered in a portal). */
const choose = async (page: Page, combobox: Locator, option: string | RegExp) => {
  await combobox.click();
  await page.getByRole('option', { name: option }).first().click();
};

describe('frequency caps, the live test with a visitor and the Visitors page, in a real browser', () => {
  let strapi: RunningStrapi;
  let browser: Browser;
  let page: Page;
  let token: string;
  let documentId: string;
  const visitorId = newVisitorId();

  // JSON requests (admin routes with the admin's token) and visitor events as the SDK sends them.
  const { api, sendEvents } = strapiApi(() => strapi.url, () => token);

  /** A few minutes of browsing: pages with tags, an engaged read, a goal. */
  const browsing = (now = Date.now()) => [
    pageEvent(['pricing', 'plans'], now - 6 * 60_000, { path: '/pricing', title: 'Our plans' }),
    pageEvent(['travel'], now - 5 * 60_000, { path: '/trips/lisbon' }),
    pageEvent(['pricing'], now - 4 * 60_000, { path: '/pricing/team' }),
    { id: newId(), ts: now - 3 * 60_000, type: 'engage', dwellSec: 42, scrollDepth: 80, clicks: 2, hovers: 1, quickExit: false },
    { id: newId(), ts: now - 2 * 60_000, type: 'track', name: 'newsletter.signup', value: 1 },
  ];

  beforeAll(async () => {
    assertChromium();
    ensureAdminBuild();
    strapi = await startStrapi();
    browser = await launchBrowser();
    page = browser.page;
    token = await adminToken(strapi.url);
    const { body } = await api<{ data: { documentId: string }[] }>('/api/articles?filters[slug][$eq]=pricing&fields[0]=title');
    documentId = body.data[0].documentId;
    await sendEvents(visitorId, browsing());
  });

  afterAll(async () => {
    await browser?.close();
    await strapi?.stop();
  });

  it('caps a variant, sees it capped in the live test, looks the visitor up and erases them', async () => {
    await withFailureSnapshot(page, 'visitors-failure', flow);
  });

  it('shows the Visitors page in French', async () => {
    await inFrench(strapi.url, token, page, () => withFailureSnapshot(page, 'visitors-failure-fr', frenchFlow));
  });

  async function flow() {
    await logIn(page, strapi.url);

    // 1. A variant for returning visitors (profile.visits ≥ 1), capped at one view ever.
    await page.goto(`${strapi.url}/admin/content-manager/collection-types/${UID}/${documentId}?plugins[i18n][locale]=en`);
    await page.getByRole('button', { name: 'Add a variant' }).click();
    const modal = page.getByRole('dialog');
    await modal.getByLabel('Name').fill(VARIANT_NAME);
    await modal.getByRole('button', { name: 'Condition' }).click();
    const rule = modal.locator('.rule').first();
    await choose(page, rule.getByRole('combobox').nth(0), 'Profile');
    await choose(page, rule.getByRole('combobox').nth(1), /^visits$/);
    await choose(page, rule.getByRole('combobox').nth(2), '≥');
    await rule.getByLabel('Rule 1: Value', { exact: true }).fill('1');
    await expectText(modal.getByTestId('condition-summary'), 'When: visits ≥ 1');
    await choose(page, modal.getByRole('combobox').filter({ hasText: 'Fields to override' }), /^cta/);
    await page.keyboard.press('Escape');
    await modal.getByLabel('cta', { exact: true }).fill(NEW_CTA);

    // The caps editor: no cap, then one row that reads as a sentence, edited to "at most 1 view ever".
    const caps = modal.getByTestId('caps-editor');
    await expectText(caps, 'No cap: the variant is served every time it matches.');
    await caps.getByRole('button', { name: 'Add a cap' }).click();
    const row = caps.getByTestId('cap-row-0');
    expect(await row.getAttribute('aria-label')).toBe('Cap 1: at most 3 views per day');
    const max = row.getByLabel('Cap 1: how many');
    await max.fill('0');
    await expectText(row, 'Enter a whole number from 1 to 100');
    expect(await modal.getByRole('button', { name: 'Add variant' }).isDisabled()).toBe(true);
    await max.fill('1');
    await choose(page, row.getByLabel('Cap 1: window'), 'ever');
    await expectText(row.getByLabel('Cap 1: what is counted'), 'view');
    await page.waitForFunction(() => document.querySelector('[data-testid="cap-row-0"]')?.getAttribute('aria-label') === 'Cap 1: at most 1 view ever');
    // A second cap, then removed: the row count follows.
    await caps.getByRole('button', { name: 'Add a cap' }).click();
    await choose(page, caps.getByTestId('cap-row-1').getByLabel('Cap 2: what is counted'), 'serves');
    expect(await caps.getByTestId('cap-row-1').getAttribute('aria-label')).toBe('Cap 2: at most 3 serves per day');
    await caps.getByTestId('cap-row-1').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await snap(page, 'visitors-caps-editor');
    await caps.getByRole('button', { name: 'Remove cap 2' }).click();
    expect(await caps.getByTestId('cap-row-1').count()).toBe(0);
    await modal.getByRole('button', { name: 'Add variant' }).click();
    await modal.waitFor({ state: 'detached' });

    const card = page.getByTestId(`variant-card-${VARIANT_ID}`);
    await expectText(card.getByTestId('variant-summary'), 'When visits ≥ 1');
    await expectText(card.getByTestId('variant-caps'), 'Caps: at most 1 view ever');
    await card.getByRole('button', { name: 'Move up (higher priority)' }).click();
    await expectText(page.locator('[data-testid^="variant-card-"]').first(), VARIANT_NAME);
    await card.scrollIntoViewIfNeeded();
    await snap(page, 'visitors-variant-card-caps');

    // 2. Saved through the variants value: the stored caps are the ones on screen.
    await page.getByRole('button', { name: /^save$/i }).click();
    await page.getByText(/saved/i).first().waitFor();
    const stored = await api<{ data: { variants: { variants: { id: string; caps?: unknown }[] } } }>(
      `/content-manager/collection-types/${UID}/${documentId}?locale=en`
    );
    expect(stored.status).toBe(200);
    const variants = stored.body.data.variants.variants;
    expect(variants.map((variant) => variant.id)).toEqual([VARIANT_ID, 'v_weekend']);
    expect(variants[0].caps).toEqual([{ on: 'view', max: 1, per: 'lifetime' }]);
    expect(variants[1]).not.toHaveProperty('caps');

    // 3. The live test. Without a visitor id, profile.visits is unknown: the comparison cannot match.
    await page.getByRole('button', { name: 'Test variants' }).click();
    const panel = page.getByTestId('test-panel');
    await panel.getByRole('button', { name: 'Run test' }).click();
    const result = page.getByTestId('test-result');
    const ours = result.getByTestId(`test-variant-${VARIANT_ID}`);
    await expectText(ours, 'no match');
    await expectText(ours.getByTestId('test-missing'), 'visits is unknown, so "visits ≥ 1" cannot match');

    // A malformed visitor id is refused in place; the real one brings the stored profile in.
    const visitorField = panel.getByLabel('Visitor id');
    await visitorField.fill('not a visitor');
    await expectText(panel, 'Only letters A–Z and a–z, digits, "_" and "-" are allowed (not ␠)');
    expect(await panel.getByRole('button', { name: 'Run test' }).isDisabled()).toBe(true);
    await visitorField.fill('short_id');
    await expectText(panel, 'Too short: 8 characters, a visitor id has 16 to 64');
    await visitorField.fill(visitorId);
    await panel.getByRole('button', { name: 'Run test' }).click();
    await expectText(result.getByTestId('test-visitor'), 'A stored profile was found');
    await expectText(result.getByTestId('test-visitor'), 'events allowed');
    await expectText(result, new RegExp(`Served:\\s*${VARIANT_NAME} \\(${VARIANT_ID}\\)`));
    await expectText(ours, 'matches');
    await expectText(result.getByTestId('test-reasons'), 'visits ≥ 1: true, with visits = 1');

    // 4. The visitor views the variant (as the SDK reports a qualified view): now it is capped.
    await sendEvents(visitorId, [viewEvent(documentId, { variant: VARIANT_ID, tags: ['pricing', 'team'] })]);
    await panel.getByRole('button', { name: 'Run test' }).click();
    await expectText(ours, 'capped');
    await expectText(
      ours.getByTestId('test-capped'),
      `"${VARIANT_NAME}" is capped: at most 1 view ever, and this visitor has 1 view already, so it is passed over.`
    );
    expect(await result.textContent()).not.toMatch(new RegExp(`Served:\\s*${VARIANT_NAME}`));
    await ours.scrollIntoViewIfNeeded();
    await snap(page, 'visitors-live-test-capped');

    // 5. The Visitors page, from the plugin's navigation. No request it makes carries the visitor id
    // in its URL (Strapi's request log records URLs): the id travels in POST bodies.
    const requestedUrls: string[] = [];
    const recordUrl = (request: { url(): string }) => requestedUrls.push(request.url());
    page.on('request', recordUrl);
    await page.goto(`${strapi.url}/admin/plugins/personalize`);
    await page.getByRole('link', { name: 'Visitors' }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/plugins/personalize/visitors'));
    const lookup = page.getByTestId('visitor-lookup');
    const idField = lookup.getByLabel('Visitor id');
    await idField.fill('abc');
    await expectText(lookup, 'Too short: 3 characters, a visitor id has 16 to 64');
    expect(await lookup.getByRole('button', { name: 'Look up' }).isDisabled()).toBe(true);

    // A well-formed id nobody used: nothing stored, said on the page and in a notification.
    const stranger = newVisitorId();
    await idField.fill(stranger);
    await lookup.getByRole('button', { name: 'Look up' }).click();
    await page.getByText(`Nothing is stored for visitor ${stranger}.`).first().waitFor();
    await page.getByText(`Nothing is stored for ${stranger}: no events were accepted`).waitFor();

    // The visitor: figures, interests (decayed), recently viewed, caps counters, the last events.
    await idField.fill(visitorId);
    await idField.press('Enter');
    const profile = page.getByTestId('visitor-profile');
    await expectText(profile, `Visitor ${visitorId}`);
    await expectText(page.getByTestId('figure-visits-value'), '1');
    await expectText(page.getByTestId('figure-first-seen-value'), /minutes ago/);
    await expectText(page.getByTestId('figure-consent-value'), 'Events and profiling');
    const interests = page.getByTestId('visitor-interests');
    const tags = await interests.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-testid')));
    expect(tags[0]).toBe('interest-pricing');
    expect(tags).toEqual(expect.arrayContaining(['interest-pricing', 'interest-plans', 'interest-travel', 'interest-team']));
    await expectText(interests.getByTestId('interest-pricing'), /\d\.\d\d/);
    await expectText(page.getByTestId('visitor-recently-viewed'), documentId);
    const capRow = page.getByTestId('visitor-caps').getByTestId(`cap-${VARIANT_ID}`);
    await expectText(capRow, documentId);
    expect(await capRow.locator('td').nth(2).textContent()).toBe('1');
    const events = page.getByTestId('visitor-events').getByTestId('visitor-event');
    expect(await events.count()).toBe(6);
    await expectText(events.first(), 'view');
    await expectText(events.first(), VARIANT_ID);
    await expectText(events.first(), 'tags: pricing, team');
    await expectText(page.getByTestId('visitor-events'), '42 s engaged · scrolled 80 % · 2 clicks · 1 hover');
    await expectText(page.getByTestId('visitor-events'), 'newsletter.signup');
    await expectText(page.getByTestId('visitor-events'), '/trips/lisbon');
    await page.setViewportSize({ width: 1440, height: 2600 });
    await snap(page, 'visitors-page');
    await page.setViewportSize({ width: 1440, height: 1000 });

    // 6. Erase, after the confirmation dialog (cancel first: nothing happens).
    await page.getByRole('button', { name: 'Erase this visitor' }).click();
    let dialog = page.getByRole('alertdialog');
    await expectText(dialog, `Everything stored for ${visitorId} is deleted`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    const lookUp = (id: string) => api('/personalize/visitors/lookup', { method: 'POST', body: JSON.stringify({ visitorId: id }) });
    expect((await lookUp(visitorId)).body.data.profile).not.toBeNull();
    await page.getByRole('button', { name: 'Erase this visitor' }).click();
    dialog = page.getByRole('alertdialog');
    await page.waitForTimeout(400); // the dialog's opening animation, for the screenshot
    await snap(page, 'visitors-erase-dialog');
    await dialog.getByRole('button', { name: 'Erase', exact: true }).click();
    await page.getByText(`Everything stored for visitor ${visitorId} was erased.`).first().waitFor();
    // Only the marker is left, without personal data, and the page says until when.
    const suppressed = page.getByTestId('visitor-suppressed');
    await expectText(suppressed, `Only a suppression marker is stored for ${visitorId}`);
    await expectText(suppressed, /only that this visitor was erased on .*: their events sent before then and still in flight are dropped/);
    await expectText(suppressed, /It is kept until .*, then nothing at all is stored\./);
    await snap(page, 'visitors-erased');
    page.off('request', recordUrl);
    expect(requestedUrls.some((url) => url.endsWith('/personalize/visitors/lookup'))).toBe(true);
    expect(requestedUrls.some((url) => url.endsWith('/personalize/visitors/erase'))).toBe(true);
    expect(requestedUrls.filter((url) => url.includes(visitorId))).toEqual([]);

    // Nothing is left, as the visitor sees it.
    const me = await api('/api/personalize/me', { headers: { 'x-personalize-visitor': visitorId } });
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ profile: null, decayed: null, events: [], caps: {}, consent: null, exposures: {} });
    expect(me.body.data.suppressed).toMatchObject({ kind: 'erased' });

    // The admin routes answer malformed ids with a 400.
    expect((await lookUp('not-a-visitor')).status).toBe(400);
  }

  async function frenchFlow() {
    const other = newVisitorId();
    await sendEvents(other, browsing());
    await sendEvents(other, [viewEvent(documentId, { variant: VARIANT_ID, tags: ['pricing'] })]);
    await page.goto(`${strapi.url}/admin/plugins/personalize/visitors`);
    await page.getByRole('heading', { name: FR['visitors.title'] }).first().waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    const lookup = page.getByTestId('visitor-lookup');
    await lookup.getByLabel(FR['visitors.id']).fill('abc');
    await expectText(lookup, 'Trop court : 3 caractères, un identifiant de visiteur en compte de 16 à 64');
    await lookup.getByLabel(FR['visitors.id']).fill(other);
    await lookup.getByRole('button', { name: FR['visitors.lookUp'] }).click();
    await expectText(page.getByTestId('visitor-profile'), `Visiteur ${other}`);
    await expectText(page.getByTestId('visitor-interests'), 'Centres d’intérêt');
    await expectText(page.getByTestId('figure-consent-value'), 'Événements et profilage');
    await expectText(page.getByTestId('figure-first-seen-value'), /il y a \d+ minutes/);
    await expectText(page.getByTestId('visitor-events'), '42 s d’attention · défilement à 80 % · 2 clics · 1 survol');
    await expectText(page.getByTestId('visitor-events').getByTestId('visitor-event').first(), 'vue');
    await expectText(page.getByRole('link', { name: FR['nav.visitors'] }), FR['nav.visitors']);
    await page.setViewportSize({ width: 1440, height: 2600 });
    await snap(page, 'visitors-page-fr');
    await page.setViewportSize({ width: 1440, height: 1000 });
  }
});
