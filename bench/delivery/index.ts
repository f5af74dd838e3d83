/**
 * Delivery benchmark (`npm run bench -- delivery`): boots the playground (SQLite, demo content) in
 * child processes and measures with autocannon, in this one run, against the same published entry
 * with populate, every request with a read-only API token (as a site's server calls):
 *   (a) Strapi's own  GET /api/articles/:documentId            — the baseline
 *   (b) POST /api/personalize/resolve, a variant hit, response cache cold
 *   (c) the same, warm cache
 *   (d) the plain API with x-personalize-signals and x-personalize-visitor, warm
 *   (e) (c) with the id of a visitor who has a stored profile (consented): the profile read, its
 *       signals and the caps rule on every request — compared with (c)
 * then starts an A/B experiment on that entry through the admin API (control: no variants, 50 %;
 * the entry's mobile variant, 50 %; traffic 1) and measures
 *   (f) (e) under the running experiment: the visitor (consented) already exposed, in the variant's
 *       arm (sticky): the experiments stage on every request — compared with (e) and (c)
 *   (g) (f) with one request in ten from a consented visitor not yet exposed (hashed into an arm;
 *       their exposure recorded and counted after the response)
 * and prints requests/s, p50 and p99 for each, with ratios to (a). Then, on each visitor store (the
 * app's database on SQLite and on PostgreSQL, in process, Redis), one instance at a time:
 *   (c) and (e) again, and the ratio (e)/(c): what a visitor's profile costs on that store.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import autocannon from 'autocannon';
import { Client as PgClient } from 'pg';

import { bucketRanges, chooseArm, experimentBucket } from '../../engine/src/experiments';
import { startStrapiProcess, type StrapiProcess } from '../../tests/helpers/strapi-process';
import { deleteRunKeys } from '../helpers/redis';
import { ARTICLE_UID, createRunningExperiment, newVisitorId, registerAdmin, sendBatch, until } from '../helpers/experiments';
import { combineRuns } from '../helpers/load';
import { demoArticleId } from '../helpers/playground';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_SEC = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_SEC = 3;

const MOBILE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const POPULATE = ['author', 'seo'];
/** The article's own fields; (b) asks for all of them, in a different order each time. */
const FIELDS = ['title', 'slug', 'summary', 'body', 'cta', 'discountPercent'];

const permutations = <T>(items: T[]): T[][] =>
  items.length <= 1
    ? [items]
    : items.flatMap((item, index) =>
        permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest])
      );
// The demo article's mobile variant: a visitor who left a page of this session quickly.
const SIGNALS = { behavior: { quickExits: 1 } };
const VISITOR_ID = 'bench-visitor-0000000001';
/** The experiment of (f) and (g): control (the entry as published) against the mobile variant, 50/50. */
const EXPERIMENT_ARMS = [
  { key: 'control', weight: 0.5, variants: [] },
  { key: 'quick-exit', weight: 0.5, variants: ['v_quick_exit'] },
];
/** (g): one request in this many is a visitor's first exposure. */
const NEW_VISITOR_EVERY = 10;

interface Scenario {
  name: string;
  instance: StrapiProcess;
  requests: autocannon.Request[];
}

interface Measured {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PG_HOST = process.env.BENCH_PG_HOST ?? '127.0.0.1';

const startInstance = async (label: string, config: object, env: Record<string, string> = {}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `personalize-bench-${label}-`));
  const instance = await startStrapiProcess({
    // As deployed: production mode, for the baseline and the plugin alike.
    NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production',
    DATABASE_FILENAME: path.join(dir, 'data.db'),
    PLAYGROUND_SEED: 'true',
    LOG_LEVEL: 'error',
    // The built plugin, as an app runs it (scripts/bench.js builds it first).
    PERSONALIZE_PLUGIN_BUILD: 'dist',
    // The plugin's public-route rate limit would otherwise cap the benchmark itself.
    PERSONALIZE_CONFIG: JSON.stringify({ rateLimit: { points: 1_000_000_000, durationSec: 1 }, ...config }),
    ...env,
  });
  return { instance, dir };
};

/** The bench visitor's profile: a few page views, with consent, as the SDK sends them. */
const giveProfile = async (instance: StrapiProcess, visitorId: string) => {
  const now = Date.now();
  const response = await fetch(`${instance.url}/api/personalize/events`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': MOBILE_UA },
    body: JSON.stringify({
      visitorId,
      batchId: `bench-batch-${now}`,
      sentAt: now,
      consent: { events: true, profiling: true },
      events: [0, 1, 2].map((index) => ({
        id: `bench-event-${now}-${index}`,
        ts: now - index * 1000,
        type: 'page',
        tags: ['travel'],
      })),
    }),
  });
  if (response.status !== 202) throw new Error(`the bench visitor's events were refused: ${response.status}`);
};

const run = (scenario: Scenario, duration: number) =>
  new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      { url: scenario.instance.url, connections: CONNECTIONS, duration, requests: scenario.requests },
      (error, result) => (error ? reject(error) : resolve(result))
    );
  });

const measure = async (scenario: Scenario): Promise<Measured> => {
  await run(scenario, WARMUP_SEC);
  const result = await run(scenario, DURATION_SEC);
  return {
    name: scenario.name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
};

/** Per store: (c) and (e) alternate this many rounds of this many seconds each. */
const STORE_ROUNDS = 4;
const STORE_ROUND_SEC = Math.max(2, Math.round(DURATION_SEC / 2));

const combine = (name: string, results: autocannon.Result[]): Measured => ({ name, ...combineRuns(results) });

/** (c) and (e) on one instance per visitor store, each alone on the machine. */
const benchStores = async (resolveBody: (documentId: string, visitorId?: string) => string) => {
  const prefix = `pz-bench-dl-${randomUUID().slice(0, 8)}:`;
  const schema = `pz_bench_${randomBytes(4).toString('hex')}`;
  const postgres = new PgClient({ host: PG_HOST, port: 5432, user: 'postgres', database: 'test' });
  await postgres.connect();
  await postgres.query(`CREATE SCHEMA "${schema}"`);
  const stores: [string, object, Record<string, string>][] = [
    ['database (SQLite)', { storage: 'database' }, {}],
    [
      'database (PostgreSQL)',
      { storage: 'database' },
      { DATABASE_CLIENT: 'postgres', DATABASE_HOST: PG_HOST, DATABASE_SCHEMA: schema },
    ],
    ['in-process', { storage: 'memory' }, {}],
    ['Redis', { storage: 'redis' }, { REDIS_URL, REDIS_KEY_PREFIX: prefix }],
  ];
  const measuredStores: { label: string; without: Measured; withProfile: Measured }[] = [];
  try {
    for (const [label, config, env] of stores) {
      const { instance, dir } = await startInstance(label.replace(/\W+/g, '-'), config, env);
      try {
        const documentId = await demoArticleId(instance);
        const auth = { authorization: `Bearer ${await instance.createApiToken('read-only')}` };
        await giveProfile(instance, VISITOR_ID);
        const request = (visitorId?: string): autocannon.Request => ({
          method: 'POST',
          path: '/api/personalize/resolve',
          headers: { 'content-type': 'application/json', ...auth, 'user-agent': MOBILE_UA },
          body: resolveBody(documentId, visitorId),
        });
        const probe = await fetch(`${instance.url}/api/personalize/resolve`, {
          method: 'POST',
          headers: request().headers as Record<string, string>,
          body: resolveBody(documentId, VISITOR_ID),
        });
        const probeBody = (await probe.json()) as { meta?: { personalize?: { variant?: string; reason?: { rule: string }[] } } };
        if (probeBody.meta?.personalize?.variant !== 'v_quick_exit')
          throw new Error(`${label}: the resolve does not hit the variant`);
        if (probeBody.meta.personalize.reason?.some(({ rule }) => rule === 'profile-unavailable'))
          throw new Error(`${label}: the profile could not be read`);
        // Alternated in short rounds, so a change in what else the machine does falls on both alike.
        const without = { name: `${label}: (c)`, instance, requests: [request()] };
        const withVisitor = { name: `${label}: (e)`, instance, requests: [request(VISITOR_ID)] };
        await run(without, WARMUP_SEC);
        await run(withVisitor, WARMUP_SEC);
        const rounds: [autocannon.Result[], autocannon.Result[]] = [[], []];
        for (let round = 0; round < STORE_ROUNDS; round += 1) {
          rounds[0].push(await run(without, STORE_ROUND_SEC));
          rounds[1].push(await run(withVisitor, STORE_ROUND_SEC));
        }
        const [withoutMeasured, withProfile] = rounds.map((results, index) =>
          combine(index ? withVisitor.name : without.name, results)
        );
        console.log(`  done ${label}: (c) ${withoutMeasured.rps.toFixed(0)} req/s, (e) ${withProfile.rps.toFixed(0)} req/s`);
        measuredStores.push({ label, without: withoutMeasured, withProfile });
      } finally {
        await instance.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await postgres.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await postgres.end();
    await deleteRunKeys(REDIS_URL, prefix);
  }
  return measuredStores;
};

const main = async () => {
  console.log(`connections ${CONNECTIONS}, ${DURATION_SEC}s per scenario after ${WARMUP_SEC}s warmup, ${os.cpus().length} CPUs`);
  // The events rate limits would refuse (g)'s visitors' consent batches, all sent from here.
  const warm = await startInstance('warm', { events: { rateLimit: { perVisitor: 0, perIp: 0 } } });
  // One cache entry, and every request a different response key (below): each response is built
  // from the database, while the entry's compiled variants are reused (they are compiled on publish).
  const cold = await startInstance('cold', { cache: { maxEntries: 1 } });
  let stopped = false;
  try {
    const warmId = await demoArticleId(warm.instance);
    const coldId = await demoArticleId(cold.instance);
    const warmAuth = { authorization: `Bearer ${await warm.instance.createApiToken('read-only')}` };
    const coldAuth = { authorization: `Bearer ${await cold.instance.createApiToken('read-only')}` };
    const populateQuery = POPULATE.map((field, index) => `populate[${index}]=${field}`).join('&');
    const resolveBody = (documentId: string, visitorId?: string) =>
      JSON.stringify({
        uid: 'api::article.article',
        documentId,
        populate: POPULATE,
        signals: SIGNALS,
        ...(visitorId ? { visitorId } : {}),
      });
    // The visitor of (d) and (e) has a profile.
    await giveProfile(warm.instance, VISITOR_ID);
    const json = { 'content-type': 'application/json' };
    const fieldOrders = permutations(FIELDS);
    let coldRequests = 0;

    const scenarios: Scenario[] = [
      {
        name: '(a) Strapi GET /api/articles/:id',
        instance: warm.instance,
        requests: [
          { method: 'GET', path: `/api/articles/${warmId}?${populateQuery}`, headers: { ...warmAuth, 'user-agent': MOBILE_UA } },
        ],
      },
      {
        name: '(b) resolve, cold response cache',
        instance: cold.instance,
        requests: [
          {
            method: 'POST',
            path: '/api/personalize/resolve',
            headers: { ...json, ...coldAuth, 'user-agent': MOBILE_UA },
            // Field order is part of the response key, so consecutive requests never share one:
            // with one cache entry, every request misses (and every one hits the mobile variant).
            setupRequest: (request) => {
              const fields = fieldOrders[coldRequests++ % fieldOrders.length];
              return {
                ...request,
                body: JSON.stringify({
                  uid: 'api::article.article',
                  documentId: coldId,
                  populate: POPULATE,
                  fields,
                  signals: SIGNALS,
                }),
              };
            },
          },
        ],
      },
      {
        name: '(c) resolve, warm cache',
        instance: warm.instance,
        requests: [
          {
            method: 'POST',
            path: '/api/personalize/resolve',
            headers: { ...json, ...warmAuth, 'user-agent': MOBILE_UA },
            body: resolveBody(warmId),
          },
        ],
      },
      {
        name: '(d) GET /api/articles/:id + signals and visitor, warm',
        instance: warm.instance,
        requests: [
          {
            method: 'GET',
            path: `/api/articles/${warmId}?${populateQuery}`,
            headers: {
              ...warmAuth,
              'user-agent': MOBILE_UA,
              'x-personalize-signals': Buffer.from(JSON.stringify(SIGNALS)).toString('base64url'),
              'x-personalize-visitor': VISITOR_ID,
            },
          },
        ],
      },
      {
        name: '(e) resolve, warm cache, visitor with a profile',
        instance: warm.instance,
        requests: [
          {
            method: 'POST',
            path: '/api/personalize/resolve',
            headers: { ...json, ...warmAuth, 'user-agent': MOBILE_UA },
            body: resolveBody(warmId, VISITOR_ID),
          },
        ],
      },
    ];

    // Check each scenario answers what it should before timing it.
    for (const scenario of scenarios.slice(1)) {
      const [sample] = scenario.requests;
      const probe = await fetch(`${scenario.instance.url}${sample.path}`, {
        method: sample.method,
        headers: sample.headers as Record<string, string>,
        body: sample.method === 'POST' ? ((sample.body as string | undefined) ?? resolveBody(coldId)) : undefined,
      });
      const probeBody = (await probe.json()) as { meta?: { personalize?: { variant: string | null } } };
      if (probeBody.meta?.personalize?.variant !== 'v_quick_exit') throw new Error(`${scenario.name} does not hit a variant`);
    }

    const results: Measured[] = [];
    for (const scenario of scenarios) {
      const measured = await measure(scenario);
      results.push(measured);
      console.log(`  done ${scenario.name}: ${measured.rps.toFixed(0)} req/s`);
    }

    // (f) and (g): an A/B experiment on the same entry, started through the admin API. Its key is
    // the first of bench-delivery-0, -1, … that hashes the bench visitor into the variant's arm, so
    // (f) serves what (e) serves (through the arm's rule set instead of all the entry's variants).
    const variantArm = EXPERIMENT_ARMS.findIndex((arm) => arm.variants.length > 0);
    const ranges = bucketRanges(
      EXPERIMENT_ARMS.map((arm) => arm.weight),
      1
    );
    let experimentKey = '';
    for (let index = 0; !experimentKey; index += 1) {
      const candidate = `bench-delivery-${index}`;
      if (chooseArm(experimentBucket(candidate, VISITOR_ID), ranges) === variantArm) experimentKey = candidate;
    }
    const admin = await registerAdmin(warm.instance);
    await createRunningExperiment(admin, {
      key: experimentKey,
      name: 'Bench: the mobile variant against the entry as published',
      mode: 'ab',
      traffic: 1,
      target: { uid: ARTICLE_UID, documentId: warmId },
      arms: EXPERIMENT_ARMS,
      goal: { event: 'signup', kind: 'conversion', windowHours: 72 },
    });
    const experimentOf = async (visitorId: string) => {
      const response = await fetch(`${warm.instance.url}/api/personalize/resolve`, {
        method: 'POST',
        headers: { ...json, ...warmAuth, 'user-agent': MOBILE_UA },
        body: resolveBody(warmId, visitorId),
      });
      const body = (await response.json()) as {
        meta?: { personalize?: { variant: string | null; experiments?: Record<string, { arm?: string; reason: string }> } };
      };
      return { variant: body.meta?.personalize?.variant ?? null, ...body.meta?.personalize?.experiments?.[experimentKey] };
    };
    // The bench visitor (consented above) is exposed once, then sticky.
    await until("the bench visitor's exposure", async () => (await experimentOf(VISITOR_ID)).reason === 'sticky');
    const sticky = await experimentOf(VISITOR_ID);
    if (sticky.arm !== 'quick-exit' || sticky.variant !== 'v_quick_exit')
      throw new Error(`(f): the bench visitor is not served the variant's arm: ${JSON.stringify(sticky)}`);

    // (g)'s new visitors: consented (one events batch each), never exposed; as many as the run can
    // use at (e)'s rate (a visitor used twice is sticky the second time: the share is counted below).
    const eRate = results.find((result) => result.name.startsWith('(e)'))!.rps;
    const newVisitors = Array.from({ length: Math.ceil(((eRate * (WARMUP_SEC + DURATION_SEC)) / NEW_VISITOR_EVERY) * 1.3) }, () =>
      newVisitorId('new')
    );
    for (let index = 0; index < newVisitors.length; index += 16) {
      await Promise.all(
        newVisitors.slice(index, index + 16).map((visitorId) => sendBatch(warm.instance.url, visitorId, [], MOBILE_UA))
      );
    }
    const firstOfNew = await experimentOf(newVisitors[0]);
    if (firstOfNew.reason !== 'hash')
      throw new Error(`(g): a new visitor is not hashed into the experiment: ${JSON.stringify(firstOfNew)}`);
    const newSeen = new Set<string>([newVisitors[0]]);
    let mixedRequests = 0;
    let firstExposures = 0;
    const resolveRequest = {
      method: 'POST' as const,
      path: '/api/personalize/resolve',
      headers: { ...json, ...warmAuth, 'user-agent': MOBILE_UA },
    };
    const experimentScenarios: Scenario[] = [
      {
        name: '(f) resolve, warm, visitor, running experiment',
        instance: warm.instance,
        requests: [{ ...resolveRequest, body: resolveBody(warmId, VISITOR_ID) }],
      },
      {
        name: `(g) (f) with 1 in ${NEW_VISITOR_EVERY} a first exposure`,
        instance: warm.instance,
        requests: [
          {
            ...resolveRequest,
            setupRequest: (request) => {
              mixedRequests += 1;
              let visitorId = VISITOR_ID;
              if (mixedRequests % NEW_VISITOR_EVERY === 0) {
                visitorId = newVisitors[(mixedRequests / NEW_VISITOR_EVERY) % newVisitors.length];
                if (!newSeen.has(visitorId)) {
                  newSeen.add(visitorId);
                  firstExposures += 1;
                }
              }
              return { ...request, body: resolveBody(warmId, visitorId) };
            },
          },
        ],
      },
    ];
    for (const scenario of experimentScenarios) {
      const measured = await measure(scenario);
      results.push(measured);
      console.log(`  done ${scenario.name}: ${measured.rps.toFixed(0)} req/s`);
    }

    // (c) and (e) on each visitor store, one instance at a time (the default, SQLite, is above).
    await warm.instance.stop();
    await cold.instance.stop();
    stopped = true;
    const perStore = await benchStores(resolveBody);

    const baseline = results[0].rps;
    console.log('\n| scenario | req/s | p50 ms | p99 ms | ratio to (a) | errors | non-2xx |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const result of results) {
      console.log(
        `| ${result.name} | ${result.rps.toFixed(0)} | ${result.p50} | ${result.p99} | ${(result.rps / baseline).toFixed(2)}× | ${result.errors} | ${result.non2xx} |`
      );
    }
    const byLetter = (letter: string) => results.find((result) => result.name.startsWith(`(${letter})`))!;
    const ratio = (over: string, under: string) => (byLetter(over).rps / byLetter(under).rps).toFixed(2);
    console.log(`\n(e) / (c): ${ratio('e', 'c')}× (a visitor's profile read and caps on every request)`);
    console.log(`(f) / (e): ${ratio('f', 'e')}× (the experiments stage: the visitor's sticky arm, the arm's rule set)`);
    console.log(`(f) / (c): ${ratio('f', 'c')}×`);
    console.log(
      `(g) / (e): ${ratio('g', 'e')}× (${firstExposures} first exposures in ${mixedRequests} requests, ${((100 * firstExposures) / mixedRequests).toFixed(1)} %, warmup included)`
    );
    console.log('\n| store | (c) req/s | (e) req/s | (e) p99 ms | (e) / (c) | errors | non-2xx |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const { label, without, withProfile } of perStore) {
      console.log(
        `| ${label} | ${without.rps.toFixed(0)} | ${withProfile.rps.toFixed(0)} | ${withProfile.p99} | ${(withProfile.rps / without.rps).toFixed(2)}× | ${without.errors + withProfile.errors} | ${without.non2xx + withProfile.non2xx} |`
      );
    }
    console.log(
      'Targets: (d) ≥ 3× (a); (c) ≥ 1.5× (a) with p99 < 25 ms; (b) ≥ 0.85× (a); (e) ≥ 0.8× (c) on each store; (f) ≥ 0.8× (e); no 429 (non-2xx 0) with the token.'
    );
  } finally {
    if (!stopped) {
      await warm.instance.stop();
      await cold.instance.stop();
    }
    fs.rmSync(warm.dir, { recursive: true, force: true });
    fs.rmSync(cold.dir, { recursive: true, force: true });
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
