/**
 * A site on another origin, as a visitor's browser sees it (docs/sdk.md, "A site on another origin:
 * CORS"): a tiny page served from its own local port imports the SDK the app installed
 * (dist/client/index.mjs of the packed plugin) and calls resolve, events, exportData() and erase()
 * against Strapi with the app's default strapi::cors, in headless Chromium. A call that CORS refuses
 * fails in the browser with only "Failed to fetch", which is what the page reports back.
 */
'use strict';

const fs = require('node:fs');
const http = require('node:http');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** A browser's own User-Agent: headless Chromium's says HeadlessChrome, which counts as a bot. */
const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Another origin</title></head>
<body><p>A site on another origin</p>
<script type="module">
import { createPersonalize } from '/sdk.mjs';

window.crossOrigin = async ({ baseUrl, token, uid, documentId }) => {
  const calls = [];
  // Every response the SDK reads, recorded; a refused call throws "Failed to fetch" here.
  const recordingFetch = async (input, init = {}) => {
    const url = String(input);
    const method = init.method ?? 'GET';
    try {
      const response = await fetch(input, init);
      const text = await response.clone().text();
      calls.push({ url, method, status: response.status, text: text.slice(0, 2000) });
      return response;
    } catch (error) {
      calls.push({ url, method, error: String(error) });
      throw error;
    }
  };
  const pz = createPersonalize({
    baseUrl,
    autoTrack: false,
    consent: { events: true, profiling: true },
    headers: { authorization: 'Bearer ' + token },
    fetch: recordingFetch,
  });
  const out = { calls, origin: location.origin };
  const step = async (name, run) => {
    try {
      out[name] = await run();
    } catch (error) {
      out[name] = { error: String(error && error.message ? error.message : error) };
    }
  };
  await step('resolve', async () => {
    const result = await pz.resolve({ uid, documentId });
    return { title: result.data && result.data.title, variant: result.meta.personalize.variant };
  });
  await step('events', async () => {
    pz.track('signup');
    await pz.flush();
    return { sent: true };
  });
  const visitorId = pz.visitorId;
  await step('exportData', async () => pz.exportData());
  await step('erase', async () => {
    await pz.erase();
    return { erased: visitorId, next: pz.visitorId };
  });
  return out;
};
window.ready = true;
</script></body></html>`;

/** Serves the page and the SDK file on 127.0.0.1:`port` (another origin than Strapi's). */
const serveSite = (sdkFile, port) =>
  new Promise((resolve, reject) => {
    const server = http.createServer((request, response) => {
      if (request.url === '/sdk.mjs') {
        response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        response.end(fs.readFileSync(sdkFile));
      } else if (request.url === '/' || request.url === '/index.html') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(PAGE);
      } else {
        response.writeHead(404);
        response.end();
      }
    });
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

/**
 * Opens the page in headless Chromium and runs the four calls; returns what the page saw.
 * `playwrightFrom`: the directory whose node_modules holds playwright-core (this repository).
 */
const crossOriginCalls = async ({ strapiUrl, sdkFile, siteUrl, sitePort, token, uid, documentId, playwrightFrom }) => {
  const { chromium } = require(require.resolve('playwright-core', { paths: [playwrightFrom] }));
  const site = await serveSite(sdkFile, sitePort);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const consoleLines = [];
  try {
    const context = await browser.newContext({ userAgent: DESKTOP_UA });
    const page = await context.newPage();
    page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
    await page.goto(siteUrl, { timeout: 30_000 });
    await page.waitForFunction(() => globalThis.ready === true, null, { timeout: 30_000 });
    const result = await page.evaluate((args) => globalThis.crossOrigin(args), { baseUrl: strapiUrl, token, uid, documentId });
    return { ...result, console: consoleLines };
  } finally {
    await browser.close();
    await new Promise((resolve) => site.close(resolve));
  }
};

module.exports = { crossOriginCalls, DESKTOP_UA };
