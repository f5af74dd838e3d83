import fs from 'node:fs';
import path from 'node:path';

import type { Locator, Page } from 'playwright-core';

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
  type Browser,
  type RunningStrapi,
  expectText,
  logIn,
} from './helpers';

const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const VARIANT_NAME = 'Hesitant mobile reader';
const VARIANT_ID = 'v_hesitant_mobile_reader';
const NEW_CTA = 'Pick the plan for you in 1 minute';
const AUDIENCE_NAME = 'Mobile visitors';
const AUDIENCE_KEY = 'mobile-visitors';

/** The plugin's French, for the labels of the variants field (the keys are the code's own). */
const FR = JSON.parse(fs.readFileSync(path.join(ROOT, 'admin/src/translations/fr.json'), 'utf8')) as Record<string, string>;

/** Picks an option of a design-system select (a Radix combobox rendered in a portal). */
const choose = async (page: Page, combobox: Locator, option: string | RegExp) => {
  await combobox.click();
  await page.getByRole('option', { name: option }).first().click();
};

describe('the editor’s experience, in a real browser', () => {
  let strapi: RunningStrapi;
  let browser: Browser;
  let page: Page;
  let documentId: string;

  beforeAll(async () => {
    assertChromium();
    ensureAdminBuild();
    strapi = await startStrapi();
    browser = await launchBrowser();
    page = browser.page;
    const response = await fetch(`${strapi.url}/api/articles?filters[slug][$eq]=pricing&fields[0]=title`, {
      headers: { connection: 'close' },
    });
    const body = (await response.json()) as { data: { documentId: string }[] };
    documentId = body.data[0].documentId;
  });

  afterAll(async () => {
    await browser?.close();
    await strapi?.stop();
  });

  it('logs in, builds a variant, tests it, publishes it, and the delivery API serves it', async () => {
    await withFailureSnapshot(page, 'failure', editorFlow);
  });

  it('shows the plugin in French when the admin user picks French as interface language', async () => {
    const token = await adminToken(strapi.url);
    await inFrench(strapi.url, token, page, () => withFailureSnapshot(page, 'failure-fr', frenchFlow));
  });

  /** The audience library and its editor, in French (the first test created the audience and used it). */
  async function frenchFlow() {
    await page.goto(`${strapi.url}/admin/plugins/personalize`);
    await page.getByRole('button', { name: 'Créer une audience' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    const header = page.getByRole('row').first();
    await expectText(header, 'Utilisée par');
    const row = page.getByRole('row').filter({ hasText: AUDIENCE_NAME });
    await expectText(row, 'appareil est mobile');
    await expectText(row, /Any mobile visitor/);
    await expectText(row, /brouillon|publié/);
    await snap(page, 'audiences-fr');

    // Deleting it, in use by the article's variant: warned before any request, naming the use; Cancel alone.
    await row.getByRole('button', { name: `Supprimer ${AUDIENCE_NAME}` }).click();
    const warning = page.getByRole('alertdialog');
    await expectText(warning, `« ${AUDIENCE_NAME} » est utilisée`);
    await expectText(warning.getByTestId('audience-in-use'), /Any mobile visitor/);
    expect(await warning.getByRole('button', { name: 'Supprimer' }).count()).toBe(0);
    await page.waitForTimeout(500); // let the dialog finish its opening animation for the screenshot
    await snap(page, 'audience-in-use-fr');
    await warning.getByRole('button', { name: 'Annuler' }).click();
    await expectText(page.getByRole('row').filter({ hasText: AUDIENCE_NAME }), AUDIENCE_KEY);

    await row.getByRole('button', { name: `Modifier ${AUDIENCE_NAME}` }).click();
    const modal = page.getByRole('dialog');
    await expectText(modal.getByRole('heading').first(), `Modifier « ${AUDIENCE_NAME} »`);
    await expectText(modal.getByTestId('condition-summary'), 'Quand : appareil est mobile');
    await modal.getByRole('button', { name: 'Condition' }).click();
    await expectText(modal.getByTestId('condition-summary'), 'Quand : appareil est mobile et appareil est');
    await modal.getByRole('button', { name: 'Tester' }).click();
    await expectText(modal, /dans l’audience|hors de l’audience/);
    await page.waitForTimeout(500); // let the dialog finish its opening animation for the screenshot
    await snap(page, 'audience-editor-fr');
    await modal.getByRole('button', { name: 'Annuler' }).click();

    // The variant editor and the live test of the article, in French.
    await page.goto(`${strapi.url}/admin/content-manager/collection-types/api::article.article/${documentId}?plugins[i18n][locale]=en`);
    await page.getByRole('button', { name: FR['variants.add'] }).click();
    await expectText(modal.getByRole('heading').first(), 'Nouvelle variante');
    await expectText(modal, 'Le nom est obligatoire');
    await modal.getByLabel(/^Nom/).first().fill('Lecteur pressé');
    await expectText(modal.getByTestId('condition-summary'), 'Quand : toujours');
    await modal.getByRole('button', { name: 'Condition' }).click();
    const rule = modal.locator('.rule').first();
    await choose(page, rule.getByRole('combobox').nth(0), 'Comportement');
    await choose(page, rule.getByRole('combobox').nth(1), 'temps passé');
    await choose(page, rule.getByRole('combobox').nth(2), '<');
    await rule.getByLabel('Règle 1 : Valeur', { exact: true }).fill('10');
    await expectText(modal.getByTestId('condition-summary'), 'Quand : temps passé < 10 s');
    await expectText(modal, 'Champs remplacés');
    await snap(page, 'variant-editor-fr');
    await modal.getByRole('button', { name: 'Annuler' }).click();

    await page.getByRole('button', { name: FR['variants.test.show'] }).click();
    await page.getByRole('button', { name: 'Lancer le test' }).click();
    await expectText(page.getByTestId('test-result'), 'Variante servie');
    await expectText(page.getByTestId('test-result'), `${VARIANT_NAME} (${VARIANT_ID})`);
    await expectText(page.getByTestId('test-result'), 'correspond');
    await page.getByTestId('test-panel').scrollIntoViewIfNeeded();
    await snap(page, 'live-test-fr');
  }

  async function editorFlow() {
    // 1. Log in with the playground's dev admin.
    await logIn(page, strapi.url, { snapshot: 'login' });
    await page.waitForURL((url) => !url.pathname.includes('/auth/'));

    // 2. Create an audience in the library, with the same rule builder (it starts as "device is mobile").
    await page.goto(`${strapi.url}/admin/plugins/personalize`);
    await page.getByRole('button', { name: 'Create an audience' }).click();
    const audienceModal = page.getByRole('dialog');
    await audienceModal.getByLabel('Name').fill(AUDIENCE_NAME);
    await expectText(audienceModal.getByTestId('condition-summary'), 'When: device is mobile');
    await snap(page, 'audience-editor');
    await audienceModal.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('row').filter({ hasText: AUDIENCE_NAME }).waitFor();
    await snap(page, 'audiences');

    // 3. Open the "pricing" article in the Content Manager.
    await page.goto(`${strapi.url}/admin/content-manager/collection-types/api::article.article/${documentId}?plugins[i18n][locale]=en`);
    await page.getByRole('button', { name: 'Add a variant' }).waitFor();
    await page.getByRole('button', { name: 'Add a variant' }).scrollIntoViewIfNeeded();
    await snap(page, 'article-variants');

    // 3. Add a variant with the rule builder: device is mobile AND dwell time < 10.
    await page.getByRole('button', { name: 'Add a variant' }).click();
    const modal = page.getByRole('dialog');
    await modal.getByLabel('Name').fill(VARIANT_NAME);
    await modal.getByRole('button', { name: 'Condition' }).click();
    const rules = modal.locator('.rule');
    await rules.first().waitFor();
    // The first signal of the vocabulary is the device; "is" and "mobile" are the defaults.
    // A rule's selects, in order: signal group, signal, operator, value.
    const select = (rule: number, index: number) => rules.nth(rule).getByRole('combobox').nth(index);
    await expectText(select(0, 1), /device/);
    await choose(page, select(0, 3), 'mobile');
    await modal.getByRole('button', { name: 'Condition' }).click();
    await choose(page, select(1, 0), 'Behavior');
    await choose(page, select(1, 1), 'dwell time');
    await choose(page, select(1, 2), '<');
    await rules.nth(1).getByLabel('Value').fill('10');
    await expectText(modal.getByTestId('condition-summary'), 'When: device is mobile and dwell time < 10 s');

    // 4. Override the call to action, starting from the current value.
    await choose(page, modal.getByRole('combobox').filter({ hasText: 'Fields to override' }), /^cta/);
    await page.keyboard.press('Escape');
    const cta = modal.getByLabel('cta', { exact: true });
    expect(await cta.inputValue()).toBe('Compare plans');
    await cta.fill(NEW_CTA);
    await snap(page, 'variant-editor');
    await modal.getByRole('button', { name: 'Add variant' }).click();

    // The new card: summary in words; move it first so it wins over the weekend variant.
    const card = page.getByTestId(`variant-card-${VARIANT_ID}`);
    await expectText(card.getByTestId('variant-summary'), 'When device is mobile and dwell time < 10 s');
    await card.getByRole('button', { name: 'Move up (higher priority)' }).click();
    await expectText(page.locator('[data-testid^="variant-card-"]').first(), VARIANT_NAME);

    // A second variant for the whole audience, with no override of the first one's field.
    await page.getByRole('button', { name: 'Add a variant' }).click();
    await modal.getByLabel('Name').fill('Any mobile visitor');
    await modal.getByRole('button', { name: 'Condition' }).click();
    await choose(page, select(0, 0), 'Audience');
    await choose(page, rules.nth(0).getByRole('combobox').nth(2), new RegExp(AUDIENCE_KEY));
    await expectText(modal.getByTestId('condition-summary'), `When: in audience "${AUDIENCE_NAME}"`);
    await choose(page, modal.getByRole('combobox').filter({ hasText: 'Fields to override' }), /^summary/);
    await page.keyboard.press('Escape');
    await modal.getByLabel('summary', { exact: true }).fill('Three plans. All of them work on your phone.');
    await modal.getByRole('button', { name: 'Add variant' }).click();
    await expectText(page.getByTestId('variant-card-v_any_mobile_visitor').getByTestId('variant-summary'), `When in audience "${AUDIENCE_NAME}"`);
    await snap(page, 'variant-cards');

    // 5. Live test panel, before saving: the preset "Mobile, quick exit" gets the new variant.
    await page.getByRole('button', { name: 'Test variants' }).click();
    await page.getByRole('button', { name: 'Run test' }).click();
    const result = page.getByTestId('test-result');
    await expectText(result, `${VARIANT_NAME} (${VARIANT_ID})`);
    await snap(page, 'live-test');

    // 6. Save and publish.
    await page.getByRole('button', { name: /^save$/i }).click();
    await page.getByText(/saved/i).first().waitFor();
    await page.getByRole('button', { name: /^publish$/i }).click();
    await page.getByText(/published/i).first().waitFor();
    await snap(page, 'published');

    // 7. Preview as variant (no preview URL configured: the resolved JSON is shown).
    await page.getByRole('button', { name: 'More document actions' }).click();
    await page.getByRole('menuitem', { name: 'Preview as variant' }).click();
    await expectText(page.getByTestId('preview-json'), NEW_CTA);
    await page.waitForTimeout(500); // let the dialog finish its opening animation for the screenshot
    await snap(page, 'preview');
    await page.keyboard.press('Escape');

    // 8. Settings: the active configuration and the cache, with "purge all".
    await page.goto(`${strapi.url}/admin/settings/personalize`);
    await expectText(page.getByTestId('active-config'), 'defaultTimezone');
    await page.getByRole('button', { name: 'Purge all caches' }).click();
    await page.getByText('Every cached personalized response was purged').waitFor();
    await snap(page, 'settings');

    // 9. The delivery API serves the new variant to a hesitant mobile visitor.
    const resolved = await fetch(`${strapi.url}/api/personalize/resolve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': IPHONE_UA, connection: 'close' },
      body: JSON.stringify({
        uid: 'api::article.article',
        documentId,
        locale: 'en',
        signals: { context: { device: 'mobile' }, behavior: { dwellSec: 4 } },
      }),
    });
    expect(resolved.status).toBe(200);
    const body = (await resolved.json()) as { data: { cta: string }; meta: { personalize: { variant: string } } };
    expect(body.meta.personalize.variant).toBe(VARIANT_ID);
    expect(body.data.cta).toBe(NEW_CTA);
  }
});
