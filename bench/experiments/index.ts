/**
 * Experiments benchmark (`npm run bench -- experiments`; run `npm run build` first, or name it with
 * delivery or events, which build): boots the playground (built plugin, production mode) in child
 * processes, one per visitor store (in-process, Redis), starts an A/B experiment on the demo article
 * through the admin API (three arms, a primary conversion goal and a secondary mean goal), and
 *   1. fills its counts with 100 000 exposures spread over 14 days, ~10 % of the visitors converting
 *      and ~3 % buying: through the plugin's own counting code in the server process (bench/experiments/fill.js
 *      calls `visitors.recordExposures` per visitor at the exposure's time, then `visitors.ingest` with
 *      the converters' `track` events), so the counters hold exactly what that traffic would leave;
 *   2. measures with autocannon, admin JWT, in this one run and against the same instance:
 *        (a) GET /personalize/experiments/:documentId           — Strapi's admin findOne, the baseline
 *        (b) GET /personalize/experiments/:documentId/results   — the counts read, and the statistics
 *      and, with Redis, the read's own work timed in this process on the same counters (HGETALL, then
 *      the controller's cellsOf and buildResults);
 *   3. with Redis: counts the Redis commands one events batch costs (`MONITOR` on a side connection,
 *      the Strapi connections' commands only), for an exposed visitor whose batch converts and for a
 *      visitor in no experiment, with the same batch (a page view and the goal's `track` event).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import autocannon from 'autocannon';
import Redis from 'ioredis';

import { bucketRanges, chooseArm, experimentBucket } from '../../engine/src/experiments';
import { cellsOf } from '../../server/src/storage/experiment-counts';
import { buildResults } from '../../server/src/experiments/results';
import { startStrapiProcess, type StrapiProcess } from '../../tests/helpers/strapi-process';
import { deleteRunKeys } from '../helpers/redis';
import {
  ARTICLE_UID,
  createRunningExperiment,
  experimentResults,
  newVisitorId,
  registerAdmin,
  sendBatch,
  trackEvent,
  until,
  type AdminSession,
} from '../helpers/experiments';
import { demoArticleId } from '../helpers/playground';

/** The admin routes serve editors: one request at a time shows the latency an editor sees. */
const CONNECTIONS = Number(process.env.BENCH_ADMIN_CONNECTIONS ?? 1);
const DURATION_SEC = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_SEC = 3;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const EXPOSURES = 100_000;
const DAYS = 14;
const CHUNK = 10_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MOBILE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

const ARMS = [
  { key: 'control', weight: 0.34, variants: [] as string[] },
  { key: 'quick-exit', weight: 0.33, variants: ['v_quick_exit'] },
  { key: 'compared-plans', weight: 0.33, variants: ['v_compared_plans'] },
];
/** Per arm: the primary goal's conversion rate; and the share who buy (the secondary, mean goal). */
const SIGNUP_RATE = [0.1, 0.11, 0.105];
const PURCHASE_RATE = 0.03;
const GOAL = { event: 'signup', kind: 'conversion' as const, windowHours: 72 };
const SECONDARY = { event: 'revenue', kind: 'mean' as const, windowHours: 168 };

interface Measured {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

interface FillVisitor {
  id: string;
  arm: string;
  at: number;
  events: { name: string; value?: number; at: number }[];
}

/** mulberry32: the same visitors and conversions every run. */
const random = (() => {
  let state = 0x5eed1234;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
})();

/** 100 000 visitors over the last 14 days, each in the arm the server's hash gives them. */
const fillVisitors = (key: string, run8: string, now: number): FillVisitor[] => {
  const ranges = bucketRanges(
    ARMS.map((arm) => arm.weight),
    1
  );
  const start = now - DAYS * DAY_MS;
  return Array.from({ length: EXPOSURES }, (_, index) => {
    const id = `bench-xp-${run8}-${index.toString(36).padStart(5, '0')}`;
    const armIndex = chooseArm(experimentBucket(key, id), ranges);
    const at = Math.floor(start + ((index + random()) * DAYS * DAY_MS) / EXPOSURES);
    const later = () => Math.min(now - 1000, Math.floor(at + random() * 48 * HOUR_MS));
    const events: FillVisitor['events'] = [];
    if (random() < SIGNUP_RATE[armIndex]) events.push({ name: GOAL.event, at: later() });
    if (random() < PURCHASE_RATE)
      events.push({ name: SECONDARY.event, value: Math.round((20 + 60 * random()) * 100) / 100, at: later() });
    return { id, arm: ARMS[armIndex].key, at, events };
  });
};

/** Sends one chunk to the preloaded filler in the Strapi process and waits for its answer. */
const fillChunk = (instance: StrapiProcess, experiment: string, visitors: FillVisitor[]) =>
  new Promise<{ exposed: number; batches: number; failed: number; failures: string[] }>((resolve) => {
    const onMessage = (message: { type: string; exposed: number; batches: number; failed: number; failures: string[] }) => {
      if (message.type !== 'bench-fill-done') return;
      instance.child.off('message', onMessage);
      resolve(message);
    };
    instance.child.on('message', onMessage);
    instance.child.send({ type: 'bench-fill', experiment, visitors });
  });

const startInstance = async (label: string, env: Record<string, string>) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `personalize-bench-experiments-${label}-`));
  const instance = await startStrapiProcess(
    {
      NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production',
      DATABASE_FILENAME: path.join(dir, 'data.db'),
      PLAYGROUND_SEED: 'true',
      LOG_LEVEL: 'error',
      PERSONALIZE_PLUGIN_BUILD: 'dist',
      ...env,
    },
    ['--require', path.join(__dirname, 'fill.js')]
  );
  return { instance, dir };
};

const run = (options: autocannon.Options) =>
  new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });

const measure = async (name: string, options: autocannon.Options): Promise<Measured> => {
  await run({ ...options, duration: WARMUP_SEC });
  const result = await run({ ...options, duration: DURATION_SEC });
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
};

interface Prepared {
  admin: AdminSession;
  key: string;
  documentId: string;
  articleId: string;
}

/** The experiment, started, and its 100 000 exposures counted. */
const prepare = async (label: string, instance: StrapiProcess): Promise<Prepared> => {
  const admin = await registerAdmin(instance);
  const articleId = await demoArticleId(instance);
  const key = `bench-results-${randomBytes(3).toString('hex')}`;
  const documentId = await createRunningExperiment(admin, {
    key,
    name: 'Bench: three arms, 100 000 exposures',
    mode: 'ab',
    traffic: 1,
    target: { uid: ARTICLE_UID, documentId: articleId },
    arms: ARMS,
    goal: GOAL,
    secondary: [SECONDARY],
  });
  const visitors = fillVisitors(key, randomBytes(4).toString('hex'), Date.now());
  const started = Date.now();
  let exposed = 0;
  let batches = 0;
  for (let index = 0; index < visitors.length; index += CHUNK) {
    const result = await fillChunk(instance, key, visitors.slice(index, index + CHUNK));
    if (result.failed > 0) throw new Error(`${label}: ${result.failed} visitors not counted, e.g. ${result.failures.join('; ')}`);
    exposed += result.exposed;
    batches += result.batches;
  }
  const results = await experimentResults(admin, documentId);
  const units = results.arms.reduce((sum, arm) => sum + arm.units, 0);
  if (units !== EXPOSURES) throw new Error(`${label}: the results count ${units} units, not ${EXPOSURES}`);
  console.log(
    `  ${label}: ${exposed} exposures and ${batches} converting batches counted in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `units ${results.arms.map((arm) => `${arm.key} ${arm.units}`).join(', ')}; ` +
      `signups ${results.arms.map((arm) => arm.conversions).join('/')}; ${results.daily.length} days, ${results.results.length} comparisons`
  );
  return { admin, key, documentId, articleId };
};

const benchResults = async (label: string, instance: StrapiProcess, prepared: Prepared): Promise<Measured[]> => {
  const scenario = (name: string, route: string) =>
    measure(`${label}: ${name}`, {
      url: instance.url,
      connections: CONNECTIONS,
      requests: [{ method: 'GET', path: route, headers: { authorization: prepared.admin.headers.authorization } }],
    });
  const findOne = await scenario('(a) GET /personalize/experiments/:id', `/personalize/experiments/${prepared.documentId}`);
  console.log(`  done ${findOne.name}: ${findOne.rps.toFixed(0)} req/s`);
  const results = await scenario('(b) GET …/:id/results', `/personalize/experiments/${prepared.documentId}/results`);
  console.log(`  done ${results.name}: ${results.rps.toFixed(0)} req/s`);
  return [findOne, results];
};

interface BatchCost {
  roundTrips: number;
  byCommand: Record<string, number>;
  scripted: number;
  /** HINCRBYFLOAT run inside the scripts: the counters' increments. */
  increments: number;
  counted: number;
}

/** A command as the table shows it: its name and first key, this run's prefix and any hash tag's content elided. */
const commandLabel = (args: string[], prefix: string) => {
  const command = String(args[0]).toLowerCase();
  // EVALSHA sha numkeys key…; other commands: command key….
  const key = command === 'evalsha' || command === 'eval' ? args[3] : args[1];
  if (key === undefined || !String(key).startsWith(prefix)) return command;
  return `${command} ${String(key)
    .slice(prefix.length)
    .replace(/\{[^}]*\}/, '{…}')
    .replace(/:[^:]{16,}$/, ':…')}`;
};

/**
 * The Redis commands the Strapi process sends while it takes one events batch (from the request
 * until 300 ms after the 202): MONITOR on a side connection; a client is Strapi's when one of its
 * commands names this run's key prefix (the shared Redis may serve others) and it is not one of
 * ours. `roundTrips`: commands sent by Strapi's connections; `scripted`: commands run inside its
 * scripts.
 */
const batchCost = async (redis: Redis, prefix: string, counters: string, send: () => Promise<void>): Promise<BatchCost> => {
  const ours = new Set<string>();
  const before = await redis.hgetall(counters);
  const monitor = await redis.monitor();
  const seen: { source: string; label: string; ours: boolean; increment: boolean }[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    seen.push({
      source,
      label: commandLabel(args, prefix),
      ours: args.some((arg) => String(arg).includes(prefix)),
      increment: String(args[0]).toLowerCase() === 'hincrbyfloat',
    });
  });
  // The side connection's own address (its HGETALLs name the prefix too).
  ours.add(/addr=(\S+)/.exec(String(await redis.client('INFO')))?.[1] ?? '');
  await new Promise((resolve) => setTimeout(resolve, 100));
  await send();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await new Promise((resolve) => {
    monitor.once('end', resolve);
    monitor.disconnect();
  });
  const after = await redis.hgetall(counters);
  const strapiClients = new Set(
    seen.filter((entry) => entry.ours && entry.source !== 'lua' && !ours.has(entry.source)).map((entry) => entry.source)
  );
  const byCommand: Record<string, number> = {};
  let roundTrips = 0;
  let scripted = 0;
  let increments = 0;
  for (const entry of seen) {
    if (entry.source === 'lua') {
      if (entry.ours) scripted += 1;
      if (entry.ours && entry.increment) increments += 1;
      continue;
    }
    if (!strapiClients.has(entry.source)) continue;
    roundTrips += 1;
    byCommand[entry.label] = (byCommand[entry.label] ?? 0) + 1;
  }
  const counted = Object.keys(after).filter((field) => after[field] !== before[field]).length;
  return { roundTrips, byCommand, scripted, increments, counted };
};

/** Median of a sorted copy, in ms. */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * The results read's own work, without the admin route around it, timed here on the same counters:
 * the HGETALL of the experiment's hash (one round trip), then the cells and the statistics as the
 * controller computes them (server/src/experiments: cellsOf, buildResults). Medians of 200.
 */
const readCost = async (prepared: Prepared, prefix: string) => {
  const redis = new Redis(REDIS_URL);
  try {
    const counters = `${prefix}x:{${prepared.key}}:c`;
    const experiment = {
      key: prepared.key,
      status: 'running' as const,
      mode: 'ab' as const,
      arms: ARMS.map(({ key, weight }) => ({ key, weight })),
      goal: GOAL,
      secondary: [SECONDARY],
      startedAt: new Date().toISOString(),
    };
    const reads: number[] = [];
    const statistics: number[] = [];
    for (let index = 0; index < 220; index += 1) {
      const started = performance.now();
      const raw = await redis.hgetall(counters);
      const read = performance.now();
      const values: Record<string, number> = {};
      for (const [field, value] of Object.entries(raw)) values[field] = Number(value);
      buildResults({
        experiment,
        cells: cellsOf(values),
        options: { alpha: 0.05, sequentialNStar: 5000, srmThreshold: 0.001 },
        now: Date.now(),
        nextBanditUpdateAt: null,
      });
      // The first 20 warm the JIT up.
      if (index < 20) continue;
      reads.push(read - started);
      statistics.push(performance.now() - read);
    }
    console.log(
      `\nThe results read's own work on these counters (${await redis.hlen(counters)} fields), medians of 200 in this process: ` +
        `HGETALL ${median(reads).toFixed(2)} ms, cells and statistics ${median(statistics).toFixed(2)} ms.`
    );
  } finally {
    redis.disconnect();
  }
};

const conversionCost = async (instance: StrapiProcess, prepared: Prepared, prefix: string) => {
  const redis = new Redis(REDIS_URL);
  const token = await instance.createApiToken('read-only');
  const counters = `${prefix}x:{${prepared.key}}:c`;
  try {
    const exposedVisitor = async () => {
      const visitorId = newVisitorId('exposed');
      await sendBatch(instance.url, visitorId, [], MOBILE_UA);
      await until('an exposure', async () => {
        const response = await fetch(`${instance.url}/api/personalize/resolve`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'user-agent': MOBILE_UA },
          body: JSON.stringify({ uid: ARTICLE_UID, documentId: prepared.articleId, visitorId }),
        });
        const body = (await response.json()) as { meta?: { personalize?: { experiments?: Record<string, { reason: string }> } } };
        return body.meta?.personalize?.experiments?.[prepared.key]?.reason === 'sticky';
      });
      return visitorId;
    };
    const outsider = async () => {
      const visitorId = newVisitorId('outside');
      await sendBatch(instance.url, visitorId, [], MOBILE_UA);
      return visitorId;
    };
    const rows: { name: string; cost: BatchCost }[] = [];
    // Three of each, alternating: a background command of Strapi's would show as an outlier.
    for (let round = 0; round < 3; round += 1) {
      for (const [name, visitor] of [
        ['exposed visitor, converting', exposedVisitor],
        ['visitor in no experiment', outsider],
      ] as const) {
        const visitorId = await visitor();
        const cost = await batchCost(redis, prefix, counters, () =>
          sendBatch(instance.url, visitorId, [trackEvent(GOAL.event)], MOBILE_UA)
        );
        rows.push({ name, cost });
      }
    }
    console.log(
      '\n| events batch (page + track "signup"), Redis | round trips | commands sent | run in scripts | of which HINCRBYFLOAT | counters changed |'
    );
    console.log('| --- | ---: | --- | ---: | ---: | ---: |');
    for (const { name, cost } of rows) {
      const commands = Object.entries(cost.byCommand)
        .map(([command, count]) => `${command} ×${count}`)
        .join(', ');
      console.log(`| ${name} | ${cost.roundTrips} | ${commands} | ${cost.scripted} | ${cost.increments} | ${cost.counted} |`);
    }
    const trips = (name: string) => rows.filter((row) => row.name === name).map((row) => row.cost.roundTrips);
    const converting = Math.min(...trips('exposed visitor, converting'));
    const outside = Math.min(...trips('visitor in no experiment'));
    console.log(
      `\nRound trips per batch: ${converting} with a conversion, ${outside} without (fewest of three each): a conversion costs ${converting - outside} more.`
    );
  } finally {
    redis.disconnect();
  }
};

const main = async () => {
  console.log(
    `admin connections ${CONNECTIONS}, ${DURATION_SEC}s per scenario after ${WARMUP_SEC}s warmup, ${os.cpus().length} CPUs; ` +
      `${EXPOSURES} exposures over ${DAYS} days, ${ARMS.length} arms, goals ${GOAL.event} (conversion) and ${SECONDARY.event} (mean)`
  );
  const distEntry = path.join(__dirname, '../../dist/server/index.js');
  if (!fs.existsSync(distEntry)) throw new Error('dist/ is missing: run `npm run build` first');
  const prefix = `pz-bench-xp-${randomUUID().slice(0, 8)}:`;
  const results: Measured[] = [];
  const printResults = () => {
    console.log('\n| scenario | req/s | p50 ms | p99 ms | ratio (b)/(a) | errors | non-2xx |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (let index = 0; index < results.length; index += 2) {
      const [findOne, read] = [results[index], results[index + 1]];
      for (const result of [findOne, read]) {
        const ratio = result === read ? `${(read.rps / findOne.rps).toFixed(2)}×` : '';
        console.log(
          `| ${result.name} | ${result.rps.toFixed(0)} | ${result.p50} | ${result.p99} | ${ratio} | ${result.errors} | ${result.non2xx} |`
        );
      }
    }
  };
  // One Strapi at a time: an idle one holding 100 000 profiles would still share the CPUs and memory.
  try {
    const embedded = await startInstance('embedded', {});
    try {
      const prepared = await prepare('in-process', embedded.instance);
      results.push(...(await benchResults('in-process', embedded.instance, prepared)));
    } finally {
      await embedded.instance.stop();
      fs.rmSync(embedded.dir, { recursive: true, force: true });
    }
    const withRedis = await startInstance('redis', { REDIS_URL, REDIS_KEY_PREFIX: prefix });
    try {
      const prepared = await prepare('Redis', withRedis.instance);
      results.push(...(await benchResults('Redis', withRedis.instance, prepared)));
      printResults();
      await readCost(prepared, prefix);
      await conversionCost(withRedis.instance, prepared, prefix);
      console.log('Target: a conversion costs at most one Redis round trip more than the same batch without one.');
    } finally {
      await withRedis.instance.stop();
      fs.rmSync(withRedis.dir, { recursive: true, force: true });
    }
  } finally {
    await deleteRunKeys(REDIS_URL, prefix);
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
