/**
 * Work budget benchmark (`npm run bench -- fuel`), issue 16 finding 1: no condition can stall the server.
 *
 * Engine, in this process: the most expensive conditions we could construct within every static limit
 * (tests/engine/fuel-constructions.ts, the finding's own condition first), on both backends, with the
 * default budget: median and worst time per evaluation after a warm-up, against the ~2 ms the budget is
 * sized for; and json-logic-js (no budget) on the finding's condition once, as the contrast.
 *
 * Over HTTP, the playground in production mode with the built plugin (scripts/bench.js builds it),
 * autocannon with a read-only API token:
 *   (a) GET /api/personalize/signals, alone                      — the baseline
 *   (b) resolve of an entry whose variant condition is cheap     — the personalization baseline
 *   (c) resolve of an entry whose first variant's condition runs out of its budget on every request
 *       (it passes the save-time dry run: the work comes from the request's custom.list)
 *   (d) (a) while (c) runs at the same time on other connections — the server keeps answering
 *   (e) (a) while (b) runs: the same load with a cheap condition, (d)'s baseline
 * and prints requests/s, p50 and p99, with (c)/(b) and (d)/(e).
 */
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import autocannon from 'autocannon';
import jsonLogic from 'json-logic-js';

import { compile, RuleError } from '../../engine/src';
import { CONSTRUCTIONS, CONSTRUCTION_AUDIENCES } from '../../tests/engine/fuel-constructions';
import { startStrapiProcess } from '../../tests/helpers/strapi-process';
import { adminCall, ARTICLE_UID, registerAdmin } from '../helpers/experiments';

const RUNS = 40;
const WARMUP = 5;
const DURATION_SEC = Number(process.env.BENCH_DURATION ?? 8);
const MOBILE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

const engine = () => {
  console.log(`engine: default budget, ${RUNS} evaluations each after ${WARMUP} warm-up ones (ms)`);
  console.log('| construction | backend | outcome | p50 | max |');
  console.log('| --- | --- | --- | ---: | ---: |');
  let worst = 0;
  for (const construction of CONSTRUCTIONS) {
    for (const backend of ['codegen', 'interpreter'] as const) {
      const rule = compile(construction.rule, { backend, audiences: CONSTRUCTION_AUDIENCES });
      const times: number[] = [];
      let outcome = '';
      for (let i = 0; i < WARMUP + RUNS; i++) {
        const started = performance.now();
        try {
          rule.evaluate(construction.data);
          outcome = 'value';
        } catch (error) {
          outcome = error instanceof RuleError ? error.code : 'error';
        }
        if (i >= WARMUP) times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      worst = Math.max(worst, quantile(times, 0.5));
      console.log(`| ${construction.name} | ${backend} | ${outcome} | ${quantile(times, 0.5).toFixed(3)} | ${times[times.length - 1].toFixed(3)} |`);
    }
  }
  console.log(`\nslowest median: ${worst.toFixed(3)} ms (target: about 2 ms)`);
  const [finding] = CONSTRUCTIONS;
  const started = performance.now();
  jsonLogic.apply(finding.rule as never, finding.data);
  console.log(`json-logic-js (no budget) on the finding's condition, once: ${(performance.now() - started).toFixed(0)} ms\n`);
};

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

const run = (url: string, connections: number, requests: autocannon.Request[]) =>
  new Promise<Measured>((resolve, reject) => {
    autocannon({ url, connections, duration: DURATION_SEC, requests }, (error, result) =>
      error ? reject(error) : resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx })
    );
  });

const http = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'personalize-bench-fuel-'));
  const instance = await startStrapiProcess({
    NODE_ENV: 'production',
    DATABASE_FILENAME: path.join(dir, 'data.db'),
    PLAYGROUND_SEED: 'true',
    LOG_LEVEL: 'error',
    PERSONALIZE_PLUGIN_BUILD: 'dist',
    PERSONALIZE_CONFIG: JSON.stringify({ rateLimit: { points: 1_000_000_000, durationSec: 1 } }),
  });
  try {
    const session = await registerAdmin(instance);
    const token = { authorization: `Bearer ${await instance.createApiToken('read-only')}` };
    const article = async (title: string, condition: object) => {
      const created = await adminCall<{ data: { documentId: string } }>(session, 'POST', `/content-manager/collection-types/${ARTICLE_UID}?locale=en`, {
        title,
        variants: { variants: [{ id: 'v_one', name: 'One', enabled: true, condition, overrides: { title: `${title}!` } }] },
      });
      await adminCall(session, 'POST', `/content-manager/collection-types/${ARTICLE_UID}/${created.data.documentId}/actions/publish?locale=en`, {});
      return created.data.documentId;
    };
    const cheap = await article('Cheap', { '==': [{ var: 'context.device' }, 'mobile'] });
    const hungry = await article('Hungry', {
      some: [{ var: 'custom.list' }, { '==': [{ reduce: [Array.from({ length: 2000 }, () => 0), { var: 'accumulator' }, 0] }, 1] }],
    });
    const signals = { custom: { list: Array.from({ length: 100 }, (_, i) => i) } };
    const resolve = (documentId: string): autocannon.Request => ({
      method: 'POST',
      path: '/api/personalize/resolve',
      headers: { 'content-type': 'application/json', 'user-agent': MOBILE_UA, ...token },
      body: JSON.stringify({ uid: ARTICLE_UID, documentId, signals }),
    });
    const check = await fetch(`${instance.url}/api/personalize/resolve`, { method: 'POST', headers: resolve(hungry).headers as Record<string, string>, body: resolve(hungry).body as string });
    const checked = (await check.json()) as { meta: { personalize: { reason: { rule: string; error?: string }[] } } };
    if (checked.meta.personalize.reason[0]?.error !== 'limit_exceeded') throw new Error(`(c) does not run out of fuel: ${JSON.stringify(checked.meta)}`);
    const signalsRoute: autocannon.Request = { method: 'GET', path: '/api/personalize/signals', headers: token };

    await run(instance.url, 8, [resolve(cheap)]); // warm-up
    const a = await run(instance.url, 4, [signalsRoute]);
    const b = await run(instance.url, 8, [resolve(cheap)]);
    const c = await run(instance.url, 8, [resolve(hungry)]);
    const [d] = await Promise.all([run(instance.url, 4, [signalsRoute]), run(instance.url, 8, [resolve(hungry)])]);
    const [e] = await Promise.all([run(instance.url, 4, [signalsRoute]), run(instance.url, 8, [resolve(cheap)])]);
    console.log(`HTTP: ${DURATION_SEC}s per scenario, ${os.cpus().length} CPUs`);
    console.log('| scenario | req/s | p50 ms | p99 ms | non-2xx |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    const row = (name: string, m: Measured) => console.log(`| ${name} | ${m.rps.toFixed(0)} | ${m.p50} | ${m.p99} | ${m.non2xx} |`);
    row('(a) GET /api/personalize/signals', a);
    row('(b) resolve, cheap condition', b);
    row('(c) resolve, condition out of fuel on every request', c);
    row('(d) (a) while (c) runs', d);
    row('(e) (a) while (b) runs', e);
    console.log(
      `\n(c)/(b) p50 ${(c.p50 / b.p50).toFixed(2)}×, req/s ${(c.rps / b.rps).toFixed(2)}×; ` +
        `(d)/(e) p50 ${(d.p50 / e.p50).toFixed(2)}×, p99 ${(d.p99 / e.p99).toFixed(2)}×`
    );
  } finally {
    await instance.stop();
  }
};

const main = async () => {
  engine();
  if (!process.argv.includes('--engine-only')) await http();
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
