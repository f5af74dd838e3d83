/**
 * What counting costs (`npm run bench -- metrics`; docs/design.md, "Observability": under 2 % of a
 * warm resolve). Two playground instances in child processes, the same demo content, one with
 * `metrics.enabled` and one without; autocannon alternates between them for several rounds (so
 * drift of the machine falls on both alike) with the same warm `POST /api/personalize/resolve`
 * (read-only API token, populate, signals that hit the mobile variant), and the requests/s of each
 * are summed over the rounds. Prints both and the ratio on/off (target ≥ 0.98), then checks on a
 * scrape that the instance with metrics counted every request it answered.
 *
 * On a shared machine the requests/s of two processes differ by more than counting costs (one
 * process is scheduled, collected or compiled differently from the other), so it also prints:
 * - each instance's CPU time per request (user + system, from /proc/<pid>/stat, over its own
 *   rounds only): what the requests cost that instance whatever else runs, and its ratio;
 * - the counting calls one warm resolve makes (a decision, a cache lookup, a decision time), timed
 *   here in a loop with the plugin's own `createCounting`, and their share of the CPU per request;
 * - with BENCH_METRICS_CONTROL=1, the same run with metrics off on both instances (an A/A run):
 *   the ratio the method gives when there is no difference at all.
 * On a loaded machine the instance started second answered 13 to 18 % fewer requests/s whatever its
 * config (A/A 0.87 at load 12), so the run takes BENCH_METRICS_PAIRS pairs (2), started in turn off
 * first and on first, and sums them.
 */
import fs from 'node:fs';
import os from 'node:os';

import autocannon from 'autocannon';

import { createCounting } from '../../server/src/platform/metrics';
import type { StrapiProcess } from '../../tests/helpers/strapi-process';
import { demoArticleId, startBenchPlayground } from '../helpers/playground';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
/** Pairs of instances, started in turn off first and on first (BENCH_METRICS_PAIRS). */
const PAIRS = Number(process.env.BENCH_METRICS_PAIRS ?? 2);
const ROUND_SEC = Number(process.env.BENCH_ROUND_SEC ?? 5);
const WARMUP_SEC = 3;
const TOKEN = 'bench-metrics-token-0123456789';
/** An A/A run: both instances without metrics (the method's own noise). */
const CONTROL = process.env.BENCH_METRICS_CONTROL === '1';
/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
const MOBILE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
// The demo article's mobile variant: a visitor who left a page of this session quickly.
const SIGNALS = { behavior: { quickExits: 1 } };

const start = (label: string, config: object) => startBenchPlayground(`metrics-${label}`, config);

const resolveRequest = async (instance: StrapiProcess): Promise<autocannon.Request> => {
  const documentId = await demoArticleId(instance);
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

/** A process's CPU time so far (user + system), in seconds. */
const cpuSeconds = (instance: StrapiProcess) => {
  const stat = fs.readFileSync(`/proc/${instance.child.pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), from the state (field 3) on.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
};

/** Nanoseconds of the counting calls one warm resolve makes, timed in a loop with the plugin's own counting. */
const countingNanoseconds = () => {
  const counting = createCounting();
  const oneResolve = () => {
    counting.decision('resolve', 'variant');
    counting.cacheLookup('l1', 'hit');
    counting.decisionTime('resolve', 'hit', 0.00042);
  };
  const calls = 1_000_000;
  for (let index = 0; index < calls / 10; index += 1) oneResolve();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round += 1) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < calls; index += 1) oneResolve();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / calls);
  }
  return best;
};

/** The `personalize_decisions_total` samples of a scrape, summed. */
const decisionsCounted = async (instance: StrapiProcess) => {
  const response = await fetch(`${instance.url}/api/personalize/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  if (response.status !== 200) throw new Error(`the scrape answered ${response.status}`);
  return (await response.text())
    .split('\n')
    .filter((line) => line.startsWith('personalize_decisions_total{'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
};

type Totals = Record<'off' | 'on', { requests: number; seconds: number; cpu: number }>;

/**
 * One pair of instances, started in the given order, measured in alternating rounds. The instance
 * started second answers fewer requests/s on a loaded machine whatever its config (an A/A run shows
 * it), so the pairs take turns: the first starts `off` first, the second `on` first.
 */
const measurePair = async (startFirst: 'off' | 'on', totals: Totals) => {
  const configs = { off: {}, on: CONTROL ? {} : { metrics: { enabled: true, token: TOKEN } } };
  const second = startFirst === 'off' ? 'on' : 'off';
  const started = { [startFirst]: await start(startFirst, configs[startFirst]) } as Record<
    'off' | 'on',
    Awaited<ReturnType<typeof start>>
  >;
  started[second] = await start(second, configs[second]);
  const { off, on } = started;
  try {
    const requests = { off: await resolveRequest(off.instance), on: await resolveRequest(on.instance) };
    await run(off.instance, requests.off, WARMUP_SEC);
    await run(on.instance, requests.on, WARMUP_SEC);
    const answeredBefore = CONTROL ? 0 : await decisionsCounted(on.instance);
    let answeredOn = 0;
    const pair: Totals = { off: { requests: 0, seconds: 0, cpu: 0 }, on: { requests: 0, seconds: 0, cpu: 0 } };
    for (let round = 0; round < ROUNDS; round += 1) {
      // Which goes first alternates too, so neither always runs on a machine just warmed by the other.
      const order = round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
      for (const which of order) {
        const { instance } = started[which];
        const cpuBefore = cpuSeconds(instance);
        const result = await run(instance, requests[which], ROUND_SEC);
        if (result.errors + result.timeouts + result.non2xx > 0)
          throw new Error(`${which}: ${result.errors} errors, ${result.non2xx} non-2xx`);
        const cpu = cpuSeconds(instance) - cpuBefore;
        for (const sum of [pair[which], totals[which]]) {
          sum.cpu += cpu;
          sum.requests += result.requests.total;
          sum.seconds += result.duration;
        }
        if (which === 'on') answeredOn += result.requests.total;
      }
    }
    const ratio = pair.on.requests / pair.on.seconds / (pair.off.requests / pair.off.seconds);
    console.log(`pair started ${startFirst} first: ratio on/off ${ratio.toFixed(3)}`);
    if (CONTROL) return;
    const counted = (await decisionsCounted(on.instance)) - answeredBefore;
    // autocannon's totals leave out requests still in flight when a round ends; the scrape counts them.
    console.log(`  decisions counted by the instance with metrics: ${counted} (autocannon saw ${answeredOn} answers)`);
    if (counted < answeredOn) throw new Error('the instance with metrics counted fewer decisions than it answered');
  } finally {
    for (const instance of [off, on]) await instance.stop();
  }
};

const main = async () => {
  const totals: Totals = { off: { requests: 0, seconds: 0, cpu: 0 }, on: { requests: 0, seconds: 0, cpu: 0 } };
  for (let pair = 0; pair < PAIRS; pair += 1) await measurePair(pair % 2 === 0 ? 'off' : 'on', totals);
  const rps = { off: totals.off.requests / totals.off.seconds, on: totals.on.requests / totals.on.seconds };
  const cpuPerRequest = { off: (totals.off.cpu / totals.off.requests) * 1e6, on: (totals.on.cpu / totals.on.requests) * 1e6 };
  const onLabel = CONTROL ? 'metrics off (A/A control)' : 'metrics on';
  console.log(`warm resolve, metrics off: ${rps.off.toFixed(0)} req/s, ${cpuPerRequest.off.toFixed(0)} µs CPU per request`);
  console.log(`warm resolve, ${onLabel}:  ${rps.on.toFixed(0)} req/s, ${cpuPerRequest.on.toFixed(0)} µs CPU per request`);
  console.log(
    `ratio on/off: ${(rps.on / rps.off).toFixed(3)} (target ≥ 0.98), ${PAIRS} pairs × ${ROUNDS} alternating rounds of ${ROUND_SEC} s, ${CONNECTIONS} connections`
  );
  console.log(`ratio of CPU per request off/on: ${(cpuPerRequest.off / cpuPerRequest.on).toFixed(3)}`);
  const nanoseconds = countingNanoseconds();
  console.log(
    `counting's calls of one warm resolve: ${nanoseconds.toFixed(0)} ns, ${((nanoseconds / 1000 / cpuPerRequest.on) * 100).toFixed(3)} % of its CPU per request`
  );
  console.log(
    `load average: ${os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`
  );
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
