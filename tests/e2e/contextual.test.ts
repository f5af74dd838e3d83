/**
 * Browser test of a contextual experiment (issue 22, docs/experiments.md "Contextual bandits"): created from
 * the admin's editor (mode, signals, model size), started; traffic over HTTP whose best arm depends on device
 * and visits together (mobile visitors on their first visit prefer the offer, everyone else the published
 * entry); "Refit now" on the results page fits the rules, which read in words; the next visitors get the
 * learned weights (their arm is the engine's draw from their leaf's weights); "Test" opens the live test with
 * a visitor of the leaf, whose arm and variant agree; "Freeze as variant rule" asks first, then that segment
 * gets the frozen variant over HTTP; axe finds nothing critical or serious; desktop and 390 px, en and fr.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { Page } from 'playwright-core';

import { assignContextual } from '../../engine/src/contextual';
import type { JsonValue } from '../../engine/src/types';
import { newId, newVisitorId } from '../helpers/events';
import { DESKTOP_UA, MOBILE_UA } from '../helpers/user-agents';
import { axeViolations, describeFindings, dialogReady, horizontalOverflow, PHONE } from './a11y';
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
const TITLE = 'Pick the plan that fits';
const OFFER = 'First visit on your phone? Here is a month free';
/** Visitors per group; the segment gets more, so that each of its arms outweighs the 50 units its posterior is shrunk with. */
const PER_GROUP = 50;
const PER_SEGMENT = 160;
const FR = JSON.parse(fs.readFileSync(path.join(ROOT, 'admin/src/translations/fr.json'), 'utf8')) as Record<string, string>;
const PLUGIN_MARKUP = ['main', '[role="dialog"]', '[role="alertdialog"]'];

interface Leaf {
  id: string;
  condition: JsonValue;
  units: number;
  arms: { key: string; units: number; conversions: number; pBest: number; weight: number }[];
  frozenVariantId?: string;
}
interface Contextual {
  modelVersion: string | null;
  leaves: Leaf[];
  policy: { value: number | null; uniform: number | null; units: number };
}
interface Resolved {
  data: { title: string };
  meta: { personalize: { variant: string | null; experiments?: Record<string, { arm?: string | null; reason: string }> } };
}

describe('a contextual experiment, from the editor to a frozen rule, in a real browser', () => {
  let strapi: RunningStrapi;
  let browser: Browser;
  let page: Page;
  let token: string;
  let entryId: string;
  let experimentId: string;
  let key: string;
  const { api, sendEvents, publishArticle } = strapiApi(() => strapi.url, () => token);

  const contextual = async () => {
    const { status, body } = await api<{ data: { contextual?: Contextual; arms: { units: number }[] } }>(`/personalize/experiments/${experimentId}/results`);
    expect(status).toBe(200);
    return body.data;
  };

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

  /** A visitor with `visits` sessions so far (page events hours apart), on a phone or a computer, resolving the entry. */
  // Visitor ids in a fixed sequence: the arms (hashes of the ids) and so the fitted rules are the same on every run.
  let visitors = 0;
  const visit = async (mobile: boolean, visits: number) => {
    visitors += 1;
    const visitorId = `e2e-contextual-visitor-${String(visitors).padStart(5, '0')}`;
    const now = Date.now();
    const pages = Array.from({ length: visits }, (_, index) => ({
      id: newId(),
      ts: now - (visits - 1 - index) * 2 * 60 * 60 * 1000,
      type: 'page',
      path: '/plans',
    }));
    await sendEvents(visitorId, pages);
    const { status, body } = await api<Resolved>('/api/personalize/resolve', {
      method: 'POST',
      headers: { 'user-agent': mobile ? MOBILE_UA : DESKTOP_UA },
      body: JSON.stringify({ uid: UID, documentId: entryId, locale: 'en', visitorId }),
    });
    expect(status).toBe(200);
    return { visitorId, body };
  };

  const snapshot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    assertChromium();
    ensureAdminBuild();
    strapi = await startStrapi();
    browser = await launchBrowser();
    page = browser.page;
    token = await adminToken(strapi.url);
    // An entry with one variant, the offer, served to the arm that has it.
    entryId = await publishArticle({
      title: TITLE,
      slug: 'pick-a-plan',
      variants: { variants: [{ id: 'v_offer', name: 'Month free', enabled: true, condition: true, overrides: { title: OFFER } }] },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await strapi?.stop();
  });

  it('learns who prefers the offer, tests a rule and freezes it', async () => {
    await withFailureSnapshot(page, 'contextual-failure', flow);
  });

  it('reads in French at phone width', async () => {
    await inFrench(strapi.url, token, page, () => withFailureSnapshot(page, 'contextual-failure-fr', frenchFlow));
  });

  async function flow() {
    await logIn(page, strapi.url);

    // 1. The editor, opened on the entry with a control and the offer's arm: mode "Contextual bandit".
    await page.goto(`${strapi.url}/admin/plugins/personalize/experiments/new?uid=${UID}&documentId=${entryId}&locale=en&variants=v_offer&title=Plans`);
    await page.getByRole('heading', { name: 'New experiment' }).waitFor();
    await page.getByLabel('Event name').fill(GOAL);
    await page.getByRole('radio', { name: /Contextual bandit/ }).click();
    const settings = page.getByTestId('contextual-settings');
    // The signals default to device and visits, from the vocabulary; numbers take cut points.
    await expectText(settings.getByTestId('contextual-attribute-0'), 'device (context.device)');
    await expectText(settings.getByTestId('contextual-attribute-1'), 'visits (profile.visits)');
    await settings.getByLabel('Cut points').fill('1, two');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await expectText(settings, 'Numbers separated by commas (or empty: the default cuts)');
    await settings.getByLabel('Cut points').fill('2, 5');
    await settings.getByLabel('Visitors per leaf, at least').fill('20');
    await page.getByLabel('Burn-in before the first update (minutes)').fill('0');
    await page.getByLabel('Visitors per arm before updating').fill('10');
    await page.getByLabel(/^Key/).fill('plans-contextual');
    await axeClean('editor');
    await settings.screenshot({ path: path.join(SCREENSHOTS, 'contextual-settings.png') });
    await page.getByTestId('experiment-editor-footer').getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/plugins\/personalize\/experiments\/[a-z0-9]+$/);
    experimentId = page.url().split('/').pop() as string;
    await page.getByRole('button', { name: 'Start' }).click();
    await expectText(page.getByTestId('experiment-status'), 'Running');
    const stored = await api<{ data: { key: string; mode: string; contextual: unknown } }>(`/personalize/experiments/${experimentId}`);
    expect(stored.body.data).toMatchObject({
      mode: 'contextual',
      contextual: { attributes: [{ path: 'context.device' }, { path: 'profile.visits', cuts: [2, 5] }], minUnitsPerLeaf: 20 },
    });
    key = stored.body.data.key;

    // 2. Traffic: mobile visitors on their first visit convert on the offer 1 in 2 and on the entry 1 in 10;
    // everyone else the other way round.
    let sent = 0;
    for (const [mobile, visits] of [
      [true, 1],
      [true, 3],
      [false, 1],
      [false, 3],
    ] as const) {
      const segment = mobile && visits < 2;
      for (let index = 0; index < (segment ? PER_SEGMENT : PER_GROUP); index += 1) {
        const { visitorId, body } = await visit(mobile, visits);
        const arm = body.meta.personalize.experiments?.[key]?.arm;
        expect(arm === 'control' || arm === 'treatment').toBe(true);
        sent += 1;
        const offer = arm === 'treatment';
        const converts = offer === segment ? index % 2 === 0 : index % 10 === 0;
        if (converts) await sendEvents(visitorId, [{ id: newId(), ts: Date.now(), type: 'track', name: GOAL, value: 1 }]);
      }
    }
    await eventually(async () => {
      const data = await contextual();
      expect(data.arms.reduce((sum, arm) => sum + arm.units, 0)).toBe(sent);
    });

    // 3. The results page: not fitted yet, one rule for everyone; Refit now fits the rules.
    await page.getByRole('link', { name: 'Results' }).click();
    await page.waitForURL(/\/results$/);
    const panel = page.getByTestId('contextual-panel');
    await expectText(panel, 'Not fitted yet');
    await expectText(page.getByTestId('contextual-leaf-0-rule'), 'Rule 1: every visitor');
    await panel.getByRole('button', { name: 'Refit now' }).click();
    await expectText(page.getByTestId('contextual-message'), 'Refitted: the rules below are the new model.');
    const fitted = (await contextual()).contextual as Contextual;
    expect(fitted.modelVersion).not.toBeNull();
    expect(fitted.leaves.length).toBeGreaterThanOrEqual(2);
    await expectText(panel, `Model ${fitted.modelVersion}`);
    // The segment's leaf: the one whose rule a mobile first visit meets first; the offer is its best arm.
    const signalsOf = (mobile: boolean, visits: number) => ({ context: { device: mobile ? 'mobile' : 'desktop' }, profile: { visits } });
    const model = { leaves: fitted.leaves.map((leaf) => ({ id: leaf.id, condition: leaf.condition, weights: leaf.arms.map((arm) => arm.weight), pBest: [], units: 0, tests: [], arms: [] })) };
    const segmentLeaf = fitted.leaves.findIndex((leaf) => leaf.id === assignContextual(model, signalsOf(true, 1), key, 'x').leafId);
    const leaf = fitted.leaves[segmentLeaf];
    expect(leaf.arms.reduce((best, arm) => (arm.pBest > best.pBest ? arm : best)).key).toBe('treatment');
    expect(leaf.arms.find((arm) => arm.key === 'treatment')?.weight).toBeGreaterThan(0.5);
    const card = page.getByTestId(`contextual-leaf-${segmentLeaf}`);
    // The tree may say it either way round: "device is mobile" or "device is not desktop".
    await expectText(card.getByTestId(`contextual-leaf-${segmentLeaf}-rule`), /device is (mobile|not desktop)/);
    await expectText(card.getByTestId(`contextual-leaf-${segmentLeaf}-rule`), /visits below 2/);
    await expectText(card.getByTestId(`contextual-leaf-${segmentLeaf}-arm-treatment`), 'Variants');
    await expectText(page.getByTestId('contextual-policy'), /Serving by these rules earns about|Not enough data yet/);
    // The JSON-logic behind a disclosure.
    await card.getByText('The rule as JSON-logic').click();
    await expectText(card.locator('pre'), '"var": "context.device"');
    await axeClean('results');
    await snapshot('contextual-results');
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'contextual-rules.png') });

    // 4. The next visitors get the learned weights: each one's arm is the engine's draw from their leaf.
    for (const [mobile, visits] of [
      [true, 1],
      [false, 3],
    ] as const)
      for (let index = 0; index < 12; index += 1) {
        const { visitorId, body } = await visit(mobile, visits);
        const expected = assignContextual(model, signalsOf(mobile, visits), key, visitorId);
        expect(body.meta.personalize.experiments?.[key]?.arm).toBe(expected.arm === 1 ? 'treatment' : 'control');
        expect(body.data.title).toBe(expected.arm === 1 ? OFFER : TITLE);
      }

    // 5. Test: the live test opens with a visitor of the leaf; its arm and the variant served agree.
    await card.getByRole('button', { name: 'Test', exact: true }).click();
    await dialogReady(page);
    const dialog = page.getByRole('dialog');
    const signals = JSON.parse((await dialog.getByRole('textbox', { name: 'Test signals' }).textContent()) ?? '{}') as {
      context?: { device?: string };
      profile?: { visits?: number };
    };
    expect(signals.profile).toEqual({ visits: 1 });
    expect(assignContextual(model, signals, key, 'x').leafId).toBe(leaf.id);
    // A visitor who consented (they sent events), so the experiment draws their arm in the leaf.
    const tester = newVisitorId();
    await sendEvents(tester, [{ id: newId(), ts: Date.now(), type: 'page', path: '/plans' }]);
    await dialog.getByLabel('Visitor id').fill(tester);
    await dialog.getByRole('button', { name: 'Run test' }).click();
    const tested = dialog.getByTestId(`test-experiment-${key}`);
    await expectText(tested, /arm (control|treatment)/);
    const arm = ((await tested.textContent()) ?? '').includes('arm treatment') ? 'treatment' : 'control';
    expect(arm).toBe(assignContextual(model, signals, key, tester).arm === 1 ? 'treatment' : 'control');
    await expectText(dialog.getByTestId('test-result'), arm === 'treatment' ? 'Month free (v_offer)' : 'Control arm');
    await axeClean('live test');
    await dialog.screenshot({ path: path.join(SCREENSHOTS, 'contextual-test.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Focus is back on the Test button that opened it.
    await page.waitForFunction((id) => document.activeElement?.getAttribute('data-testid') === id, `contextual-leaf-${segmentLeaf}-test`);

    // 6. Freeze: the dialog says what it writes and how to undo it; then that segment gets the variant.
    await card.getByRole('button', { name: 'Freeze as variant rule' }).click();
    await dialogReady(page);
    const confirm = page.getByRole('alertdialog');
    await expectText(confirm, 'above the experiment’s variants');
    await expectText(confirm, 'To undo, delete that variant from the entry');
    await axeClean('freeze dialog');
    await confirm.getByRole('button', { name: 'Freeze', exact: true }).click();
    await expectText(card.getByTestId(`contextual-leaf-${segmentLeaf}-frozen`), 'Frozen as a variant');
    const frozenId = ((await contextual()).contextual as Contextual).leaves.find((item) => item.id === leaf.id)?.frozenVariantId;
    expect(frozenId).toBeTruthy();
    await expectText(card.getByTestId(`contextual-leaf-${segmentLeaf}-frozen-text`), String(frozenId));
    for (let index = 0; index < 6; index += 1) {
      const segment = await visit(true, 1);
      expect(segment.body.meta.personalize.variant).toBe(frozenId);
      expect(segment.body.data.title).toBe(OFFER);
      // Out of the experiment: the bandit no longer assigns them.
      expect(segment.body.meta.personalize.experiments?.[key]?.arm ?? null).toBeNull();
    }
    const other = await visit(false, 3);
    expect(other.body.meta.personalize.experiments?.[key]?.arm).toMatch(/^(control|treatment)$/);
    await page.reload();
    await page.getByTestId('contextual-panel').waitFor();
    await card.screenshot({ path: path.join(SCREENSHOTS, 'contextual-frozen-rule.png') });
  }

  async function frenchFlow() {
    await page.setViewportSize(PHONE);
    await page.goto(`${strapi.url}/admin/plugins/personalize/experiments/${experimentId}/results`);
    const panel = page.getByTestId('contextual-panel');
    await expectText(panel, FR['experiments.contextual.title']);
    // The segment's rule, its tests in the order the tree found them.
    await expectText(panel, /nombre de visites : moins de 2/);
    await expectText(panel, /appareil : (mobile|desktop|autre que desktop)/);
    await expectText(panel, FR['experiments.contextual.leaf.frozen']);
    expect(await horizontalOverflow(page)).toEqual([]);
    await axeClean('results fr');
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'contextual-rules-phone-fr.png') });
    await page.goto(`${strapi.url}/admin/plugins/personalize/experiments/${experimentId}`);
    const settings = page.getByTestId('contextual-settings');
    await settings.waitFor();
    expect(await horizontalOverflow(page)).toEqual([]);
    await settings.screenshot({ path: path.join(SCREENSHOTS, 'contextual-settings-phone-fr.png') });
  }

  async function axeClean(state: string) {
    const present: string[] = [];
    for (const selector of PLUGIN_MARKUP) if ((await page.locator(selector).count()) > 0) present.push(selector);
    const findings = await axeViolations(page, { include: present });
    if (findings.length) throw new Error(`${state}: axe found\n${describeFindings(findings)}`);
  }
});
