/**
 * Accessibility of the entry view and the Audiences page (issue 20): axe-core (WCAG 2.1 A/AA) on the
 * variants field, the variant dialog (Visual and JSON tabs, with overrides and caps), the live test
 * with a result, Audiences and its dialog; a keyboard-only walk (add a variant with a rule, save,
 * reorder, delete, run the live test) asserting where focus lands after each step; and screenshots
 * at phone width in French checked for horizontal overflow and labels cut by an ellipsis.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { Locator, Page } from 'playwright-core';

import {
  axeViolations,
  describeFindings,
  DESKTOP,
  dialogReady,
  focused,
  horizontalOverflow,
  PHONE,
  truncatedLabels,
} from './a11y';
import {
  adminToken,
  assertChromium,
  ensureAdminBuild,
  expectText,
  inFrench,
  launchBrowser,
  logIn,
  ROOT,
  snap,
  startStrapi,
  withFailureSnapshot,
  type Browser,
  type RunningStrapi,
} from './helpers';

const FR = JSON.parse(fs.readFileSync(path.join(ROOT, 'admin/src/translations/fr.json'), 'utf8')) as Record<string, string>;

/** The plugin's own markup on the entry view: the variants field (live test inside) and its dialogs. */
const PLUGIN_MARKUP = ['[data-testid="variants-field"]', '[role="dialog"]', '[role="alertdialog"]'];

const expectNoViolations = async (page: Page, include: string[]) => {
  const findings = await axeViolations(page, { include });
  if (!findings.length) return;
  // The elements themselves, with their colours: axe's selectors are generated class names.
  const elements = await page.evaluate(
    (targets) =>
      targets.map((target) => {
        const element = document.querySelector(target);
        if (!element) return `${target}: gone`;
        const style = getComputedStyle(element);
        return `${element.outerHTML.slice(0, 160)} color ${style.color} on ${style.backgroundColor}`;
      }),
    findings.flatMap((finding) => finding.targets.slice(0, 3))
  );
  throw new Error(`axe found critical or serious violations:\n${describeFindings(findings)}\n${elements.join('\n')}`);
};

/** The focused element's name as `focused` reads it, or else its <label>'s text (the design system's text inputs). */
const focusedName = async (page: Page) => {
  const now = await focused(page);
  if (now.name) return now.name;
  return page.evaluate(() => {
    const element = document.activeElement as HTMLInputElement | null;
    return (element?.labels?.[0]?.textContent ?? '').trim();
  });
};

/** Presses Tab (or Shift+Tab) until the focused element's name matches; fails with the path it took. */
const tabTo = async (page: Page, name: string | RegExp, { backwards = false, max = 250 } = {}) => {
  const seen: string[] = [];
  for (let presses = 0; presses < max; presses += 1) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const now = await focusedName(page);
    if (typeof name === 'string' ? now === name : name.test(now)) return now;
    seen.push(now.slice(0, 40));
  }
  throw new Error(`no focusable element named ${String(name)} within ${max} Tabs; went through:\n${seen.slice(-40).join('\n')}`);
};

const expectFocus = async (page: Page, expected: { name?: string | RegExp; testId?: string }) => {
  // Focus moves after the dialog's close animation frame: wait a little for it to settle.
  const deadline = Date.now() + 3_000;
  let now = await focused(page);
  const matches = () =>
    (expected.testId === undefined || now.testId === expected.testId) &&
    (expected.name === undefined ||
      (typeof expected.name === 'string' ? now.name === expected.name : expected.name.test(now.name)));
  while (!matches() && Date.now() < deadline) {
    await page.waitForTimeout(100);
    now = await focused(page);
  }
  expect({ ...now, ok: matches() }).toMatchObject({ ok: true });
};

const waitForDialogToClose = async (dialog: Locator) => dialog.waitFor({ state: 'detached' });

describe('the entry view and Audiences, for every editor and device', () => {
  let strapi: RunningStrapi;
  let browser: Browser;
  let page: Page;
  let entryUrl: string;

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
    entryUrl = `${strapi.url}/admin/content-manager/collection-types/api::article.article/${body.data[0].documentId}?plugins[i18n][locale]=en`;
    await logIn(page, strapi.url);
  });

  afterAll(async () => {
    await browser?.close();
    await strapi?.stop();
  });

  const openEntry = async () => {
    await page.goto(entryUrl);
    await page.getByTestId('variants-field').getByRole('button', { name: 'Add a variant' }).waitFor();
  };

  it('has no critical or serious axe violation in the field, the variant dialog, the live test, Audiences and its dialog', async () => {
    await withFailureSnapshot(page, 'a11y-entry-axe-failure', async () => {
      await page.setViewportSize(DESKTOP);
      await openEntry();
      await expectNoViolations(page, PLUGIN_MARKUP);

      // The variant dialog with an override, a cap and a JSON-logic rule, in both tabs.
      await page.getByRole('button', { name: 'Edit Weekend browser' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Add a cap' }).click();
      await dialog.getByRole('combobox', { name: 'Fields to override' }).click();
      await page.getByRole('option', { name: /^cta/ }).click();
      await page.keyboard.press('Escape');
      // The chosen fields are named tags under the select, each remove button says what it removes.
      await dialog.getByRole('button', { name: 'Remove cta (string)' }).waitFor();
      await dialog.getByRole('button', { name: 'Condition', exact: true }).click();
      await expectText(page.getByTestId('rules-announcement'), 'Rule 2 added');
      await dialog.getByRole('combobox', { name: 'Rule 2: Signal group' }).click();
      await page.getByRole('option', { name: 'Advanced' }).click();
      await dialog.getByRole('textbox', { name: 'Rule 2: JSON-logic' }).waitFor();
      await expectNoViolations(page, PLUGIN_MARKUP);
      await dialog.getByRole('tab', { name: 'JSON' }).click();
      await dialog.getByRole('textbox', { name: 'Condition JSON' }).waitFor();
      await expectNoViolations(page, PLUGIN_MARKUP);
      await page.keyboard.press('Escape');
      await waitForDialogToClose(dialog);

      // The live test with a result.
      await page.getByRole('button', { name: 'Test variants' }).click();
      await page.getByRole('button', { name: 'Run test' }).click();
      await page.getByTestId('test-result').waitFor();
      await page.waitForTimeout(400); // Run test's colour transition back from its loading state (axe measures mid-way)
      await expectNoViolations(page, PLUGIN_MARKUP);

      // Audiences, its dialog, and the delete confirmation.
      await page.goto(`${strapi.url}/admin/plugins/personalize`);
      await page.getByRole('button', { name: 'Create an audience' }).waitFor();
      await expectNoViolations(page, ['main']);
      await page.getByRole('button', { name: 'Create an audience' }).click();
      await page.getByRole('dialog').getByRole('textbox', { name: 'Name' }).waitFor();
      await expectNoViolations(page, ['[role="dialog"]']);
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      // Back to the button that opened it.
      await expectFocus(page, { name: 'Create an audience' });
    });
  });

  it('is usable by keyboard alone: add a variant with a rule, save, reorder, delete, run the live test', async () => {
    await withFailureSnapshot(page, 'a11y-entry-keyboard-failure', async () => {
      await page.setViewportSize(DESKTOP);
      await openEntry();
      const field = page.getByTestId('variants-field');

      // Add a variant: the dialog opens with focus inside it.
      await tabTo(page, 'Add a variant');
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await dialogReady(page);
      expect(await dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true);
      await tabTo(page, /^Name/);
      await page.keyboard.type('Keyboard reader');

      // A rule, announced; its controls are named by position.
      await tabTo(page, 'Condition');
      await page.keyboard.press('Enter');
      await expectText(page.getByTestId('rules-announcement'), 'Rule 1 added');
      await expectText(dialog.getByTestId('condition-summary'), /device is mobile/);
      await expectFocus(page, { name: 'Condition' });
      // A second rule, removed again: announced, and focus goes back to "+ Condition" (not to the page).
      await page.keyboard.press('Enter');
      await expectText(page.getByTestId('rules-announcement'), 'Rule 2 added');
      await tabTo(page, 'Rule 2: Remove');
      await page.keyboard.press('Enter');
      await expectText(page.getByTestId('rules-announcement'), 'Rule removed, 1 rule left');
      await expectFocus(page, { name: 'Condition' });
      await tabTo(page, 'Rule 1: Value');
      await tabTo(page, 'Add variant');
      await page.keyboard.press('Enter');
      await waitForDialogToClose(dialog);
      // Focus lands on the new card's Edit button, and the addition is announced.
      await expectFocus(page, { name: 'Edit Keyboard reader' });
      await expectText(
        field.getByTestId('variant-card-v_keyboard_reader').getByTestId('variant-summary'),
        'When device is mobile'
      );

      // Escape from an Edit dialog gives focus back to that Edit button.
      await page.keyboard.press('Enter');
      await dialog.waitFor();
      await dialogReady(page);
      await page.keyboard.press('Escape');
      await waitForDialogToClose(dialog);
      await expectFocus(page, { name: 'Edit Keyboard reader' });

      // Reorder: the arrow keeps focus, now on the same card in first place.
      await tabTo(page, 'Move up (higher priority)', { backwards: true });
      await page.keyboard.press('Enter');
      await expectText(field.locator('[data-testid^="variant-card-"]').first(), 'Keyboard reader');
      // At the top, "Move up" is disabled: focus is on the same card's "Move down".
      await expectFocus(page, { name: 'Move down' });
      expect(await page.evaluate(() => document.activeElement?.closest('li')?.getAttribute('data-testid'))).toBe(
        'variant-card-v_keyboard_reader'
      );

      // Save (Strapi's own button).
      await tabTo(page, /^Save$/);
      await page.keyboard.press('Enter');
      await page.getByText(/saved/i).first().waitFor();

      // Delete asks first: Escape keeps the variant and gives focus back to Delete.
      await page.goto(entryUrl);
      await field.getByTestId('variant-card-v_keyboard_reader').waitFor();
      expect(await field.locator('[data-testid^="variant-card-"]').first().getAttribute('data-testid')).toBe(
        'variant-card-v_keyboard_reader'
      );
      await tabTo(page, 'Delete Keyboard reader');
      await page.keyboard.press('Enter');
      const confirm = page.getByRole('alertdialog');
      await expectText(confirm, '“Keyboard reader” will be removed from this entry');
      await expectNoViolations(page, ['[role="alertdialog"]']);
      await page.keyboard.press('Escape');
      await confirm.waitFor({ state: 'detached' });
      await expectFocus(page, { name: 'Delete Keyboard reader' });
      expect(await field.getByTestId('variant-card-v_keyboard_reader').count()).toBe(1);
      // Confirmed: the card goes, focus goes to the card now in its place.
      await page.keyboard.press('Enter');
      await tabTo(page, 'Delete');
      await page.keyboard.press('Enter');
      await confirm.waitFor({ state: 'detached' });
      expect(await field.getByTestId('variant-card-v_keyboard_reader').count()).toBe(0);
      await expectFocus(page, { name: 'Edit Weekend browser' });

      // The live test: Tab goes through the Signals editor without editing it; the result gets focus.
      await tabTo(page, 'Test variants');
      await page.keyboard.press('Enter');
      await expectFocus(page, { name: 'Hide the live test' });
      const signals = page.getByRole('textbox', { name: 'Test signals' });
      const before = await signals.textContent();
      await tabTo(page, 'Test signals');
      await page.keyboard.press('Tab');
      expect(await signals.textContent()).toBe(before);
      await expectFocus(page, { name: 'Run test' });
      await page.keyboard.press('Enter');
      await page.getByTestId('test-result').waitFor();
      await expectFocus(page, { testId: 'test-result' });
      await expectText(page.getByTestId('test-announcement'), /No variant matches:|Served:/);
      // The result's Close works and gives focus back to Run test.
      await tabTo(page, 'Close the result');
      await page.keyboard.press('Enter');
      await page.getByTestId('test-result').waitFor({ state: 'detached' });
      await expectFocus(page, { name: 'Run test' });
    });
  });

  it('fits a phone in French: the entry view, the variant dialog, the live test and Audiences', async () => {
    const token = await adminToken(strapi.url);
    await inFrench(strapi.url, token, page, () =>
      withFailureSnapshot(page, 'a11y-entry-phone-failure', async () => {
        await page.setViewportSize(PHONE);
        const problems: string[] = [];
        const check = async (name: string, scope: string) => {
          await page.waitForTimeout(400); // let dialogs finish opening before measuring and the screenshot
          await snap(page, `a11y-entry-${name}-fr-phone`);
          for (const overflow of await horizontalOverflow(page, scope)) problems.push(`${name}: overflow ${overflow}`);
          for (const label of await truncatedLabels(page, scope)) problems.push(`${name}: truncated "${label}"`);
        };

        await page.goto(entryUrl);
        await page.getByRole('button', { name: FR['variants.add'] }).waitFor();
        await page.getByTestId('variants-field').scrollIntoViewIfNeeded();
        await check('entry', '[data-testid="variants-field"]');

        await page.getByRole('button', { name: 'Modifier Weekend browser' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByRole('button', { name: FR['caps.add'] }).click();
        await check('variant-dialog', '[role="dialog"]');
        await dialog.getByRole('button', { name: FR['common.closeDialog'] }).click();
        await waitForDialogToClose(dialog);
        await expectFocus(page, { name: 'Modifier Weekend browser' });

        await page.getByRole('button', { name: FR['variants.test.show'] }).click();
        await page.getByRole('button', { name: FR['testPanel.run'] }).click();
        await page.getByTestId('test-result').waitFor();
        await check('live-test', '[data-testid="variants-field"]');

        await page.goto(`${strapi.url}/admin/plugins/personalize`);
        await page.getByRole('button', { name: FR['audiences.create'] }).waitFor();
        await check('audiences', 'main');
        await page.getByRole('button', { name: FR['audiences.create'] }).click();
        await page.getByRole('dialog').waitFor();
        await check('audience-dialog', '[role="dialog"]');

        expect(problems).toEqual([]);
      })
    );
  });
});
