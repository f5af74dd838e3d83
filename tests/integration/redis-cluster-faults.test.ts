import { randomUUID } from 'node:crypto';

import request from 'supertest';

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
 * A master killed (SIGKILL) in the middle of a load on two Strapi instances, with
 * `durability: 'replica'` (the killed node restarted a few seconds later, as an orchestrator would,
 * and rejoining as a replica): resolve never answers a 5xx, /events answers 202 or 503 with
 * Retry-After (and is retried, as the SDK does), and after the visitors' next resolve and a reconcile the
 * experiment's units and conversions per arm equal the ground truth exactly.
 */

const prefix = `pz-faults-${randomUUID().slice(0, 8)}:`;
const OFFER = { id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off today' } };
const VISITORS = 48;

let pair: ClusterPair;

beforeAll(async () => {
  pair = await startClusterPair(17100, prefix);
}, 240_000);

afterAll(async () => {
  await pair?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a master killed under load', () => {
  it('never answers resolve with a 5xx, and counts exactly the ground truth after retries, resolves and a reconcile', async () => {
    const { cluster, first, second, token } = pair;
    const { documentId } = await createArticle(first.strapi, { title: 'Published title', variants: { variants: [OFFER] } });
    const key = `faults-${randomUUID().slice(0, 6)}`;
    const instances = [first.server, second.url];
    const experimentId = await startFaultExperiment(instances, token, documentId, key);

    const visitors = Array.from({ length: VISITORS }, () => newVisitorId());
    let killed: number | undefined;
    const { truth, answers, faulted } = await runFaultLoad({
      instances,
      documentId,
      key,
      visitors,
      faultAt: Math.floor(VISITORS / 3),
      fault: async () => {
        // The master of a visitor of this load: killed with the writes in flight.
        const port = await visitorMaster(cluster, first.strapi, prefix, visitors[0]);
        killed = port;
        cluster.signal(port, 'SIGKILL');
        // Its replica takes over within a few seconds, with no replica of its own: with durability
        // 'replica' its slots' writes are refused (503) until the killed node is back, as a replica.
        await sleep(6000);
        await cluster.restart(port);
      },
    });
    expect(killed).toBeDefined();
    await faulted;
    await cluster.waitHealthy(30_000);

    // Resolve never failed; events were accepted or refused with Retry-After.
    expectNoFaultAnswers(answers);

    // The visitors' next resolve (an exposure lost with the master is counted again), then a reconcile.
    for (const visitorId of visitors) expect((await resolveFor(first.server, documentId, visitorId)).status).toBe(200);
    await sleep(500);
    const reconciled = await request(first.server).post(`/personalize/experiments/${experimentId}/reconcile`).set('Authorization', `Bearer ${token}`);
    expect(reconciled.status).toBe(200);
    expect(await countedPerArm(first.server, token, experimentId)).toEqual(expectedPerArm(truth));
  });
});
