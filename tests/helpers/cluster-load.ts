import type { Core } from '@strapi/strapi';
import request from 'supertest';

import { visitorKeys } from '../../server/src/storage/redis-store';
import type { VisitorsService } from '../../server/src/visitors/service';
import { createAdminSession } from './auth';
import { ARTICLE_UID } from './content';
import { batchOf, CONSENT_ALL, newId } from './events';
import { resolveFor, trackEvent } from './experiments';
import { grantPublic } from './permissions';
import { startRedisCluster, type RedisCluster } from './redis-cluster';
import { setupStrapi, type TestStrapi } from './strapi';
import { startStrapiProcess, type StrapiProcess } from './strapi-process';

/**
 * The load the Redis Cluster fault tests drive over HTTP on two Strapi instances while a node fails
 * (tests/integration/redis-cluster-failover.test.ts): each visitor sends
 * a consent batch, is resolved until assigned (an exposure), and a third of them convert through the
 * other instance once their arm is sticky. Every answer is recorded, /events batches are sent again
 * (same batchId) while they answer 503, as the SDK does, and the test keeps the ground truth.
 */

type Target = Parameters<typeof request>[0];

export interface Answer {
  route: 'events' | 'resolve';
  status: number;
  retryAfter?: string;
}

export interface Unit {
  arm: string;
  converted: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ClusterPair {
  cluster: RedisCluster;
  /** This process's Strapi, and a second one in a child process, on the same database and cluster. */
  first: TestStrapi;
  second: StrapiProcess;
  /** An admin session's token (valid on both). */
  token: string;
  stop(): Promise<void>;
}

/**
 * A local 3+3 cluster from `basePort` and two Strapi instances on it with `durability: 'replica'`
 * and the key prefix `prefix`; the articles are public.
 */
export const startClusterPair = async (basePort: number, prefix: string): Promise<ClusterPair> => {
  const cluster = await startRedisCluster({ basePort });
  const config = JSON.stringify({ redis: { cluster: { nodes: cluster.seeds }, keyPrefix: prefix, durability: 'replica' } });
  let first: TestStrapi | undefined;
  let second: StrapiProcess | undefined;
  const stop = async () => {
    await second?.stop();
    await first?.destroy();
    await cluster.stop();
  };
  try {
    first = await setupStrapi({ env: { REDIS_URL: undefined, PERSONALIZE_CONFIG: config } });
    await grantPublic(first.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
    const token = (await createAdminSession(first.strapi)).token;
    second = await startStrapiProcess({ DATABASE_FILENAME: process.env.DATABASE_FILENAME!, REDIS_URL: '', PERSONALIZE_CONFIG: config });
    return { cluster, first, second, token, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** The port of the master that holds a visitor's keys now. */
export const visitorMaster = (cluster: RedisCluster, strapi: Core.Strapi, prefix: string, visitorId: string) =>
  cluster.masterOf(visitorKeys(prefix, (strapi.plugin('personalize').service('visitors') as VisitorsService).hash(visitorId)).profile);

/** Creates and starts a 50/50 A/B test of the entry's `v_offer` variant, and waits until every instance runs it. */
export const startFaultExperiment = async (instances: Target[], adminToken: string, documentId: string, key: string) => {
  const admin = (path: string, body?: object) => request(instances[0]).post(path).set('Authorization', `Bearer ${adminToken}`).send(body);
  const created = await admin('/personalize/experiments', {
    key,
    name: `Faults ${key}`,
    target: { uid: ARTICLE_UID, documentId },
    arms: [
      { key: 'control', weight: 0.5, variants: [] },
      { key: 'offer', weight: 0.5, variants: ['v_offer'] },
    ],
    traffic: 1,
    goal: { event: 'checkout', kind: 'conversion', windowHours: 24 },
  });
  if (created.status !== 201) throw new Error(`experiment create answered ${created.status}: ${JSON.stringify(created.body)}`);
  const experimentId = created.body.data.documentId as string;
  const started = await admin(`/personalize/experiments/${experimentId}/start`);
  if (started.status !== 200) throw new Error(`experiment start answered ${started.status}`);
  for (const server of instances) {
    for (let attempt = 0; !(await resolveFor(server, documentId, `probe-${newId()}`)).body.meta?.personalize?.experiments?.[key]; attempt += 1) {
      if (attempt > 100) throw new Error('the experiment never ran');
      await sleep(50);
    }
  }
  return experimentId;
};

/**
 * Runs the load for `visitors` in four lanes over `instances`; when the load reaches the visitor at
 * `faultAt`, `fault()` is called once (not awaited by the load: the load goes on while it runs).
 * Resolves with the ground truth per visitor, every answer, and the fault's own promise.
 */
export const runFaultLoad = async ({
  instances,
  documentId,
  key,
  visitors,
  faultAt,
  fault,
}: {
  instances: Target[];
  documentId: string;
  key: string;
  visitors: string[];
  faultAt: number;
  fault: () => Promise<unknown>;
}) => {
  const answers: Answer[] = [];
  const truth = new Map<string, Unit>();
  let faulted: Promise<unknown> | undefined;

  /** An events batch, sent again (same batchId) while it answers 503, as the SDK does. */
  const sendBatch = async (server: Target, batch: object) => {
    for (let attempt = 0; attempt < 400; attempt += 1) {
      const response = await request(server).post('/api/personalize/events').send(batch);
      answers.push({ route: 'events', status: response.status, retryAfter: response.headers['retry-after'] });
      if (response.status === 202) return;
      await sleep(100);
    }
    throw new Error('a batch was never accepted');
  };
  /** The visitor's experiment meta when it gives an arm (a store that cannot read the consent gives none). */
  const resolve = async (server: Target, visitorId: string) => {
    const response = await resolveFor(server, documentId, visitorId);
    answers.push({ route: 'resolve', status: response.status });
    return response.body.meta?.personalize?.experiments?.[key] as { arm?: string; reason?: string } | undefined;
  };

  await Promise.all(
    [0, 1, 2, 3].map(async (lane) => {
      for (let index = lane; index < visitors.length; index += 4) {
        if (index >= faultAt && !faulted) {
          faulted = fault();
          faulted.catch(() => undefined); // awaited by the caller
        }
        const visitorId = visitors[index];
        const here = instances[index % instances.length];
        const there = instances[(index + 1) % instances.length];
        await sendBatch(here, batchOf(visitorId, [{ id: newId(), ts: Date.now(), type: 'page', path: '/' }], { consent: CONSENT_ALL }));
        let arm: string | undefined;
        for (let attempt = 0; !arm && attempt < 400; attempt += 1) {
          arm = (await resolve(here, visitorId))?.arm;
          if (!arm) await sleep(100);
        }
        if (!arm) throw new Error('a visitor was never assigned');
        const converted = index % 3 === 0;
        truth.set(visitorId, { arm, converted });
        // Convert once the exposure is stored (sticky), as a visitor who saw the variant would.
        if (converted) {
          for (let attempt = 0; (await resolve(there, visitorId))?.reason !== 'sticky'; attempt += 1) {
            if (attempt > 400) throw new Error('an exposure was never stored');
            await sleep(100);
          }
          await sendBatch(there, { visitorId, batchId: newId(), sentAt: Date.now(), events: [trackEvent('checkout')] });
        }
      }
    })
  );
  return { truth, answers, faulted: faulted ?? Promise.resolve() };
};

/** No resolve answered a 5xx; every /events answer was a 202, or a 503 with Retry-After. */
export const expectNoFaultAnswers = (answers: readonly Answer[]) => {
  expect(answers.filter(({ route, status }) => route === 'resolve' && status >= 500)).toEqual([]);
  expect(answers.filter(({ route, status, retryAfter }) => route === 'events' && status !== 202 && !(status === 503 && retryAfter))).toEqual([]);
};

/** Units and conversions per arm (control, offer) of the ground truth. */
export const expectedPerArm = (truth: ReadonlyMap<string, Unit>) => {
  const units = [...truth.values()];
  return {
    units: ['control', 'offer'].map((arm) => units.filter((unit) => unit.arm === arm).length),
    conversions: ['control', 'offer'].map((arm) => units.filter((unit) => unit.arm === arm && unit.converted).length),
  };
};

/** Units and conversions per arm as the results route reports them. */
export const countedPerArm = async (server: Target, adminToken: string, experimentId: string) => {
  const response = await request(server).get(`/personalize/experiments/${experimentId}/results`).set('Authorization', `Bearer ${adminToken}`);
  if (response.status !== 200) throw new Error(`results answered ${response.status}`);
  const data = response.body.data as { arms: { units: number }[]; goals: { arms: { conversions: number }[] }[] };
  return { units: data.arms.map((arm) => arm.units), conversions: data.goals[0].arms.map((arm) => arm.conversions) };
};
