import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { expectOneEntryPerUpdate, raceBanditUpdates, readBandit, startExposedBandit } from '../helpers/bandit-race';
import {
  countedPerArm,
  expectedPerArm,
  expectNoFaultAnswers,
  runFaultLoad,
  startClusterPair,
  startFaultExperiment,
  visitorMaster,
  type ClusterPair,
} from '../helpers/cluster-load';
import { createArticle } from '../helpers/content';
import { newVisitorId } from '../helpers/events';
import { resolveFor } from '../helpers/experiments';

/**
 * Redis Cluster failovers under a load on two Strapi instances with `durability: 'replica'`
 * (docs/events.md, "Failures of a Redis Cluster"): a master killed (SIGKILL, restarted 6 s later as
 * an orchestrator would: it rejoins as a replica, without which 'replica' refuses that shard's
 * writes), a master paused (SIGSTOP 5 s, so its replica is promoted while the paused master still
 * holds writes it will run when it wakes, then lose), a failover by hand (`CLUSTER FAILOVER`), and
 * the bandit's lock master killed during updates.
 * Resolve never answers a 5xx, /events answers 202 or 503 with Retry-After (retried as the SDK
 * does), and the counts equal the ground truth once the visitors are resolved again, before any
 * reconcile (nothing acknowledged was lost), and after one (which finds nothing to repair).
 * Each bandit weights version is written once.
 */

const prefix = `pz-failover-${randomUUID().slice(0, 8)}:`;
const OFFER = { id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off today' } };
const VISITORS = 36;

let pair: ClusterPair;

beforeAll(async () => {
  pair = await startClusterPair(17300, prefix);
}, 240_000);

afterAll(async () => {
  await pair?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The load with `fault` a third of the way in, then every check of a fault test. */
const loadThrough = async (name: string, fault: (visitors: string[]) => Promise<unknown>) => {
  const { cluster, first, second, token } = pair;
  const { documentId } = await createArticle(first.strapi, { title: 'Published title', variants: { variants: [OFFER] } });
  const key = `${name}-${randomUUID().slice(0, 6)}`;
  const instances = [first.server, second.url];
  const experimentId = await startFaultExperiment(instances, token, documentId, key);
  const visitors = Array.from({ length: VISITORS }, () => newVisitorId());
  const { truth, answers, faulted } = await runFaultLoad({
    instances,
    documentId,
    key,
    visitors,
    faultAt: Math.floor(VISITORS / 3),
    fault: () => fault(visitors),
  });
  await faulted;
  await cluster.waitHealthy(30_000);
  expectNoFaultAnswers(answers);

  // The visitors' next resolve: an exposure whose write no replica took is counted now.
  for (const visitorId of visitors) expect((await resolveFor(first.server, documentId, visitorId)).status).toBe(200);
  await sleep(500);
  const expected = expectedPerArm(truth);
  // Before any reconcile: with durability 'replica' no acknowledged batch was lost.
  expect(await countedPerArm(first.server, token, experimentId)).toEqual(expected);
  const reconciled = await request(first.server).post(`/personalize/experiments/${experimentId}/reconcile`).set('Authorization', `Bearer ${token}`);
  expect(reconciled.status).toBe(200);
  // Counters and their per-unit facts are written by one script: nothing to repair.
  expect(reconciled.body.data.repaired).toEqual([]);
  expect(await countedPerArm(first.server, token, experimentId)).toEqual(expected);
  return answers;
};

describe('Redis Cluster failovers under load', () => {
  it('a master killed (SIGKILL) mid-load: no 5xx on resolve, and exact counts before and after a reconcile', async () => {
    const { cluster, first } = pair;
    let killed: number | undefined;
    await loadThrough('killed', async (visitors) => {
      // The master of a visitor of this load, killed with the writes in flight; its replica takes
      // over within a few seconds, with no replica of its own until the killed node is back.
      const port = await visitorMaster(cluster, first.strapi, prefix, visitors[0]);
      killed = port;
      cluster.signal(port, 'SIGKILL');
      await sleep(6000);
      await cluster.restart(port);
    });
    expect(killed).toBeDefined();
    expect(await cluster.masterPorts()).not.toContain(killed);
  });

  it('a master paused 5 s (SIGSTOP) and failed over: no 5xx on resolve, and exact counts before and after a reconcile', async () => {
    const { cluster, first } = pair;
    let paused: number | undefined;
    const answers = await loadThrough('paused', async (visitors) => {
      const port = await visitorMaster(cluster, first.strapi, prefix, visitors[0]);
      paused = port;
      cluster.signal(port, 'SIGSTOP');
      await sleep(5000);
      // Its replica is elected meanwhile (cluster-node-timeout 2 s); woken, it runs what queued up
      // on its sockets as a master, then learns it was replaced and drops it.
      cluster.signal(port, 'SIGCONT');
    });
    // It was failed over: a replica now.
    expect(paused).toBeDefined();
    expect(await cluster.masterPorts()).not.toContain(paused);
    // The pause reached the load: batches of its slots were refused (503) until the failover.
    expect(answers.filter(({ route, status }) => route === 'events' && status === 503).length).toBeGreaterThan(0);
  });

  it('a failover by hand (CLUSTER FAILOVER): no 5xx on resolve, and exact counts before and after a reconcile', async () => {
    const { cluster, first } = pair;
    let moved: { visitorId: string; from: number; to: number } | undefined;
    await loadThrough('manual', async (visitors) => {
      const from = await visitorMaster(cluster, first.strapi, prefix, visitors[0]);
      const to = await cluster.replicaOf(from);
      await cluster.failover(to);
      moved = { visitorId: visitors[0], from, to };
    });
    // The replica serves the visitor's slots now, and its former master is its replica.
    expect(moved).toBeDefined();
    expect(await visitorMaster(cluster, first.strapi, prefix, moved!.visitorId)).toBe(moved!.to);
    expect(await cluster.replicaOf(moved!.to)).toBe(moved!.from);
  });

  it("writes each bandit weights version once while the lock key's master is killed during updates", async () => {
    const { cluster, first, second, token } = pair;
    const { documentId } = await createArticle(first.strapi, { title: 'Published title', variants: { variants: [OFFER] } });
    const key = `lock-${randomUUID().slice(0, 6)}`;
    const instances = [first.server, second.url];
    const experimentId = await startExposedBandit(instances, token, documentId, key);
    const before = await readBandit(first.strapi, experimentId);

    const lockMaster = await cluster.masterOf(`${prefix}lock:bandit:{${key}}`);
    let racing = true;
    const race = (async () => {
      const totals = { updated: 0, answers: [] as Awaited<ReturnType<typeof raceBanditUpdates>>['answers'] };
      while (racing) {
        const { updated, answers } = await raceBanditUpdates(instances, token, experimentId, { rounds: 1, perTarget: 1, pauseMs: 50 });
        totals.updated += updated;
        totals.answers.push(...answers);
      }
      return totals;
    })();
    await sleep(1500);
    cluster.signal(lockMaster, 'SIGKILL');
    await sleep(6000);
    await cluster.restart(lockMaster);
    await cluster.waitHealthy(30_000);
    await sleep(1500);
    racing = false;
    const { updated, answers } = await race;

    // Every answer an update or a skip, or a 503 with Retry-After while the counts were unreachable.
    expect(answers.filter(({ status, retryAfter }) => status !== 200 && !(status === 503 && retryAfter))).toEqual([]);
    expect(updated).toBeGreaterThan(0);
    const after = await readBandit(first.strapi, experimentId);
    expectOneEntryPerUpdate(before, after, updated);
  });
});
