/**
 * Browser tests of the variants editor's extras and the settings page: a media override picked
 * in Strapi's media library dialog, "copy current values" with relations, drag-and-drop reordering
 * of variant cards, and the settings page's cache figures and configuration table.
 */
import zlib from 'node:zlib';

import type { Page } from 'playwright-core';

import { assertChromium, ensureAdminBuild, expectText, launchBrowser, logIn, snap, startStrapi, withFailureSnapshot, type Browser, type RunningStrapi } from './helpers';

const ADMIN = { email: 'admin@example.com', password: 'Playground123!' };
const FILE_NAME = 'pz-hero-variant.png';
const VARIANT_NAME = 'Hero and author swap';
const VARIANT_ID = 'v_hero_and_author_swap';
const WEEKEND_ID = 'v_weekend';

/* A real PNG (a 320×200 gradient), so the upload plugin makes a thumbnail as for any photo. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buffer: Buffer) => {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};
const gradientPng = (width: number, height: number) => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * (width * 3 + 1);
    rows[row] = 0; // no filter
    for (let x = 0; x < width; x += 1) {
      rows[row + 1 + x * 3] = Math.round((255 * x) / width);
      rows[row + 2 + x * 3] = 90;
      rows[row + 3 + x * 3] = Math.round((255 * y) / height);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};

/** Retries `read` until it equals `expected` (deep), or fails with the last value read. */
async function poll<T>(read: () => Promise<T>, expected: T, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let seen: T = await read();
  while (JSON.stringify(seen) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    seen = await read();
  }
  expect(seen).toEqual(expected);
}

describe('variants editor extras and the settings page, in a real browser', () => {
  let strapi: RunningStrapi;
  let browser: Browser;
  let page: Page;
  let token: string;
  let documentId: string;
  let authorDocumentId: string;
  let fileId: number;

  /** A JSON request; admin routes (`/admin`, `/upload`, `/content-manager`, `/personalize`) carry the admin's token. */
  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const admin = !path.startsWith('/api/') && token;
    const response = await fetch(`${strapi.url}${path}`, {
      ...init,
      headers: { connection: 'close', ...(admin ? { authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) },
    });
    const body = (await response.json()) as T;
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };

  beforeAll(async () => {
    assertChromium();
    ensureAdminBuild();
    strapi = await startStrapi();
    browser = await launchBrowser();
    page = browser.page;

    token = '';
    const login = await api<{ data: { token: string } }>('/admin/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    token = login.data.token;

    const articles = await api<{ data: { documentId: string; author: { documentId: string } | null }[] }>(
      '/api/articles?filters[slug][$eq]=pricing&populate[author][fields][0]=name'
    );
    documentId = articles.data[0].documentId;
    authorDocumentId = articles.data[0].author!.documentId;

    // An image uploaded through the upload plugin's admin API.
    const form = new FormData();
    form.append('files', new Blob([gradientPng(320, 200)], { type: 'image/png' }), FILE_NAME);
    const uploaded = await api<{ id: number; name: string }[]>('/upload', { method: 'POST', body: form });
    fileId = uploaded[0].id;
  });

  afterAll(async () => {
    await browser?.close();
    await strapi?.stop();
  });

  it('picks a media override in the media library, copies relations, reorders cards by drag and drop, and shows the settings', async () => {
    await withFailureSnapshot(page, 'extras-failure', flow);
  });

  async function flow() {
    await logIn(page, strapi.url);

    // 1. The "pricing" article, with its weekend variant; a new variant overrides the hero and the author.
    await page.goto(`${strapi.url}/admin/content-manager/collection-types/api::article.article/${documentId}?plugins[i18n][locale]=en`);
    await page.getByRole('button', { name: 'Add a variant' }).click();
    const modal = page.getByRole('dialog').filter({ hasText: 'New variant' });
    await modal.getByLabel('Name').fill(VARIANT_NAME);
    const fields = modal.getByRole('combobox').filter({ hasText: 'Fields to override' });
    await fields.click(); // a multi-select stays open while options are picked
    await page.getByRole('option', { name: /^author/ }).click();
    await page.getByRole('option', { name: /^hero/ }).click();
    await page.keyboard.press('Escape');

    // 2. Copy current values: the author relation comes over as its documentId.
    const author = modal.getByLabel('author', { exact: true });
    await modal.getByRole('button', { name: 'Copy current values' }).click();
    await poll(() => author.inputValue(), authorDocumentId);

    // 3. The hero from the media library dialog, shown as a thumbnail with its name.
    const hero = modal.getByTestId('media-override-hero');
    await hero.getByRole('button', { name: 'Choose a file in the media library' }).click();
    const library = page.getByRole('dialog', { name: /add new assets/i });
    await library.getByText(FILE_NAME).first().waitFor();
    await page.waitForTimeout(400); // the dialog's opening animation, for the screenshot
    await snap(page, 'extras-media-library');
    const card = library.locator('article').filter({ hasText: FILE_NAME });
    await card.getByRole('checkbox').check();
    await library.getByRole('button', { name: 'Finish' }).click();
    await library.waitFor({ state: 'detached' });
    const tile = hero.getByTestId(`media-file-${fileId}`);
    await expectText(tile, FILE_NAME);
    expect(await tile.locator('img').getAttribute('src')).toMatch(/\/uploads\/.+\.png$/);
    await tile.locator('img').evaluate((img: HTMLImageElement) =>
      img.complete ? undefined : new Promise((resolve) => img.addEventListener('load', resolve, { once: true }))
    );
    expect(await tile.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    await snap(page, 'extras-media-override');

    // Remove, then pick again (replace), through the same dialog.
    await tile.getByRole('button', { name: `Remove ${FILE_NAME}` }).click();
    await hero.getByText('No file: the field will be empty for this variant.').waitFor();
    await hero.getByRole('button', { name: 'Choose a file in the media library' }).click();
    await library.locator('article').filter({ hasText: FILE_NAME }).getByRole('checkbox').check();
    await library.getByRole('button', { name: 'Finish' }).click();
    await library.waitFor({ state: 'detached' });
    await hero.getByRole('button', { name: 'Replace' }).waitFor();
    await modal.getByRole('button', { name: 'Add variant' }).click();
    await modal.waitFor({ state: 'detached' });

    // 4. Drag the new card (last) above the weekend one, by its handle.
    const cards = page.locator('[data-testid^="variant-card-"]');
    const order = () => cards.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-testid')));
    await poll(order, [`variant-card-${WEEKEND_ID}`, `variant-card-${VARIANT_ID}`]);
    await cards.first().scrollIntoViewIfNeeded();
    await snap(page, 'extras-before-drag');
    const cardOf = (id: string) => page.getByTestId(`variant-card-${id}`);
    const handleOf = (id: string) => cardOf(id).getByTestId('variant-drag-handle');

    // With mouse events: the drop line shows above the weekend card while dragging.
    const from = (await handleOf(VARIANT_ID).boundingBox())!;
    const to = (await cardOf(WEEKEND_ID).boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + 200, to.y + 20, { steps: 6 });
    await page.mouse.move(to.x + 200, to.y + 10, { steps: 2 });
    await cardOf(WEEKEND_ID).getByTestId('variant-drop-indicator').waitFor();
    await snap(page, 'extras-dragging');
    await page.mouse.up();
    await poll(order, [`variant-card-${VARIANT_ID}`, `variant-card-${WEEKEND_ID}`]);
    await expectText(cardOf(VARIANT_ID).getByLabel('Priority 1'), '1');
    expect(await page.getByTestId('variant-drop-indicator').count()).toBe(0);
    await snap(page, 'extras-after-drag');

    // With playwright's dragTo: the new card onto the lower half of the weekend card goes after it...
    await handleOf(VARIANT_ID).dragTo(cardOf(WEEKEND_ID), { targetPosition: { x: 200, y: (to.height * 3) / 4 } });
    await poll(order, [`variant-card-${WEEKEND_ID}`, `variant-card-${VARIANT_ID}`]);
    // ...a drop on itself changes nothing, and the arrows (the keyboard's way) still work.
    await handleOf(VARIANT_ID).dragTo(cardOf(VARIANT_ID), { targetPosition: { x: 200, y: 10 } });
    await poll(order, [`variant-card-${WEEKEND_ID}`, `variant-card-${VARIANT_ID}`]);
    await cardOf(VARIANT_ID).getByRole('button', { name: 'Move up (higher priority)' }).click();
    await poll(order, [`variant-card-${VARIANT_ID}`, `variant-card-${WEEKEND_ID}`]);

    // 5. Save; the stored value has the new order and the media id.
    await page.getByRole('button', { name: /^save$/i }).click();
    await page.getByText(/saved/i).first().waitFor();
    const stored = await api<{ data: { variants: { variants: { id: string; overrides: Record<string, unknown> }[] } } }>(
      `/content-manager/collection-types/api::article.article/${documentId}?locale=en`
    );
    const variants = stored.data.variants.variants;
    expect(variants.map((variant) => variant.id)).toEqual([VARIANT_ID, WEEKEND_ID]);
    expect(variants[0].overrides).toEqual({ hero: fileId, author: { documentId: authorDocumentId } });

    // 6. Some delivery traffic, then the settings page's figures.
    for (let i = 0; i < 3; i += 1) {
      await api('/api/personalize/resolve', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uid: 'api::article.article', documentId, locale: 'en', signals: {} }),
      });
    }
    const settings = await api<{ data: { cache: { responses: { size: number; hits: number; misses: number; hitRatio: number | null } } } }>(
      '/personalize/settings'
    );
    const { responses } = settings.data.cache;
    expect(responses.size).toBeGreaterThanOrEqual(1);
    expect(responses.hits).toBeGreaterThanOrEqual(2);
    expect(responses.hitRatio).toBeCloseTo(responses.hits / (responses.hits + responses.misses));

    await page.goto(`${strapi.url}/admin/settings/personalize`);
    await expectText(page.getByTestId('figure-entries-value'), String(responses.size));
    await expectText(page.getByTestId('figure-hit-ratio-value'), `${Math.round(responses.hitRatio! * 1000) / 10}%`.replace('.0%', '%'));
    await expectText(page.getByTestId('figure-hit-ratio'), `${responses.hits} hits`);
    await expectText(page.getByTestId('figure-purges-value'), /^\d+$/);
    await expectText(page.getByTestId('figure-redis'), 'Not configured');
    await expectText(page.getByTestId('setting-defaultTimezone'), 'Default time zone');
    await expectText(page.getByTestId('setting-defaultTimezone'), 'UTC');
    await expectText(page.getByTestId('setting-webhookSecret'), 'Not set');
    await expectText(page.getByTestId('setting-rateLimit.authenticated.points'), 'No limit');
    expect(await page.getByTestId('active-config').textContent()).not.toMatch(/Playground123|jwtSecret/);
    // The admin scrolls inside its layout: a tall window shows the whole page.
    await page.setViewportSize({ width: 1440, height: 2600 });
    await snap(page, 'extras-settings');
    await page.setViewportSize({ width: 1440, height: 1000 });

    // Purge: the entries figure drops to 0 and the purge count goes up.
    const purgesBefore = Number(await page.getByTestId('figure-purges-value').textContent());
    await page.getByRole('button', { name: 'Purge all caches' }).click();
    await page.getByText('Every cached personalized response was purged').waitFor();
    await expectText(page.getByTestId('figure-entries-value'), '0');
    await expectText(page.getByTestId('figure-purges-value'), String(purgesBefore + 1));
    await snap(page, 'extras-settings-purged');
  }
});
