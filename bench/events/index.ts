/**
 * Events benchmark (`npm run bench -- events`): boots the playground (built plugin, production mode)
 * in child processes, one per visitor store (the app's database on SQLite and on PostgreSQL, in
 * process, Redis), and measures with autocannon, in this one run and against the same instance:
 *   (a) Strapi's own GET /_health                                  — the baseline
 *   (b) POST /api/personalize/events, batches of 10 events, each batch from one of 10 000 visitors
 *       (new batchId every time), with consent: every batch is applied to a profile before the 202
 * alternating (a) and (b) in rounds, and prints requests/s, events/s, p50 and p99, with the ratio of (b) to (a). Targets: (b) ≥ 0.5× (a)
 * in process and on Redis; ≥ 0.3× (a) on the database, where every 202 is a committed transaction.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import autocannon from 'autocannon';
import { Client as PgClient } from 'pg';

import { startStrapiProcess, type StrapiProcess } from '../../tests/helpers/strapi-process';
import { deleteRunKeys } from '../helpers/redis';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_SEC = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_SEC = 3;
const BATCH_SIZE = 10;
const VISITORS = 10_000;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PG_HOST = process.env.BENCH_PG_HOST ?? '127.0.0.1';
const UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const TAGS = ['shoes', 'bags', 'hats', 'coats', 'socks', 'belts', 'sale', 'new'];

interface Measured {
  name: string;
  rps: number;
  eventsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

const run32 = randomBytes(4).toString('hex');
const visitorIds = Array.from({ length: VISITORS }, (_, index) => `bench_${run32}_${index.toString(36).padStart(6, '0')}`);
let sequence = 0;

/**
 * A batch as the SDK sends it: a page view, views, clicks and hovers with tags, an engagement
 * summary. Written as a template (the client shares the CPUs with the server: it must stay cheap).
 */
const batchBody = () => {
  sequence += 1;
  const now = Date.now();
  const visitorId = visitorIds[sequence % VISITORS];
  const base = `${run32}${sequence.toString(36).padStart(10, '0')}`;
  const events: string[] = [];
  for (let index = 0; index < BATCH_SIZE; index += 1) {
    const id = `"id":"${base}-${index}","ts":${now - (BATCH_SIZE - index) * 200}`;
    const tags = `"tags":["${TAGS[(sequence + index) % TAGS.length]}","${TAGS[(sequence * 3 + index) % TAGS.length]}"]`;
    if (index === 0) events.push(`{${id},"type":"page","path":"/articles/${sequence % 100}",${tags}}`);
    else if (index === BATCH_SIZE - 1)
      events.push(`{${id},"type":"engage","dwellSec":12,"scrollDepth":60,"clicks":1,"hovers":2,"quickExit":false}`);
    else {
      const type = index % 3 === 0 ? 'click' : index % 3 === 1 ? 'view' : 'hover';
      const variant = index % 2 ? '"v_a"' : 'null';
      events.push(
        `{${id},"type":"${type}","uid":"api::article.article","documentId":"doc${index}","variant":${variant},${tags}}`
      );
    }
  }
  return `{"visitorId":"${visitorId}","batchId":"${base}-batch","sentAt":${now},"consent":{"events":true,"profiling":true},"events":[${events.join(',')}]}`;
};

const startInstance = async (label: string, env: Record<string, string>, config: object = {}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `personalize-bench-events-${label}-`));
  const instance = await startStrapiProcess({
    NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production',
    DATABASE_FILENAME: path.join(dir, 'data.db'),
    LOG_LEVEL: 'error',
    PERSONALIZE_PLUGIN_BUILD: 'dist',
    // The rate limits would otherwise cap the benchmark itself.
    PERSONALIZE_CONFIG: JSON.stringify({
      rateLimit: { anonymous: { points: 0 } },
      events: { rateLimit: { perVisitor: 0, perIp: 0 } },
      ...config,
    }),
    ...env,
  });
  return { instance, dir };
};

const run = (options: autocannon.Options) =>
  new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });

/** (a) and (b) alternate this many rounds of this many seconds each. */
const ROUNDS = 4;
const ROUND_SEC = Math.max(2, Math.round(DURATION_SEC / 2));

/** Several runs as one: requests over time, the worst p50 and p99, errors summed. */
const combine = (name: string, results: autocannon.Result[], eventsPerRequest: number): Measured => {
  const rps =
    results.reduce((sum, result) => sum + result.requests.total, 0) / results.reduce((sum, result) => sum + result.duration, 0);
  return {
    name,
    rps,
    eventsPerSec: rps * eventsPerRequest,
    p50: Math.max(...results.map((result) => result.latency.p50)),
    p99: Math.max(...results.map((result) => result.latency.p99)),
    errors: results.reduce((sum, result) => sum + result.errors + result.timeouts, 0),
    non2xx: results.reduce((sum, result) => sum + result.non2xx, 0),
  };
};

const benchInstance = async (label: string, instance: StrapiProcess): Promise<Measured[]> => {
  const probe = await fetch(`${instance.url}/api/personalize/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': UA },
    body: batchBody(),
  });
  const probeBody = (await probe.json()) as { accepted?: number };
  if (probe.status !== 202 || probeBody.accepted !== BATCH_SIZE)
    throw new Error(`${label}: events probe answered ${probe.status} ${JSON.stringify(probeBody)}`);

  const healthOptions: autocannon.Options = {
    url: instance.url,
    connections: CONNECTIONS,
    requests: [{ method: 'GET', path: '/_health' }],
  };
  const eventsOptions: autocannon.Options = {
    url: instance.url,
    connections: CONNECTIONS,
    requests: [
      {
        method: 'POST',
        path: '/api/personalize/events',
        headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': UA },
        setupRequest: (request) => ({ ...request, body: batchBody() }),
      },
    ],
  };
  // (a) and (b) alternate in short rounds, so a change in what else the machine does falls on both alike.
  await run({ ...healthOptions, duration: WARMUP_SEC });
  await run({ ...eventsOptions, duration: WARMUP_SEC });
  const rounds: [autocannon.Result[], autocannon.Result[]] = [[], []];
  for (let round = 0; round < ROUNDS; round += 1) {
    rounds[0].push(await run({ ...healthOptions, duration: ROUND_SEC }));
    rounds[1].push(await run({ ...eventsOptions, duration: ROUND_SEC }));
  }
  const health = combine(`${label}: (a) GET /_health`, rounds[0], 0);
  console.log(`  done ${health.name}: ${health.rps.toFixed(0)} req/s`);
  const events = combine(`${label}: (b) POST /events ×${BATCH_SIZE}`, rounds[1], BATCH_SIZE);
  console.log(`  done ${events.name}: ${events.rps.toFixed(0)} req/s`);
  return [health, events];
};

const main = async () => {
  console.log(
    `connections ${CONNECTIONS}, ${DURATION_SEC}s per scenario after ${WARMUP_SEC}s warmup, ${os.cpus().length} CPUs, batches of ${BATCH_SIZE}`
  );
  const prefix = `pz-bench-ev-${randomUUID().slice(0, 8)}:`;
  const schema = `pz_bench_${randomBytes(4).toString('hex')}`;
  const postgres = new PgClient({ host: PG_HOST, port: 5432, user: 'postgres', database: 'test' });
  await postgres.connect();
  await postgres.query(`CREATE SCHEMA "${schema}"`);
  // One instance at a time: each is measured alone on the machine.
  const stores: [string, Record<string, string>, object][] = [
    ['database (SQLite)', {}, { storage: 'database' }],
    [
      'database (PostgreSQL)',
      { DATABASE_CLIENT: 'postgres', DATABASE_HOST: PG_HOST, DATABASE_SCHEMA: schema },
      { storage: 'database' },
    ],
    ['in-process', {}, { storage: 'memory' }],
    ['Redis', { REDIS_URL, REDIS_KEY_PREFIX: prefix }, {}],
  ];
  const results: Measured[] = [];
  try {
    for (const [label, env, config] of stores) {
      const started = await startInstance(label.replace(/\W+/g, '-'), env, config);
      try {
        results.push(...(await benchInstance(label, started.instance)));
      } finally {
        await started.instance.stop();
        fs.rmSync(started.dir, { recursive: true, force: true });
      }
    }

    console.log('\n| scenario | req/s | events/s | p50 ms | p99 ms | ratio (b)/(a) | errors | non-2xx |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (let index = 0; index < results.length; index += 2) {
      const [health, events] = [results[index], results[index + 1]];
      for (const result of [health, events]) {
        const ratio = result === events ? `${(events.rps / health.rps).toFixed(2)}×` : '';
        console.log(
          `| ${result.name} | ${result.rps.toFixed(0)} | ${result.eventsPerSec ? result.eventsPerSec.toFixed(0) : ''} | ${result.p50} | ${result.p99} | ${ratio} | ${result.errors} | ${result.non2xx} |`
        );
      }
    }
    console.log('\nTargets: (b) ≥ 0.3× (a) on the database, ≥ 0.5× (a) in process and on Redis; no errors, no non-2xx.');
  } finally {
    await postgres.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await postgres.end();
    await deleteRunKeys(REDIS_URL, prefix);
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
