import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

import { batchOf, BROWSER_UA } from '../helpers/events';

export const ROOT = path.resolve(__dirname, '../..');
export const PLAYGROUND = path.join(ROOT, 'playground');
export const SCREENSHOTS = path.join(__dirname, '__screenshots__');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
];

/** Fails loudly when the browser is missing: CI installs it with tests/e2e/setup-chromium.sh. */
export const assertChromium = () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run \`bash tests/e2e/setup-chromium.sh\` (apt-get install chromium) first`);
  }
};

const newestMtime = (dir: string): number => {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
};

/** Builds the playground admin (Vite) unless a build newer than the plugin's dist/admin exists. */
export const ensureAdminBuild = () => {
  const pluginAdmin = path.join(ROOT, 'dist/admin');
  if (!fs.existsSync(pluginAdmin)) throw new Error('dist/admin is missing: run `npm run build` first');
  const index = path.join(PLAYGROUND, 'build/index.html');
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs > newestMtime(pluginAdmin)) return;
  const result = spawnSync(path.join(ROOT, 'node_modules/.bin/strapi'), ['build'], {
    cwd: PLAYGROUND,
    stdio: 'pipe',
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`strapi build failed:\n${result.stdout}\n${result.stderr}`);
};

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

export interface RunningStrapi {
  url: string;
  stop(): Promise<void>;
  logs(): string;
}

/** Starts the built playground (`strapi start`) on a fresh SQLite file, seeded with demo content. */
/** `env`: more of the playground's environment (e.g. REDIS_URL and REDIS_KEY_PREFIX). */
export const startStrapi = async (env: Record<string, string> = {}): Promise<RunningStrapi> => {
  const port = await freePort();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'personalize-e2e-'));
  let output = '';
  const child: ChildProcess = spawn(path.join(ROOT, 'node_modules/.bin/strapi'), ['start'], {
    cwd: PLAYGROUND,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_CLIENT: 'sqlite',
      DATABASE_FILENAME: path.join(tmp, 'data.db'),
      PLAYGROUND_SEED: 'true',
      SERVE_ADMIN: 'true',
      STRAPI_TELEMETRY_DISABLED: 'true',
      BROWSER: 'none',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`strapi start exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/_health`, { headers: { connection: 'close' } });
      if (response.status === 204) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`strapi did not start within 120 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return {
    url,
    logs: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
};

/** The playground's dev admin (created by its seed). */
export const ADMIN = { email: 'admin@example.com', password: 'Playground123!' };

/** Logs in through the admin API (as the login page does) and returns the access token. */
export const adminToken = async (url: string, { email, password } = ADMIN): Promise<string> => {
  const response = await fetch(`${url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await response.json()) as { data?: { token?: string; accessToken?: string } };
  const token = body.data?.token ?? body.data?.accessToken;
  if (!token) throw new Error(`admin login failed: ${response.status} ${JSON.stringify(body)}`);
  return token;
};

/**
 * Sets the admin user's interface language, as Profile → "Interface language" does
 * (`PUT /admin/users/me`); the admin applies it when it next loads the user.
 */
export const setInterfaceLanguage = async (url: string, token: string, language: string) => {
  const response = await fetch(`${url}/admin/users/me`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, connection: 'close' },
    body: JSON.stringify({ preferedLanguage: language }),
  });
  if (!response.ok) throw new Error(`PUT /admin/users/me failed: ${response.status} ${await response.text()}`);
};

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export const launchBrowser = async (): Promise<Browser> => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'personalize-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 1000 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  return {
    context,
    page,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
};

let step = 0;
/** Saves a numbered full-page screenshot of the step (test artifacts, not committed). */
export const snap = async (page: Page, name: string) => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  step += 1;
  await page.screenshot({ path: path.join(SCREENSHOTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
};

/** Runs a browser flow; when it fails, a screenshot of where it stood is kept as `<name>` before the error goes on. */
export const withFailureSnapshot = async (page: Page, name: string, flow: () => Promise<void>) => {
  try {
    await flow();
  } catch (error) {
    await snap(page, name).catch(() => undefined);
    throw error;
  }
};

/** Runs a flow with the admin user's interface in French, and puts English back afterwards, whatever happens. */
export const inFrench = async (url: string, token: string, page: Page, flow: () => Promise<void>) => {
  await setInterfaceLanguage(url, token, 'fr');
  try {
    await flow();
  } finally {
    await setInterfaceLanguage(url, token, 'en');
    await page.evaluate(() => window.localStorage.setItem('strapi-admin-language', 'en')).catch(() => undefined);
  }
};

/** Logs in to the admin as the playground's dev admin, through the real login form. */
export const logIn = async (page: Page, url: string, options: { snapshot?: string } = {}) => {
  await page.goto(`${url}/admin/auth/login`);
  await page.getByLabel(/email/i).fill(ADMIN.email);
  await page.getByLabel(/^password/i).fill(ADMIN.password);
  if (options.snapshot) await snap(page, options.snapshot);
  await page.getByRole('button', { name: /login/i }).click();
  await page.waitForURL((target) => !target.pathname.includes('/auth/'));
};

/** Waits until the locator's text matches (the UI updates asynchronously); fails with what it saw. */
export const expectText = async (locator: Locator, text: string | RegExp) => {
  await locator.waitFor();
  const deadline = Date.now() + 10_000;
  let seen = '';
  while (Date.now() < deadline) {
    seen = (await locator.textContent()) ?? '';
    if (typeof text === 'string' ? seen.includes(text) : text.test(seen)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(seen).toMatch(text);
};

/**
 * JSON requests to a running Strapi (admin routes carry the admin's token; the URL and token are read
 * at call time, once `beforeAll` has set them) and visitor events sent as the SDK sends them, with
 * consent to events and profiling.
 */
export const strapiApi = (baseUrl: () => string, token: () => string) => {
  const api = async <T = { data: Record<string, unknown> }>(route: string, init: RequestInit = {}) => {
    const admin = !route.startsWith('/api/');
    const response = await fetch(`${baseUrl()}${route}`, {
      ...init,
      headers: {
        connection: 'close',
        'user-agent': BROWSER_UA,
        ...(admin ? { authorization: `Bearer ${token()}` } : {}),
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...(init.headers ?? {}),
      },
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };

  const sendEvents = async (visitor: string, events: unknown[]) => {
    const { status, body } = await api<unknown>('/api/personalize/events', { method: 'POST', body: JSON.stringify(batchOf(visitor, events)) });
    expect(status).toBe(202);
    expect(body).toMatchObject({ accepted: events.length, rejected: [] });
  };

  /** Creates an article (locale en) through the Content Manager's API and publishes it: its documentId. */
  const publishArticle = async (data: { title: string; slug: string; [field: string]: unknown }) => {
    const cm = '/content-manager/collection-types/api::article.article';
    const created = await api<{ data: { documentId: string } }>(`${cm}?locale=en`, { method: 'POST', body: JSON.stringify(data) });
    expect(created.status).toBe(201);
    const { documentId } = created.body.data;
    expect((await api(`${cm}/${documentId}/actions/publish?locale=en`, { method: 'POST', body: '{}' })).status).toBe(200);
    return documentId;
  };

  return { api, sendEvents, publishArticle };
};
