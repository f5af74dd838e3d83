/**
 * Contextual serving benchmark (`npm run bench -- contextual-serving`, which builds the plugin first): boots the
 * playground (built plugin, production mode, SQLite, demo content) in a child process and measures with
 * autocannon a warm `POST /api/personalize/resolve` of the demo article for a consented visitor with a profile,
 * read-only API token, in alternating rounds on the same instance:
 *   (without) the article's contextual experiment paused: no experiment runs, the experiments stage is skipped;
 *   (sticky)  the experiment running, the visitor already exposed: the stage on every request (sticky arm, the
 *             frozen-leaf check, the arm's rule set);
 *   (mixed)   (sticky) with one request in ten from a consented visitor not yet exposed: their leaf routed by the
 *             model, their cell computed, their exposure (with cell, leaf, version and propensity) counted after
 *             the response.
 * The experiment (docs/experiments.md, "Contextual bandits") splits on context.device and profile.visits, and is
 * refitted on seeded traffic first (mobile first visits convert on the variant, everyone else on the control), so
 * its model has several leaves. Target (issue 22): (sticky) and (mixed) ≥ 0.8× (without).
 */
import os from 'node:os';

import type autocannon from 'autocannon';

import { adminCall, ARTICLE_UID, newVisitorId, registerAdmin, sendBatch, trackEvent, until } from '../helpers/experiments';
import { combineRuns as combine, inParallel, runAutocannon as run, type RunTotals } from '../helpers/load';
import { demoArticleId, startBenchPlayground } from '../helpers/playground';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const ROUND_SEC = Number(process.env.BENCH_ROUND_SEC ?? 5);
const WARMUP_SEC = 2;
const NEW_VISITOR_EVERY = 10;
const MOBILE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const DESKTOP_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const SIGNALS = { behavior: { quickExits: 1 } };
const ARMS = [
  { key: 'control', weight: 0.5, variants: [] as string[] },
  { key: 'quick-exit', weight: 0.5, variants: ['v_quick_exit'] },
];

type Measured = RunTotals;

const main = async () => {
  console.log(`connections ${CONNECTIONS}, ${ROUNDS} rounds of ${ROUND_SEC}s per scenario after ${WARMUP_SEC}s warmup, ${os.cpus().length} CPUs, load ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  const playground = await startBenchPlayground('contextual');
  const { instance } = playground;
  try {
    const articleId = await demoArticleId(instance);
    const auth = { authorization: `Bearer ${await instance.createApiToken('read-only')}` };
    const admin = await registerAdmin(instance);
    const created = await adminCall<{ data: { documentId: string; key: string } }>(admin, 'POST', '/personalize/experiments', {
      key: 'bench-contextual',
      name: 'Bench: contextual',
      mode: 'contextual',
      traffic: 1,
      target: { uid: ARTICLE_UID, documentId: articleId },
      arms: ARMS,
      goal: { event: 'signup', kind: 'conversion', windowHours: 72 },
      contextual: { attributes: [{ path: 'context.device' }, { path: 'profile.visits' }, { path: 'behavior.quickExits' }], minUnitsPerLeaf: 20 },
      bandit: { burnInMinutes: 0, minUnitsPerArm: 20 },
    });
    const experimentId = created.data.documentId;
    const lifecycle = (route: 'start' | 'pause') => adminCall(admin, 'POST', `/personalize/experiments/${experimentId}/${route}`);
    await lifecycle('start');
    const resolveBody = (visitorId: string) =>
      JSON.stringify({ uid: ARTICLE_UID, documentId: articleId, populate: ['author', 'seo'], signals: SIGNALS, visitorId });
    const resolve = async (visitorId: string, userAgent = MOBILE_UA) => {
      const response = await fetch(`${instance.url}/api/personalize/resolve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth, 'user-agent': userAgent },
        body: resolveBody(visitorId),
      });
      const body = (await response.json()) as { meta?: { personalize?: { experiments?: Record<string, { arm?: string; reason: string; leaf?: string }> } } };
      return body.meta?.personalize?.experiments?.['bench-contextual'];
    };

    // Seeded traffic, then a refit: the model in force has leaves.
    const seed = Array.from({ length: 600 }, (_, index) => ({ id: newVisitorId('seed'), mobile: index % 2 === 0 }));
    await inParallel(seed, 16, async (visitor) => {
      const userAgent = visitor.mobile ? MOBILE_UA : DESKTOP_UA;
      await sendBatch(instance.url, visitor.id, [], userAgent);
      const meta = await resolve(visitor.id, userAgent);
      if (!meta?.arm) throw new Error(`a seed visitor is not in the experiment: ${JSON.stringify(meta)}`);
      (visitor as { arm?: string }).arm = meta.arm;
    });
    await new Promise((done) => setTimeout(done, 1000));
    await inParallel(seed, 16, async (visitor) => {
      const best = visitor.mobile ? 'quick-exit' : 'control';
      if ((visitor as { arm?: string }).arm === best) await sendBatch(instance.url, visitor.id, [trackEvent('signup')], visitor.mobile ? MOBILE_UA : DESKTOP_UA);
    });
    const refit = await adminCall<{ data: { updated: boolean; reason?: string; modelVersion?: string } }>(
      admin,
      'POST',
      `/personalize/experiments/${experimentId}/bandit/update`
    );
    const results = await adminCall<{ data: { contextual: { leaves: { condition: unknown }[] } } }>(
      admin,
      'GET',
      `/personalize/experiments/${experimentId}/results`
    );
    console.log(
      `refit: ${JSON.stringify(refit.data)}; ${results.data.contextual.leaves.length} leaves: ${results.data.contextual.leaves.map((leaf) => JSON.stringify(leaf.condition)).join(' | ')}`
    );

    // The bench visitor: consented with a profile, exposed once (then sticky).
    const visitorId = newVisitorId('visitor');
    await sendBatch(instance.url, visitorId, [], MOBILE_UA);
    await resolve(visitorId);
    await until("the bench visitor's exposure", async () => (await resolve(visitorId))?.reason === 'sticky');
    // The mixed scenario's new visitors: consented, never exposed.
    const fresh = Array.from({ length: 4000 }, () => newVisitorId('new'));
    await inParallel(fresh, 16, (id) => sendBatch(instance.url, id, [], MOBILE_UA));
    let freshUsed = 0;
    let mixedRequests = 0;
    const firstExposures = new Set<string>();

    const request = { method: 'POST' as const, path: '/api/personalize/resolve', headers: { 'content-type': 'application/json', ...auth, 'user-agent': MOBILE_UA } };
    const scenarios = {
      without: [{ ...request, body: resolveBody(visitorId) }],
      sticky: [{ ...request, body: resolveBody(visitorId) }],
      mixed: [
        {
          ...request,
          setupRequest: (sent: autocannon.Request) => {
            mixedRequests += 1;
            let id = visitorId;
            if (mixedRequests % NEW_VISITOR_EVERY === 0 && freshUsed < fresh.length) {
              id = fresh[freshUsed++];
              firstExposures.add(id);
            }
            return { ...sent, body: resolveBody(id) };
          },
        },
      ],
    };
    const rounds: Record<keyof typeof scenarios, autocannon.Result[]> = { without: [], sticky: [], mixed: [] };
    const once = async (name: keyof typeof scenarios) => {
      await run({ url: instance.url, connections: CONNECTIONS, duration: WARMUP_SEC, requests: scenarios[name] });
      rounds[name].push(await run({ url: instance.url, connections: CONNECTIONS, duration: ROUND_SEC, requests: scenarios[name] }));
    };
    for (let round = 0; round < ROUNDS; round += 1) {
      await lifecycle('pause');
      if ((await resolve(visitorId)) !== undefined) throw new Error('(without): the paused experiment still answers');
      await once('without');
      await lifecycle('start');
      if ((await resolve(visitorId))?.reason !== 'sticky') throw new Error('(sticky): the visitor is not sticky');
      await once('sticky');
      await once('mixed');
      console.log(`  round ${round + 1}: load ${os.loadavg()[0].toFixed(2)}`);
    }
    const measured = Object.fromEntries(Object.entries(rounds).map(([name, results]) => [name, combine(results)])) as Record<
      keyof typeof scenarios,
      Measured
    >;
    console.log('\n| scenario | req/s | p50 ms | p99 ms | ratio to (without) | errors | non-2xx |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [name, result] of Object.entries(measured)) {
      console.log(
        `| ${name} | ${result.rps.toFixed(0)} | ${result.p50} | ${result.p99} | ${(result.rps / measured.without.rps).toFixed(2)}× | ${result.errors} | ${result.non2xx} |`
      );
    }
    console.log(
      `\n(mixed): ${firstExposures.size} first exposures in ${mixedRequests} requests (warmups included); load ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`
    );
    console.log('Target: (sticky) and (mixed) ≥ 0.8× (without).');
  } finally {
    await playground.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
