/**
 * The serving cost of a site-wide holdout, a namespace and a multivariate experiment (`npm run bench -- exclusion`,
 * which builds the plugin first; docs/experiments.md "Holdout", "Namespaces", "Multivariate"; target of issue 24:
 * ≥ 0.8× a warm resolve without them). Two playground instances (built plugin, production mode, SQLite, demo
 * content) in child processes, the same warm `POST /api/personalize/resolve` of the demo article (read-only API
 * token, populate, the signals that hit its mobile variant), for a consented visitor with a profile (warm: sticky
 * in the experiment and the holdout's personalized group):
 *   (without)       instance A (no holdout), no experiment running: the experiments stage is skipped;
 *   (namespace+mvt) instance A, a 2×2 multivariate experiment on the article in a namespace (range [0, 0.9)):
 *                   the bench visitor sticky in it; new visitors bucketed by the namespace, then by each factor;
 *   (holdout)       instance B (`holdout.share` 0.1), no experiment running: the holdout's group on every request
 *                   (the bench visitor in the personalized group, sticky), new visitors hashed and counted;
 *   (all)           instance B, the multivariate experiment in its namespace running too: all three at once;
 *   (…, mixed)      (without) and (all) with one request in ten from a consented visitor never seen before: their
 *                   holdout group, namespace bucket and levels drawn, and their first exposures (the holdout's and
 *                   the experiment's) written and counted after the response. Not the target (a warm resolve), but
 *                   what a stream of new visitors costs.
 * Each scenario is measured in alternating rounds (so drift of the machine falls on all alike) and its ratio to
 * (without) printed. The holdout is B's configuration, so B's rows also carry the two instances' own difference
 * (on a quiet machine within a few per cent; bench/metrics measures it with BENCH_METRICS_CONTROL=1). New visitors
 * come from a pool made at the start; once it is used up, those requests are the bench visitor's (the table says how
 * many new visitors each scenario served).
 */
import os from 'node:os';

import type autocannon from 'autocannon';

import type { StrapiProcess } from '../../tests/helpers/strapi-process';
import { adminCall, ARTICLE_UID, newVisitorId, registerAdmin, sendBatch, until, type AdminSession } from '../helpers/experiments';
import { combineRuns, inParallel, runAutocannon, type RunTotals } from '../helpers/load';
import { demoArticleId, startBenchPlayground } from '../helpers/playground';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const ROUND_SEC = Number(process.env.BENCH_ROUND_SEC ?? 5);
const WARMUP_SEC = 2;
const NEW_VISITOR_EVERY = 10;
const HOLDOUT_SHARE = 0.1;
/** New visitors per instance (consented, never served). */
const FRESH_VISITORS = Number(process.env.BENCH_FRESH_VISITORS ?? 30000);
const EXPERIMENT_KEY = 'bench-mvt';
const MOBILE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const SIGNALS = { behavior: { quickExits: 1 } };
const FACTORS = [
  { key: 'exit', levels: [{ key: 'none', variants: [] }, { key: 'offer', variants: ['v_quick_exit'] }] },
  { key: 'plans', levels: [{ key: 'none', variants: [] }, { key: 'compared', variants: ['v_compared_plans'] }] },
];

interface Instance {
  label: 'A' | 'B';
  strapi: StrapiProcess;
  stop: () => Promise<void>;
  token: string;
  admin: AdminSession;
  articleId: string;
  experimentId: string;
  /** The bench visitor: consented, with a profile, sticky in the experiment (and, on B, in the personalized group). */
  visitorId: string;
  fresh: string[];
  freshUsed: number;
  /** Whether its experiment runs now. */
  running: boolean;
}

type ExperimentMeta = { arm?: string; reason: string; levels?: Record<string, string> };

const start = async (label: Instance['label'], config: object): Promise<Instance> => {
  const playground = await startBenchPlayground(`exclusion-${label}`, config);
  const strapi = playground.instance;
  const articleId = await demoArticleId(strapi);
  const token = await strapi.createApiToken('read-only');
  const admin = await registerAdmin(strapi);
  const created = await adminCall<{ data: { documentId: string; arms: { key: string }[] } }>(admin, 'POST', '/personalize/experiments', {
    key: EXPERIMENT_KEY,
    name: 'Bench: multivariate in a namespace',
    mode: 'multivariate',
    target: { uid: ARTICLE_UID, documentId: articleId },
    factors: FACTORS,
    goal: { event: 'signup', kind: 'conversion', windowHours: 72 },
    namespace: { key: 'bench', range: [0, 0.9] },
  });
  if (created.data.arms.length !== 4) throw new Error(`expected 4 cells, got ${JSON.stringify(created.data.arms)}`);
  return { label, strapi, stop: playground.stop, token, admin, articleId, experimentId: created.data.documentId, visitorId: '', fresh: [], freshUsed: 0, running: false };
};

const resolveBody = (instance: Instance, visitorId: string) =>
  JSON.stringify({ uid: ARTICLE_UID, documentId: instance.articleId, populate: ['author', 'seo'], signals: SIGNALS, visitorId });

const resolveMeta = async (instance: Instance, visitorId: string) => {
  const response = await fetch(`${instance.strapi.url}/api/personalize/resolve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${instance.token}`, 'user-agent': MOBILE_UA },
    body: resolveBody(instance, visitorId),
  });
  if (response.status !== 200) throw new Error(`resolve answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { meta: { personalize: { reason: { rule: string }[]; experiments?: Record<string, ExperimentMeta> } } };
  return body.meta.personalize;
};

/** Starts or pauses the instance's experiment, unless it already is so. */
const lifecycle = async (instance: Instance, route: 'start' | 'pause') => {
  if ((route === 'start') === instance.running) return;
  await adminCall(instance.admin, 'POST', `/personalize/experiments/${instance.experimentId}/${route}`);
  instance.running = route === 'start';
};

/** A consented visitor in the experiment (inside the namespace range) and, on B, outside the holdout; sticky in both. */
const benchVisitor = async (instance: Instance) => {
  await lifecycle(instance, 'start');
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const visitorId = newVisitorId(`visitor-${instance.label}`);
    await sendBatch(instance.strapi.url, visitorId, [], MOBILE_UA);
    const meta = await resolveMeta(instance, visitorId);
    if (meta.reason.some((entry) => entry.rule === 'holdout') || meta.experiments?.[EXPERIMENT_KEY]?.arm === undefined) continue;
    await until(`${instance.label}'s bench visitor's exposure`, async () => (await resolveMeta(instance, visitorId)).experiments?.[EXPERIMENT_KEY]?.reason === 'sticky');
    return visitorId;
  }
  throw new Error('no visitor fell in the experiment in 50 tries');
};

const main = async () => {
  console.log(
    `connections ${CONNECTIONS}, ${ROUNDS} rounds of ${ROUND_SEC}s per scenario after ${WARMUP_SEC}s warmup, ${os.cpus().length} CPUs, load ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`
  );
  const instances: Instance[] = [];
  try {
    instances.push(await start('A', {}));
    instances.push(await start('B', { holdout: { share: HOLDOUT_SHARE, goals: [{ event: 'signup', kind: 'conversion', windowHours: 72 }] } }));
    const [a, b] = instances;
    for (const instance of instances) {
      instance.visitorId = await benchVisitor(instance);
      instance.fresh = Array.from({ length: FRESH_VISITORS }, () => newVisitorId(`new-${instance.label}`));
      await inParallel(instance.fresh, 32, (id) => sendBatch(instance.strapi.url, id, [], MOBILE_UA));
    }

    const requests = (instance: Instance, mixed: boolean): autocannon.Request[] => {
      let sent = 0;
      return [
        {
          method: 'POST',
          path: '/api/personalize/resolve',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${instance.token}`, 'user-agent': MOBILE_UA },
          setupRequest: (request: autocannon.Request) => {
            sent += 1;
            let id = instance.visitorId;
            if (mixed && sent % NEW_VISITOR_EVERY === 0 && instance.freshUsed < instance.fresh.length) id = instance.fresh[instance.freshUsed++];
            return { ...request, body: resolveBody(instance, id) };
          },
        },
      ];
    };
    // Warm: the bench visitor alone (sticky everywhere). Mixed: one request in ten from a new visitor.
    const scenarios = {
      without: { instance: a, running: false, mixed: false },
      'namespace+mvt': { instance: a, running: true, mixed: false },
      holdout: { instance: b, running: false, mixed: false },
      all: { instance: b, running: true, mixed: false },
      'without, mixed': { instance: a, running: false, mixed: true },
      'all, mixed': { instance: b, running: true, mixed: true },
    } as const;
    type Scenario = keyof typeof scenarios;
    const rounds = Object.fromEntries(Object.keys(scenarios).map((name) => [name, [] as autocannon.Result[]])) as Record<Scenario, autocannon.Result[]>;
    const served: Record<Scenario, number> = Object.fromEntries(Object.keys(scenarios).map((name) => [name, 0])) as Record<Scenario, number>;
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [name, { instance, running, mixed }] of Object.entries(scenarios) as [Scenario, (typeof scenarios)[Scenario]][]) {
        await lifecycle(instance, running ? 'start' : 'pause');
        const meta = await resolveMeta(instance, instance.visitorId);
        const inExperiment = meta.experiments?.[EXPERIMENT_KEY]?.reason === 'sticky';
        if (inExperiment !== running) throw new Error(`(${name}): the visitor ${running ? 'is not' : 'still is'} in the experiment: ${JSON.stringify(meta)}`);
        const options = { url: instance.strapi.url, connections: CONNECTIONS, requests: requests(instance, mixed) };
        await runAutocannon({ ...options, duration: WARMUP_SEC });
        const before = instance.freshUsed;
        rounds[name].push(await runAutocannon({ ...options, duration: ROUND_SEC }));
        served[name] += instance.freshUsed - before;
      }
      console.log(`  round ${round + 1}: load ${os.loadavg()[0].toFixed(2)}`);
    }
    const measured = Object.fromEntries(Object.entries(rounds).map(([name, results]) => [name, combineRuns(results)])) as Record<Scenario, RunTotals>;
    console.log('\n| scenario | instance | req/s | p50 ms | p99 ms | ratio to (without) | new visitors | errors | non-2xx |');
    console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [name, result] of Object.entries(measured) as [Scenario, RunTotals][]) {
      const baseline = scenarios[name].mixed ? measured['without, mixed'] : measured.without;
      console.log(
        `| ${name} | ${scenarios[name].instance.label} | ${result.rps.toFixed(0)} | ${result.p50} | ${result.p99} | ${(result.rps / baseline.rps).toFixed(2)}× | ${served[name]} | ${result.errors} | ${result.non2xx} |`
      );
    }
    console.log(`\nload ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
    console.log('Target (issue 24): a warm resolve under them, (namespace+mvt), (holdout) and (all), ≥ 0.8× (without). The mixed rows');
    console.log("compare with (without, mixed): a new visitor's first exposures are written (counted) there and not in (without).");
  } finally {
    for (const instance of instances) await instance.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
