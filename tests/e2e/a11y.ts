/**
 * Accessibility checks shared by the browser tests (issue: every editor, every device): axe-core
 * (WCAG 2.1 A/AA) scoped to the plugin's own markup, horizontal overflow at phone width, and labels
 * cut by an ellipsis. Each returns what it found so a test can print it on failure.
 */
import fs from 'node:fs';

import type { Page } from 'playwright-core';

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1440, height: 900 };

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

interface AxeResultsLike {
  violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

/**
 * Waits until no CSS transition or animation is running (at most 3 s): axe measures colours as they
 * are, and a button fading back from its loading state reads as a contrast failure mid-way.
 */
export const settled = async (page: Page) => {
  await page
    .waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running'), undefined, {
      timeout: 3000,
      polling: 50,
    })
    .catch(() => undefined);
};

/**
 * Waits until an open dialog holds the focus: its effects (focus trap, Escape handler) have run, so
 * a key pressed now reaches it as a person's would.
 */
export const dialogReady = async (page: Page) => {
  await page.waitForFunction(() => {
    const dialog = document.querySelector('[role="dialog"], [role="alertdialog"]');
    return Boolean(dialog && dialog.contains(document.activeElement));
  });
};

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA) on the page, or within `include` selectors, and returns the
 * critical and serious violations. `exclude` lists selectors of Strapi's own chrome (its menu, its
 * content-manager form) that the plugin does not own.
 */
export const axeViolations = async (
  page: Page,
  options: { include?: string[]; exclude?: string[]; impacts?: string[] } = {}
): Promise<AxeFinding[]> => {
  await settled(page);
  const injected = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!injected) await page.addScriptTag({ content: AXE_SOURCE });
  const context = {
    ...(options.include ? { include: options.include.map((selector) => [selector]) } : {}),
    ...(options.exclude ? { exclude: options.exclude.map((selector) => [selector]) } : {}),
  };
  const results = (await page.evaluate(
    async ([ctx]) => {
      const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<unknown> } }).axe;
      const hasContext = Object.keys(ctx as object).length > 0;
      return axe.run(hasContext ? ctx : document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        resultTypes: ['violations'],
      });
    },
    [context] as const
  )) as AxeResultsLike;
  const impacts = options.impacts ?? ['critical', 'serious'];
  return results.violations
    .filter((violation) => impacts.includes(violation.impact ?? ''))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? '',
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.map(String).join(' ')),
    }));
};

/** A readable summary for a failing expectation. */
export const describeFindings = (findings: AxeFinding[]) =>
  findings
    .map(({ id, impact, help, targets }) => `${impact} ${id}: ${help}\n    ${targets.slice(0, 5).join('\n    ')}`)
    .join('\n');

/**
 * Elements wider than the viewport, or the document itself scrolling sideways, ignoring data tables'
 * own scroll containers (Strapi's lists scroll horizontally inside their card at phone width too).
 */
export const horizontalOverflow = async (page: Page, within = 'main'): Promise<string[]> =>
  page.evaluate((scope) => {
    const root = document.querySelector(scope) ?? document.body;
    const viewport = document.documentElement.clientWidth;
    const found: string[] = [];
    const describe = (element: Element) => {
      const id = element.id ? `#${element.id}` : '';
      const text = (element.textContent ?? '').trim().slice(0, 40);
      return `${element.tagName.toLowerCase()}${id} "${text}"`;
    };
    if (document.documentElement.scrollWidth > viewport + 1)
      found.push(`document scrolls sideways (${document.documentElement.scrollWidth}px > ${viewport}px)`);
    const insideScrollingTable = (element: Element) => {
      for (let node: Element | null = element; node && node !== root; node = node.parentElement) {
        if (node.tagName === 'TABLE') return true;
        const style = getComputedStyle(node);
        if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && node.querySelector('table')) return true;
      }
      return false;
    };
    for (const element of Array.from(root.querySelectorAll('*'))) {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      if (rect.right <= viewport + 1 && rect.left >= -1) continue;
      if (insideScrollingTable(element)) continue;
      const style = getComputedStyle(element);
      if (style.position === 'fixed' || style.visibility === 'hidden') continue;
      found.push(`${describe(element)} spans ${Math.round(rect.left)}..${Math.round(rect.right)}px`);
      if (found.length > 20) break;
    }
    return found;
  }, within);

/** Text elements cut by `text-overflow: ellipsis` (a label that should wrap instead). */
export const truncatedLabels = async (page: Page, within = 'main'): Promise<string[]> =>
  page.evaluate((scope) => {
    const root = document.querySelector(scope) ?? document.body;
    const found: string[] = [];
    for (const element of Array.from(root.querySelectorAll<HTMLElement>('*'))) {
      const style = getComputedStyle(element);
      if (style.textOverflow !== 'ellipsis' || style.overflow === 'visible') continue;
      if (element.scrollWidth <= element.clientWidth + 1) continue;
      if (element.closest('table')) continue; // table cells truncate long values by design, with a title
      found.push((element.textContent ?? '').trim().slice(0, 60));
    }
    return found;
  }, within);

/**
 * Where focus is: a short description of `document.activeElement` (tag, role, accessible name, and
 * for a form field the text of its `<label>`s).
 */
export const focused = async (
  page: Page
): Promise<{ tag: string; role: string | null; name: string; testId: string | null; label: string }> =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element) return { tag: 'none', role: null, name: '', testId: null, label: '' };
    const labelledBy = element.getAttribute('aria-labelledby');
    const labelText = labelledBy
      ? labelledBy
          .split(/\s+/)
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' ')
      : '';
    const name = (element.getAttribute('aria-label') ?? labelText) || (element.textContent ?? '').trim();
    return {
      tag: element.tagName.toLowerCase(),
      role: element.getAttribute('role'),
      name: name.slice(0, 80),
      testId: element.getAttribute('data-testid'),
      label: Array.from((element as HTMLInputElement).labels ?? [])
        .map((label) => (label.textContent ?? '').trim())
        .join(' '),
    };
  });
