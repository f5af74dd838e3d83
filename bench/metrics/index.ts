/**
 * What counting costs (`npm run bench -- metrics`; docs/design.md, "Observability": under 2 % of a
 * warm resolve). Two playground instances in child processes, the same demo content, one with
 * `metrics.enabled` and one without; autocannon alternates between them for several rounds (so
 * drift of the machine falls on both alike) with the same warm `POST /api/personalize/resolve`
 * (read-only API token, populate, signals that hit the mobile variant), and the requests/s of each
 * are summed over the rounds. Prints both and the ratio on/off (target ≥ 0.98), then checks on a
 * scrape that the instance with metrics counted every request it answered.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import autocannon from 'autocannon';

import { startStrapiProcess, type StrapiProcess } from '../../tests/helpers/strapi-process';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const ROUND_SEC = Number(process.env.BENCH_ROUND_SEC ?? 5);
const WARMUP_SEC = 3;
const TOKEN = 'bench-metrics-token-0123456789';
const MOBILE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
// The demo article's mobile variant: a visitor who left a page of this session quickly.
const SIGNALS = { behavior: { quickExits: 1 } };

const start = async (label: string, config: object) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `personalize-bench-metrics-${label}-`));
  const instance = await startStrapiProcess({
    NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production',
    DATABASE_FILENAME: path.join(dir, 'data.db'),
    PLAYGROUND_SEED: 'true',
    LOG_LEVEL: 'error',
    PERSONALIZE_PLUGIN_BUILD: 'dist',
    PERSONALIZE_CONFIG: JSON.stringify({ rateLimit: { points: 1_000_000_000, durationSec: 1 }, ...config }),
  });
  return { instance, dir };
};

const demoDocumentId = async (instance: StrapiProcess) => {
  const response = await fetch(`${instance.url}/api/articles?filters[slug][$eq]=plan-your-next-trip&fields[0]=title`);
  const body = (await response.json()) as { data: { documentId: string }[] };
  if (!body.data?.[0]) throw new Error('the demo article is missing');
  return body.data[0].documentId;
};

const resolveRequest = async (instance: StrapiProcess): Promise<autocannon.Request> => {
  const documentId = await demoDocumentId(instance);
  const request = {
    method: 'POST' as const,
    path: '/api/personalize/resolve',
    headers: {
      authorization: `Bearer ${await instance.createApiToken('read-only')}`,
      'content-type': 'application/json',
      'user-agent': MOBILE_UA,
    },
    body: JSON.stringify({ uid: 'api::article.article', documentId, populate: ['author', 'seo'], signals: SIGNALS }),
  };
  const probe = await fetch(`${instance.url}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
  const probeBody = (await probe.json()) as { meta?: { personalize?: { variant?: string } } };
  if (probeBody.meta?.personalize?.variant !== 'v_quick_exit') throw new Error('the resolve does not hit the variant');
  return request;
};

const run = (instance: StrapiProcess, request: autocannon.Request, duration: number) =>
  new Promise<autocannon.Result>((resolve, reject) => {
    autocannon({ url: instance.url, connections: CONNECTIONS, duration, requests: [request] }, (error, result) =>
      error ? reject(error) : resolve(result)
    );
  });

/** The `personalize_decisions_total` samples of a scrape, summed. */
const decisionsCounted = async (instance: StrapiProcess) => {
  const response = await fetch(`${instance.url}/api/personalize/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  if (response.status !== 200) throw new Error(`the scrape answered ${response.status}`);
  return (await response.text())
    .split('\n')
    .filter((line) => line.startsWith('personalize_decisions_total{'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
};

const main = async () => {
  const off = await start('off', {});
  const on = await start('on', { metrics: { enabled: true, token: TOKEN } });
  try {
    const offRequest = await resolveRequest(off.instance);
    const onRequest = await resolveRequest(on.instance);
    await run(off.instance, offRequest, WARMUP_SEC);
    await run(on.instance, onRequest, WARMUP_SEC);
    const totals = { off: { requests: 0, seconds: 0 }, on: { requests: 0, seconds: 0 } };
    const answeredBefore = await decisionsCounted(on.instance);
    let answeredOn = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      // Which goes first alternates too, so neither always runs on a machine just warmed by the other.
      const order = round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
      for (const which of order) {
        const result = await run(which === 'on' ? on.instance : off.instance, which === 'on' ? onRequest : offRequest, ROUND_SEC);
        if (result.errors + result.timeouts + result.non2xx > 0) throw new Error(`${which}: ${result.errors} errors, ${result.non2xx} non-2xx`);
        totals[which].requests += result.requests.total;
        totals[which].seconds += result.duration;
        if (which === 'on') answeredOn += result.requests.total;
      }
    }
    const rps = { off: totals.off.requests / totals.off.seconds, on: totals.on.requests / totals.on.seconds };
    const counted = (await decisionsCounted(on.instance)) - answeredBefore;
    console.log(`warm resolve, metrics off: ${rps.off.toFixed(0)} req/s`);
    console.log(`warm resolve, metrics on:  ${rps.on.toFixed(0)} req/s`);
    console.log(`ratio on/off: ${(rps.on / rps.off).toFixed(3)} (target ≥ 0.98), ${ROUNDS} alternating rounds of ${ROUND_SEC} s, ${CONNECTIONS} connections`);
    // autocannon's totals leave out requests still in flight when a round ends; the scrape counts them.
    console.log(`decisions counted by the instance with metrics: ${counted} (autocannon saw ${answeredOn} answers)`);
    if (counted < answeredOn) throw new Error('the instance with metrics counted fewer decisions than it answered');
  } finally {
    await off.instance.stop();
    await on.instance.stop();
    fs.rmSync(off.dir, { recursive: true, force: true });
    fs.rmSync(on.dir, { recursive: true, force: true });
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
