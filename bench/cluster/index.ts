/**
 * Redis Cluster benchmark (`npm run bench -- cluster`, docs/events.md "Redis Cluster: what it costs"): in one
 * run, starts a local cluster of three masters and three replicas (tests/helpers/redis-cluster.ts, ports from
 * 17400) and three instances of the playground (built plugin, production mode, the demo content):
 *   single   the single primary 127.0.0.1:6379 (a key prefix of this run's), `durability: 'none'`
 *   own      a single primary of this run's own (redis-server on port 17410, started like a cluster node):
 *            the same comparison without what other programs send to the shared Redis
 *   cluster  the local cluster, `durability: 'none'`
 *   replica  the local cluster, `durability: 'replica'` (each events batch waits for one replica: WAIT 1)
 * and measures with autocannon, alternating the scenarios in short rounds (so a change in what else the machine
 * does falls on each alike):
 *   (a) a warm resolve with a visitor's profile (POST /api/personalize/resolve, the demo article's variant hit,
 *       a consented visitor with a stored profile, read-only API token): single, own and cluster
 *   (b) events ingestion (POST /api/personalize/events, batches of 10 events from 10 000 consented visitors,
 *       a new batchId each): single, own, cluster and replica
 * and prints requests/s, p50, p99 and the ratios: (a) and (b) cluster/single and cluster/own (targets ≥ 0.8×),
 * and (b) replica/cluster (the cost of `durability: 'replica'`, reported). On a machine whose CPUs are
 * saturated by other work, three masters get three processes' share of the CPUs where one primary gets one:
 * read the ratios with the load average printed beside them.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type autocannon from 'autocannon';
import Redis from 'ioredis';

import { startRedisCluster, type RedisCluster } from '../../tests/helpers/redis-cluster';
import { startStrapiProcess, type StrapiProcess } from '../../tests/helpers/strapi-process';
import { deleteRunKeys } from '../helpers/redis';
import { combineRuns, runAutocannon as autocannonRun } from '../helpers/load';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUND_SEC = Number(process.env.BENCH_ROUND ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const WARMUP_SEC = 3;
const BATCH_SIZE = 10;
const VISITORS = 10_000;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLUSTER_BASE_PORT = Number(process.env.BENCH_CLUSTER_PORT ?? 17400);
const OWN_PORT = Number(process.env.BENCH_OWN_REDIS_PORT ?? 17410);

const MOBILE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const TAGS = ['shoes', 'bags', 'hats', 'coats', 'socks', 'belts', 'sale', 'new'];
/** The demo article's mobile variant: a visitor who left a page of this session quickly. */
const SIGNALS = { behavior: { quickExits: 1 } };
const PROFILED_VISITOR = 'bench-cluster-visitor-0001';

interface Instance {
  label: string;
  instance: StrapiProcess;
  dir: string;
}

interface Measured {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

const run32 = randomBytes(4).toString('hex');
const visitorIds = Array.from({ length: VISITORS }, (_, index) => `bench_${run32}_${index.toString(36).padStart(6, '0')}`);
let sequence = 0;

/** A batch as the SDK sends it (as bench/events: a page, views, clicks, hovers with tags, an engagement summary). */
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
      events.push(`{${id},"type":"${type}","uid":"api::article.article","documentId":"doc${index}","variant":null,${tags}}`);
    }
  }
  return `{"visitorId":"${visitorId}","batchId":"${base}-batch","sentAt":${now},"consent":{"events":true,"profiling":true},"events":[${events.join(',')}]}`;
};

const startInstance = async (label: string, redis: object, env: Record<string, string> = {}): Promise<Instance> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `personalize-bench-cluster-${label}-`));
  const instance = await startStrapiProcess({
    NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production',
    DATABASE_FILENAME: path.join(dir, 'data.db'),
    PLAYGROUND_SEED: 'true',
    LOG_LEVEL: 'error',
    PERSONALIZE_PLUGIN_BUILD: 'dist',
    REDIS_URL: '',
    // The rate limits would otherwise cap the benchmark itself.
    PERSONALIZE_CONFIG: JSON.stringify({
      storage: 'redis',
      redis,
      rateLimit: { anonymous: { points: 0 } },
      events: { rateLimit: { perVisitor: 0, perIp: 0 } },
    }),
    ...env,
  });
  return { label, instance, dir };
};

/** A standalone redis-server of this run's (flags as the cluster's nodes, cluster mode off); `stop` kills it. */
const startOwnRedis = async (port: number) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pz-bench-redis-${port}-`));
  const child = spawn(
    process.env.REDIS_SERVER ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
    { stdio: 'ignore' }
  );
  child.on('error', () => undefined);
  const stop = () => {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; ; attempt += 1) {
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused until the server listens: the loop tries again
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') break;
    } catch {
      if (attempt > 50 || child.exitCode !== null) {
        stop();
        throw new Error(`redis-server on ${port} did not start`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      probe.disconnect();
    }
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
};

const combine = (name: string, results: autocannon.Result[]): Measured => ({ name, ...combineRuns(results) });

/** (a)'s request on one instance: the demo article, the visitor's profile (consented, stored), a read-only token. */
const resolveOptions = async ({ label, instance }: Instance): Promise<autocannon.Options> => {
  const found = await fetch(`${instance.url}/api/articles?filters[slug][$eq]=plan-your-next-trip&fields[0]=title`);
  const documentId = ((await found.json()) as { data: { documentId: string }[] }).data[0]?.documentId;
  if (!documentId) throw new Error(`${label}: the demo article is missing`);
  const now = Date.now();
  const consented = await fetch(`${instance.url}/api/personalize/events`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': MOBILE_UA },
    body: JSON.stringify({
      visitorId: PROFILED_VISITOR,
      batchId: `bench-batch-${now}`,
      sentAt: now,
      consent: { events: true, profiling: true },
      events: [0, 1, 2].map((index) => ({ id: `bench-event-${now}-${index}`, ts: now - index * 1000, type: 'page', tags: ['travel'] })),
    }),
  });
  if (consented.status !== 202) throw new Error(`${label}: the bench visitor's events answered ${consented.status}`);
  const headers = {
    'content-type': 'application/json',
    authorization: `Bearer ${await instance.createApiToken('read-only')}`,
    'user-agent': MOBILE_UA,
  };
  const body = JSON.stringify({ uid: 'api::article.article', documentId, populate: ['author', 'seo'], signals: SIGNALS, visitorId: PROFILED_VISITOR });
  const probe = await fetch(`${instance.url}/api/personalize/resolve`, { method: 'POST', headers, body });
  const meta = ((await probe.json()) as { meta?: { personalize?: { variant?: string; reason?: { rule: string }[] } } }).meta?.personalize;
  if (meta?.variant !== 'v_quick_exit') throw new Error(`${label}: the resolve does not hit the variant: ${JSON.stringify(meta)}`);
  if (meta.reason?.some(({ rule }) => rule === 'profile-unavailable')) throw new Error(`${label}: the profile could not be read`);
  return { url: instance.url, connections: CONNECTIONS, requests: [{ method: 'POST', path: '/api/personalize/resolve', headers, body }] };
};

/** (b)'s request on one instance, checked once: a batch of 10 accepted. */
const eventsOptions = async ({ label, instance }: Instance): Promise<autocannon.Options> => {
  const probe = await fetch(`${instance.url}/api/personalize/events`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': MOBILE_UA },
    body: batchBody(),
  });
  const probeBody = (await probe.json()) as { accepted?: number };
  if (probe.status !== 202 || probeBody.accepted !== BATCH_SIZE)
    throw new Error(`${label}: events probe answered ${probe.status} ${JSON.stringify(probeBody)}`);
  return {
    url: instance.url,
    connections: CONNECTIONS,
    requests: [
      {
        method: 'POST',
        path: '/api/personalize/events',
        headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': MOBILE_UA },
        setupRequest: (request) => ({ ...request, body: batchBody() }),
      },
    ],
  };
};

const main = async () => {
  const loadBefore = os.loadavg();
  console.log(
    `connections ${CONNECTIONS}, ${ROUNDS} rounds of ${ROUND_SEC}s per scenario after ${WARMUP_SEC}s warmup, ${os.cpus().length} CPUs, load ${loadBefore.map((value) => value.toFixed(2)).join(' ')}`
  );
  const prefix = `pz-bench-cl-${randomUUID().slice(0, 8)}:`;
  let cluster: RedisCluster | undefined;
  let own: { url: string; stop: () => void } | undefined;
  const instances: Instance[] = [];
  try {
    // The own primary first: the cluster's nodes then take a block of ports without it.
    own = await startOwnRedis(OWN_PORT);
    cluster = await startRedisCluster({ basePort: CLUSTER_BASE_PORT });
    console.log(`cluster: 3 masters + 3 replicas on ports ${cluster.nodes.map(({ port }) => port).join(', ')}; own primary on ${OWN_PORT}`);
    const nodes = cluster.seeds;
    instances.push(await startInstance('single', { url: REDIS_URL, keyPrefix: prefix }));
    instances.push(await startInstance('own', { url: own.url, keyPrefix: prefix }));
    instances.push(await startInstance('cluster', { cluster: { nodes }, keyPrefix: prefix }));
    instances.push(await startInstance('replica', { cluster: { nodes }, keyPrefix: prefix, durability: 'replica' }));
    const [single, ownSingle, onCluster, replica] = instances;

    const scenarios: { name: string; options: autocannon.Options }[] = [
      { name: '(a) resolve, warm, profile: single 6379', options: await resolveOptions(single) },
      { name: `(a) resolve, warm, profile: own single ${OWN_PORT}`, options: await resolveOptions(ownSingle) },
      { name: '(a) resolve, warm, profile: cluster', options: await resolveOptions(onCluster) },
      { name: `(b) POST /events ×${BATCH_SIZE}: single 6379`, options: await eventsOptions(single) },
      { name: `(b) POST /events ×${BATCH_SIZE}: own single ${OWN_PORT}`, options: await eventsOptions(ownSingle) },
      { name: `(b) POST /events ×${BATCH_SIZE}: cluster`, options: await eventsOptions(onCluster) },
      { name: `(b) POST /events ×${BATCH_SIZE}: cluster, durability replica`, options: await eventsOptions(replica) },
    ];
    for (const { options } of scenarios) await autocannonRun({ ...options, duration: WARMUP_SEC });
    const rounds = scenarios.map((): autocannon.Result[] => []);
    for (let round = 0; round < ROUNDS; round += 1) {
      // Each round in another order, so no scenario always follows the same one.
      const order = scenarios.map((_, index) => index);
      if (round % 2 === 1) order.reverse();
      for (const index of order) rounds[index].push(await autocannonRun({ ...scenarios[index].options, duration: ROUND_SEC }));
      console.log(`  round ${round + 1}/${ROUNDS} done, load ${os.loadavg()[0].toFixed(2)}`);
    }
    const measured = scenarios.map(({ name }, index) => combine(name, rounds[index]));

    console.log('\n| scenario | req/s | p50 ms | p99 ms | errors | non-2xx |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const result of measured) {
      console.log(`| ${result.name} | ${result.rps.toFixed(0)} | ${result.p50} | ${result.p99} | ${result.errors} | ${result.non2xx} |`);
    }
    const [resolveSingle, resolveOwn, resolveCluster, eventsSingle, eventsOwn, eventsCluster, eventsReplica] = measured;
    const ratio = (over: Measured, under: Measured) => `${(over.rps / under.rps).toFixed(2)}×`;
    console.log(`\n(a) cluster / single 6379: ${ratio(resolveCluster, resolveSingle)}, cluster / own single: ${ratio(resolveCluster, resolveOwn)} (target ≥ 0.8×)`);
    console.log(`(b) cluster / single 6379: ${ratio(eventsCluster, eventsSingle)}, cluster / own single: ${ratio(eventsCluster, eventsOwn)} (target ≥ 0.8×)`);
    console.log(
      `(b) durability replica / none, on the cluster: ${(eventsReplica.rps / eventsCluster.rps).toFixed(2)}× (p99 ${eventsReplica.p99} ms against ${eventsCluster.p99} ms)`
    );
    console.log(`load average at the end: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  } finally {
    for (const { instance, dir } of instances) {
      await instance.stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await cluster?.stop();
    own?.stop();
    await deleteRunKeys(REDIS_URL, prefix);
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
